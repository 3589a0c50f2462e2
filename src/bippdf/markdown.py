"""Markdown to tokens and tokens to HTML: mistune 3 with the bulletin's plugins.

Parsing and rendering are two steps so that the issue can be numbered in
between: notes are scoped to their article but numbered across the issue, and
headings get ids unique across the issue (see ``compose``).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import escape, unescape
from re import Match
from typing import TYPE_CHECKING, Any

import mistune
from mistune.block_parser import BlockParser
from mistune.core import BlockState
from mistune.plugins import table as table_plugin
from mistune.plugins.table import table
from mistune.plugins.url import url
from mistune.util import unikey

from .contract import SOURCE_ATTRIBUTE, note_id

if TYPE_CHECKING:
    from mistune.core import InlineState
    from mistune.inline_parser import InlineParser

Token = dict[str, Any]
DECORATIVE = "décoratif"  # the alternative text of an image that only decorates

# A block's element, up to the end of its opening tag.
_OPENING_TAG = re.compile(r"^\s*<[a-z][a-z0-9]*[^>]*?(?=\s*/?>)")
_NOTE_LABEL = r"(?:[^\\\[\]\s]|\\.){1,100}"
_NOTE_CALL = r"\[\^(?P<note_key>" + _NOTE_LABEL + r")\]"
_NOTE_DEFINITION = (
    r"^(?P<note_lead> {0,3})\[\^(?P<note_key>" + _NOTE_LABEL + r")\]:[ \t]*"
    r"(?P<note_text>[^\n]*(?:\n+|$)(?:(?P=note_lead) {1,4}(?! )[^\n]*\n+)*)"
)


# ``[words]{lang=en}``: words in another language than the (a BCP 47 tag), said
# with that language's rules by a screen reader and hyphenated by them. Bounded, so that
# a stray bracket costs no more than the text it could hold.
_LANGUAGE_SPAN = (
    r"\[(?P<lang_text>(?:[^\\\[\]]|\\.){1,1000})\]"
    r"\{lang=(?P<lang_tag>[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,3})\}"
)


@dataclass
class NoteDefinition:
    """The text of one note as written in its article, and where."""

    key: str
    text: str
    line: int
    label: str
    tokens: list[Token] = field(default_factory=list)  # the text, parsed


@dataclass
class ParsedArticle:
    """An article's body as mistune tokens, with the notes it defines."""

    tokens: list[Token]
    definitions: dict[str, list[NoteDefinition]] = field(default_factory=dict)
    warnings: list[Any] = field(default_factory=list)  # what compose warns of (SourceError)


def parse_note_call(inline: InlineParser, m: Match[str], state: InlineState) -> int:
    """``[^label]``: a call of the note ``label`` of this article."""
    label = m.group("note_key")
    state.append_token({"type": "note_ref", "raw": unikey(label), "label": label})
    return m.end()


def parse_language_span(inline: InlineParser, m: Match[str], state: InlineState) -> int | None:
    """``[words]{lang=en}``: words in another language, marked up as such."""
    if state.depth >= inline.max_nested_level:
        return None
    inner = state.copy()
    inner.src = m.group("lang_text")
    children = inline.render(inner)
    state.append_token(
        {"type": "language_span", "children": children, "attrs": {"lang": m.group("lang_tag")}}
    )
    return m.end()


def render_language_span(renderer: Any, text: str, lang: str) -> str:
    """The words in their own language: ``lang`` reaches the PDF's tags as /Lang."""
    return f'<span lang="{_attr(lang)}">{text}</span>'


def languages(md: mistune.Markdown) -> None:
    """The ``[words]{lang=xx}`` syntax, read before links (whose brackets it shares)."""
    md.inline.register("language_span", _LANGUAGE_SPAN, parse_language_span, before="link")


def parse_note_definition(block: BlockParser, m: Match[str], state: BlockState) -> int:
    """``[^label]: text``: the note's text, kept aside until the Annexe is written."""
    key = unikey(m.group("note_key"))
    line = state.src.count("\n", 0, m.start()) + 1
    definitions = state.env.setdefault("note_definitions", {})
    definition = NoteDefinition(key, _dedent(m.group("note_text")), line, m.group("note_key"))
    definitions.setdefault(key, []).append(definition)
    return m.end()


