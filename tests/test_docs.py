"""The documentation's example article builds as documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from bippdf import build_pdf
from bippdf.check.readback import read_pdf

from .conftest import ROOT


@pytest.mark.pdf
def test_example_article_builds_with_its_notes_and_sections(tmp_path: Path) -> None:
    result = build_pdf(ROOT / "docs" / "exemple-article.md", tmp_path / "exemple.pdf")
    pdf = read_pdf(result.output)
    assert result.notes == 2
    assert pdf.page_of("note-2") is not None
    assert pdf.outline and pdf.outline[0].children, "its ## sections are bookmarked"
    assert result.warnings == []


def test_the_editors_guide_names_only_commands_that_exist() -> None:
    """Every ``bippdf …`` command line of the guide parses, every ``make`` target exists."""
    import re
    import shlex

    from bippdf.arguments import parser

    guide = (ROOT / "docs" / "guide-redaction.md").read_text(encoding="utf-8")
    commands = re.findall(r"(?:\.venv/bin/)?bippdf ((?:[^`\n])+)", guide)
    assert len(commands) >= 5
    for command in commands:
        words = [w for w in shlex.split(command.replace("…", "x")) if w != "--debug"]
        assert parser().parse_args(words).command == words[0], command
    targets = set(re.findall(r"^([a-z-]+):", (ROOT / "Makefile").read_text(), re.M))
    used = set(re.findall(r"`make ([a-z-]+)", guide))
    assert used and used <= targets, used - targets
