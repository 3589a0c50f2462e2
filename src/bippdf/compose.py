"""Composing the issue: numbering across articles, then one HTML document.

Articles are parsed one by one, then numbered together: heading ids unique
across the issue, note calls numbered 1..N in reading order, images resolved
next to their article. jinja2 templates then lay out the cover, the contents,
the articles, the Annexe and the colophon.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from babel.dates import format_date
from markupsafe import Markup

from . import lint, markdown
from .errors import SourceErrors
from .layout import LETTER, PageGeometry
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
    title: str  # the document's title, as its metadata gives it


ANNEXE_ID = "annexe"
CONTENTS_ID = "table-des-matieres"


def compose(issue: Issue, geometry: PageGeometry = LETTER) -> Composition:
    """Parse, number and lay out the whole issue as HTML."""
    md = markdown.create_markdown()
    renderer = markdown.create_renderer()
    ids = _Ids({ANNEXE_ID, CONTENTS_ID})
    numbering = NoteNumbering()
    contents: list[Entry] = []
    articles: list[ComposedArticle] = []
    sources = [
        (
            article,
            markdown.parse(md, article.lead) if article.lead else None,
            markdown.parse(md, article.body),
        )
        for article in issue.articles
    ]
    errors = lint.lint(issue, sources)
    if errors:
        raise SourceErrors(errors) if len(errors) > 1 else errors[0]
    for article, lead, body in sources:
        entry = Entry(
            id=ids.make(article.title),
            title=Markup.escape(article.title),
            text=article.title,
            level=1,
        )
        for token in markdown.walk(body.tokens):
            if token["type"] == "heading":
                _name_heading(token, ids, renderer, entry)
        for part in (lead, body):
            if part is not None:
                for token in markdown.walk(part.tokens):
                    if token["type"] in {"image", "figure"}:
                        _resolve_image(token, article)
                numbering.number(part.tokens, article.path)
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
    meta = _metadata(issue)
    html = _template().render(
        issue=issue,
        meta=meta,
        articles=articles,
        contents=contents,
        notes=notes,
        annexe_id=ANNEXE_ID,
        contents_id=CONTENTS_ID,
        cover_image=issue.cover_image.resolve().as_uri() if issue.cover_image else None,
        byline=_byline,
        page_css=Markup(geometry.css()),
    )
    return Composition(html=html, contents=contents, notes=notes, title=meta["full_title"])


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


def _resolve_image(token: Token, article: Article) -> None:
    """Point an image at its file next to the article (lint has checked that it exists)."""
    attrs = token["attrs"]
    key = "src" if token["type"] == "figure" else "url"
    attrs[key] = (article.path.parent / attrs[key]).resolve().as_uri()


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