def _dedent(text: str) -> str:
    """A note's continuation lines without their indentation."""
    return "\n".join(line.strip() for line in text.strip().splitlines())


def render_note_ref(
    renderer: Any, key: str, number: int, call_id: str | None = None, footnote: str | None = None
) -> str:
    """A numbered note call linking to its note (numbered by ``compose``); with the
    note's text when notes go to the foot of the page (CSS ``float: footnote``)."""
    id_attr = f' id="{call_id}"' if call_id else ""
    call = (
        f'<sup class="note-call"><a{id_attr} href="#{note_id(number)}" role="doc-noteref">'
        f"{number}</a></sup>"
    )
    if footnote is None:
        return call
    return (
        f'{call}<span class="footnote" id="{note_id(number)}" role="doc-footnote">'
        f'<a class="note-number" href="#{call_id}" role="doc-backlink">{number}</a> '
        f"{footnote}</span>"
    )


def notes(md: mistune.Markdown) -> None:
    """Scoped notes: ``[^label]`` calls and ``[^label]: text`` definitions.

    Unlike mistune's footnotes plugin, definitions are not rendered in place:
    the issue numbers every call across its articles and collects the notes
    into its Annexe.
    """
    md.inline.register("note_ref", _NOTE_CALL, parse_note_call, before="link")
    md.block.register("note_definition", _NOTE_DEFINITION, parse_note_definition, before="ref_link")


def render_figure(
    renderer: Any,
    text: str = "",
    src: str = "",
    alt: str = "",
    credit: str | None = None,
    ratio: float | None = None,
) -> str:
    """An image standing alone in its paragraph: a figure with its caption (``text``,
    the lines under the image) and its credit (the image's title)."""
    parts = [f'<span class="caption">{text}</span>'] if text else []
    if credit:
        parts.append(f'<span class="credit">{escape(credit)}</span>')
    kind = "" if text else ' class="credit-only"'
    caption = f"<figcaption{kind}>{' '.join(parts)}</figcaption>" if parts else ""
    if ratio is not None:  # decorative: a background, which tagged PDF leaves out
        image = (
            f'<span class="decorative-image" style="background-image: url(\'{_attr(src)}\'); '
            f'padding-top: {100 * ratio:.3f}%"></span>'
        )
        return f'<figure class="figure decorative">{image}{caption}</figure>\n'
    return f'<figure class="figure">{_img(src, alt)}{caption}</figure>\n'


def _img(src: str, alt: str, title: str | None = None) -> str:
    """An image element; a decorative one is hidden from assistive technology."""
    title_attr = f' title="{_attr(title)}"' if title else ""
    if alt.strip().lower() == DECORATIVE:
        return f'<img src="{_attr(src)}" alt="" role="presentation"{title_attr} />'
    return f'<img src="{_attr(src)}" alt="{_attr(alt)}"{title_attr} />'


def _attr(value: str) -> str:
    """A double-quoted attribute value; apostrophes, frequent in French, stay readable."""
    return escape(value, quote=False).replace('"', "&quot;")


def figures(md: mistune.Markdown) -> None:
    """Figures: a paragraph that opens with an image on its own line becomes ``<figure>``;
    the image's title is the credit, the lines under it the caption."""
    md.after_render_hooks.append(_figure_hook)


def _figure_hook(md: mistune.Markdown, result: Any, state: BlockState) -> Any:
    # Runs on the token list (the parser has no renderer), once inline parsing is done.
    return list(_figures(result)) if isinstance(result, list) else result


