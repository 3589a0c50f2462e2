"""Each paragraph set in the spacing it justifies best in, chosen by a trial layout.

WeasyPrint breaks lines one at a time: a line takes words while they fit, then its
word gaps are stretched to the column's edge. When the next word is long and cannot
be broken, the gaps open wide (over ``LOOSE`` em: a loose line). Set a little tighter
or looser, the same paragraph breaks its lines elsewhere. So each paragraph of the
articles with a loose line, or a hyphen that falls badly (hyphenation.py), is laid
out once in each spacing of bulletin.css (``.set-1`` to ``.set-{VARIANTS}``: word and
letter spacing within ±0.05 em), all in one trial layout holding only those
paragraphs, in one column as wide as each of the articles' (``layout.ONE_COLUMN``:
twice as fast to lay out as the two columns, which break the lines the same); each
keeps the spacing it reads best in (``_score``). The paragraphs are first read as
they are set where only the first article starts a page, from the issue laid out
apart (``apart``): each article's body in one column of its columns' width, where
every line breaks as in the columns, the articles shared among documents laid out
side by side. Copyfitting does this once per composed issue, before its page trials,
and writes the choice in the HTML (``written``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable

from .contract import SOURCE_ATTRIBUTE
from .hyphenation import MAX_RUN
from .layout import ONE_COLUMN
from .lines import Paragraph, ends_alone

LOOSE = 0.6  # ems: the widest word gap of a well-set justified line
VARIANTS = 5  # the spacings of bulletin.css: .set-1 … .set-5
SET = "set-{}"  # their class
STUB = 5  # what a line of one word before the last weighs, against a loose line

Choice = tuple[str, int]  # a paragraph's source, its spacing (1 … VARIANTS)

_BODY = re.compile(r"(<body\b[^>]*>).*</body>", re.S)
_ARTICLES = re.compile(r"<article\b.*?</article>", re.S)  # articles.html: never nested


def choose(
    html: str,
    laid_out: Iterable[Paragraph],
    paragraphs_of: Callable[[list[str]], list[list[Paragraph]]],
    parts: int = 1,
) -> tuple[Choice, ...]:
    """The spacing of each paragraph of the articles that does not read well as
    ``laid_out`` (the paragraphs of a layout of ``html``: lines.paragraphs), by trial
    layouts: the paragraphs, in every spacing, shared among ``parts`` documents of
    about the same length, which ``paragraphs_of`` lays out (side by side, if it can)
    and reads back."""
    candidates = {
        paragraph.source: paragraph
        for paragraph in laid_out
        if paragraph.tag == "p" and _score(paragraph)[0]
    }
    blocks = [block for source in candidates if (block := _paragraph_html(html, source))]
    trials = [_trial(html, group) for group in _shared(blocks, parts) if group]
    if not trials:
        return ()
    scores = {source: {0: _score(paragraph)} for source, paragraph in candidates.items()}
    for trial in paragraphs_of(trials):
        for paragraph in trial:
            if paragraph.trial is not None:
                scores.setdefault(paragraph.source, {})[int(paragraph.trial)] = _score(paragraph)
    chosen = []
    for source, by_variant in scores.items():
        best = min(by_variant, key=lambda variant: (by_variant[variant], variant))
        if best:
            chosen.append((source, best))
    return tuple(sorted(chosen))


def apart(html: str, parts: int = 1) -> list[str]:
    """Documents laying out every paragraph of ``html`` with the lines it has there, its
    articles' bodies each in one column as wide as their columns (``layout.ONE_COLUMN``:
    a box of columns is laid out at least twice, to find where each column ends). The
    articles are shared among ``parts`` documents of about the same length, the first
    keeping all that is not an article too (contents, Annexe, colophon): each paragraph
    is laid out in one of them, once."""
    html = html.replace('<div class="article-body">', f'<div class="article-body {ONE_COLUMN}">')
    articles = list(_ARTICLES.finditer(html))
    sizes = [len(article[0]) for article in articles]
    groups = _groups(sizes, parts, first=len(html) - sum(sizes))
    documents = ["".join(_without(html, [articles[i] for group in groups[1:] for i in group]))]
    for group in groups[1:]:
        if group:
            body = "".join(articles[i][0] for i in group)
            documents.append(_BODY.sub(functools.partial(_holding, body), html))
    return documents


def _holding(body: str, match: re.Match[str]) -> str:
    """The document's body tag (its class says how wide the articles' columns are),
    holding ``body``."""
    return f"{match[1]}{body}</body>"


def _without(html: str, taken: list[re.Match[str]]) -> Iterable[str]:
    """The HTML's pieces around the ``taken`` parts of it, in order."""
    end = 0
    for match in sorted(taken, key=lambda match: match.start()):
        yield html[end : match.start()]
        end = match.end()
    yield html[end:]


