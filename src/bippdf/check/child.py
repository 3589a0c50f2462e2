"""Work done in forked processes while this one goes on: some of a PDF's
pages read on the other core, copyfitting's trial layouts side by side."""

from __future__ import annotations

import os
import pickle
import signal
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from typing import TypeVar

_T = TypeVar("_T")


@contextmanager
def in_child(work: Callable[[], _T], *, fork: bool = True) -> Iterator[Callable[[], _T]]:
    """Start ``work`` in a forked process; the function given waits for its result (or
    raises its exception). A child whose result is not asked for is killed on leaving.
    Without ``fork`` (or on a system without it), the work is done when asked for."""
    if not fork or not hasattr(os, "fork"):
        yield work
        return
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        # Python 3.12 warns of forking a process that has threads (watch has one): the
        # child only computes, sends its result and leaves, taking no lock.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: send the result back, then leave without any clean-up
        try:
            os.close(read_end)
            try:
                payload = pickle.dumps((True, work()))
            except BaseException as exc:
                payload = pickle.dumps((False, exc))
            with os.fdopen(write_end, "wb") as out:
                out.write(payload)
        finally:
            os._exit(0)
    os.close(write_end)
    stream = os.fdopen(read_end, "rb")

    def result() -> _T:
        """Wait for the child's result; raise its exception if it failed."""
        payload = stream.read()
        if not payload:
            raise RuntimeError("le processus qui lisait une partie des pages s'est arrêté")
        ok, value = pickle.loads(payload)
        if not ok:
            raise value
        return value  # type: ignore[no-any-return]

    try:
        yield result
    finally:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)  # done already, or no longer wanted
        stream.close()
        os.waitpid(pid, 0)


def side_by_side(works: Sequence[Callable[[], _T]], cores: int) -> list[_T]:
    """Each work's result, in order, ``cores`` at a time: this process does the first of
    each group while forked ones do the others. A work that fails in its process is done
    again here, so that its error is raised as it is (not every error can be sent back)."""
    results: list[_T] = []
    step = max(1, cores)
    for start in range(0, len(works), step):
        group = works[start : start + step]
        with ExitStack() as stack:
            waits = [stack.enter_context(in_child(work)) for work in group[1:]]
            results.append(group[0]())
            for work, wait in zip(group[1:], waits, strict=True):
                try:
                    results.append(wait())
                except Exception:
                    results.append(work())
    return results
