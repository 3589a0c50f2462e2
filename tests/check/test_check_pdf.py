"""``check_pdf`` and ``bippdf check``: a good PDF passes every check; the report, its JSON
and the exit codes; the command loads neither the composer nor its libraries."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from bippdf.check import check_pdf
from bippdf.cli import main

from ..conftest import ROOT, BuiltIssue, copy_of
from .conftest import render_broken


def test_good_pdf_passes_every_check(issue6: BuiltIssue) -> None:
    report = check_pdf(issue6.result.output, issue6.expected)
    assert report.ok, [str(p) for p in report.problems]
    assert [c.name for c in report.checks] == [
        "pages",
        "contents",
        "notes",
        "links",
        "fonts",
        "overflow",
        "layout",
        "fill",
        "lines",
        "metadata",
        "print",
    ]
    figures = {c.name: c.figures for c in report.checks}
    assert figures["pages"]["pages"] == issue6.pdf.page_count
    assert figures["notes"]["calls"] == figures["notes"]["notes"] == 31
    # The print PDF has no links: what needs them is said, not silently passed.
    assert figures["notes"]["links"].startswith("aucun (impression)")
    assert figures["contents"]["links"].startswith("aucun (impression)")
    assert figures["print"]["annotations"] == 0
    assert figures["contents"]["entries"] == figures["contents"]["bookmarks"] == 31


@pytest.mark.pdf
def test_small_issue_passes_as_composed(small_issue: Path) -> None:
    report = render_broken(small_issue, lambda html: html)
    assert report.ok, [str(p) for p in report.problems]


SCHEMA = ROOT / "docs" / "check-report.schema.json"


def test_check_command_json_validates_against_the_schema(
    issue6: BuiltIssue, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(issue6.result.output), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    jsonschema.validate(report, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert report["ok"] is True


def test_check_command_exit_codes(
    issue6: BuiltIssue, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.pdf"
    writer = copy_of(issue6.result.output)
    del writer.root_object["/Outlines"]
    writer.write(broken)
    assert main(["check", str(broken)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{broken}: le PDF n'a pas de signets"
    assert (
        out[-1]
        == f"{broken}: {issue6.pdf.page_count} pages, 11 vérifications, 1 problème dans sommaire"
    )
    not_pdf = tmp_path / "notes.pdf"
    not_pdf.write_text("pas un PDF")
    assert main(["check", str(not_pdf)]) == 2
    said = capsys.readouterr().err
    assert said.startswith(f"erreur : {not_pdf}: PDF illisible : ")
    assert "BytesIO" not in said  # how the reader names bytes in memory: not the file
    assert main(["check", str(tmp_path / "absent.pdf")]) == 2


def _one_core() -> None:
    """On one core the check reads the pages in its own process: a forked reader's
    imports would be written into the same report, between its own, as they come."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def _imported(run: subprocess.CompletedProcess[str]) -> list[tuple[int, str]]:
    """The modules ``-X importtime`` says were imported: (depth, name), children first."""
    found = []
    for line in run.stderr.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            name = line.rsplit("|", 1)[1]
            found.append((len(name) - len(name.lstrip()), name.strip()))
    return found


def test_the_check_command_loads_neither_the_composer_nor_its_libraries(
    issue6: BuiltIssue,
) -> None:
    """Checking a PDF alone reads it back with pikepdf (not pypdf, which only imposes),
    without jinja2, babel, Pillow or the composer. pikepdf imports Pillow for itself; the
    print preflight imports it when it weighs the ink of images (a top-level import at run
    time): never a module of bippdf's."""
    command = [sys.executable, "-X", "importtime", "-m", "bippdf", "check"]
    run = subprocess.run(
        [*command, str(issue6.result.output)],
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=_one_core,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    imported = _imported(run)
    names = [name for _, name in imported]
    assert "bippdf.check.readback" in names and "pikepdf" in names
    assert "pypdf" not in names
    unwanted = {"jinja2", "babel", "markupsafe", "mistune"}
    assert [n for n in names if n.split(".")[0] in unwanted or n == "bippdf.compose"] == []
    for at, (depth, name) in enumerate(imported):
        if name.split(".")[0] == "PIL":
            parent = next((n for d, n in imported[at + 1 :] if d < depth), "(run time)")
            assert parent.split(".")[0] in {"PIL", "pikepdf", "(run time)"}, (name, parent)


def test_the_check_package_imports_neither_the_composer_nor_its_libraries() -> None:
    """What Pillow pikepdf has loaded already hides from ``-X importtime``: the check's
    own modules, and the modules they use, are read for their imports."""
    src = ROOT / "src" / "bippdf"
    modules = [*sorted((src / "check").glob("*.py"))]
    modules += [src / name for name in ("contract.py", "layout.py", "errors.py", "resources.py")]
    for path in modules:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [alias.name for alias in node.names]
            else:
                continue
            # The print preflight weighs images' ink with Pillow, imported when it does.
            unwanted = {"jinja2", "babel", "compose"} | (
                {"PIL"} if path.name != "separation.py" else set()
            )
            for name in names:
                assert name.split(".")[0] not in unwanted, (path.name, name)
