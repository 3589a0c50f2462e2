"""Composing the issue: numbering across articles, then one HTML document.

Articles are parsed one by one, then numbered together: heading ids unique
across the issue, note calls numbered 1..N in reading order, images resolved
next to their article. jinja2 templates then lay out the cover, the contents,
the articles, the Annexe and the colophon.
"""

from __future__ import annotations

import dataclasses
import pickle
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote

import jinja2
import mistune
from babel.dates import format_date
from markupsafe import Markup
from PIL import Image

from . import languages, lint, markdown, paste, sandbox, typography
from .composition import Composition, Entry, Note
from .contract import (
    ANNEXE_ID,
    CALL_ID,
    CONTENTS_ID,
    CONTENTS_TITLE_ID,
    LETTER,
    NOTE_ID,
    PageGeometry,
    call_id,
    note_id,
)
from .errors import SourceError, SourceErrors
from .files import on_disk
from .markdown import ParsedArticle, Token
from .recent import Recent
from .source import ISSUE_FILE, Article, Author, Issue
from .sourcefile import key_line


@dataclass
class ComposedArticle:
    """An article ready for its template."""

    id: str
    title: Markup
    lead: Markup | None
    body: Markup
    authors: list[Author]
    collaborators: list[Author]
    signature: bool


Parsed = list[tuple[Article, ParsedArticle | None, ParsedArticle]]  # each article's lead, body


def compose(issue: Issue, geometry: PageGeometry = LETTER) -> Composition:
    """The whole issue as HTML: its articles parsed, linted, then numbered and laid out."""
    parsed = parse(issue)
    refuse_faults(issue, parsed)
    return lay_out(issue, parsed, geometry)


def parse(issue: Issue) -> Parsed:
    """Each article's lead and body, parsed to Markdown tokens; what a paste from Word
    left in them read as meant (lists) or warned of (``body.warnings``)."""
    md = markdown.create_markdown()
    parsed: Parsed = []
    for article in issue.articles:
        key = ("parse", *_parsed_from(article), issue.language)
        lead, body = _kept(key, partial(_parse_article, md, article, issue.language))
        parsed.append((article, lead, body))
    return parsed


def _parsed_from(article: Article) -> tuple[Any, ...]:
    """What an article's parse is made from: its text, and where it stands in its file."""
    return (article.path, article.body, article.lead, article.body_line, article.lead_line)


def _parse_article(
    md: mistune.Markdown, article: Article, language: str
) -> tuple[ParsedArticle | None, ParsedArticle]:
    """An article's lead and body parsed, with the body's warnings (``parse``)."""
    text, pasted = paste.clean(article.body)
    body = markdown.parse(md, text)
    lead = markdown.parse(md, article.lead) if article.lead else None
    found = [(article.body_line + p.line, p) for p in pasted]
    left_open = paste.unclosed_emphasis(body.tokens, text)
    found += [(article.body_line + p.line, p) for p in left_open]
    found += [(article.body_line + p.line, p) for p in paste.unbalanced_quotes(body.tokens)]
    if lead is not None and article.lead is not None:
        first = article.lead_line
        left_open = paste.unclosed_emphasis(lead.tokens, article.lead)
        found += [(first + p.line - 1, p) for p in left_open]
        found += [(first + p.line - 1, p) for p in paste.unbalanced_quotes(lead.tokens)]
    body.warnings = [
        SourceError(p.message, path=article.path, line=line, hint=p.hint)
        for line, p in sorted(found, key=lambda item: item[0])
    ] + languages.english_warnings(article, body, lead, language)
    return lead, body


_T = TypeVar("_T")

# Each article's parse and typesetting, kept pickled by what they are made from: ``watch``
# composes the issue again after every save, and a save changes one article of many.
# Pickled, so that each composition gets tokens of its own (composing changes them).
_KEPT: Recent[tuple[Any, ...], bytes] = Recent(1024)


