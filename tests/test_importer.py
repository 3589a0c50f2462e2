"""The importer of back issues: the seed No. 6 against its hand-curated version, then
each rule on a small synthetic text."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from bippdf import markdown, source
from bippdf.build import BuildResult, build
from bippdf.check import check_pdf
from bippdf.compose import Composition, compose, expectations
from bippdf.errors import SourceError
from bippdf.importer import ImportReport, import_legacy

from .conftest import FIXTURES, ISSUE_6

SEED = FIXTURES / "legacy" / "bip-06-2019-08.txt"


@dataclass
class Imported:
    report: ImportReport
    composition: Composition
    built: BuildResult


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Imported:
    """The seed imported into a temporary folder, then built by the real pipeline."""
    folder = tmp_path_factory.mktemp("import") / "2019-08-numero-06"
    report = import_legacy(SEED, folder)
    built = build(folder, folder.parent / "BIP-06-web.pdf", variant="web")
    return Imported(report, compose(source.load_issue(folder)), built)


@pytest.fixture(scope="module")
def curated() -> Composition:
    return compose(source.load_issue(ISSUE_6))


# --- helpers -----------------------------------------------------------------


def article_texts(folder: Path) -> list[str]:
    """Each article's plain text: title, lead, body and notes, from the parsed tokens."""
    md = markdown.create_markdown()
    texts = []
    for article in source.load_issue(folder).articles:
        parts = [article.title]
        lead = markdown.parse(md, article.lead) if article.lead else None
        body = markdown.parse(md, article.body)
        parts += [markdown.plain_text(tokens) for tokens in markdown.parts(body, lead)]
        texts.append(" ".join(part for part in parts if part))
    return texts


def words_before_calls(composition: Composition, count: int = 4) -> dict[int, list[str]]:
    """For each note number, the last words before its call in the composed HTML."""
    body = re.sub(r"<(?!sup class=\"note-call\")[^>]+>", "", composition.html)
    words = {}
    for number in range(1, len(composition.notes) + 1):
        before = body.split(f'<sup class="note-call">{number}', 1)[0]
        words[number] = re.sub(r"<[^>]+>", " ", before).split()[-count:]
    return words


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


# --- the seed ----------------------------------------------------------------


def test_seed_builds_and_passes_the_pdf_checks(imported: Imported) -> None:
    assert imported.built.notes == 31
    expected = expectations(imported.composition, variant="web")
    report = check_pdf(imported.built.output, expected)
    assert report.ok, report.summary()


def test_seed_issue_toml(imported: Imported) -> None:
    issue = source.load_issue(imported.report.folder)
    assert (issue.title, issue.short_title, issue.number) == (
        "Bulletin d'information en prévention",
        "BIP",
        6,
    )
    assert str(issue.date) == "2019-08-01" and issue.language == "fr-CA"
    assert issue.publisher == "Ministère de la Sécurité publique"
    assert issue.theme and issue.theme.startswith("Le MSP et ses partenaires")
    assert issue.coordination == "Geneviève Trépanier"
    assert issue.contact_email == "prevention.criminalite@msp.gouv.qc.ca"
    assert issue.contact_phone == "1 877 324-1190"
    assert issue.copyright == "© Gouvernement du Québec, 2019"
    assert issue.rights and issue.rights.startswith("Tous les droits réservés")
    assert issue.issn is None  # printed empty: "" counts as absent
    assert len(issue.articles) == 11


def test_seed_notes_attached_to_the_same_words(imported: Imported, curated: Composition) -> None:
    assert imported.report.notes == 31
    assert len(imported.composition.notes) == 31
    ours, theirs = words_before_calls(imported.composition), words_before_calls(curated)
    wrong = {n: (ours[n], theirs[n]) for n in theirs if ours.get(n) != theirs[n]}
    assert not wrong, wrong


def test_seed_text_matches_the_curated_issue(imported: Imported) -> None:
    ours, theirs = article_texts(imported.report.folder), article_texts(ISSUE_6)
    assert len(ours) == len(theirs)
    ratios = [
        round(difflib.SequenceMatcher(None, a, b, autojunk=False).ratio(), 4)
        for a, b in zip(ours, theirs, strict=True)
    ]
    overall = difflib.SequenceMatcher(None, " ".join(ours), " ".join(theirs)).ratio()
    assert overall >= 0.98, f"overall {overall:.4f}, per article {ratios}"
    assert min(ratios) >= 0.95, f"overall {overall:.4f}, per article {ratios}"


def test_seed_bylines_lead_and_signature(imported: Imported) -> None:
    issue = source.load_issue(imported.report.folder)
    director, _, definitions, estrie, _, pimp, *_ = issue.articles
    assert director.signature and director.authors[0].name == "Clément Robitaille"
    assert (
        director.authors[0].role
        == "directeur de la prévention et de la lutte contre la criminalité"
    )
    assert [a.name for a in definitions.authors] == ["Carole Boulebsol", "Marie-Marthe Cousineau"]
    assert definitions.lead and definitions.lead.startswith("Traite des personnes, proxénétisme")
    assert estrie.authors[0].name == "Marie-Michèle Whitlock"
    assert estrie.authors[0].affiliation and "(CALACS)" in estrie.authors[0].affiliation
    assert (pimp.authors[0].name, pimp.authors[0].collaboration) == ("Éric Laliberté", False)
    assert pimp.authors[1].collaboration
    assert pimp.authors[1].affiliation == "ministère de la Sécurité publique"


def test_seed_headings_and_table(imported: Imported) -> None:
    sections = [
        (entry.text, [child.text for child in entry.children])
        for entry in imported.composition.contents
    ]
    curated_sections = [
        (entry.text, [child.text for child in entry.children])
        for entry in compose(source.load_issue(ISSUE_6)).contents
    ]
    assert sections == curated_sections
    estrie = imported.report.articles[3].read_text("utf-8")
    assert "| Âge | Nombre |\n|---|--:|\n| 14 ans | 3 |" in estrie


