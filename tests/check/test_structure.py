"""The structure checks catch broken pages, contents, bookmarks, links and metadata, each
with the right kind and page.

Broken PDFs are made two ways: by editing the good No. 6 with pypdf, and by
rendering deliberately broken HTML of a small issue.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

from bippdf import build_pdf
from bippdf.check import check_pdf
from bippdf.check.readback import normalize, read_pdf
from bippdf.compose import compose
from bippdf.composition import expectations
from bippdf.render import render_pdf
from bippdf.source import load_issue

from ..conftest import BuiltIssue, article, write_issue
from .conftest import edit_pdf, problems_in, render_broken

_OTHER = "exploitation-sexuelle-de-quoi-parle-t-on"  # an article on another page


@pytest.mark.slow
def test_swapped_destinations(issue6_linked: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        names = writer.root_object["/Names"]["/Dests"]["/Names"]
        spots = {str(names[i]): names[i + 1] for i in range(0, len(names), 2)}
        first, second = spots["mot-du-directeur"], spots[_OTHER]
        first[0], second[0] = second[0], first[0]

    # The two articles' pages as built (the second one a page or more further on).
    labels = issue6_linked.pdf.page_labels
    here = labels[issue6_linked.pdf.page_of("mot-du-directeur") or 0]
    there = labels[issue6_linked.pdf.page_of(_OTHER) or 0]
    assert here != there
    problems = problems_in(edit_pdf(issue6_linked, change), "contents")
    assert (
        f"page 2: l'entrée « Mot du directeur » porte la page {here}, mais son lien mène à "
        f"la page {there}" in problems
    )
    assert (
        f"page 2: l'intertitre « Mot du directeur » n'est pas à la page {there}, où mène son "
        "entrée" in problems
    )


def test_outline_deleted(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        del writer.root_object["/Outlines"]

    assert problems_in(edit_pdf(issue6, change), "contents") == ["le PDF n'a pas de signets"]


def test_page_labels_removed(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        del writer.root_object["/PageLabels"]

    problems = problems_in(edit_pdf(issue6, change), "pages")
    assert "le PDF n'a pas d'étiquettes de page (/PageLabels)" in problems


def test_page_labels_off_by_one(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        writer.root_object["/PageLabels"]["/Nums"][3][NameObject("/St")] = NumberObject(3)

    problems = problems_in(edit_pdf(issue6, change), "pages")
    assert problems[0] == "page 3: porte 2, mais son étiquette de page est 3"


def test_wrong_trim_size(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        writer.pages[4].trimbox.upper_right = (595, 842)  # A4

    assert problems_in(edit_pdf(issue6, change), "pages") == [
        "page 5: format de 595 × 842 pt au lieu de 612 × 792 pt"
    ]


def test_local_file_link(issue6_linked: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        for page in writer.pages:
            for ref in page.get("/Annots") or []:
                action = ref.get_object().get("/A")
                if action is not None and action.get_object().get("/S") == "/URI":
                    action = action.get_object()
                    action[NameObject("/URI")] = TextStringObject("file:///etc/passwd")
                    return

    problems = problems_in(edit_pdf(issue6_linked, change), "links")
    assert len(problems) == 1
    assert problems[0].endswith(
        "le lien vers « file:///etc/passwd » n'est pas une adresse http, https ou mailto "
        "bien formée"
    )


def test_launch_action(issue6_linked: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        page = writer.pages[5]
        action = DictionaryObject(
            {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("x.exe")}
        )
        annot = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Link"),
                NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (60, 60, 100, 80)]),
                NameObject("/A"): action,
            }
        )
        page[NameObject("/Annots")].append(writer._add_object(annot))

    assert problems_in(edit_pdf(issue6_linked, change), "links") == [
        "page 6: un lien ouvre une action Launch (un fichier local ou un autre document)"
    ]


def test_metadata_removed(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        writer.add_metadata({"/Title": "", "/Subject": "Autre sujet"})

    problems = problems_in(edit_pdf(issue6, change), "metadata")
    assert problems[0] == "le PDF n'a pas de titre"
    assert problems[1].startswith("sujet du PDF : « Autre sujet » ; les sources disent « Le MSP")


@pytest.mark.pdf
def test_wrong_page_number_in_contents(small_issue: Path) -> None:
    style = '<style>a[href="#annexe"]::after { content: leader(". ") "9" }</style></head>'
    report = render_broken(small_issue, lambda html: html.replace("</head>", style))
    assert problems_in(report, "contents") == [
        "page 2: l'entrée « Annexe » porte la page 9, mais son lien mène à la page 5"
    ]


@pytest.mark.pdf
def test_wrong_page_number_in_the_print_contents(small_issue: Path) -> None:
    """Without links, the printed number is checked against the bookmark's page."""
    style = '<style>a[href="#annexe"]::after { content: leader(". ") "9" }</style></head>'
    report = render_broken(
        small_issue, lambda html: html.replace("</head>", style), variant="print"
    )
    assert problems_in(report, "contents") == [
        "page 2: l'entrée « Annexe » porte la page 9, mais son signet mène à la page 5"
    ]


