"""How the lines of running text break, read back from the PDF as a designer reads them.

- **Line starts**: no line begins with a sign that belongs to the word before it
  (``» : ; ! ? %``) or with a note call.
- **Hyphens**: no word with a capital letter broken (« Qué‐bec »); none broken across a
  column or page turn; none whose end is all a paragraph's last line holds; at most
  ``MAX_RUN`` lines in a row ending with a hyphen.
- **Short lines**: no line of running text stops short of half its column in the
  middle of a sentence of its paragraph (the next line justified, at the paragraph's
  pitch). WeasyPrint may break a line's first word alone when what follows it cannot
  fit (an emphasis after « ); copyfitting sets such a paragraph in another spacing.
- **Word gaps**: a justified line's widest gap between two words, in ems of its font.
  A gap over ``LOOSE`` em is a loose line; their share of the justified lines is a
  figure, a warning over ``LOOSE_SHARE`` and an error over ``LOOSE_FAIL`` (of
  ``LOOSE_COUNTED`` lines or more: the few lines of a short text make no share).

Line starts, capitalised words and runs are errors: the layout rules (bulletin.css,
hyphenation.py) never make them. A hyphen at a turn or leaving a word's end alone on
a last line is a warning each, an error past ``MAX_BAD_HYPHENS``: copyfitting keeps
such words whole on the layout it keeps, but a PDF laid out without fitting may
hold a few. A short line is a warning each, an error past ``MAX_SHORT_LINES``.
"""

from __future__ import annotations

import itertools

from ..contract import NOTE_ID, PageGeometry
from ..hyphenation import MAX_RUN, broken_word
from ..justification import LOOSE
from .columns import column_runs
from .pages import ADDED_HYPHEN, Line
from .readback import PdfReadback
from .report import CheckResult, Problem, page_label
from .typesetting import is_running, text_size

LOOSE_SHARE = 0.10  # of the justified lines, with a gap over LOOSE: more is a warning
LOOSE_FAIL = 0.20  # and more than this an error
LOOSE_COUNTED = 100  # justified lines at least for a share to say something
MAX_BAD_HYPHENS = 3  # hyphens at a turn or before a last line, at most
MAX_SHORT_LINES = 2  # lines cut short mid-paragraph, at most
STARTS = "»:;!?%"  # signs that never begin a line
HARD_HYPHENS = ("-", "\ufffe", "\x02")  # pdfium reads a hyphen at a line's end so

_Column = list[Line]


def check_lines(pdf: PdfReadback, geometry: PageGeometry) -> CheckResult:
    """Line starts, hyphens and word gaps of the running text, column by column."""
    result = CheckResult("lines")
    size = text_size(pdf)
    counts = {"line_starts": 0, "capitalised_hyphens": 0, "turn_hyphens": 0}
    counts |= {"last_line_hyphens": 0, "hyphen_runs": 0, "short_lines": 0}
    calls = {
        (link.page, round(link.rect[0], 1), round(link.rect[1], 1))
        for link in pdf.links
        if link.dest and NOTE_ID.match(link.dest)
    }
    columns: list[tuple[int, _Column, float]] = []  # page, body lines, column's right edge
    for index in range(1, pdf.page_count):
        edges = geometry.columns_pt(index)
        for column, lines in column_runs(pdf.lines[index], edges):
            # Any line, for its start: one that starts with a note call is in its font.
            _line_starts(pdf, index, lines, calls, counts, result)
            body = [line for line in lines if is_running(line, size)]
            if body:
                columns.append((index, body, edges[column][1]))
    justified = loose = 0
    widest = 0.0
    for position, (index, lines, right) in enumerate(columns):
        where = page_label(pdf, index)
        following = columns[position + 1][1] if position + 1 < len(columns) else []
        pitch = _pitch(lines)
        _hyphens(index, where, lines, following, (right, pitch), counts, result)
        _short_lines(index, where, lines, (right, pitch), counts, result)
        for line in lines:
            if line.right < right - 2:  # the last line of a paragraph, or ragged text
                continue
            justified += 1
            widest = max(widest, line.gap)
            if line.gap > LOOSE:
                loose += 1
    share = loose / justified if justified else 0.0
    bad = counts["turn_hyphens"] + counts["last_line_hyphens"]
    if bad > MAX_BAD_HYPHENS:
        result.problems.append(
            Problem(
                f"{bad} coupures mal placées (en fin de colonne, ou qui laissent seule la fin "
                f"d'un mot en dernière ligne) : au plus {MAX_BAD_HYPHENS}"
            )
        )
    if counts["short_lines"] > MAX_SHORT_LINES:
        result.problems.append(
            Problem(
                f"{counts['short_lines']} lignes s'arrêtent avant la moitié de leur colonne "
                f"au milieu d'un paragraphe : au plus {MAX_SHORT_LINES}"
            )
        )
    if share > LOOSE_SHARE and justified >= LOOSE_COUNTED:
        message = (
            f"{loose} lignes justifiées sur {justified} ({share:.1%}) ont une espace de plus "
            f"de {LOOSE:.1f} em entre deux mots".replace(".", ",")
        )
        if share > LOOSE_FAIL:
            result.problems.append(Problem(f"{message} : au plus {LOOSE_FAIL:.0%}"))
        else:
            result.warnings.append(Problem(f"{message} : {LOOSE_SHARE:.0%} au plus d'ordinaire"))
    result.figures.update(counts)
    result.figures.update(
        {
            "justified_lines": justified,
            "loose_lines": loose,
            "loose_share": round(share, 4),
            "widest_gap_em": round(widest, 2),
        }
    )
    return result


