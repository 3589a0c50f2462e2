"""The documentation holds: its example article builds as documented, the commands it
names exist, and the README's test command with make test-slow runs every test in CI."""

from __future__ import annotations

from pathlib import Path

import pytest

from bippdf import build_pdf
from bippdf.check.readback import read_pdf

from .conftest import ROOT


@pytest.mark.slow
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


def _recipe(makefile: str, target: str) -> str:
    """The command of a one-line Makefile target."""
    import re

    found = re.search(rf"^{re.escape(target)}:[^\n]*\n\t([^\n]+)", makefile, re.M)
    assert found, target
    return found.group(1)


def test_make_test_and_make_test_slow_run_every_test_and_ci_runs_both() -> None:
    """``make test`` leaves the tests marked slow out, ``make test-slow`` runs those alone,
    with the same options otherwise (the Makefile's one pytest command), and CI calls
    both, the README's test command first: between them every test runs on every
    change."""
    import re
    import shlex

    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    quick, slow = (shlex.split(_recipe(makefile, name)) for name in ("test", "test-slow"))
    assert quick[quick.index("-m") + 1] == "not slow"
    assert slow[slow.index("-m") + 1] == "slow"
    assert quick[: quick.index("-m")] == slow[: slow.index("-m")]
    assert quick[quick.index("-m") + 2 :] == slow[slow.index("-m") + 2 :]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```sh\n", 1)[1].split("```", 1)[0]
    assert re.findall(r"^make (\S+)", first_block, re.M) == ["pdf", "test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    calls = re.findall(r"^make (\S+)$", ci, re.M)
    assert "test" in calls and "test-slow" in calls
    assert calls.index("test") < calls.index("test-slow")
