"""What a build sets aside from Python's collector of cycles while it lays out, writes and
checks (gc.freeze), and when it gives it back; and how often it collects meanwhile.

A layout refers to itself (its context, its boxes): only the collector of cycles frees
it, and a full collection walks every object the process holds. What was there before
the build (WeasyPrint, the fonts, the stylesheets, the issues composed, and whatever a
caller holds: a script's, a test worker's) is set aside meanwhile, so that the build's
collections, and the processes it forks, walk only what it makes.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def set_aside() -> Iterator[None]:
    """What the process holds so far (WeasyPrint, the fonts, the stylesheets, the issues
    composed, its caller's objects) set aside from the collector of cycles meanwhile: its
    full collections would walk it again, here and in each process forked from it, whose
    pages they would copy as they mark it (Python's advice for forking, gc.freeze). A
    fifth to a third of a second of each PDF of No. 6. No collection first, which would
    delay every PDF: the little garbage of composing is set aside with it. Given back to
    the collector after, for a process that goes on (a script, the tests), unless some
    was set aside before: watch's last layout (``leave_aside``), which watch gives back
    once the build is reported (a caller that sets objects aside gives them back
    itself). Python counts what is set aside by walking it (gc.get_freeze_count: 0.02 s
    a rebuild under watch): not asked when ``leave_aside`` says."""
    owned = not _left_aside and gc.get_freeze_count() == 0
    gc.freeze()
    try:
        yield
    finally:
        if owned:
            gc.unfreeze()


_left_aside = False  # what the builds before left is set aside (``leave_aside``)


def leave_aside() -> None:
    """What the builds so far left (watch's last layout, its drawings, the fonts,
    WeasyPrint): its cyclic garbage collected, the rest set aside from the collector until
    ``give_back``, so that the next builds' collections walk only what they make; the
    builds leave it so (``set_aside``)."""
    global _left_aside
    _left_aside = False  # (until it is again: never said while nothing is)
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    _left_aside = True


def give_back() -> None:
    """What ``leave_aside`` set aside, collected as everything else again (only this gives
    it back: ``set_aside`` trusts it)."""
    global _left_aside
    _left_aside = False
    gc.unfreeze()


# An issue of the bulletin's length: No. 6's 24 pages are 109,083 characters of HTML.
SHORT = 150_000
# Young objects collected every 50,000 allocations rather than Python's 700, the middle
# generation every 20 of those rather than 10.
LESS_OFTEN = (50_000, 20)


@contextmanager
def collected_less_often(size: int) -> Iterator[None]:
    """Meanwhile, if the longest of the issues being built is shorter than ``SHORT``
    (``size``: characters of its composed HTML), young objects collected less often
    (``LESS_OFTEN``), in this process and those it forks. A first build of No. 6, 24
    pairs: wall 0.985, CPU 0.989, its peak 1.2 MB higher. A longer issue's trial layouts
    would then be freed later: No. 6 × 2 fitted from scratch peaked at 267 MB against
    220 MB (and No. 6 × 16 at 726 MB against 621 MB), for 4 % of its time."""
    if size >= SHORT:
        yield
        return
    usual = gc.get_threshold()
    gc.set_threshold(*LESS_OFTEN)
    try:
        yield
    finally:
        gc.set_threshold(*usual)
