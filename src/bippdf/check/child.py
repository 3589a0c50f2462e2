"""Work done in a forked process while this one goes on: the second half of a PDF's
pages read on the other core."""

from __future__ import annotations

import os
import pickle
import signal
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
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
            raise RuntimeError("le processus qui lisait la moitié des pages s'est arrêté")
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