def _shared(blocks: list[str], parts: int) -> list[list[str]]:
    """The blocks shared among ``parts`` groups of about the same length, each group in
    the issue's order. A paragraph breaks its lines the same in any column of the
    articles' width, wherever it is."""
    return [[blocks[i] for i in group] for group in _groups([len(b) for b in blocks], parts)]


def _groups(sizes: list[int], parts: int, first: int = 0) -> list[list[int]]:
    """The indices of items of these sizes shared among ``parts`` groups of about the
    same size (the largest first, each to the smallest group; the first group holding
    ``first`` already), each group in order."""
    groups: list[list[int]] = [[] for _ in range(max(1, parts))]
    totals = [first] + [0] * (len(groups) - 1)
    for index in sorted(range(len(sizes)), key=lambda i: -sizes[i]):
        smallest = totals.index(min(totals))
        groups[smallest].append(index)
        totals[smallest] += sizes[index]
    return [sorted(group) for group in groups]


def _trial(html: str, blocks: list[str]) -> str:
    """The document of a trial: each block in every spacing, in a column of the width of
    the articles' (half the text block's, or all of it with notes at the foot of the
    page: layout.ONE_COLUMN)."""
    body = "".join(
        _variant(block, variant) for block in blocks for variant in range(1, VARIANTS + 1)
    )
    article = f'<article class="article"><div class="article-body {ONE_COLUMN}">{body}</div>'
    return _BODY.sub(functools.partial(_holding, f"{article}</article>"), html, count=1)


def written(html: str, choices: Iterable[Choice]) -> str:
    """The HTML with each chosen paragraph (the first of its source) in its spacing's
    class, in one pass over the HTML."""
    chosen: dict[str, list[str]] = {}
    for source, variant in choices:
        chosen.setdefault(source, []).append(SET.format(variant))
    if not chosen:
        return html

    def opening(match: re.Match[str]) -> str:
        """A paragraph's opening tag, with the classes of its spacing if it is chosen."""
        names = chosen.pop(match[3], None)
        if names is None:
            return match[0]
        classes = " ".join([match[1] or "", *names]).strip()
        return f'<p class="{classes}"{match[2]}'

    return _OPENING.sub(opening, html)


_OPENING = re.compile(rf'<p\b(?: class="([^"]*)")?([^>]*\b{SOURCE_ATTRIBUTE}="([^"]*)")')


def _score(paragraph: Paragraph) -> tuple[int, float]:
    """Lower reads better: loose lines, hyphens that fall badly wherever its columns
    turn (a word's end alone on the last line, a third in a row) and lines of one word
    before the last (WeasyPrint, measuring a line set tighter otherwise than Pango,
    may break its first word alone: « ave‐ » / « nir, les… »), then how far past
    ``LOOSE`` the loose lines are."""
    bad = 0
    run = 0
    lines = paragraph.lines
    for index, line in enumerate(lines):
        run = run + 1 if line.hyphen else 0
        if ends_alone(lines, index) or (line.hyphenated and run > MAX_RUN):
            bad += 1
        if index + 1 < len(lines) and len(line.text.split()) <= 1:
            bad += STUB  # worse than any loose line
    loose = [line.gap - LOOSE for line in lines if line.gap > LOOSE]
    return bad + len(loose), round(sum(loose), 2)


def _paragraph_html(html: str, source: str) -> str | None:
    """A paragraph's HTML, found by its source."""
    match = re.search(
        rf'<p\b[^>]*\b{SOURCE_ATTRIBUTE}="{re.escape(source)}"[^>]*>.*?</p>', html, re.S
    )
    return match[0] if match else None


def _variant(block: str, variant: int) -> str:
    """A paragraph's copy in a spacing, named for the trial, its ids dropped (ids are
    unique in a document)."""
    block = re.sub(r'\sid="[^"]*"', "", block)
    block = re.sub(r'^<p class="[^"]*"', "<p", block)
    return block.replace("<p", f'<p class="{SET.format(variant)}" data-trial="{variant}"', 1)
