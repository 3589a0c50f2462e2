"""What a process keeps for its next build or check: bounded, the least recently used
forgotten first."""

from __future__ import annotations

from bippdf.recent import Recent


def test_the_value_not_used_for_the_longest_is_forgotten_first() -> None:
    recent: Recent[str, int] = Recent(2)
    recent.keep({"a": 1, "b": 2})
    recent.keep({"a": 1})  # used again: now the last used
    recent.keep({"c": 3})
    assert recent.get("b") is None
    assert recent.kept() == {"a": 1, "c": 3}
    recent.keep({"c": 4, "d": 5})
    assert list(recent.kept().items()) == [("c", 4), ("d", 5)]
