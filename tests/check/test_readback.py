"""Reading a PDF back: the same reading whether one process or two read the pages."""

from __future__ import annotations

import os

import pytest

from bippdf.check.readback import _in_child, read_pdf

from ..conftest import BuiltIssue


def test_two_processes_read_the_same_as_one(issue6: BuiltIssue) -> None:
    data = issue6.result.output.read_bytes()
    one, two = read_pdf(data, workers=1), read_pdf(data, workers=2)
    assert one.page_count == two.page_count == 32
    assert two == one
    assert len(two.lines[-5]) > 10 and two.links  # the half read in the other process


def test_an_error_in_the_other_process_is_raised_here() -> None:
    with _in_child(lambda: 1 // 0) as result, pytest.raises(ZeroDivisionError):
        result()
    with _in_child(lambda: [1, 2]) as result:
        assert result() == [1, 2]


def test_a_process_no_longer_wanted_is_stopped() -> None:
    """The parent fails before asking: the child, blocked writing more than a pipe holds,
    is stopped and waited for, not left behind."""
    with pytest.raises(RuntimeError), _in_child(lambda: b"x" * 1_000_000):
        raise RuntimeError("the parent fails first")
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # no child process left
