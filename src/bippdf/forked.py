"""Work done in forked processes while this one goes on: the issues composed while
WeasyPrint loads, some of a PDF's pages read on the other core, copyfitting's trial
layouts side by side, the print PDF laid out while its issue is fitted."""

from __future__ import annotations

import fcntl
import os
import pickle
import signal
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from typing import Any, Generic, TypeVar

_T = TypeVar("_T")
_V = TypeVar("_V")


@contextmanager
def in_child(work: Callable[[], _T], *, fork: bool = True) -> Iterator[Callable[[], _T]]:
    """Start ``work`` in a forked process; the function given waits for its result (or
    raises its exception). A child whose result is not asked for is killed on leaving.
    Without ``fork`` (or on a system without it), the work is done when asked for."""

    def step() -> Iterator[_T]:
        yield work()

    with steps_in_child(step, fork=fork) as result:
        yield result


@contextmanager
def steps_in_child(
    steps: Callable[[], Iterable[_T]], *, fork: bool = True
) -> Iterator[Callable[[], _T]]:
    """Start ``steps`` in a forked process, each value it yields sent back as soon as it
    is made (the child goes on to its next step meanwhile, up to a megabyte of values
    not yet read: ``roomy``); the function given waits for the next one (or raises the
    exception that stopped the steps). A child whose values are not all asked for is
    killed on leaving.
    Without ``fork`` (or on a system without it), each value is made when asked for. A
    process that cannot be forked raises OSError."""
    if not fork or not hasattr(os, "fork"):
        values = iter(steps())
        yield lambda: next(values)
        return
    read_end, write_end = os.pipe()
    roomy(write_end)
    try:
        pid = _fork()
    except OSError:  # no process to spare (memory, a limit): the caller's to say
        os.close(read_end)
        os.close(write_end)
        raise
    if pid == 0:  # the child: send the values back, then leave without any clean-up
        try:
            os.close(read_end)
            with os.fdopen(write_end, "wb") as out:
                try:
                    for value in steps():
                        out.write(pickle.dumps((True, value)))
                        out.flush()
                except BaseException as exc:
                    out.write(pickle.dumps((False, exc)))
        finally:
            os._exit(0)
    os.close(write_end)
    stream = os.fdopen(read_end, "rb")

    def result() -> _T:
        """Wait for the child's next value; raise its exception if it failed."""
        try:
            ok, value = pickle.load(stream)
        except EOFError:
            raise RuntimeError("un processus de travail s'est arrêté sans répondre") from None
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


def roomy(pipe: int) -> None:
    """The pipe made to hold a megabyte rather than 64 KB (on Linux): a child whose value
    fits goes on to its next step at once, rather than waiting for this process to read
    it. The issues composed are 208 KB for No. 6: the process that composed them waited
    0.05 to 0.15 s for WeasyPrint to be imported here before making the copies for
    screens, which then overlapped the layouts longer. (linebreaking.Channel's too.)"""
    with suppress(OSError, AttributeError):  # (elsewhere: the system's size)
        fcntl.fcntl(pipe, fcntl.F_SETPIPE_SZ, 1 << 20)


def _fork() -> int:
    """``os.fork()``: 0 in the child, the child's id in this process."""
    with warnings.catch_warnings():
        # Python 3.12 warns of forking a process that has threads (watch has one): the
        # child only computes, sends its results and leaves, taking no lock.
        warnings.simplefilter("ignore", DeprecationWarning)
        return os.fork()


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