@pytest.mark.pdf
@pytest.mark.parametrize("variant", ["web", "print"])
def test_missing_heading_in_contents(small_issue: Path, variant: str) -> None:
    report = render_broken(
        small_issue,
        lambda html: html.replace(
            '<li class="contents-section"><a href="#premiere-section">Première section</a></li>', ""
        ),
        variant=variant,
    )
    problems = problems_in(report, "contents")
    assert "la section « Première section » manque au sommaire" in problems


@pytest.mark.slow
@pytest.mark.pdf
def test_long_contents_and_three_digit_notes(tmp_path: Path) -> None:
    """Contents over several pages (left and right margins differ) and notes past 99."""
    sections = "".join(
        f"## Section {n}\n\nTexte de la section{'[^' + str(n) + ']' if n < 3 else ''}.\n\n"
        for n in range(4)
    )
    notes = "".join(f"[^{n}]: Note {n} de l'article.\n" for n in range(3))
    articles = {f"{i:02d}-a.md": article(f"Article {i}", sections + notes) for i in range(1, 41)}
    root = write_issue(tmp_path, articles)
    issue = load_issue(root)
    composition = compose(issue)
    rendered = render_pdf(
        composition.html, base_url=root, language=issue.language, variant="web"
    )  # the one with links, which the check follows
    report = check_pdf(rendered.pdf, expectations(composition))
    assert report.ok, [str(p) for p in report.problems][:5]
    figures = {c.name: c.figures for c in report.checks}
    assert figures["notes"] == {"calls": 120, "notes": 120}
    assert figures["contents"]["entries"] == 40 * 5 + 1
    contents_pages = {link.page for link in read_pdf(rendered.pdf).links_to("article-40")}
    assert contents_pages and min(contents_pages) > 1, "the contents spans several pages"


@pytest.mark.pdf
def test_hyphenated_heading_that_wraps_at_its_hyphen(tmp_path: Path) -> None:
    """A title and a section heading broken after a hyphen of a compound name: the lines
    read back break there, and the contents check still finds both headings whole."""
    title = "Les interventions auprès des jeunes en Abitibi-Témiscamingue et au Centre-du-Québec"
    body = "Texte.\n\n## Regards croisés sur Centre-du-Québec\n\nTexte.\n"
    root = write_issue(tmp_path, {"01-a.md": article(title, body)})
    result = build_pdf(root, tmp_path / "out.pdf")  # raises if the contents check fails
    pdf = read_pdf(result.output)
    page = next(n for n, lines in enumerate(pdf.lines) if "Texte." in [x.text for x in lines])
    headings = [line.text for line in pdf.lines[page] if line.font == "Inter-Bold"]
    # pdfium reads a hyphen drawn at the end of a line as U+0002 (U+FFFE in a page's text)
    hyphen = ("-", "\x02", "\ufffe")
    assert len(headings) == 4 and headings[0][-1] in hyphen and headings[2][-1] in hyphen, headings
    # each breaks after its hyphen, which ends the line: nothing added or lost
    assert [headings[0][:-1], headings[1], headings[2][:-1], headings[3]] == [
        "Les interventions auprès des jeunes en Abitibi",
        "Témiscamingue et au Centre-du-Québec",
        "Regards croisés sur Centre-du",
        "Québec",
    ]
    text = normalize(pdf.texts[page])
    assert title in text and "Regards croisés sur Centre-du-Québec" in text
    contents = normalize(pdf.texts[page - 1])
    assert title in contents and "Regards croisés sur Centre-du-Québec" in contents


@pytest.mark.pdf
def test_a_web_address_in_capitals_passes_lint_and_the_check(tmp_path: Path) -> None:
    """Lint and the check share one link pattern: what lint lets through, the check
    does not refuse once it is in the PDF (a URI's scheme is case-insensitive)."""
    body = "Voir [le site](HTTPS://WWW.QUEBEC.CA/) du gouvernement.\n"
    root = write_issue(tmp_path / "issue", {"01-a.md": article("A", body)})
    result = build_pdf(root, tmp_path / "out.pdf", variant="web")  # raises if a check fails
    uris = [link.uri for link in read_pdf(result.output).links if link.action == "URI"]
    assert uris == ["HTTPS://WWW.QUEBEC.CA/"]
    assert result.check is not None
    links = next(c for c in result.check.checks if c.name == "links")
    assert links.figures["external"] == 1 and not links.problems


@pytest.mark.pdf
def test_a_heading_typed_with_a_ligature_character_passes_the_contents_check(
    tmp_path: Path,
) -> None:
    """« ﬁ » (U+FB01) pasted from a PDF: the contents read back give « fi », the bookmark
    keeps « ﬁ »; both are the same heading (found by fuzzing)."""
    body = "Texte.\n\n## La ﬁnale\n\nSuite.\n"
    root = write_issue(tmp_path / "issue", {"01-a.md": article("Un titre", body)})
    result = build_pdf(root, tmp_path / "out.pdf", variant="web")  # raises if a check fails
    assert result.check is not None and result.check.ok
    outline = read_pdf(result.output).outline
    assert [child.title for child in outline[0].children] == ["La ﬁnale"]
