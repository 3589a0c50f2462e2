"""The blocks cut into the articles of the contents, and each article converted: its
title, byline, lead, signature, body and notes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from ..source import Author
from .blocks import merge_split_heading
from .body import write_body
from .bylines import NAME, read_byline
from .images import take_images
from .inline import fix_links
from .model import ArticleOut, Block, Problem, TocEntry
from .notes import NOTE_CALL, note_call_lines, scope_notes
from .text import clean_heading, fold, matches_title, strip_emphasis


def split_articles(
    blocks: list[Block], toc: list[TocEntry], problems: list[Problem]
) -> Iterator[tuple[TocEntry, list[TocEntry], list[Block]]]:
    """Each article of the contents with its sections and its blocks, title block first."""
    groups: list[tuple[TocEntry, list[TocEntry]]] = []
    for entry in toc:
        if entry.level == 1:
            if fold(entry.title) in {"annexe", "annexes"}:
                break
            groups.append((entry, []))
        elif groups:
            groups[-1][1].append(entry)
    starts: list[tuple[int, TocEntry, list[TocEntry]]] = []
    position = 0
    for entry, sections in groups:
        found = _find_title(blocks, position, entry.title)
        if found is None:
            problems.append(
                Problem(
                    entry.line,
                    f"l'article « {entry.title} » de la table des matières est introuvable dans "
                    "le texte : son texte, s'il existe, est resté dans l'article précédent; "
                    "séparez-le à la main",
                )
            )
            continue
        starts.append((found, entry, sections))
        position = found + 1
    if starts and starts[0][0] > 0:
        skipped = [block for block in blocks[: starts[0][0]] if block.text]
        if skipped:
            problems.append(
                Problem(
                    skipped[0].line,
                    "du texte précède le premier article de la table des matières : il est "
                    "laissé de côté; vérifiez s'il faut le garder",
                )
            )
    for index, (start, entry, sections) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else len(blocks)
        yield entry, sections, blocks[start:end]


def _find_title(blocks: list[Block], start: int, title: str) -> int | None:
    """The block where this title stands: a heading, a heading cut in two, or a lone line."""
    for kind in ("heading", "paragraph"):
        for index in range(start, len(blocks)):
            block = blocks[index]
            if block.kind != kind:
                continue
            if matches_title(block.text, title):
                return index
            if kind == "heading" and merge_split_heading(blocks, index, title):
                return index
    return None


def convert_article(
    entry: TocEntry,
    sections: list[TocEntry],
    blocks: list[Block],
    notes: dict[int, tuple[int, str]],
    forms: dict[str, str],
    legacy: Path,
    problems: list[Problem],
) -> ArticleOut:
    """Convert one article's blocks: byline, lead, signature, body and notes."""
    title_block, rest = blocks[0], blocks[1:]
    for call in NOTE_CALL.finditer(title_block.text):
        problems.append(
            Problem(
                title_block.line,
                f"appel de note {call.group(1)} dans le titre de l'article : un titre ne peut "
                "pas appeler de note; l'appel est retiré, replacez-le dans le texte",
            )
        )
    title = clean_heading(NOTE_CALL.sub("", title_block.text), plain=True)
    article = ArticleOut(title=title, line=title_block.line)
    rest = take_images(rest, legacy, article, problems)
    rest = _front(rest, article, forms)
    rest = _signature(rest, article)
    body = write_body(rest, sections, problems)
    if article.lead:
        article.lead = fix_links(article.lead, title_block.line, problems)
    calls = note_call_lines(blocks)
    article.lead, article.body = scope_notes(article.lead, body, calls, notes, problems)
    if not article.body.strip():
        problems.append(
            Problem(
                title_block.line,
                f"l'article « {article.title} » n'a pas de texte : une ligne « À compléter » a "
                "été mise à sa place; ajoutez le texte de l'article",
            )
        )
        article.body = "À compléter."
    return article


def _front(blocks: list[Block], article: ArticleOut, forms: dict[str, str]) -> list[Block]:
    """Take the byline, the "en collaboration avec" line and the lead off the top."""
    index = _skip_comments(blocks, 0)
    if index < len(blocks) and blocks[index].kind == "paragraph":
        authors = read_byline(blocks[index].text, forms)
        if authors:
            article.authors += authors
            del blocks[index]
            index = _skip_comments(blocks, index)
            collaboration = re.match(
                r"^en collaboration avec\s+(.+)$",
                blocks[index].text if index < len(blocks) else "",
                re.I,
            )
            if collaboration:
                helpers = read_byline(collaboration.group(1), forms, any_case=True)
                article.authors += [replace(helper, collaboration=True) for helper in helpers]
                del blocks[index]
    index = _skip_comments(blocks, 0)
    lead = []
    while index < len(blocks) and blocks[index].kind == "paragraph":
        text = blocks[index].text
        match = re.fullmatch(r"\*(?!\*)(.+)(?<!\*)\*|_(?!_)(.+)(?<!_)_", text)
        if not match:
            break
        lead.append(match.group(1) or match.group(2))
        del blocks[index]
    if lead:
        article.lead = "\n\n".join(lead)
    return blocks


def _skip_comments(blocks: list[Block], index: int) -> int:
    """The index of the next block that is not a placeholder left for a missing image."""
    while index < len(blocks) and blocks[index].kind == "comment":
        index += 1
    return index


def _signature(blocks: list[Block], article: ArticleOut) -> list[Block]:
    """A signature at the end ("**Name**", "**Function**"): the article is signed."""
    end = len(blocks)
    while end > 0 and blocks[end - 1].kind == "comment":
        end -= 1
    start = end
    while start > 0 and end - start < 3 and _is_bold_line(blocks[start - 1]):
        start -= 1
    signed = [strip_emphasis(block.text).rstrip(".") for block in blocks[start:end]]
    if not signed or not re.fullmatch(NAME, signed[0]) or article.authors:
        return blocks
    role = signed[1][0].lower() + signed[1][1:] if len(signed) > 1 else None
    affiliation = signed[2] if len(signed) > 2 else None
    article.authors.append(Author(name=signed[0], role=role, affiliation=affiliation))
    article.signature = True
    return blocks[:start] + blocks[end:]


def _is_bold_line(block: Block) -> bool:
    """A short paragraph all in bold."""
    return (
        block.kind == "paragraph"
        and bool(re.fullmatch(r"\*\*[^*]+\*\*|__[^_]+__|<b>[^<]+</b>", block.text))
        and len(block.text) < 150
    )