def _kept(key: tuple[Any, ...], make: Callable[[], _T]) -> _T:
    """``make()``, or a copy of what it made before for ``key``."""
    kept = _KEPT.get(key)
    if kept is None:
        value = make()
        _KEPT.keep({key: pickle.dumps(value)})
        return value
    _KEPT.keep({key: kept})  # used again: the last forgotten
    return pickle.loads(kept)  # type: ignore[no-any-return]


def _typeset(tokens: list[Token], rules: typography.Rules) -> list[Token]:
    """The tokens with the language's rules applied (in place)."""
    typography.typeset_tokens(tokens, rules)
    return tokens


def refuse_faults(issue: Issue, parsed: Parsed) -> None:
    """Stop on the faults lint finds in the articles, all of them at once."""
    errors = [*issue.faults, *lint.lint(issue, parsed)]
    if errors:
        raise SourceErrors(errors) if len(errors) > 1 else errors[0]


def lay_out(issue: Issue, sources: Parsed, geometry: PageGeometry = LETTER) -> Composition:
    """Number the linted articles across the issue and lay them out as one HTML document."""
    renderer = markdown.create_renderer()
    ids = _Ids({ANNEXE_ID, CONTENTS_ID, CONTENTS_TITLE_ID})
    numbering = NoteNumbering()
    contents: list[Entry] = []
    articles: list[ComposedArticle] = []
    resources = [issue.cover_image] if issue.cover_image else []
    rules = typography.rules_for(issue.language, issue.punctuation_space)
    issue = _typeset_issue(issue, rules)
    for article, lead, body in sources:
        if rules is not None:
            for tokens in markdown.parts(body, lead):
                key = ("typeset", rules, pickle.dumps(tokens))
                tokens[:] = _kept(key, partial(_typeset, tokens, rules))
        title = typography.typeset_text(article.title, rules) if rules else article.title
        entry = Entry(
            id=ids.make(title),
            title=Markup.escape(title),
            text=title,
            level=1,
        )
        for token in markdown.walk(body.tokens):
            if token["type"] == "heading":
                _name_heading(token, ids, renderer, entry)
        for token in markdown.article_tokens(body, lead):
            if token["type"] in {"image", "figure"}:
                resources.append(_resolve_image(token, article, issue.root))
        for part in (lead, body):
            if part is not None:
                numbering.number(part.tokens, article.path)
        new_notes = numbering.collect(article, body, renderer)
        if issue.notes == "page":  # each note goes with its first call, to the foot of the page
            _attach_footnotes([lead, body], {note.number: note for note in new_notes})
        contents.append(entry)
        renderer.source = None  # the contents' titles and the notes name no block
        articles.append(
            _composed_article(article, entry, (lead, body), renderer, rules, issue.root)
        )
    _check_anchors(sources, ids)
    notes = numbering.notes
    if notes and issue.notes == "annexe":
        contents.append(Entry(id=ANNEXE_ID, title=Markup("Annexe"), text="Annexe", level=1))
    meta = _metadata(issue)
    html = _template().render(
        issue=issue,
        meta=meta,
        articles=articles,
        contents=contents,
        notes=notes if issue.notes == "annexe" else [],
        annexe_id=ANNEXE_ID,
        contents_id=CONTENTS_ID,
        contents_title_id=CONTENTS_TITLE_ID,
        cover_image=sandbox.issue_url(issue.root, issue.cover_image) if issue.cover_image else None,
        byline=_byline,
        page_css=Markup(geometry.css()),
    )
    metadata = {
        "Title": meta["full_title"],
        "Author": meta["author"],
        "Subject": meta["subject"],
        "Lang": issue.language,
    }
    warnings = _issue_warnings(issue) + [w for _, _, body in sources for w in body.warnings]
    return Composition(html, contents, notes, metadata, list(dict.fromkeys(resources)), warnings)


def _issue_warnings(issue: Issue) -> list[SourceError]:
    """What issue.toml holds that may not be meant: no ISSN, which the colophon omits."""
    if issue.source.name != ISSUE_FILE or issue.issn:
        return []
    text = issue.source.read_text(encoding="utf-8")
    return [
        SourceError(
            "aucun ISSN : le colophon n'en porte pas",
            path=issue.source,
            line=key_line(text, "issn"),
            hint='écrivez-le dans issue.toml : issn = "1234-5678"',
        )
    ]