def _line_starts(
    pdf: PdfReadback,
    index: int,
    lines: _Column,
    calls: set[tuple[int, float, float]],
    counts: dict[str, int],
    result: CheckResult,
) -> None:
    """Lines that begin with a sign of the word before them, or with a note call."""
    for line in lines:
        text = line.text.lstrip()
        call = any(
            page == index and abs(left - line.left) < 1.5 and line.bottom - 2 <= bottom <= line.top
            for page, left, bottom in calls
        )
        if text[:1] in STARTS or call:
            counts["line_starts"] += 1
            what = "un appel de note" if call else f"« {text[:1]} »"
            result.problems.append(
                Problem(
                    f"une ligne commence par {what}, qui reste sur la ligne du mot qui le "
                    f"précède : « {text[:40]} »",
                    page_label(pdf, index),
                    at=(index, line.left + 1, line.middle),
                )
            )


def _hyphens(
    index: int,
    where: str | None,
    lines: _Column,
    following: _Column,
    column: tuple[float, float],
    counts: dict[str, int],
    result: CheckResult,
) -> None:
    """Broken words with a capital, at a column's end, before a paragraph's last line;
    runs of more than ``MAX_RUN`` lines ending with a hyphen."""
    run = 0
    for at, line in enumerate(lines):

        def said(kind: str, message: str, into: list[Problem], line: Line = line) -> None:
            counts[kind] += 1
            into.append(Problem(message, where, at=(index, line.right - 1, line.middle)))

        end = line.text.rstrip()
        auto = end.endswith(ADDED_HYPHEN)
        run = run + 1 if auto or end.endswith(HARD_HYPHENS) else 0
        if run == MAX_RUN + 1:
            said(
                "hyphen_runs",
                f"plus de {MAX_RUN} lignes de suite finissent par un trait d'union, "
                f"jusqu'à « {end[-30:]} »",
                result.problems,
            )
        if not auto:
            continue
        after = lines[at + 1] if at + 1 < len(lines) else (following[0] if following else None)
        word = broken_word(end, after.text if after else "")
        if any(c.isupper() for c in word):
            said(
                "capitalised_hyphens", f"un mot à majuscule est coupé : « {word} »", result.problems
            )
        if at + 1 == len(lines):
            said(
                "turn_hyphens",
                f"le mot « {word} » est coupé d'une colonne ou d'une page à l'autre",
                result.warnings,
            )
        elif (
            after is not None
            and len(after.text.split()) == 1
            and _last_of_paragraph(lines, at + 1, column)
        ):
            said(
                "last_line_hyphens",
                f"le mot « {word} » est coupé et sa fin est seule sur la dernière ligne "
                "de son paragraphe",
                result.warnings,
            )


def _short_lines(
    index: int,
    where: str | None,
    lines: _Column,
    column: tuple[float, float],
    counts: dict[str, int],
    result: CheckResult,
) -> None:
    """Lines that stop short of half their column while their paragraph goes on,
    justified, on the next line: mid-sentence (a line ending a sentence, a list item
    or a paragraph may be short)."""
    right, pitch = column
    for line, below in itertools.pairwise(lines):
        half = line.left + (right - line.left) / 2
        end = line.text.rstrip()[-1:]
        mid_sentence = end.isalpha() or end in (",", ADDED_HYPHEN, *HARD_HYPHENS)
        if (
            mid_sentence
            and line.right < half
            and below.right >= right - 2
            and line.baseline - below.baseline < pitch * 1.2
        ):
            counts["short_lines"] += 1
            result.warnings.append(
                Problem(
                    f"une ligne s'arrête avant la moitié de sa colonne au milieu de son "
                    f"paragraphe : « {line.text.strip()[:40]} »",
                    where,
                    at=(index, line.left + 1, line.middle),
                )
            )


def _last_of_paragraph(lines: _Column, at: int, column: tuple[float, float]) -> bool:
    """Whether the line at ``at`` ends its paragraph: short of the column's edge, and
    the column ends after it or the next line starts a paragraph (``column``: its
    right edge and the pitch of its lines)."""
    right, pitch = column
    line = lines[at]
    if line.right >= right - 2:
        return False
    if at + 1 == len(lines):
        return True
    return line.baseline - lines[at + 1].baseline > pitch * 1.2


def _pitch(lines: _Column) -> float:
    """The distance between the baselines of a column's lines, most often."""
    steps = sorted(a.baseline - b.baseline for a, b in itertools.pairwise(lines))
    return steps[len(steps) // 2] if steps else 14.0
