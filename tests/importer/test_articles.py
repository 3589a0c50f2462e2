"""Articles: bylines and leads taken off the top, headings repaired from the contents."""

from __future__ import annotations

from pathlib import Path

from bippdf import source
from bippdf.importer import import_legacy

from .texts import legacy_text


def test_italic_lead_cut_by_a_page_break(tmp_path: Path) -> None:
    text = (
        "## Premier article\n\nJEANNE TREMBLAY, AGENTE DE PRÉVENTION, SERVICE DE POLICE "
        "DE LA VILLE DE QUÉBEC\n\n*Un chapeau qui se poursuit sur la*\n\n*page suivante.*\n\n"
        "### Une section\n\nUn texte sur la ville de Québec.\n"
    )
    report = import_legacy(legacy_text(tmp_path, text), tmp_path / "out")
    article = source.load_issue(report.folder).articles[0]
    assert article.lead == "Un chapeau qui se poursuit sur la page suivante."
    assert article.authors[0].name == "Jeanne Tremblay"
    assert article.authors[0].role == "agente de prévention"
    assert article.authors[0].affiliation == "Service de police de la ville de Québec"


def test_headings_are_repaired_from_the_contents(tmp_path: Path) -> None:
    path = tmp_path / "ancien.txt"
    path.write_text(
        "Ministère de la Sécurité publique\n\nNuméro 4, mai 2015\n\n# Bulletin\n\n"
        "# TABLE DES MATIÈRES\n\n<b>Le colloque sur la prévention : les actions locales</b> "
        ".....\t<b>2</b>\n<i>Les ateliers</i> .....\t2\n\n"
        "# Le colloque sur la prévention :\n\n# les actions locales\n\nTexte.\n\n"
        "#### **Les ateliers.**\n\nSuite.\n\n## Une sous-partie\n\nFin.\n",
        encoding="utf-8",
    )
    report = import_legacy(path, tmp_path / "out")
    article = source.load_issue(report.folder).articles[0]
    assert article.title == "Le colloque sur la prévention : les actions locales"
    assert "## Les ateliers\n\nSuite.\n\n### Une sous-partie" in article.body