def _composed_article(
    article: Article,
    entry: Entry,
    parts: tuple[ParsedArticle | None, ParsedArticle],
    renderer: markdown.BulletinRenderer,
    rules: typography.Rules | None,
    root: Path,
) -> ComposedArticle:
    """An article numbered and named, its lead and body rendered, for its template; each
    block names its file and line (``data-source``)."""
    lead, body = parts
    try:
        file = article.path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        file = article.path.name
    lead_html = None
    if lead:
        renderer.source = (file, article.lead_line)
        lead_html = Markup(markdown.render(renderer, lead.tokens))
    renderer.source = (file, article.body_line + 1)
    body_html = Markup(markdown.render(renderer, body.tokens))
    renderer.source = None
    return ComposedArticle(
        id=entry.id,
        title=entry.title,
        lead=lead_html,
        body=body_html,
        authors=[_typeset_author(a, rules) for a in article.authors if not a.collaboration],
        collaborators=[_typeset_author(a, rules) for a in article.authors if a.collaboration],
        signature=article.signature,
    )


class _Ids:
    """Readable ids, unique across the issue."""

    def __init__(self, reserved: set[str]) -> None:
        self.used = set(reserved)

    def make(self, text: str) -> str:
        base = markdown.slugify(text)
        candidate, n = base, 1
        while candidate in self.used or _is_note_id(candidate):  # "## Note 1"
            n += 1
            candidate = f"{base}-{n}"
        self.used.add(candidate)
        return candidate


def _is_note_id(name: str) -> bool:
    return bool(NOTE_ID.match(name) or CALL_ID.match(name))


class NoteNumbering:
    """Numbers note calls 1..N across the issue, in order of first call."""

    def __init__(self) -> None:
        self.numbers: dict[tuple[Path, str], int] = {}
        self.notes: list[Note] = []

    def number(self, tokens: list[Token], scope: Path) -> None:
        """Give every call in these tokens (labels scoped to ``scope``, the article's file)
        its number, and the first call of each note its id."""
        for token in markdown.walk(tokens):
            if token["type"] != "note_ref":
                continue
            key = (scope, token["raw"])
            first = key not in self.numbers
            if first:
                self.numbers[key] = len(self.numbers) + 1
            number = self.numbers[key]
            token["attrs"] = {
                "number": number,
                "call_id": call_id(number) if first else None,
            }

    def collect(
        self, article: Article, body: ParsedArticle, renderer: markdown.BulletinRenderer
    ) -> list[Note]:
        """Render this article's note texts, in the order of their numbers."""
        own = sorted((n, key) for (path, key), n in self.numbers.items() if path == article.path)
        new = [
            Note(
                number=number,
                id=note_id(number),
                call_id=call_id(number),
                html=Markup(markdown.render(renderer, body.definitions[key][0].tokens)),
            )
            for number, key in own
        ]
        self.notes += new
        return new


def _attach_footnotes(parts: list[ParsedArticle | None], notes: dict[int, Note]) -> None:
    """Give each note's first call the note's text, to be set as a footnote."""
    for part in parts:
        for token in markdown.walk(part.tokens if part else []):
            if token["type"] == "note_ref" and token["attrs"]["call_id"]:
                note = notes[token["attrs"]["number"]]
                token["attrs"]["footnote"] = re.sub(r"^<p>|</p>\s*$", "", note.html.strip())


def _check_anchors(
    sources: list[tuple[Article, ParsedArticle | None, ParsedArticle]], ids: _Ids
) -> None:
    """Every ``#id`` link goes to a heading of the issue (ids exist once all are named)."""
    errors = []
    for article, lead, body in sources:
        lines = lint.Lines(article, body, lead)
        for token in markdown.article_tokens(body, lead):
            url = token.get("attrs", {}).get("url", "") if token["type"] == "link" else ""
            target = url[1:]
            if url.startswith("#") and target not in ids.used and not _is_note_id(target):
                errors.append(
                    SourceError(
                        f"le lien vers « {url} » ne mène à aucun intertitre du numéro",
                        path=article.path,
                        line=lines.of(token),
                        hint="donnez l'id d'un intertitre : son texte en minuscules, sans "
                        "accents, les mots reliés par des traits d'union",
                    )
                )
    if errors:
        raise SourceErrors(errors) if len(errors) > 1 else errors[0]


