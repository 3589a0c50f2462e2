"""Composing the issue: numbering across articles, then one HTML document.

Articles are parsed one by one, then numbered together: heading ids unique
across the issue, note calls numbered 1..N in reading order, images resolved
next to their article. jinja2 templates then lay out the cover, the contents,
the articles, the Annexe and the colophon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from babel.dates import format_date
from markupsafe import Markup

from . import markdown
from .errors import SourceError
from .markdown import ParsedArticle, Token
from .source import Article, Author, Issue


@dataclass
class Entry:
    """One line of the table of contents (and one bookmark)."""

    id: str
    title: Markup
    text: str
    level: int
    children: list[Entry] = field(default_factory=list)


@dataclass
class Note:
    """A numbered note of the issue, ready for the Annexe."""

    number: int
    call_id: str
    html: Markup
    article: Path


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


@dataclass
class Composition:
    """The issue as one HTML document, with the contents and notes it holds."""

    html: str
    contents: list[Entry]
    notes: list[Note]


ANNEXE_ID = "annexe"
CONTENTS_ID = "table-des-matieres"


def compose(issue: Issue) -> Composition:
    """Parse, number and lay out the whole issue as HTML."""
    md = markdown.create_markdown()
    renderer = markdown.create_renderer()
    ids = _Ids({ANNEXE_ID, CONTENTS_ID})
    numbering = NoteNumbering()
    contents: list[Entry] = []
    articles: list[ComposedArticle] = []
    for article in issue.articles:
        lead = markdown.parse(md, article.lead) if article.lead else None
        body = markdown.parse(md, article.body)
        _check_headings(article, body)
        _check_notes(article, body, lead)
        entry = Entry(
            id=ids.make(article.title),
            title=Markup.escape(article.title),
            text=article.title,
            level=1,
        )
        for token in markdown.walk(body.tokens):
            if token["type"] == "heading":
                _name_heading(token, ids, renderer, entry)
        for parsed in (lead, body):
            for token in markdown.walk(parsed.tokens if parsed else []):
                if token["type"] in {"image", "figure"}:
                    _resolve_image(token, article)
        for parsed in (lead, body):
            if parsed is not None:
                numbering.number(parsed.tokens, article.path)
        contents.append(entry)
        articles.append(
            ComposedArticle(
                id=entry.id,
                title=entry.title,
                lead=Markup(markdown.render(renderer, lead.tokens)) if lead else None,
                body=Markup(markdown.render(renderer, body.tokens)),
                authors=[a for a in article.authors if not a.collaboration],
                collaborators=[a for a in article.authors if a.collaboration],
                signature=article.signature,
            )
        )
        numbering.collect(article, body, md, renderer)
    notes = numbering.notes
    if notes:
        contents.append(Entry(id=ANNEXE_ID, title=Markup("Annexe"), text="Annexe", level=1))
    html = _template().render(
        issue=issue,
        meta=_metadata(issue),
        articles=articles,
        contents=contents,
        notes=notes,
        annexe_id=ANNEXE_ID,
        contents_id=CONTENTS_ID,
        cover_image=issue.cover_image.resolve().as_uri() if issue.cover_image else None,
        byline=_byline,
    )
    return Composition(html=html, contents=contents, notes=notes)


class _Ids:
    """Readable ids, unique across the issue."""

    def __init__(self, reserved: set[str]) -> None:
        self.used = set(reserved)

    def make(self, text: str) -> str:
        base = markdown.slugify(text)
        candidate, n = base, 1
        while candidate in self.used:
            n += 1
            candidate = f"{base}-{n}"
        self.used.add(candidate)
        return candidate


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
            token["attrs"] = {"number": number, "call_id": f"appel-{number}" if first else None}

    def collect(
        self, article: Article, body: ParsedArticle, md: object, renderer: markdown.BulletinRenderer
    ) -> None:
        """Render this article's note texts, in the order of their numbers."""
        own = sorted((n, key) for (path, key), n in self.numbers.items() if path == article.path)
        for number, key in own:
            if any(note.number == number for note in self.notes):
                continue
            definition = body.definitions[key][0]
            parsed = markdown.parse(md, definition.text)  # type: ignore[arg-type]
            for token in markdown.walk(parsed.tokens):
                if token["type"] in {"image", "figure"}:
                    _resolve_image(token, article)
            self.notes.append(
                Note(
                    number=number,
                    call_id=f"appel-{number}",
                    html=Markup(markdown.render(renderer, parsed.tokens)),
                    article=article.path,
                )
            )


def _name_heading(
    token: Token, ids: _Ids, renderer: markdown.BulletinRenderer, entry: Entry
) -> None:
    """Give a heading its id; sections (level 2) become entries of the contents."""
    text = markdown.plain_text(token["children"])
    token["attrs"]["id"] = ids.make(text)
    if token["attrs"]["level"] == 2:
        visible = [t for t in token["children"] if t["type"] != "note_ref"]
        entry.children.append(
            Entry(
                id=token["attrs"]["id"],
                level=2,
                text=text,
                title=Markup(markdown.render(renderer, visible)),
            )
        )


