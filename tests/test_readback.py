"""Reading a PDF back: the same reading whether one process or two read the pages."""

from __future__ import annotations

import pytest

from bippdf.readback import _in_child, read_pdf

from .conftest import BuiltIssue


def test_two_processes_read_the_same_as_one(issue6: BuiltIssue) -> None:
    data = issue6.result.output.read_bytes()
    one, two = read_pdf(data, workers=1), read_pdf(data, workers=2)
    assert one.page_count == two.page_count == 32
    assert two == one
    assert len(two.lines[-5]) > 10 and two.links  # the half read in the other process


def test_an_error_in_the_other_process_is_raised_here() -> None:
    result = _in_child(lambda: 1 // 0)
    with pytest.raises(ZeroDivisionError):
        result()
    assert _in_child(lambda: [1, 2])() == [1, 2]
