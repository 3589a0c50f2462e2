"""The columns of a page as read back (check/columns.py): which lines stand in which
column, and in what order they are read, on pages drawn line by line here."""

from __future__ import annotations

import pytest

from bippdf.check.columns import column_runs, split_columns
from bippdf.check.pages import Line
from bippdf.layout import LETTER
from bippdf.recent import Recent

COLUMNS = LETTER.columns_pt(1)
(LEFT, LEFT_END), (RIGHT, RIGHT_END) = COLUMNS
PITCH = 14.6  # points: running text, 9.75 pt on 1.5


def _column(side: int, top: float, count: int, name: str) -> list[Line]:
    """``count`` lines of running text down a column from ``top``, named for the test."""
    start, end = COLUMNS[side]
    return [
        Line(start, top - at * PITCH - 10, end, top - at * PITCH, f"{name}{at + 1} texte courant")
        for at in range(count)
    ]


def _across(top: float, text: str) -> Line:
    """A line of an article's header, across the page."""
    return Line(LEFT, top - 16, RIGHT_END - 40, top, text)


def _names(runs: list[tuple[int, list[Line]]]) -> list[tuple[int, list[str]]]:
    return [(column, [line.text.split()[0] for line in run]) for column, run in runs]


def test_an_article_ending_in_two_columns_is_read_before_the_next_one() -> None:
    """An article ends in two columns, its left one a line longer; the next one's
    header spans the page under them, then its own columns. The left column's last line
    above is followed by the right column's first line above, not by the next article."""
    ending = _column(0, 730, 4, "a") + _column(1, 730, 3, "b")
    header = [_across(640, "Titre de l'article suivant"), _across(600, "Chapeau de l'article")]
    body = _column(0, 540, 12, "c") + _column(1, 540, 12, "d")
    runs = column_runs(ending + header + body, COLUMNS)
    assert _names(runs) == [
        (0, ["a1", "a2", "a3", "a4"]),  # a4 ends its column: not the header's
        (1, ["b1", "b2", "b3"]),
        (0, [f"c{n}" for n in range(1, 13)]),
        (1, [f"d{n}" for n in range(1, 13)]),
    ]
    (left, right), overruns = split_columns(ending + header + body, COLUMNS)
    assert [line.text.split()[0] for line in left] == ["a1", "a2", "a3", "a4"] + [
        f"c{n}" for n in range(1, 13)
    ]
    assert len(right) == 15 and overruns == []


def test_columns_an_image_interrupts_go_on_below_it() -> None:
    """An image in the left column, the right one going on beside it: one section, the
    left column read down past the image before the right one."""
    left = _column(0, 730, 10, "a") + _column(0, 330, 12, "c")  # the image between
    right = _column(1, 730, 40, "b")
    runs = column_runs(left + right, COLUMNS)
    assert _names(runs) == [
        (0, [f"a{n}" for n in range(1, 11)] + [f"c{n}" for n in range(1, 13)]),
        (1, [f"b{n}" for n in range(1, 41)]),
    ]


def test_a_column_that_begins_higher_under_the_header_is_the_new_article_s() -> None:
    """Under the next article's header, its left column begins two lines higher than
    its right one (beside a quotation's space): those lines are the new article's."""
    ending = _column(0, 730, 4, "a") + _column(1, 730, 3, "b")
    header = [_across(640, "Titre de l'article suivant"), _across(600, "Chapeau de l'article")]
    body = _column(0, 540 + 2 * PITCH, 14, "c") + _column(1, 540, 12, "d")
    runs = column_runs(ending + header + body, COLUMNS)
    assert _names(runs) == [
        (0, ["a1", "a2", "a3", "a4"]),
        (1, ["b1", "b2", "b3"]),
        (0, [f"c{n}" for n in range(1, 15)]),
        (1, [f"d{n}" for n in range(1, 13)]),
    ]


def test_a_page_is_split_once_for_every_check_that_asks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The lines, layout and fill checks each ask for a page's columns: its list of lines
    is split once; another list, even of the same lines, anew; and what one caller does
    to the columns it gets is not what the next one gets."""
    from bippdf.check import columns

    made: list[int] = []
    anew = columns._split_anew
    monkeypatch.setattr(columns, "_split_anew", lambda *args: made.append(1) or anew(*args))
    monkeypatch.setattr(columns, "_SPLIT", Recent(64))
    header = [_across(760, "Titre"), _across(720, "Chapeau")]
    page = header + _column(0, 660, 12, "g") + _column(1, 660, 12, "d")
    (left, right), _ = split_columns(page, COLUMNS)
    assert len(left) == len(right) == 12
    left.clear()
    assert [len(column) for column in split_columns(page, COLUMNS)[0]] == [12, 12]
    assert _names(column_runs(page, COLUMNS))[0][1][0] == "g1"
    assert len(made) == 1
    split_columns(list(page), COLUMNS)
    assert len(made) == 2