def _contents_title(tokens: list[Token]) -> Iterator[Token]:
    """A heading's inline tokens as the contents shows them: no note calls, and links
    as plain text (the entry is itself a link)."""
    for token in tokens:
        if token["type"] == "note_ref":
            continue
        if token["type"] == "link":
            yield from _contents_title(token.get("children", []))
        else:
            yield token


def _name_heading(
    token: Token, ids: _Ids, renderer: markdown.BulletinRenderer, entry: Entry
) -> None:
    """Give a heading its id; sections (level 2) become entries of the contents."""
    text = markdown.plain_text(token["children"])
    token["attrs"]["id"] = ids.make(text)
    if token["attrs"]["level"] == 2:
        if any(child["type"] == "note_ref" for child in markdown.walk(token["children"])):
            token["attrs"]["title"] = text  # the bookmark's label: without its note calls
        visible = list(_contents_title(token["children"]))
        entry.children.append(
            Entry(
                id=token["attrs"]["id"],
                level=2,
                text=text,
                title=Markup(markdown.render(renderer, visible)),
            )
        )


def _resolve_image(token: Token, article: Article, root: Path) -> Path:
    """Point an image at its file next to the article, through the sandbox's address
    (lint has checked that it exists inside the issue); the file is returned."""
    attrs = token["attrs"]
    key = "src" if token["type"] == "figure" else "url"
    path = on_disk(article.path.parent / unquote(attrs[key])).resolve()
    attrs[key] = sandbox.issue_url(root, path)
    if token["type"] == "figure" and attrs["alt"].strip().lower() == markdown.DECORATIVE:
        with Image.open(path) as image:  # a background keeps its shape through its ratio
            attrs["ratio"] = image.height / image.width
    return path


def _typeset_issue(issue: Issue, rules: typography.Rules | None) -> Issue:
    """The issue's own strings (title, theme, colophon) as printed."""
    if rules is None:
        return issue
    fields = (
        "title",
        "theme",
        "publisher",
        "coordination",
        "copyright",
        "rights",
        "cover_image_alt",
    )
    changes: dict[str, Any] = {
        name: typography.typeset_text(value, rules)
        for name in fields
        if (value := getattr(issue, name))
    }
    return dataclasses.replace(issue, **changes)


def _typeset_author(author: Author, rules: typography.Rules | None) -> Author:
    """A byline's strings as printed."""
    if rules is None:
        return author
    changes: dict[str, Any] = {
        name: typography.typeset_text(value, rules)
        for name in ("name", "role", "affiliation")
        if (value := getattr(author, name))
    }
    return dataclasses.replace(author, **changes)


def _byline(author: Author) -> Markup:
    """``Name, role, affiliation`` with the name marked up for small capitals."""
    parts = [Markup('<span class="author-name">{}</span>').format(author.name)]
    parts += [Markup.escape(p) for p in (author.role, author.affiliation) if p]
    return Markup(", ").join(parts)


def _metadata(issue: Issue) -> dict[str, str]:
    """What the templates print about the issue: dates in the issue's language."""
    locale = issue.language.replace("-", "_")
    month = format_date(issue.date, "MMMM y", locale=locale)
    edition = f"Numéro {issue.number}, {month}" if issue.number is not None else month
    full_title = f"{issue.title} – {edition}" if issue.number is not None else issue.title
    return {
        "edition": edition,
        "full_title": full_title,
        "date_long": format_date(issue.date, "long", locale=locale),
        "date_iso": issue.date.isoformat(),
        "author": issue.publisher or "",
        "subject": issue.theme or issue.title,
        "keywords": ", ".join(issue.keywords),
    }


@cache
def _template() -> jinja2.Template:
    """The issue template, loaded once per process."""
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("bippdf", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return environment.get_template("issue.html")
