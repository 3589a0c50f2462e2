"""The list of deliberate faults (benchmarks/mutants.py) is in step with the code.

Nothing is run here: each fault's text must still occur exactly once where it says,
its tests must exist, and its name must be its own. This fails the day code moves
without the list following it.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _mutants() -> ModuleType:
    """benchmarks/mutants.py, which is a script and not a package."""
    spec = importlib.util.spec_from_file_location("mutants", ROOT / "benchmarks" / "mutants.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("mutants", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


MUTANTS = _mutants()


@pytest.mark.parametrize("fault", MUTANTS.FAULTS, ids=lambda fault: fault.name)
def test_fault_applies_to_the_current_tree(fault: object) -> None:
    assert MUTANTS.problems(fault) == []
    assert fault.new != fault.old  # type: ignore[attr-defined]


def test_fault_names_are_unique_and_cover_the_checks() -> None:
    names = [fault.name for fault in MUTANTS.FAULTS]
    assert len(names) == len(set(names))
    assert 30 <= len(names) <= 100  # (a full run: some 10 minutes on two cores)
    checks = ["pages", "contents", "notes", "links", "fonts", "overflow", "layout", "metadata"]
    assert {f"check-{name}-silent" for name in checks} <= set(names)


def test_a_fault_whose_text_moved_is_refused(tmp_path: Path) -> None:
    fault = MUTANTS.FAULTS[0]
    target = tmp_path / fault.file
    target.parent.mkdir(parents=True)
    target.write_text("nothing of the kind\n", encoding="utf-8")
    assert MUTANTS.problems(fault, tmp_path) == [f"its old text occurs 0 times in {fault.file}"] + [
        f"{test} does not exist" for test in fault.tests
    ]
    target.write_text(fault.old + fault.old, encoding="utf-8")
    assert f"its old text occurs 2 times in {fault.file}" in MUTANTS.problems(fault, tmp_path)


def test_a_fault_s_tests_can_be_those_make_test_runs() -> None:
    """``--marks "not slow"`` (what make test alone catches) reaches pytest as its -m,
    beside the fault's own -k."""
    fault = next(fault for fault in MUTANTS.FAULTS if fault.keyword)
    args = fault.pytest_args("not slow")
    assert args[: len(fault.tests)] == list(fault.tests)
    assert args[len(fault.tests) :] == ["-k", fault.keyword, "-m", "not slow"]
    assert "-m" not in fault.pytest_args()
