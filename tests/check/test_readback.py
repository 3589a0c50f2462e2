"""Reading a PDF back: the same reading whether one process or two read the pages."""

from __future__ import annotations

import os
import select
from pathlib import Path

import pytest

from bippdf.check import readback
from bippdf.check.child import in_child as _in_child
from bippdf.check.child import side_by_side
from bippdf.check.readback import read_pdf

from ..conftest import BuiltIssue

WAIT = 60  # seconds: the longest a child is waited for to say it started


def test_two_processes_read_the_same_as_one(
    issue6: BuiltIssue, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With two workers, this process reads pages from the start and another from the
    end, the last page first, until they meet: each page says which process read it."""
    log = tmp_path / "readers.txt"
    read_page = readback.read_page

    def logged(reader: object, document: object, index: int, *args: object) -> object:
        with log.open("a", encoding="utf-8") as out:  # appends of a line do not interleave
            out.write(f"{index} {os.getpid()}\n")
        return read_page(reader, document, index, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(readback, "read_page", logged)

    def readers() -> dict[int, int]:
        """Page index: the process that read it, from the log, which is then emptied; no
        page read twice."""
        lines = log.read_text(encoding="utf-8").split()
        log.unlink()
        read = [(int(page), int(pid)) for page, pid in zip(lines[::2], lines[1::2], strict=True)]
        assert len(read) == len(dict(read)), read
        return dict(read)

    data = issue6.result.output.read_bytes()
    one = read_pdf(data, workers=1)
    assert readers() == dict.fromkeys(range(issue6.pdf.page_count), os.getpid())
    two = read_pdf(data, workers=2)
    by = readers()
    count = issue6.pdf.page_count
    assert sorted(by) == list(range(count))  # each page read once
    (child,) = set(by.values()) - {os.getpid()}
    assert by[count - 1] == child  # the last page: always the other process's
    assert by[0] == os.getpid()
    # one run of pages from the start, one from the end
    meet = min(page for page in range(count) if by[page] == child)
    assert all(by[page] == (os.getpid() if page < meet else child) for page in range(count))
    assert one.page_count == two.page_count == count
    assert two == one
    assert sum(len(two.lines[page]) for page in range(meet, count)) > 10  # by the other


def test_the_work_runs_in_another_process() -> None:
    with _in_child(os.getpid) as result:
        pid = result()
    assert pid != os.getpid()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # ended and waited for
    with _in_child(os.getpid, fork=False) as result:
        assert result() == os.getpid()


def test_an_error_in_the_other_process_is_raised_here() -> None:
    def fails() -> None:
        raise ZeroDivisionError(os.getpid())

    with _in_child(fails) as result, pytest.raises(ZeroDivisionError) as info:
        result()
    assert info.value.args[0] != os.getpid()  # raised there, not here
    with _in_child(lambda: [1, 2]) as result:
        assert result() == [1, 2]


def test_works_side_by_side_come_back_in_order_from_other_processes() -> None:
    works = [lambda i=i: (i, os.getpid()) for i in range(5)]
    results = side_by_side(works, cores=2)
    assert [i for i, _ in results] == [0, 1, 2, 3, 4]
    here = [i for i, pid in results if pid == os.getpid()]
    assert here == [0, 2, 4]  # the first of each pair here, the second in a child
    assert [pid for _, pid in side_by_side(works, cores=1)] == [os.getpid()] * 5


def test_a_work_that_fails_side_by_side_is_done_again_here() -> None:
    """Its error is raised in this process, as it is: not every error pickles."""
    calls: list[int] = []

    def fails() -> None:
        calls.append(os.getpid())  # seen here only when run here
        raise ZeroDivisionError(os.getpid())

    with pytest.raises(ZeroDivisionError) as info:
        side_by_side([lambda: 1, fails], cores=2)
    assert info.value.args[0] == os.getpid() and calls == [os.getpid()]


def test_a_process_no_longer_wanted_is_stopped() -> None:
    """The parent fails before asking: the child, blocked writing more than a pipe holds,
    is stopped and waited for, not left behind."""
    read_end, write_end = os.pipe()

    def started_then_sends_a_lot() -> bytes:
        os.write(write_end, str(os.getpid()).encode())
        return b"x" * 1_000_000

    try:
        with pytest.raises(RuntimeError), _in_child(started_then_sends_a_lot):
            ready, _, _ = select.select([read_end], [], [], WAIT)
            assert ready, f"the child did not start within {WAIT} s"
            pid = int(os.read(read_end, 32))
            assert pid != os.getpid()
            os.kill(pid, 0)  # it is alive, blocked on its pipe
            raise RuntimeError("the parent fails first")
    finally:
        os.close(read_end)
        os.close(write_end)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # gone: killed and waited for
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # no child process left
