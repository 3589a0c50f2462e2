"""Which block of which article a problem found in the PDF comes from, and why.

The build knows where each block of the articles was laid out (``SourceBox``es, read
from WeasyPrint's boxes before the PDF is written). A problem found at a point of a page
gets the innermost block there: its file and line, and, by what the block is, the cause
an editor can act on (a code block, a table, an image's file). A PDF checked alone has
no boxes: its problems keep their page numbers only.
"""

from __future__ import annotations

from collections import defaultdict

from ..contract import SourceBox
from .report import CheckResult, Problem

_CAUSES = {  # by the element the problem stands in: what it is, and what to do
    "pre": (
        "c'est un bloc de code",
        "des lignes qui commencent par une tabulation ou quatre espaces font un bloc de "
        "code, comme une liste collée de Word : retirez ce retrait, ou écrivez la liste "
        "avec « - » en début de ligne",
    ),
    "table": (
        "c'est un tableau plus large que sa colonne",
        "raccourcissez le texte de ses cellules, retirez une colonne, ou coupez-le en deux "
        "tableaux",
    ),
}


def locate(checks: list[CheckResult], sources: list[SourceBox]) -> None:
    """Give each problem and warning found at a point its block's file and line, and
    the cause the block tells."""
    if not sources:
        return
    by_page: dict[int, list[SourceBox]] = defaultdict(list)
    for box in sources:
        by_page[box.page].append(box)
    for check in checks:
        for problem in check.problems + check.warnings:
            if problem.at is not None:
                _locate(problem, by_page[problem.at[0]])


def _locate(problem: Problem, boxes: list[SourceBox]) -> None:
    """The innermost block holding the problem's point names it."""
    assert problem.at is not None
    _, x, y = problem.at
    holding = sorted((box for box in boxes if box.holds(x, y)), key=_area)
    if not holding:
        return
    problem.source = holding[0].source
    image = next((box.file for box in holding if box.file), None)
    if image:
        problem.message = f"{image} : {problem.message}"
    tags = {box.tag for box in holding}
    for tag, (cause, hint) in _CAUSES.items():
        if tag in tags:
            problem.message = f"{problem.message} ; {cause}"
            problem.hint = problem.hint or hint
            break


def _area(box: SourceBox) -> float:
    left, bottom, right, top = box.box
    return (right - left) * (top - bottom)
