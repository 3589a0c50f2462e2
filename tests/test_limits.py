"""An issue of 1,000 notes builds and passes every check (44 pages: the issue of
benchmarks/bench_limits.py)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from bippdf import build_pdf
from bippdf.check.readback import read_pdf

from .conftest import ROOT


def _bench_limits():  # type: ignore[no-untyped-def]
    """The benchmark's issue generator, so that the test and the benchmark build one issue."""
    path = ROOT / "benchmarks" / "bench_limits.py"
    sys.path.insert(0, str(path.parent))
    spec = importlib.util.spec_from_file_location("bench_limits", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
@pytest.mark.pdf
def test_a_thousand_notes(tmp_path: Path) -> None:
    issue = _bench_limits().notes_issue(tmp_path / "issue", 1000)
    result = build_pdf(issue, tmp_path / "notes.pdf")  # raises if a check fails
    assert result.notes == 1000
    pdf = read_pdf(result.output)
    assert pdf.page_of("note-1000") is not None and pdf.page_of("note-1001") is None
    assert result.pages % 4 == 0
