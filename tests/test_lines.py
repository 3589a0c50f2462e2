"""Every fault of the sources at the line the parser read it on, each said once, all of
them at once (an unreadable article does not hide the others' faults), and a missing
file with the one it was meant to be."""

from __future__ import annotations

from pathlib import Path

import pytest

from bippdf.cli import main
from bippdf.errors import SourceError, SourceErrors
from bippdf.pipeline import compose

from .conftest import article, write_issue


def _faults(root: Path) -> list[tuple[str, int | None, str]]:
    with pytest.raises(SourceError) as info:
        compose(root)
    errors = info.value.errors if isinstance(info.value, SourceErrors) else [info.value]
    return [(e.path.name if e.path else "", e.line, e.message) for e in errors]


def test_a_fault_is_at_its_own_line_not_at_the_first_look_alike(tmp_path: Path) -> None:
    """The same text earlier in the article (a mention, a first use) does not take the
    fault's line: each comes from the token the parser read."""
    body = (
        "On écrit ftp://exemple.org ou [ceci](ftp://exemple.org) en passant.\n\n"  # line 5
        "Photo ../images/absente.jpg et <b>gras</b>.\n\n"  # line 7
        "Un lien [ftp](ftp://exemple.org)\n"  # line 9
        "et ![Photo](../images/absente.jpg) sur la ligne d'après.\n\n"  # line 10
        "- une liste\n- avec <script>x</script> dedans\n"  # line 13
    )
    root = write_issue(tmp_path, {"01-a.md": article("A", body)})
    faults = _faults(root)
    lines = {(line, message.split(" ")[0]) for _, line, message in faults}
    assert lines == {(5, "le"), (9, "le"), (10, "l'image"), (13, "la")}, faults


def test_the_same_fault_at_the_same_place_is_said_once(tmp_path: Path) -> None:
    body = "![Photo](../images/absente.jpg) et ![Photo](../images/absente.jpg)\n"
    root = write_issue(tmp_path, {"01-a.md": article("A", body)})
    assert _faults(root) == [("01-a.md", 5, "l'image « ../images/absente.jpg » n'existe pas")]


def test_an_unreadable_article_does_not_hide_the_others_faults(tmp_path: Path) -> None:
    broken = '+++\ntitle = "B\n+++\n\nTexte.\n'  # a string never closed
    root = write_issue(
        tmp_path,
        {
            "01-a.md": article("A", "Appel[^x].\n"),
            "02-b.md": broken,
            "03-c.md": "+++\ntitle = 3\n+++\n\nTexte.\n",
        },
    )
    faults = _faults(root)
    assert [(name, line) for name, line, _ in faults] == [
        ("02-b.md", 2),
        ("03-c.md", 2),
        ("01-a.md", 5),
    ]
    assert "jamais définie" in faults[2][2]


def test_a_missing_image_names_the_file_it_was_meant_to_be(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = "![Une rue le soir](../images/rue-le-soir.jpeg)\n"
    root = write_issue(tmp_path, {"01-a.md": article("A", body)})
    (root / "images").mkdir()
    (root / "images" / "rue-le-soir.jpg").write_bytes(b"")
    assert main(["build", str(root)]) == 1
    err = capsys.readouterr().err
    assert "n'existe pas (vouliez-vous écrire « rue-le-soir.jpg » ?" in err
