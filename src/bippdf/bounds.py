"""The sizes an article's Markdown may reach: a paragraph, a table, raw HTML elements
nested in one another. Beyond them WeasyPrint takes minutes, gigabytes, or recurses
past Python's limit; each is refused as a source error at its line instead."""

from __future__ import annotations

import re
from collections.abc import Iterator

from . import markdown
from .errors import SourceError
from .markdown import ParsedArticle, Token
from .source import Article

MAX_PARAGRAPH = 10_000  # characters: some five columns of text, ten times a long paragraph
MAX_TABLE_ROWS = 200
MAX_TABLE_COLUMNS = 12
MAX_HTML_DEPTH = 8  # raw HTML elements open inside one another
_VOID = {"br", "wbr"}


def faults(
    article: Article, body: ParsedArticle, lead: ParsedArticle | None
) -> Iterator[SourceError]:
    """Every paragraph, table and run of nested raw HTML over its limit."""
    from .lint import source_line

    for tokens in markdown.parts(body, lead):
        for token in markdown.walk(tokens):
            problem = _problem(token)
            if problem is not None:
                message, hint, words = problem
                yield SourceError(
                    message,
                    path=article.path,
                    line=source_line(article, re.compile(re.escape(words[:40].strip())))
                    if words.strip()
                    else None,
                    hint=hint,
                )


def _problem(token: Token) -> tuple[str, str, str] | None:
    """(message, hint, text to find its line by) when ``token`` is over a limit."""
    kind = token["type"]
    if kind in {"paragraph", "block_text"}:
        text = markdown.plain_text(token.get("children", []))
        if len(text) > MAX_PARAGRAPH:
            return (
                f"un paragraphe de {len(text)} caractères : au plus {MAX_PARAGRAPH}",
                "coupez-le en plusieurs paragraphes (une ligne vide entre eux)",
                text,
            )
        depth = _depth(child.get("raw", "") for child in token.get("children", []))
        if depth > MAX_HTML_DEPTH:
            return (
                f"{depth} balises HTML ouvertes les unes dans les autres : au plus "
                f"{MAX_HTML_DEPTH}",
                "fermez chaque balise avant d'en ouvrir une autre",
                _first_raw(token),
            )
    if kind == "table":
        rows = [row for part in token.get("children", []) for row in _rows(part)]
        columns = max((len(row.get("children", [])) for row in rows), default=0)
        if len(rows) > MAX_TABLE_ROWS or columns > MAX_TABLE_COLUMNS:
            return (
                f"un tableau de {len(rows)} lignes et {columns} colonnes : au plus "
                f"{MAX_TABLE_ROWS} lignes et {MAX_TABLE_COLUMNS} colonnes",
                "coupez-le en plusieurs tableaux, ou publiez les données à part",
                markdown.plain_text(rows[0].get("children", [])[:1]) if rows else "",
            )
    if kind == "block_html" and _depth([token.get("raw", "")]) > MAX_HTML_DEPTH:
        return (
            f"plus de {MAX_HTML_DEPTH} balises HTML ouvertes les unes dans les autres",
            "fermez chaque balise avant d'en ouvrir une autre",
            token.get("raw", ""),
        )
    return None


def _rows(part: Token) -> list[Token]:
    """The rows of a table's head (itself a row of cells) or body."""
    if part["type"] == "table_head":
        return [part]
    return list(part.get("children", []))


def _depth(raws: Iterator[str] | list[str]) -> int:
    """How deep raw HTML elements go, opened inside one another, across ``raws``."""
    from .lint import tags

    depth = deepest = 0
    for raw in raws:
        for closing, name, attributes in tags(raw):
            if name.lower() in _VOID or attributes.rstrip().endswith("/"):
                continue
            depth = max(0, depth - 1) if closing else depth + 1
            deepest = max(deepest, depth)
    return deepest


def _first_raw(token: Token) -> str:
    return next(
        (c.get("raw", "") for c in token.get("children", []) if c["type"] == "inline_html"), ""
    )
