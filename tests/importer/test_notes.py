"""Notes: calls <sup>N</sup> scoped to each article as [^n], and what is left unpaired."""

from __future__ import annotations

from pathlib import Path

from bippdf.importer import import_legacy

from .texts import ARTICLE, body_of, legacy_text


def test_ordinal_superscripts_are_kept_and_calls_become_notes(tmp_path: Path) -> None:
    text = ARTICLE + (
        "Le 1<sup>er</sup> et le 2<sup>e</sup> numéro, M<sup>me</sup> Roy, "
        "selon la loi<sup>1</sup>.\n\n# Annexe\n\n1. *Code criminel*, art. 212.\n"
    )
    report = import_legacy(legacy_text(tmp_path, text), tmp_path / "out")
    body = body_of(report)
    assert "Le 1<sup>er</sup> et le 2<sup>e</sup> numéro, M<sup>me</sup> Roy" in body
    assert "selon la loi[^1]." in body
    assert "[^1]: *Code criminel*, art. 212." in body
    assert report.notes == 1 and report.problems == []


def test_notes_are_scoped_and_numbered_per_article(tmp_path: Path) -> None:
    path = tmp_path / "ancien.txt"
    path.write_text(
        "Ministère de la Sécurité publique\n\nNuméro 2, mars 2013\n\n# Bulletin\n\n"
        "# TABLE DES MATIÈRES\n\n<b>Un</b> .....\t<b>2</b>\n<b>Deux</b> .....\t<b>3</b>\n\n"
        "## Un\n\nTexte<sup>1</sup>.\n\n## Deux\n\nAutre<sup>2</sup> et<sup>3</sup>.\n\n"
        "# Annexe\n\n1. Première.\n\n- \n  2. Deuxième, coupée\npar la page.\n3. Troisième.\n",
        encoding="utf-8",
    )
    report = import_legacy(path, tmp_path / "out")
    second = body_of(report, 1)
    assert "Autre[^1] et[^2]." in second
    assert "[^1]: Deuxième, coupée par la page.\n[^2]: Troisième." in second
    assert report.notes == 3


def test_call_without_a_note_is_reported_with_its_line(tmp_path: Path) -> None:
    text = ARTICLE + "Premier<sup>1</sup>.\n\nSecond appel<sup>2</sup>.\n\n# Annexe\n\n1. Note.\n"
    path = legacy_text(tmp_path, text)
    report = import_legacy(path, tmp_path / "out")
    line = path.read_text("utf-8").splitlines().index("Second appel<sup>2</sup>.") + 1
    assert [(p.line, "2" in p.message) for p in report.problems] == [(line, True)]
    assert "Second appel<sup>2</sup>." in body_of(report)  # left as it is, for the editor


def test_note_without_a_call_is_reported_with_its_line(tmp_path: Path) -> None:
    text = ARTICLE + "Premier<sup>1</sup>.\n\n# Annexe\n\n1. Note.\n2. Orpheline.\n"
    path = legacy_text(tmp_path, text)
    report = import_legacy(path, tmp_path / "out")
    line = path.read_text("utf-8").splitlines().index("2. Orpheline.") + 1
    assert [p.line for p in report.problems] == [line]
    assert "note 2" in report.problems[0].message
    assert "Orpheline" not in body_of(report)
