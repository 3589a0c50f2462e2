"""Hostile and careless inputs, one family per section: each must end in a clear error
naming its file (and line, where there is one) or in a correct PDF, within seconds, with
no source file changed. A new case found goes here, beside its family."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest

from bippdf.cli import main

from .conftest import article, write_issue


def _fingerprint(root: Path) -> dict[str, str]:
    """Every file under ``root`` with the digest of its bytes."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def issue(tmp_path: Path) -> Path:
    """A small issue folder with an image its article shows."""
    from PIL import Image

    root = write_issue(
        tmp_path / "numero",
        {"01-a.md": article("Premier", "Du texte.\n\n![Une image](../images/g.png)\n")},
    )
    (root / "images").mkdir()
    Image.new("RGB", (40, 30), "white").save(root / "images" / "g.png")
    return root


# Outputs never land on an input ------------------------------------------------------


@pytest.mark.parametrize(
    "option, target",
    [
        ("-o", "articles/01-a.md"),
        ("-o", "issue.toml"),
        ("-o", "images/g.png"),
        ("--html", "articles/01-a.md"),
        ("--html", "images/../articles/01-a.md"),
    ],
)
def test_an_output_over_a_source_is_refused_before_building(
    issue: Path, option: str, target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _fingerprint(issue)
    status = main(
        ["build", str(issue), "--variant", "web", "--no-cache", option, str(issue / target)]
    )
    err = capsys.readouterr().err
    assert status == 1
    assert "un fichier que la production lit" in err and "rien n'a été écrit" in err
    assert _fingerprint(issue) == before


def test_an_output_through_a_link_or_hard_link_to_a_source_is_refused(
    issue: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _fingerprint(issue)
    (tmp_path / "lien.pdf").symlink_to(issue / "articles" / "01-a.md")
    os.link(issue / "issue.toml", tmp_path / "dur.pdf")
    for name in ("lien.pdf", "dur.pdf"):
        status = main(["build", str(issue), "--variant", "web", "-o", str(tmp_path / name)])
        assert status == 1
        assert "un fichier que la production lit" in capsys.readouterr().err
    assert _fingerprint(issue) == before


def test_a_single_markdown_file_is_never_its_own_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("# Notes\n\nDu texte.\n", encoding="utf-8")
    status = main(["build", str(notes), "--variant", "web", "-o", str(notes)])
    assert status == 1
    assert "notes.md" in capsys.readouterr().err
    assert notes.read_text(encoding="utf-8") == "# Notes\n\nDu texte.\n"


def test_an_output_that_is_a_device_pipe_or_folder_is_refused(
    issue: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "tube.pdf"
    os.mkfifo(fifo)
    (tmp_path / "dossier.pdf").mkdir()
    for target in (Path(os.devnull), fifo, tmp_path / "dossier.pdf"):
        status = main(["build", str(issue), "--variant", "web", "-o", str(target)])
        assert status == 1
        assert "pas un fichier ordinaire" in capsys.readouterr().err
    assert stat.S_ISCHR(Path(os.devnull).stat().st_mode)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