class Follower(Generic[_V, _T]):
    """A forked process that works on the latest of the values sent to it, each from
    where the one before left it: ``prepare(value)`` (a layout, from the last one where
    it can), then, once asked to (``finish``), ``finish(value)`` for the last value sent
    (the PDF written and checked), whose result it sends back. A value overtaken is never
    finished, and what ``prepare`` made of it is where the next one's starts from.
    ``answer(value, question)`` tells what is asked (``ask``) of the last value sent,
    once prepared, without finishing it (what a trial layout measures). Values,
    questions, answers and results must pickle."""

    def __init__(
        self,
        prepare: Callable[[_V], Any],
        finish: Callable[[_V], _T],
        answer: Callable[[_V, Any], Any] | None = None,
    ) -> None:
        from multiprocessing import Pipe

        here, there = Pipe()
        pid = _fork()
        if pid == 0:  # the child: follow the values until the parent closes its end
            try:
                here.close()
                _follow(there, prepare, finish, answer)
            finally:
                os._exit(0)
        there.close()
        self._pid, self._connection = pid, here
        self._sent = 0  # values sent, the last one's number
        self._finishing = 0  # the number of the value asked to be finished

    def send(self, value: _V) -> None:
        """Prepare this value next (once the one being prepared is)."""
        self._sent += 1
        self._tell((_PREPARE, self._sent, value))

    def finish(self) -> None:
        """Finish the last value sent once it is prepared, without waiting (``result``)."""
        if self._finishing != self._sent:
            self._finishing = self._sent
            self._tell((_FINISH, self._sent, None))

    def result(self) -> _T:
        """What ``finish`` gives for the last value sent (asked for now if it was not);
        its exception raised if it, or preparing the value, failed."""
        self.finish()
        return self._received()  # type: ignore[no-any-return]

    def ask(self, question: Any) -> Any:
        """What ``answer`` tells of the last value sent, once it is prepared (waited
        for); its exception raised if it, or preparing the value, failed. Not once the
        last value is asked to be finished (what ``finish`` does may use it up)."""
        assert self._finishing != self._sent, "a result is awaited"
        self._tell((_ASK, self._sent, question))
        return self._received()

    def _received(self) -> Any:
        """The next answer or result, for the last value sent."""
        try:
            number, ok, value = self._connection.recv()
        except (EOFError, OSError):
            raise RuntimeError("le processus qui mettait en pages s'est arrêté") from None
        assert number == self._sent
        if not ok:
            raise value
        return value

    def _tell(self, message: tuple[str, int, object]) -> None:
        """Send a message; to a process that is no more, nothing (``result`` says so)."""
        with suppress(OSError):
            self._connection.send(message)

    def close(self) -> None:
        """Stop the process, whatever it is doing."""
        with suppress(ProcessLookupError):
            os.kill(self._pid, signal.SIGKILL)
        self._connection.close()
        os.waitpid(self._pid, 0)


_PREPARE, _FINISH, _ASK = "prepare", "finish", "ask"


def _follow(
    connection: Any,
    prepare: Callable[[_V], Any],
    finish: Callable[[_V], _T],
    answer: Callable[[_V, Any], Any] | None,
) -> None:
    """The child's loop (``Follower``): every message read as it comes; the latest value
    prepared; the value asked for finished, or a question on it answered, once prepared;
    until the parent's end closes."""
    value: Any = None
    latest = prepared = 0  # the numbers of the last value received and prepared
    wanted: int | None = None  # the number of the value whose result or answer is asked for
    question: tuple[Any] | None = None  # what is asked of it, if not its result
    failure: Exception | None = None  # preparing the value prepared last failed
    try:
        while True:
            if connection.poll() or (latest == prepared and wanted != prepared):
                kind, number, sent = connection.recv()  # waits when there is nothing to do
                if kind == _PREPARE:
                    latest, value = number, sent
                else:
                    wanted, question = number, ((sent,) if kind == _ASK else None)
                continue
            if latest != prepared:
                prepared, failure = latest, None
                try:
                    prepare(value)
                except Exception as exc:
                    failure = exc
                continue
            payload: tuple[int, bool, object]
            try:
                if failure is not None:
                    raise failure
                if question is None:
                    payload = (prepared, True, finish(value))
                else:
                    assert answer is not None, "nothing answers questions"
                    payload = (prepared, True, answer(value, question[0]))
            except Exception as exc:
                payload = (prepared, False, exc)
            wanted = question = None
            try:
                connection.send(payload)
            except Exception:  # a result or an error that does not pickle
                connection.send((prepared, False, RuntimeError(repr(payload[2]))))
    except (EOFError, OSError):
        return
