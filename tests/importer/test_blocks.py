"""Blocks: tables, paragraphs cut by a page break, running headers and folios."""

from __future__ import annotations

from pathlib import Path

from bippdf.importer import import_legacy

from .texts import ARTICLE, body_of, legacy_text


def test_tab_separated_table_becomes_a_markdown_table(tmp_path: Path) -> None:
    text = ARTICLE + "Intro.\n\nÂge\tNombre\n14 ans\t3\n15 ans\t12\n\nSuite du texte.\n"
    report = import_legacy(legacy_text(tmp_path, text), tmp_path / "out")
    assert "| Âge | Nombre |\n|---|--:|\n| 14 ans | 3 |\n| 15 ans | 12 |" in body_of(report)


def test_table_split_by_a_page_break_is_one_table(tmp_path: Path) -> None:
    text = ARTICLE + "Région\tCas\nEstrie\t3\n\n\n\nRégion\tCas\nLaval\t4\n\nFin.\n"
    report = import_legacy(legacy_text(tmp_path, text), tmp_path / "out")
    assert "| Région | Cas |\n|---|--:|\n| Estrie | 3 |\n| Laval | 4 |" in body_of(report)


def test_paragraph_cut_by_a_page_break_is_rejoined(tmp_path: Path) -> None:
    text = ARTICLE + (
        "La traite peut être interne ou internationale. Les trafiquants forcent les "
        "victimes à avoir\n\n\n\ndes relations sexuelles tarifées.\n\n"
        "Un paragraphe qui finit sur la\n\nSécurité publique du Québec.\n\n"
        "Un autre paragraphe complet.\n\nEt un dernier.\n"
    )
    report = import_legacy(legacy_text(tmp_path, text), tmp_path / "out")
    body = body_of(report)
    assert "victimes à avoir des relations sexuelles tarifées." in body
    assert "finit sur la Sécurité publique du Québec." in body
    assert "Un autre paragraphe complet.\n\nEt un dernier." in body


def test_running_headers_and_folios_are_dropped(tmp_path: Path) -> None:
    text = ARTICLE + (
        "Le texte continue sur\n\n12\n\nBulletin d'information en prévention\n\n"
        "Numéro 3, juin 2014\n\nla page suivante.\n"
    )
    report = import_legacy(legacy_text(tmp_path, text), tmp_path / "out")
    assert "Le texte continue sur la page suivante." in body_of(report)


def test_running_header_with_folio_inside_a_paragraph(tmp_path: Path) -> None:
    text = ARTICLE + (
        "Le texte continue sur\nBulletin d'information en prévention – Numéro 3, juin 2014 – 7\n"
        "la page suivante.\n\n<https://www.example.org/seul-sur-sa-ligne>\n"
    )
    report = import_legacy(legacy_text(tmp_path, text), tmp_path / "out")
    body = body_of(report)
    assert "Le texte continue sur la page suivante." in body
    assert "<https://www.example.org/seul-sur-sa-ligne>" in body  # a lone URL is text