def test_seed_problems_are_reported_with_their_lines(imported: Imported) -> None:
    problems = {(p.line, p.message.split(" ")[0]) for p in imported.report.problems}
    assert {(109, "image"), (127, "image"), (157, "image"), (253, "image")} <= problems
    assert (496, "le") in problems  # [Ligne éditoriale](#): a link going nowhere
    assert all(p.line > 0 for p in imported.report.problems)


# --- rules, on synthetic texts ----------------------------------------------


ARTICLE = "## Premier article\n\n### Une section\n\n"


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


def test_photo_without_file_is_reported(tmp_path: Path) -> None:
    text = ARTICLE + "Texte.\n\nPhoto : Adobe stock\n\nSuite.\n\n![Une rue](rue.jpg)\n"
    path = legacy_text(tmp_path, text)
    report = import_legacy(path, tmp_path / "out")
    lines = path.read_text("utf-8").splitlines()
    reported = {p.line: p.message for p in report.problems}
    assert "Photo : Adobe stock" in reported[lines.index("Photo : Adobe stock") + 1]
    assert "rue.jpg" in reported[lines.index("![Une rue](rue.jpg)") + 1]
    assert "rue.jpg" not in body_of(report)


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


def test_refuses_to_overwrite_a_non_empty_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("à garder", encoding="utf-8")
    with pytest.raises(SourceError) as error:
        import_legacy(legacy_text(tmp_path, ARTICLE + "Texte.\n"), out)
    assert error.value.path == out and error.value.hint
    assert "n'est pas vide" in error.value.message
    assert (out / "notes.txt").read_text("utf-8") == "à garder"


def test_force_overwrites_a_previous_import(tmp_path: Path) -> None:
    out = tmp_path / "out"
    import_legacy(legacy_text(tmp_path, ARTICLE + "Texte.\n"), out)
    (out / "articles" / "99-ancien.md").write_text('+++\ntitle = "x"\n+++\n\nx\n', "utf-8")
    report = import_legacy(legacy_text(tmp_path, ARTICLE + "Autre.\n"), out, force=True)
    assert sorted(p.name for p in (out / "articles").iterdir()) == ["01-premier-article.md"]
    assert "Autre." in body_of(report)


def test_unrecognisable_input_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "ancien.txt"
    path.write_text("Un texte quelconque.\n\nSans table des matières.\n", encoding="utf-8")
    with pytest.raises(SourceError) as error:
        import_legacy(path, tmp_path / "out")
    assert error.value.path == path and error.value.line == 1
    assert not (tmp_path / "out").exists()


def test_text_not_in_utf8_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "ancien.txt"
    path.write_bytes("Ligne un\nNuméro 6\n".encode("latin-1"))
    with pytest.raises(SourceError) as error:
        import_legacy(path, tmp_path / "out")
    assert error.value.line == 2 and "UTF-8" in error.value.message


def test_running_header_with_folio_inside_a_paragraph(tmp_path: Path) -> None:
    text = ARTICLE + (
        "Le texte continue sur\nBulletin d'information en prévention – Numéro 3, juin 2014 – 7\n"
        "la page suivante.\n\n<https://www.example.org/seul-sur-sa-ligne>\n"
    )
    report = import_legacy(legacy_text(tmp_path, text), tmp_path / "out")
    body = body_of(report)
    assert "Le texte continue sur la page suivante." in body
    assert "<https://www.example.org/seul-sur-sa-ligne>" in body  # a lone URL is text


def test_photo_whose_file_is_next_to_the_text_becomes_a_figure(tmp_path: Path) -> None:
    Image.new("RGB", (40, 30), "navy").save(tmp_path / "rue.png")
    text = ARTICLE + "Texte.\n\n![Une rue de Sherbrooke](rue.png)\n\nPhoto : Adobe stock\n\nFin.\n"
    report = import_legacy(legacy_text(tmp_path, text), tmp_path / "out")
    assert '![Une rue de Sherbrooke](../images/01-rue.png "Photo : Adobe stock")' in body_of(report)
    assert (report.folder / "images" / "01-rue.png").is_file()
    assert report.problems == []
    source.load_issue(report.folder)  # the image path resolves


def test_quotations_and_testimonies_become_block_quotes(tmp_path: Path) -> None:
    text = ARTICLE + (
        "« On n'a pas la prétention d'être les uniques pourvoyeurs de réponses », "
        "précise M<sup>me</sup> Gauthier.\n\n"
        "Lors d'une fugue, rien n'est gratuit : « [...] la première fois qu'on a fait un "
        "client, je voyais pas ça comme de la prostitution. » (MP)\n"
    )
    report = import_legacy(legacy_text(tmp_path, text), tmp_path / "out")
    body = body_of(report)
    assert "> « On n'a pas la prétention" in body
    assert "rien n'est gratuit :\n\n> « [...] la première fois" in body
    assert "prostitution. »\n>\n> (MP)" in body


def test_link_going_nowhere_keeps_its_text_and_is_reported(tmp_path: Path) -> None:
    text = ARTICLE + (
        "Voir la [Ligne éditoriale](#) et [le site](www.example.org), et "
        "[http://a.ca/x\\\\_y](http://a.ca/x_y).\n"
    )
    path = legacy_text(tmp_path, text)
    report = import_legacy(path, tmp_path / "out")
    body = body_of(report)
    assert (
        "Voir la Ligne éditoriale et [le site](https://www.example.org), et <http://a.ca/x_y>."
        in body
    )
    assert len(report.problems) == 1 and "Ligne éditoriale" in report.problems[0].message
