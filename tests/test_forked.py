"""Work in forked processes (forked.py): a process that follows the values sent to it
(Follower), the latest prepared, each from where the one before left it, only the one
asked for finished; steps whose values come back as each is made (steps_in_child)."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Iterator

import pytest

from bippdf.forked import Follower, steps_in_child

WAIT = 60  # seconds: the longest the child is waited for


def test_values_sent_while_one_is_prepared_are_passed_over_but_the_latest() -> None:
    """Three values sent while the first is prepared: the second is never prepared, the
    third is, after the first (from what it left), and only the third is finished. (The
    lists are the child's: the test sees them through what ``finish`` sends back.)"""
    fork = multiprocessing.get_context("fork")
    started, go = fork.Event(), fork.Event()
    prepared: list[int] = []
    finished: list[int] = []

    def prepare(value: int) -> None:
        prepared.append(value)
        if value == 1:
            started.set()
            assert go.wait(WAIT)

    def finish(value: int) -> tuple[int, list[int], list[int]]:
        finished.append(value)
        return value * 10, prepared, finished

    follower = Follower(prepare, finish)
    try:
        follower.send(1)
        assert started.wait(WAIT)
        follower.send(2)
        follower.send(3)
        go.set()
        assert follower.result() == (30, [1, 3], [3])
        follower.send(4)  # a value after a result: prepared from the last, finished
        assert follower.result() == (40, [1, 3, 4], [3, 4])
    finally:
        follower.close()


@pytest.mark.parametrize("where", ["prepare", "finish"])
def test_a_failure_is_raised_where_the_result_is_asked_for(where: str) -> None:
    """A value that fails to be prepared or finished: its error, raised by ``result``;
    the process goes on with the next value."""

    def prepare(value: int) -> None:
        if value == 1 and where == "prepare":
            raise ValueError("mise en pages impossible")

    def finish(value: int) -> int:
        if value == 1 and where == "finish":
            raise ValueError("écriture impossible")
        return value

    follower = Follower(prepare, finish)
    try:
        follower.send(1)
        with pytest.raises(ValueError, match="impossible"):
            follower.result()
        follower.send(2)
        assert follower.result() == 2
    finally:
        follower.close()


def test_a_question_on_the_last_value_is_answered_once_it_is_prepared() -> None:
    """A question asked of the last value sent waits for it to be prepared, is answered
    without finishing it, and leaves it where it was: asked again, the value is not
    prepared again; the next value is prepared from it; a failing answer is raised, and
    the process answers the next question."""
    prepared: list[int] = []

    def answer(value: int, question: str) -> tuple[int, str, list[int]]:
        if question == "faux":
            raise ValueError("réponse impossible")
        return value, question, prepared

    def finish(value: int) -> tuple[int, list[int]]:
        return value * 10, prepared

    follower = Follower(prepared.append, finish, answer)
    try:
        follower.send(1)
        assert follower.ask("pages") == (1, "pages", [1])
        follower.send(2)
        assert follower.ask("lignes") == (2, "lignes", [1, 2])
        assert follower.ask("pages") == (2, "pages", [1, 2])
        with pytest.raises(ValueError, match="impossible"):
            follower.ask("faux")
        assert follower.result() == (20, [1, 2])
        follower.send(3)
        assert follower.ask("pages") == (3, "pages", [1, 2, 3])
    finally:
        follower.close()


def test_a_process_that_died_is_said_in_french() -> None:
    """A process killed (memory) before its result: values sent to it after are not an
    error, its result is one that says so, not a hang."""
    fork = multiprocessing.get_context("fork")
    died = fork.Event()

    def prepare(value: int) -> None:
        died.set()
        os.kill(os.getpid(), signal.SIGKILL)

    follower: Follower[int, int] = Follower(prepare, int)
    try:
        follower.send(1)
        assert died.wait(WAIT)
        time.sleep(0.1)  # its end of the pipe closed
        follower.send(2)
        with pytest.raises(RuntimeError, match="s'est arrêté"):
            follower.result()
    finally:
        follower.close()


def test_each_value_of_the_steps_is_sent_back_as_soon_as_it_is_made() -> None:
    """The first value reaches this process while the child is still at the second: the
    child waits until this process has it."""
    received = multiprocessing.get_context("fork").Event()

    def steps() -> Iterator[object]:
        yield os.getpid()
        assert received.wait(WAIT), "the first value was not received before the second"
        yield "the second"

    with steps_in_child(steps) as next_value:
        pid = next_value()
        received.set()
        assert next_value() == "the second"
    assert pid != os.getpid()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the pipe's size: Linux's")
def test_a_child_goes_on_to_its_next_step_while_its_value_waits_to_be_read() -> None:
    """A value of a few hundred kilobytes (the issues composed: about 200 KB for No. 6)
    does not hold the child up until this process reads it: the child is at its next
    step (the copies for screens) while this one is busy elsewhere (importing
    WeasyPrint)."""
    next_step = multiprocessing.get_context("fork").Event()

    def steps() -> Iterator[object]:
        yield "x" * 400_000
        next_step.set()
        yield "the second"

    with steps_in_child(steps) as next_value:
        assert next_step.wait(WAIT / 4), "the child waited for its first value to be read"
        assert next_value() == "x" * 400_000
        assert next_value() == "the second"


def test_steps_stopped_by_an_error_send_the_values_before_it_then_the_error() -> None:
    def steps() -> Iterator[int]:
        yield 1
        raise ZeroDivisionError(os.getpid())

    with steps_in_child(steps) as next_value:
        assert next_value() == 1
        with pytest.raises(ZeroDivisionError) as info:
            next_value()
    assert info.value.args[0] != os.getpid()  # raised there, not here
    with steps_in_child(lambda: iter([os.getpid(), 2]), fork=False) as next_value:
        assert next_value() == os.getpid() and next_value() == 2


def test_a_child_that_ends_without_a_value_is_said_to_have_stopped() -> None:
    def steps() -> Iterator[int]:
        yield 1
        os.kill(os.getpid(), signal.SIGKILL)
        yield 2  # never

    with steps_in_child(steps) as next_value:
        assert next_value() == 1
        with pytest.raises(RuntimeError, match="s'est arrêté"):
            next_value()
