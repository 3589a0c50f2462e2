"""Reading a PDF back: the same reading whether one process or two read the pages, and
whether a page is read anew or as it was read before."""

from __future__ import annotations

import io
import os
import re
import select
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pikepdf
import pytest

from bippdf.check import readback
from bippdf.check.readback import read_pdf
from bippdf.forked import in_child as _in_child
from bippdf.forked import side_by_side
from bippdf.recent import Recent

from ..conftest import BuiltIssue, WebIssue

WAIT = 60  # seconds: the longest a child is waited for to say it started


@pytest.mark.slow
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
    monkeypatch.setattr(readback, "KEPT", Recent(512))  # every page read, none as read before

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
    monkeypatch.setattr(readback, "KEPT", Recent(512))
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


def _read_anew(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The pages read anew from now on, in this process (not as read before)."""
    read: list[int] = []
    read_page = readback.read_page

    def logged(reader: object, document: object, index: int, *args: object) -> object:
        read.append(index)
        return read_page(reader, document, index, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(readback, "read_page", logged)
    return read


def _edited(data: bytes, change: Callable[[pikepdf.Pdf], None]) -> bytes:
    """The PDF once ``change`` has edited it (qpdf writes its objects anew, renumbered)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        change(pdf)
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


@pytest.mark.slow
def test_pages_read_before_are_not_read_again(
    issue6_web: WebIssue, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``watch`` checks every rebuild: a page as it was at the last check is not read
    again, and reads back the same; another geometry reads it anew."""
    monkeypatch.setattr(readback, "KEPT", Recent(512))
    data = issue6_web.results[0].output.read_bytes()
    read = _read_anew(monkeypatch)
    first = read_pdf(data, workers=1)
    assert read == list(range(first.page_count))
    read.clear()
    assert read_pdf(data, workers=1) == first
    assert read == []
    renumbered = _edited(data, lambda pdf: None)  # (qpdf writes its own trailer and header)
    assert renumbered != data
    assert replace(read_pdf(renumbered, workers=1), structure=first.structure) == first
    assert read == []
    read_pdf(data, workers=1, tolerance=1.0)
    assert read == list(range(first.page_count))


@pytest.mark.slow
def test_a_page_is_read_again_when_a_font_it_uses_changes(
    issue6_web: WebIssue, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a page refers to is part of it: the body font's map to Unicode changed (its
    e read as E), every page is read again (WeasyPrint gives them all one dictionary of
    resources), and the text of those in that font has changed."""
    monkeypatch.setattr(readback, "KEPT", Recent(512))
    data = issue6_web.results[0].output.read_bytes()
    before = read_pdf(data, workers=1)
    serif = before.fonts["NotoSerif-Regular"].pages

    def capital_e(pdf: pikepdf.Pdf) -> None:
        for page in pdf.pages:
            for font in page.obj.Resources.Font.values():
                if str(font.BaseFont).endswith("+Noto-Serif"):
                    cmap = font.ToUnicode
                    cmap.write(re.sub(rb"> <0065>", b"> <0045>", cmap.read_bytes()))

    read = _read_anew(monkeypatch)
    after = read_pdf(_edited(data, capital_e), workers=1)
    assert read == list(range(before.page_count))
    changed = [i for i in range(before.page_count) if after.texts[i] != before.texts[i]]
    assert set(changed) <= serif and len(changed) > before.page_count / 2, changed
    assert after.texts[4].count("E") > before.texts[4].count("E")


def test_links_of_a_page_read_before_go_to_today_s_destinations(
    issue6_web: WebIssue, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A contents page as it was, whose entry's destination moved to another page: its
    link goes to that page (links name their destination, which is read each time)."""
    monkeypatch.setattr(readback, "KEPT", Recent(512))
    data = issue6_web.results[0].output.read_bytes()
    before = read_pdf(data, workers=1)
    link = next(link for link in before.links if link.dest and link.dest_page)
    moved_to = before.page_count - 1
    assert link.dest_page != moved_to

    def move(pdf: pikepdf.Pdf) -> None:
        tree = pikepdf.NameTree(pdf.Root.Names.Dests)
        destination = tree[link.dest]
        tree[link.dest] = pikepdf.Array([pdf.pages[moved_to].obj, *list(destination)[1:]])

    read = _read_anew(monkeypatch)
    after = read_pdf(_edited(data, move), workers=1)
    assert link.page not in read  # the page of the link: as read before
    assert after.page_of(link.dest) == moved_to
    assert {other.dest_page for other in after.links_to(link.dest)} == {moved_to}


def _pages_codes(pdf: Path) -> list[tuple[list[int], list[int]]]:
    """Each page's character codes as ``pages._codes`` reads them, and one by one."""
    import pypdfium2

    from bippdf.check import pages

    raw = pypdfium2.raw
    document = pypdfium2.PdfDocument(pdf.read_bytes())
    try:
        read = []
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            handle = textpage._as_parameter_
            count = raw.FPDFText_CountChars(handle)
            one_by_one = [raw.FPDFText_GetUnicode(handle, at) for at in range(count)]
            read.append((pages._codes(handle, count), one_by_one))
            textpage.close()
            page.close()
        return read
    finally:
        document.close()


def test_a_page_s_characters_read_at_once_are_those_read_one_by_one(
    issue6: BuiltIssue, issue6_web: WebIssue, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The word gaps are measured from the codes of the page's characters, read in one
    call: the same as read one by one, on both PDFs of No. 6, whose lines end with
    hyphens (which the one call gives as U+FFFE). Where the one call leaves a character
    out (one outside UTF-16's single units), each is read one by one."""
    import ctypes

    import pypdfium2

    for pdf in (issue6.result.output, issue6_web.results[0].output):
        read = _pages_codes(pdf)
        assert sum(len(codes) for codes, _ in read) > 50_000
        assert any(0x2 in one_by_one for _, one_by_one in read)  # a hyphen ending a line
        assert all(codes == one_by_one for codes, one_by_one in read), pdf.name

    whole = pypdfium2.raw.FPDFText_GetText

    def one_left_out(handle: object, start: int, count: int, text: object) -> int:
        """As pdfium does with a character UTF-16 holds in two units: left out."""
        written = whole(handle, start, count, text)
        units = ctypes.cast(text, ctypes.POINTER(ctypes.c_ushort))
        ctypes.memmove(units, ctypes.byref(units.contents, 2), 2 * (written - 1))
        return int(written) - 1

    monkeypatch.setattr(pypdfium2.raw, "FPDFText_GetText", one_left_out)
    read = _pages_codes(issue6_web.results[0].output)
    assert all(codes == one_by_one for codes, one_by_one in read)