def _figures(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        found = _lone_image(token)
        if found is not None:
            image, caption = found
            attrs = image["attrs"]
            figure: Token = {
                "type": "figure",
                "line": token.get("line"),
                "attrs": {
                    "src": attrs["url"],
                    "alt": plain_text(image.get("children", [])),
                    "credit": attrs.get("title"),
                },
            }
            if caption:
                figure["children"] = caption
            yield figure
            continue
        if "children" in token and token["type"] not in {"paragraph", "heading", "block_text"}:
            token["children"] = list(_figures(token["children"]))
        yield token


def _lone_image(token: Token) -> tuple[Token, list[Token]] | None:
    """The image a paragraph opens with, alone on its line, and the caption under it."""
    if token["type"] not in {"paragraph", "block_text"}:  # block_text: a tight list item
        return None
    children = token.get("children", [])
    blank = [i for i, c in enumerate(children) if c["type"] == "text" and not c["raw"].strip()]
    children = [c for i, c in enumerate(children) if i not in blank]
    if not children or children[0]["type"] != "image":
        return None
    rest = children[1:]
    if not rest:
        return children[0], []
    if rest[0]["type"] not in {"softbreak", "linebreak"}:
        return None  # an image inside a line of text
    caption = rest[1:]
    while caption and caption[0]["type"] in {"softbreak", "linebreak"}:
        caption = caption[1:]
    return children[0], caption


def captions(md: mistune.Markdown) -> None:
    """Table captions: a paragraph ``Tableau : …`` just before a table is its caption
    (``<caption>``), the word « Tableau » and the colon left out."""
    md.after_render_hooks.append(_caption_hook)


_CAPTION = re.compile(r"^Tableau(?:\s+\d+)?[\s\u00a0\u202f]*:\s*")


def _caption_hook(md: mistune.Markdown, result: Any, state: BlockState) -> Any:
    if isinstance(result, list):
        _captions(result)
        for token in walk(result):
            if token["type"] != "table" and "children" in token:
                _captions(token["children"])
    return result


def _captions(tokens: list[Token]) -> None:
    """Each caption paragraph moved into the table after it."""
    at = 0
    while at + 1 < len(tokens):
        after = at + 1
        while after + 1 < len(tokens) and tokens[after]["type"] == "blank_line":
            after += 1
        paragraph, table = tokens[at], tokens[after]
        children = paragraph.get("children", [])
        first = children[0] if children else {}
        if (
            paragraph["type"] == "paragraph"
            and table["type"] == "table"
            and first.get("type") == "text"
            and _CAPTION.match(first["raw"])
        ):
            caption = [{**first, "raw": _CAPTION.sub("", first["raw"], count=1)}, *children[1:]]
            table["children"].insert(0, {"type": "table_caption", "children": caption})
            del tokens[at]
        at += 1


def render_table_caption(renderer: Any, text: str) -> str:
    """A table's caption, above it."""
    return f"<caption>{text}</caption>\n"


def quotes(md: mistune.Markdown) -> None:
    """Quotations: a block quote whose last paragraph names its speaker (``(MP)`` or
    ``— Jessica Gauthier``) gets that line as its attribution."""
    md.after_render_hooks.append(_quote_hook)


_ATTRIBUTION = re.compile(r"^(?:\([^()]{1,40}\)|[—–] .{1,120})$")


def _quote_hook(md: mistune.Markdown, result: Any, state: BlockState) -> Any:
    if isinstance(result, list):
        for token in walk(result):
            if token["type"] != "block_quote":
                continue
            paragraphs = [t for t in token["children"] if t["type"] != "blank_line"]
            last = paragraphs[-1] if len(paragraphs) > 1 else None
            if (
                last is not None
                and last["type"] == "paragraph"
                and _ATTRIBUTION.match(plain_text(last["children"]))
            ):
                last["type"] = "attribution"
    return result


def render_attribution(renderer: Any, text: str) -> str:
    """Who said it, under a quotation."""
    return f'<footer class="attribution">{text}</footer>\n'


# The words of a link that is an address of more than a third of a column.
_LONG_ADDRESS = re.compile(r'class="external"[^>]*>(?:https?://|www\.)[^<]{24,}</a>')


class BulletinRenderer(mistune.HTMLRenderer):
    """HTML for print: external links are marked; images keep the file URIs that
    composing gave them (mistune's URL sanitizer would refuse ``file:``). Each block
    names its file and line (``data-source``) while ``source`` says which file is
    rendered and the file line of the text's first line."""

    source: tuple[str, int] | None = None

    def render_token(self, token: Token, state: BlockState) -> str:
        html: str = super().render_token(token, state)
        if self.source is None or token.get("line") is None:
            return html
        file, first = self.source
        where = f' {SOURCE_ATTRIBUTE}="{_attr(file)}:{first + token["line"] - 1}"'
        return _OPENING_TAG.sub(lambda m: m.group(0) + where, html, count=1)

    def image(self, text: str, url: str, title: str | None = None) -> str:
        alt = unescape(mistune.util.striptags(text))  # the children arrive already escaped
        return _img(url, alt, title)

    def heading(self, text: str, level: int, **attrs: Any) -> str:
        """A heading; ``title``, its text without note calls, is its bookmark's label."""
        html: str = super().heading(text, level, id=attrs.get("id"))
        title = attrs.get("title")
        if title is None:
            return html
        return html.replace(">", f' data-title="{_attr(title)}">', 1)

    def paragraph(self, text: str) -> str:
        """A paragraph; one that holds a long address is set ragged (bulletin.css): a
        line ending before an address that could not fit would be justified with word
        gaps of one to three ems."""
        if _LONG_ADDRESS.search(text):
            return f'<p class="ragged">{text}</p>\n'
        return str(super().paragraph(text))

    def block_quote(self, text: str) -> str:
        """A quotation set apart from the text."""
        return f'<blockquote class="quotation">\n{text}</blockquote>\n'

    def link(self, text: str, url: str, title: str | None = None) -> str:
        css = "" if url.startswith("#") else ' class="external"'
        title_attr = f' title="{escape(title)}"' if title else ""
        return f'<a href="{escape(url)}"{css}{title_attr}>{text}</a>'


def create_markdown() -> mistune.Markdown:
    """The parser every article goes through: tokens out, no HTML yet."""
    md = mistune.Markdown(
        renderer=None,
        block=LinedBlockParser(),
        plugins=[table, url, notes, languages, figures, quotes, captions],
    )
    return md


def create_renderer() -> BulletinRenderer:
    """The HTML renderer with our token types registered."""
    renderer = BulletinRenderer(escape=False)
    for name in ("table", "table_head", "table_body", "table_row", "table_cell"):
        renderer.register(name, getattr(table_plugin, f"render_{name}"))
    renderer.register("note_ref", render_note_ref)
    renderer.register("language_span", render_language_span)
    renderer.register("figure", render_figure)
    renderer.register("attribution", render_attribution)
    renderer.register("table_caption", render_table_caption)
    return renderer


class LinedState(BlockState):
    """mistune's block state, knowing the line of the whole text each offset of its own
    text stands on (1 for the first line of the text parsed).

    A list item's or a quotation's lines are parsed again as a text of their own (a
    child state), less their markers and indentation, one line for one: the child's
    first line is found in its parent from where the block being parsed starts."""

    first_line: int = 1
    block_start: int = 0  # where the block being parsed starts in this state's text
    search_from: int = 0  # where its next child's text is looked for

    def process(self, src: str) -> None:
        super().process(src)
        self._starts = [0] + [i + 1 for i, c in enumerate(src) if c == "\n"]
        if isinstance(self.parent, LinedState):
            self.first_line = self.parent.line_of_child(src)

    def line_at(self, offset: int) -> int:
        """The line (of the whole text) of an offset in this state's text."""
        return self.first_line + bisect.bisect_right(self._starts, offset) - 1

    def line_of_child(self, src: str) -> int:
        """The line, in the whole text, of the first line of a child's text: its first
        words looked for from the start of the block (or the end of its previous item)."""
        lines = src.split("\n")
        index = next((i for i, line in enumerate(lines) if line.strip()), 0)
        words = lines[index].strip()[:40]
        found = self.src.find(words, self.search_from) if words else -1
        if found < 0:
            return self.line_at(self.block_start)
        self.search_from = found + len(words)
        return self.line_at(found) - index

    def add_paragraph(self, text: str) -> None:
        super().add_paragraph(text)
        self.tokens[-1].setdefault("line", self.line_at(self.cursor))


class LinedBlockParser(BlockParser):
    """mistune's block parser, which stamps each block token with the line it starts on
    (``token["line"]``), from the position where the parser matched it."""

    def parse_method(self, m: Match[str], state: BlockState) -> Any:
        if not isinstance(state, LinedState):
            return super().parse_method(m, state)
        # A block parsed while another is (a list's items end where a quotation starts)
        # leaves the outer one where it was.
        outer = state.block_start, state.search_from
        state.block_start, state.search_from, before = m.start(), m.start(), len(state.tokens)
        try:
            end = super().parse_method(m, state)
        finally:
            state.block_start, state.search_from = outer
        _stamp(state.tokens[before:], state.line_at(m.start()))
        return end

    def _parse_indent_code_fast(self, state: BlockState) -> int | None:
        start, before = state.cursor, len(state.tokens)
        end: int | None = super()._parse_indent_code_fast(state)
        if isinstance(state, LinedState):
            _stamp(state.tokens[before:], state.line_at(start))
        return end


def _stamp(tokens: list[Token], line: int) -> None:
    for token in tokens:
        token.setdefault("line", line)


# A run of spaces inside a line, as long as this, is read as one space (as the page would
# show it): mistune tries its line-break patterns from each space of a run, which is
# quadratic in a long one. The pattern itself starts only where a run does.
_LONG_SPACES = re.compile(r"(?<! ) {32,}(?=[^ \n])")


def parse(md: mistune.Markdown, text: str) -> ParsedArticle:
    """Parse one article's Markdown into tokens, and the texts of the notes it defines."""
    tokens, state = md.parse(_LONG_SPACES.sub(" ", text), LinedState())
    assert isinstance(tokens, list)
    definitions: dict[str, list[NoteDefinition]] = state.env.get("note_definitions", {})
    for versions in definitions.values():
        for definition in versions:
            parsed, _ = md.parse(definition.text, LinedState())
            assert isinstance(parsed, list)
            definition.tokens = parsed
    return ParsedArticle(tokens=tokens, definitions=definitions)


def parts(body: ParsedArticle, lead: ParsedArticle | None = None) -> Iterator[list[Token]]:
    """The token lists of an article: its lead, its body, then each note text."""
    if lead is not None:
        yield lead.tokens
    yield body.tokens
    for versions in body.definitions.values():
        for definition in versions:
            yield definition.tokens


def article_tokens(body: ParsedArticle, lead: ParsedArticle | None = None) -> Iterator[Token]:
    """Every token of an article, depth first: lead, body and note texts."""
    for tokens in parts(body, lead):
        yield from walk(tokens)


def render(renderer: BulletinRenderer, tokens: list[Token]) -> str:
    """Tokens (already numbered) to HTML."""
    return renderer(tokens, BlockState())


def token_lines(tokens: list[Token]) -> dict[int, int]:
    """The line of every token (by ``id``), from the parser's: a block's own, an inline
    token's that of its block plus the line breaks before it in the block."""
    lines: dict[int, int] = {}
    _lines_of(tokens, 1, lines)
    return lines


def _lines_of(tokens: list[Token], line: int, lines: dict[int, int]) -> int:
    """Give these tokens their lines, from ``line``; return the line after the last."""
    for token in tokens:
        line = token.get("line", line)
        lines[id(token)] = line
        if "children" in token:
            inner = _lines_of(token["children"], line, lines)
            line = line if "line" in token else inner  # a block's end says nothing
        if token["type"] in {"softbreak", "linebreak"}:
            line += 1
        elif token["type"] in {"inline_html", "text"}:
            line += token.get("raw", "").count("\n")
    return line


def walk(tokens: list[Token]) -> Iterator[Token]:
    """Every token, depth first, in reading order."""
    for token in tokens:
        yield token
        if "children" in token:
            yield from walk(token["children"])


def plain_text(tokens: list[Token]) -> str:
    """The text a reader sees in these tokens, without markup or note calls."""
    parts = []
    for token in walk(tokens):
        if token["type"] in {"text", "codespan"}:
            parts.append(token["raw"])
        elif token["type"] == "inline_html":  # the letters of 6<sup>e</sup>, M<sup>me</sup>
            parts.append(mistune.util.striptags(token["raw"]))
        elif token["type"] in {"softbreak", "linebreak"}:
            parts.append(" ")
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def slugify(text: str) -> str:
    """A readable id: accents folded, lower case, words joined by hyphens."""
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("’", " ")
    folded = unicodedata.normalize("NFKD", text)
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return slug or "section"