def _check_headings(article: Article, body: ParsedArticle) -> None:
    """Sections start at ``##`` and never skip a level; none is empty."""
    previous = 1
    for token in body.tokens:
        if token["type"] != "heading":
            continue
        level = token["attrs"]["level"]
        text = markdown.plain_text(token["children"])
        line = _source_line(article, _heading_pattern(level, text))
        if level == 1:
            raise SourceError(
                "an article's body cannot hold a level-1 heading (#)",
                path=article.path,
                line=line,
                hint="the title is in the front matter; use ## for sections",
            )
        if level > previous + 1:
            raise SourceError(
                f"heading level {level} follows level {previous}: a level is skipped",
                path=article.path,
                line=line,
                hint="use " + "#" * (previous + 1) + " for this heading",
            )
        if not text:
            raise SourceError("a heading has no text", path=article.path, line=line)
        previous = level


def _heading_pattern(level: int, text: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in text.split()[:2]]
    return re.compile(rf"^ {{0,3}}#{{{level}}}[ \t]+.*{'.*'.join(words)}", re.M)


def _check_notes(article: Article, body: ParsedArticle, lead: ParsedArticle | None) -> None:
    """Every call has one definition in its article, and every definition is called."""
    called: dict[str, str] = {}  # normalised key: the label as first written
    for parsed in (lead, body):
        if parsed is not None:
            for token in markdown.walk(parsed.tokens):
                if token["type"] == "note_ref":
                    called.setdefault(token["raw"], token["label"])
    if lead is not None and lead.definitions:
        raise SourceError(
            "notes cannot be defined in the lead",
            path=article.path,
            line=_source_line(article, re.compile(r"^\s*lead\s*=", re.M), body=False),
            hint="define them at the end of the article",
        )
    for key, label in called.items():
        if key not in body.definitions:
            raise SourceError(
                f"note [^{label}] is called but never defined",
                path=article.path,
                line=_call_line(article, label),
                hint=f"add a line '[^{label}]: text of the note' at the end of the article",
            )
    for definitions in body.definitions.values():
        if re.search(_NESTED_CALL, definitions[0].text):
            raise SourceError(
                "a note cannot call another note",
                path=article.path,
                line=article.body_line + definitions[0].line,
                hint="write the reference in words inside the note",
            )
    for key, definitions in body.definitions.items():
        label = definitions[0].label
        if len(definitions) > 1:
            raise SourceError(
                f"note [^{label}] is defined {len(definitions)} times",
                path=article.path,
                line=article.body_line + definitions[1].line,
                hint="keep one definition per note label",
            )
        if key not in called:
            raise SourceError(
                f"note [^{label}] is defined but never called",
                path=article.path,
                line=article.body_line + definitions[0].line,
                hint=f"call it with [^{label}] in the text, or delete it",
            )


_NESTED_CALL = re.compile(r"\[\^[^\]\s]+\](?!:)")


def _call_line(article: Article, key: str) -> int | None:
    pattern = re.compile(r"\[\^" + re.escape(key) + r"\](?!:)", re.I)
    line = _source_line(article, pattern)
    if line is None:  # the call stands in the lead, inside the front matter
        line = _source_line(article, pattern, body=False)
    return line


def _source_line(article: Article, pattern: re.Pattern[str], *, body: bool = True) -> int | None:
    """The file line of the first match of ``pattern`` in the body (or the whole file)."""
    if body:
        match = pattern.search(article.body)
        return (
            None
            if match is None
            else article.body_line + article.body.count("\n", 0, match.start()) + 1
        )
    text = article.path.read_text(encoding="utf-8")
    match = pattern.search(text)
    return None if match is None else text.count("\n", 0, match.start()) + 1


def _resolve_image(token: Token, article: Article) -> None:
    """Point an image at its file, next to the article; a missing file stops the build."""
    attrs = token["attrs"]
    key = "src" if token["type"] == "figure" else "url"
    src = attrs[key]
    if re.match(r"^[a-z][a-z0-9+.-]*:", src, re.I):
        raise SourceError(
            f"image '{src}' is not a file of the issue",
            path=article.path,
            line=_source_line(article, re.compile(re.escape(src))),
            hint="put the image in the issue's images/ folder and give its path",
        )
    path = (article.path.parent / src).resolve()
    if not path.is_file():
        raise SourceError(
            f"image '{src}' does not exist",
            path=article.path,
            line=_source_line(article, re.compile(re.escape(src))),
            hint="check the path, relative to the article file",
        )
    attrs[key] = path.as_uri()


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
        "subject": issue.theme or "",
        "keywords": ", ".join(issue.keywords),
    }


_ENVIRONMENT: jinja2.Environment | None = None


def _template() -> jinja2.Template:
    """The issue template, loaded once per process."""
    global _ENVIRONMENT
    if _ENVIRONMENT is None:
        _ENVIRONMENT = jinja2.Environment(
            loader=jinja2.PackageLoader("bippdf", "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
    return _ENVIRONMENT.get_template("issue.html")
