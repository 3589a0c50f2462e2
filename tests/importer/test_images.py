"""Photos: a file next to the text becomes a figure, a missing one is reported."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from bippdf import source
from bippdf.importer import import_legacy

from .texts import ARTICLE, body_of, legacy_text


def test_photo_without_file_is_reported(tmp_path: Path) -> None:
    text = ARTICLE + "Texte.\n\nPhoto : Adobe stock\n\nSuite.\n\n![Une rue](rue.jpg)\n"
    path = legacy_text(tmp_path, text)
    report = import_legacy(path, tmp_path / "out")
    lines = path.read_text("utf-8").splitlines()
    reported = {p.line: p.message for p in report.problems}
    assert "Photo : Adobe stock" in reported[lines.index("Photo : Adobe stock") + 1]
    assert "rue.jpg" in reported[lines.index("![Une rue](rue.jpg)") + 1]
    assert "rue.jpg" not in body_of(report)


def test_photo_whose_file_is_next_to_the_text_becomes_a_figure(tmp_path: Path) -> None:
    Image.new("RGB", (40, 30), "navy").save(tmp_path / "rue.png")
    text = ARTICLE + "Texte.\n\n![Une rue de Sherbrooke](rue.png)\n\nPhoto : Adobe stock\n\nFin.\n"
    report = import_legacy(legacy_text(tmp_path, text), tmp_path / "out")
    assert '![Une rue de Sherbrooke](../images/01-rue.png "Photo : Adobe stock")' in body_of(report)
    assert (report.folder / "images" / "01-rue.png").is_file()
    assert report.problems == []
    source.load_issue(report.folder)  # the image path resolves
