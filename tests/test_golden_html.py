"""The composed HTML of the visual fixture issue against its approved golden file.

The HTML is what WeasyPrint lays out: a change in it shows here as a readable diff,
before any page is drawn. After a deliberate change to the composition, run
``make approve-html``, read the diff, and commit tests/fixtures/golden/visual.html.
"""

from __future__ import annotations

import importlib.util
import re
from types import ModuleType

import pytest

from .conftest import ROOT


def _load_script(name: str) -> ModuleType:
    """A script of scripts/ imported as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


approve_html = _load_script("approve_html")  # one recipe for the golden file and the test


def test_composed_html_matches_the_approved_golden_file() -> None:
    approved = approve_html.GOLDEN.read_text(encoding="utf-8")
    current = approve_html.composed_html()
    if current != approved:
        pytest.fail(
            f"the composed HTML of {approve_html.ISSUE.relative_to(ROOT)} differs from "
            f"{approve_html.GOLDEN.relative_to(ROOT)}:\n"
            f"{approve_html.html_diff(approved, current)}\n"
            "if the change is deliberate, run make approve-html and commit the new file",
            pytrace=False,
        )


def test_golden_html_names_no_file_of_this_machine() -> None:
    approved = approve_html.GOLDEN.read_text(encoding="utf-8")
    assert str(ROOT) not in approved
    links = re.findall(r'(?:src|href)="([^"]*)"', approved)
    assert len(links) > 10
    assert all(re.match(r"(https://bippdf\.invalid/|#|mailto:)", link) for link in links), links


def test_a_difference_is_shown_as_a_short_unified_diff() -> None:
    approved = "".join(f"<p>ligne {n}</p>\n" for n in range(200))
    current = approved.replace("<p>ligne 3</p>", "<p>ligne trois</p>")
    diff = approve_html.html_diff(approved, current).splitlines()
    assert diff[:2] == ["--- approved", "+++ current"]
    assert "-<p>ligne 3</p>" in diff and "+<p>ligne trois</p>" in diff
    everything = approve_html.html_diff(approved, current.replace("<p>", "<p class='x'>"))
    lines = everything.splitlines()
    assert len(lines) == approve_html.SHOWN + 1
    assert re.fullmatch(r"\.\.\. \d+ more lines of diff", lines[-1])
