"""What a build sets aside from Python's collector of cycles while it lays out, writes and
checks (gc.freeze), and when it gives it back.

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
