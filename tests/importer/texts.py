"""Legacy texts for the importer's tests: the seed No. 6, and small synthetic texts
in the shape of the printed bulletin."""

from __future__ import annotations

from pathlib import Path

from bippdf.importer import ImportReport

from ..conftest import FIXTURES

SEED = FIXTURES / "legacy" / "bip-06-2019-08.txt"
# The first article of the contents of legacy_text, with its section.
ARTICLE = "## Premier article\n\n### Une section\n\n"


def legacy_text(tmp_path: Path, text: str) -> Path:
    """A small legacy text in the shape of the printed bulletin, around ``text``."""
    path = tmp_path / "ancien.txt"
    path.write_text(
        "Ministère  \nde la Sécurité  \npublique\n\nNuméro 3, juin 2014\n\n"
        "# Bulletin d'information en prévention\n\n**Un thème**\n\n"
        "# TABLE DES MATIÈRES\n\n"
        "<b>Premier article</b> .....\t<b>3</b>\n"
        "<i>Une section</i> .....\t3\n"
        "<b>Annexe</b> .....\t<b>5</b>\n\n" + text,
        encoding="utf-8",
    )
    return path


def body_of(report: ImportReport, index: int = 0) -> str:
    """An imported article's Markdown after its front matter."""
    return report.articles[index].read_text("utf-8").split("+++\n", 2)[2]
