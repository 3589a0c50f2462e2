"""The command line, driven through ``main(argv)``."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from bippdf.cli import main
from bippdf.errors import SourceError
from bippdf.readback import read_pdf

from .conftest import article, write_issue


def test_build_single_markdown_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "notes.md"
    source.write_text(
        "# Notes de service\n\nUn texte[^a] court.\n\n## Suite\n\nFin.\n\n[^a]: Une note.\n",
        encoding="utf-8",
    )
    output = tmp_path / "notes.pdf"
    assert main(["build", str(source), "--variant", "print", "-o", str(output)]) == 0
    summary = capsys.readouterr().out.strip()
    assert summary.startswith(f"{output}: ")
    assert ", 1 notes, " in summary and summary.endswith(" s")
    pdf = read_pdf(output)
    assert f"{pdf.page_count} pages" in summary
    assert pdf.metadata["Title"] == "Notes de service"
    assert pdf.page_of("note-1") is not None and pdf.page_of("suite") is not None


def test_default_output_in_build_dir(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_issue(tmp_path / "2020-03-numero-01", {"01-a.md": article("A", "Texte.\n")})
    monkeypatch.chdir(tmp_path)
    assert main(["build", str(root)]) == 0
    folder = tmp_path / "build" / "2020-03-numero-01"
    names = [
        "BIP-01-2020-03-couverture.png",
        "BIP-01-2020-03-impression.pdf",
        "BIP-01-2020-03-web.pdf",
    ]
    assert sorted(p.name for p in folder.iterdir()) == names
    out = capsys.readouterr().out.splitlines()
    written = [Path(line.split(":")[0]).name for line in out]
    assert written == [names[1], names[2], names[0]]
    with Image.open(folder / names[0]) as cover:
        assert cover.width == 600


def test_error_is_one_line_with_file_and_line_and_no_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_issue(tmp_path, {"01-a.md": article("A", "Appel[^x].\n")})
    assert main(["build", str(root), "--variant", "web", "-o", str(tmp_path / "x.pdf")]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert lines == [
        f"error: {root / 'articles' / '01-a.md'}:5: note [^x] is called but never defined "
        "(add a line '[^x]: text of the note' at the end of the article)"
    ]


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    root = write_issue(tmp_path, {"01-a.md": article("A", "Appel[^x].\n")})
    with pytest.raises(SourceError):
        main(["--debug", "build", str(root)])


def test_failed_build_keeps_the_last_good_pdf(tmp_path: Path) -> None:
    root = write_issue(tmp_path / "issue", {"01-a.md": article("A", "Texte.\n")})
    output = tmp_path / "out.pdf"
    assert main(["build", str(root), "--variant", "print", "-o", str(output)]) == 0
    good = output.read_bytes()
    (root / "articles" / "01-a.md").write_text(article("A", "Texte[^oups].\n"), encoding="utf-8")
    assert main(["build", str(root), "--variant", "print", "-o", str(output)]) == 1
    assert output.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_several_issues_go_on_after_a_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = write_issue(tmp_path / "bad", {"01-a.md": article("A", "Appel[^x].\n")})
    good = write_issue(tmp_path / "good", {"01-a.md": article("A", "Texte.\n")})
    monkeypatch.chdir(tmp_path)
    assert main(["build", str(bad), str(good)]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith("error: ")
    assert "BIP-01-2020-03-impression.pdf: " in captured.out


def test_help_has_a_real_example(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["build", "--help"])
    assert exit_info.value.code == 0
    assert "bippdf build issues/2019-08-numero-06" in capsys.readouterr().out


def test_unwritable_output_is_an_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_issue(tmp_path / "issue", {"01-a.md": article("A", "Texte.\n")})
    assert main(["build", str(root), "--variant", "print", "-o", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {tmp_path}: cannot write the file: ")
    assert "Traceback" not in err


def test_html_output_and_build_dir(tmp_path: Path) -> None:
    root = write_issue(tmp_path / "2020-03-numero-01", {"01-a.md": article("A", "Texte.\n")})
    html = tmp_path / "issue.html"
    assert (
        main(["build", str(root), "--build-dir", str(tmp_path / "out"), "--html", str(html)]) == 0
    )
    assert (tmp_path / "out" / "2020-03-numero-01" / "BIP-01-2020-03-web.pdf").is_file()
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert main(["build", str(root), str(root), "-o", str(tmp_path / "x.pdf")]) == 2
    assert main(["build", str(root), "-o", str(tmp_path / "x.pdf")]) == 2  # which variant?
