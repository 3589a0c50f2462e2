"""The conversion of a legacy text, top to bottom: cover, contents, body, annexe and
colophon, then each article, all in memory."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import SourceError
from .articles import convert_article, split_articles
from .blocks import read_blocks, rejoin
from .bylines import word_forms
from .colophon import colophon_fields, read_contact, split_colophon
from .contents import CONTENTS_HEADING, annexe_start, read_contents
from .cover import acronym, read_cover
from .model import IssueOut, Line, Problem
from .notes import annexe_notes, count_notes, note_call_lines


def convert(lines: list[Line], legacy: Path, problems: list[Problem]) -> IssueOut:
    """The whole conversion, in memory."""
    contents_at = next(
        (i for i, (_, text) in enumerate(lines) if CONTENTS_HEADING.match(text)), None
    )
    if contents_at is None:
        raise SourceError(
            "aucune table des matières : ce texte n'a pas la forme d'un BIP imprimé",
            path=legacy,
            line=1,
            hint="le texte doit contenir la ligne « TABLE DES MATIÈRES » suivie des titres "
            "et de leurs pages",
        )
    fields = read_cover(lines[:contents_at], legacy, problems)
    short = acronym(str(fields["title"]))
    if short and any(re.search(rf"\b{short}\b", text) for _, text in lines):
        fields = {"title": fields.pop("title"), "short_title": short, **fields}  # "le BIP"
    toc, body_at = read_contents(lines, contents_at)
    if not any(entry.level == 1 for entry in toc):
        raise SourceError(
            "la table des matières ne donne aucun titre d'article",
            path=legacy,
            line=lines[contents_at][0],
            hint="chaque ligne de la table doit finir par son numéro de page",
        )
    annexe_at = annexe_start(lines, body_at)
    body_lines = lines[body_at:annexe_at]
    tail = lines[annexe_at + 1 :] if annexe_at < len(lines) else []
    body_lines, colophon = split_colophon(body_lines)
    tail, colophon_after = split_colophon(tail)
    colophon += colophon_after
    notes = annexe_notes(tail, problems)
    fields.update(colophon_fields(colophon, fields, problems))
    contact = read_contact(colophon)
    blocks = rejoin(list(read_blocks(body_lines, fields)))
    forms = word_forms(lines)
    articles = []
    called: set[int] = set()
    for entry, sections, article_blocks in split_articles(blocks, toc, problems):
        article = convert_article(entry, sections, article_blocks, notes, forms, legacy, problems)
        articles.append(article)
        called |= set(note_call_lines(article_blocks))
    for number, (line, _) in sorted(notes.items()):
        if number not in called:
            problems.append(
                Problem(
                    line,
                    f"la note {number} de l'annexe n'est appelée nulle part dans le texte : "
                    "elle est laissée de côté; ajoutez son appel [^n] dans l'article concerné "
                    "et sa définition à la fin de cet article",
                )
            )
    if not articles:
        raise SourceError(
            "aucun article de la table des matières n'a été trouvé dans le texte",
            path=legacy,
            line=lines[contents_at][0],
            hint="les titres des articles doivent figurer dans le texte tels que dans la table",
        )
    return IssueOut(
        fields=fields,
        contact=contact,
        articles=articles,
        note_count=sum(count_notes(article) for article in articles),
    )
