"""``check`` catches broken PDFs, each with the right kind and page, and passes good ones.

Broken PDFs are made two ways: by editing the good No. 6 with pypdf, and by
rendering deliberately broken HTML of a small issue.
"""

from __future__ import annotations

import copy
import io
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from bippdf import build
from bippdf.check import Expectations, Report, _layout, check_pdf
from bippdf.cli import main
from bippdf.compose import compose
from bippdf.errors import SourceError
from bippdf.readback import normalize, read_pdf
from bippdf.render import render_pdf
from bippdf.source import load_issue

from .conftest import ISSUE_6, BuiltIssue, article, write_issue


def _edit(issue6: BuiltIssue, change: Callable[[PdfWriter], None]) -> Report:
    """Check a copy of No. 6 changed by ``change``."""
    writer = PdfWriter(clone_from=io.BytesIO(issue6.result.output.read_bytes()))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return check_pdf(out.getvalue(), issue6.expected)


def _annotations(writer: PdfWriter, dest: str) -> list[tuple[int, DictionaryObject]]:
    found = []
    for index, page in enumerate(writer.pages):
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            if annot.get("/Dest") == dest:
                found.append((index, annot))
    return found


def _problems(report: Report, check: str) -> list[str]:
    return [str(p) for c in report.checks if c.name == check for p in c.problems]


def test_good_pdf_passes_every_check(issue6: BuiltIssue) -> None:
    report = check_pdf(issue6.result.output, issue6.expected)
    assert report.ok, [str(p) for p in report.problems]
    assert [c.name for c in report.checks] == [
        "pages",
        "contents",
        "notes",
        "links",
        "fonts",
        "overflow",
        "layout",
        "metadata",
        "print",
    ]
    figures = {c.name: c.figures for c in report.checks}
    assert figures["pages"]["pages"] == issue6.pdf.page_count
    assert figures["notes"] == {"calls": 31, "notes": 31}
    assert figures["contents"]["entries"] == figures["contents"]["bookmarks"] == 31


def test_removed_call_link(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        index, annot = _annotations(writer, "note-17")[0]
        annots = writer.pages[index]["/Annots"]
        annots.remove(next(ref for ref in annots if ref.get_object() is annot))

    report = _edit(issue6, change)
    call_18 = issue6.pdf.page_labels[issue6.pdf.page_of("appel-18")]
    note_17 = issue6.pdf.page_labels[issue6.pdf.page_of("note-17")]
    assert _problems(report, "notes") == [
        f"page {call_18}: call of note 18 comes where note 17 is due",
        f"page {note_17}: note 17 of the Annexe is never called",
    ]


def test_call_pointing_at_the_wrong_note(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        _, annot = _annotations(writer, "note-5")[0]
        annot[NameObject("/Dest")] = TextStringObject("note-6")

    report = _edit(issue6, change)
    page = issue6.pdf.page_labels[issue6.pdf.page_of("appel-5")]
    assert f"page {page}: call of note 5 links to note 6" in _problems(report, "notes")


def test_swapped_destinations(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        names = writer.root_object["/Names"]["/Dests"]["/Names"]
        spots = {str(names[i]): names[i + 1] for i in range(0, len(names), 2)}
        first, second = spots["mot-du-directeur"], spots["mot-de-la-redaction"]
        first[0], second[0] = second[0], first[0]

    problems = _problems(_edit(issue6, change), "contents")
    assert (
        "page 2: the entry 'Mot du directeur' prints page 3, but its link lands on page 4"
        in problems
    )
    assert "page 2: the heading 'Mot du directeur' is not on page 4, where its entry links" in (
        problems
    )


def test_annexe_last_page_dropped(issue6: BuiltIssue) -> None:
    last_note_page = issue6.pdf.page_of("note-31")
    report = _edit(issue6, lambda writer: writer.remove_page(last_note_page))
    problems = _problems(report, "notes")
    call_31 = issue6.pdf.page_labels[issue6.pdf.page_of("appel-31")]
    assert f"page {call_31}: note 31 is called but not in the Annexe" in problems
    assert any(p.endswith("the sources 31") for p in problems)
    assert _problems(report, "pages"), "the following page now prints the wrong folio"


def test_outline_deleted(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        del writer.root_object["/Outlines"]

    assert _problems(_edit(issue6, change), "contents") == ["the PDF has no bookmarks (outline)"]


def test_font_stripped(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        for font in writer.pages[5]["/Resources"]["/Font"].values():
            font = font.get_object()
            if font.get("/Subtype") == "/Type0":
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            else:
                descriptor = font["/FontDescriptor"]
            descriptor = descriptor.get_object()
            for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                if key in descriptor:
                    del descriptor[key]
                    return

    problems = _problems(_edit(issue6, change), "fonts")
    assert any("is not embedded" in p for p in problems), problems


def test_page_labels_removed(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        del writer.root_object["/PageLabels"]

    problems = _problems(_edit(issue6, change), "pages")
    assert "the PDF has no page labels (/PageLabels)" in problems


def test_page_labels_off_by_one(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        writer.root_object["/PageLabels"]["/Nums"][3][NameObject("/St")] = NumberObject(3)

    problems = _problems(_edit(issue6, change), "pages")
    assert problems[0] == "page 3: prints 2, but its page label is 3"


def test_wrong_trim_size(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        writer.pages[4].trimbox.upper_right = (595, 842)  # A4

    assert _problems(_edit(issue6, change), "pages") == [
        "page 5: size is 595 × 842 pt, expected 612 × 792 pt"
    ]


def test_local_file_link(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        for page in writer.pages:
            for ref in page.get("/Annots") or []:
                action = ref.get_object().get("/A")
                if action is not None and action.get_object().get("/S") == "/URI":
                    action = action.get_object()
                    action[NameObject("/URI")] = TextStringObject("file:///etc/passwd")
                    return

    problems = _problems(_edit(issue6, change), "links")
    assert len(problems) == 1
    assert problems[0].endswith(
        "link to 'file:///etc/passwd' is not a well-formed http, https or mailto URI"
    )


def test_launch_action(issue6: BuiltIssue) -> None:
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

    assert _problems(_edit(issue6, change), "links") == [
        "page 6: a link opens a Launch action (a local file or another document)"
    ]


def test_metadata_removed(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        writer.add_metadata({"/Title": "", "/Subject": "Autre sujet"})

    problems = _problems(_edit(issue6, change), "metadata")
    assert problems[0] == "the PDF has no title"
    assert problems[1].startswith("the PDF's subject is 'Autre sujet', the sources say 'Le MSP")


# ---- broken HTML ----------------------------------------------------------------

LONG_URL = "https://www.example.org/" + "tres-long-chemin/" * 12 + "fin.html"


@pytest.fixture(scope="module")
def small_issue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    body = (
        "## Première section\n\n"
        + "Un paragraphe de texte assez long pour remplir une ligne de la colonne. " * 6
        + "Un appel[^a] et un autre[^b].\n\n"
        + f"Une adresse : <{LONG_URL}>\n\n"
        + "[^a]: Première note.\n[^b]: Seconde note.\n"
    )
    return write_issue(
        tmp_path_factory.mktemp("petit"),
        {"01-a.md": article("Un article", body), "02-b.md": article("Un autre", "Texte.\n")},
    )


def _render_broken(root: Path, html_change: Callable[[str], str]) -> Report:
    issue = load_issue(root)
    composition = compose(issue)
    html = html_change(composition.html)
    rendered = render_pdf(html, base_url=root, language=issue.language)
    return check_pdf(rendered.pdf, Expectations.from_composition(composition))


def test_small_issue_passes_as_composed(small_issue: Path) -> None:
    report = _render_broken(small_issue, lambda html: html)
    assert report.ok, [str(p) for p in report.problems]


def test_wrong_page_number_in_contents(small_issue: Path) -> None:
    style = '<style>a[href="#annexe"]::after { content: leader(". ") "9" }</style></head>'
    report = _render_broken(small_issue, lambda html: html.replace("</head>", style))
    assert _problems(report, "contents") == [
        "page 2: the entry 'Annexe' prints page 9, but its link lands on page 5"
    ]


def test_note_without_back_link(small_issue: Path) -> None:
    report = _render_broken(
        small_issue,
        lambda html: html.replace(
            '<a class="note-number" href="#appel-2"', '<a class="note-number"'
        ),
    )
    assert _problems(report, "notes") == [
        "page 5: note 2 does not link back to its call",
        "the Annexe holds 1 notes, the sources 2",
    ]


def test_url_wider_than_the_page(small_issue: Path) -> None:
    style = "<style>a.external { overflow-wrap: normal; white-space: nowrap }</style></head>"
    report = _render_broken(small_issue, lambda html: html.replace("</head>", style))
    problems = _problems(report, "overflow")
    assert len(problems) == 1
    assert problems[0].startswith("page 3: text drawn outside the text block: '")


def test_missing_heading_in_contents(small_issue: Path) -> None:
    report = _render_broken(
        small_issue,
        lambda html: html.replace(
            '<li class="contents-section"><a href="#premiere-section">Première section</a></li>', ""
        ),
    )
    problems = _problems(report, "contents")
    assert "the section 'Première section' is missing from the contents" in problems


# ---- the command ------------------------------------------------------------------

SCHEMA = Path(__file__).resolve().parent.parent / "docs" / "check-report.schema.json"


def test_check_command_json_validates_against_the_schema(
    issue6: BuiltIssue, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(issue6.result.output), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    jsonschema.validate(report, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert report["ok"] is True


def test_check_command_exit_codes(
    issue6: BuiltIssue, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.pdf"
    writer = PdfWriter(clone_from=issue6.result.output)
    del writer.root_object["/Outlines"]
    writer.write(broken)
    assert main(["check", str(broken)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{broken}: the PDF has no bookmarks (outline)"
    assert out[-1] == f"{broken}: {issue6.pdf.page_count} pages, 9 checks, 1 problems in contents"
    not_pdf = tmp_path / "notes.pdf"
    not_pdf.write_text("pas un PDF")
    assert main(["check", str(not_pdf)]) == 2
    assert capsys.readouterr().err.startswith(f"erreur : {not_pdf}: cannot read the PDF")
    assert main(["check", str(tmp_path / "absent.pdf")]) == 2


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
    rendered = render_pdf(composition.html, base_url=root, language=issue.language)
    report = check_pdf(rendered.pdf, Expectations.from_composition(composition))
    assert report.ok, [str(p) for p in report.problems][:5]
    figures = {c.name: c.figures for c in report.checks}
    assert figures["notes"] == {"calls": 120, "notes": 120}
    assert figures["contents"]["entries"] == 40 * 5 + 1
    contents_pages = {link.page for link in read_pdf(rendered.pdf).links_to("article-40")}
    assert contents_pages and min(contents_pages) > 1, "the contents spans several pages"


def test_character_without_glyph_is_refused(tmp_path: Path) -> None:
    """Lint names the line; the check catches it too in a PDF made without lint."""
    root = write_issue(
        tmp_path / "issue", {"01-a.md": article("A", "Un signe \U00013000 inconnu.\n")}
    )
    output = tmp_path / "out.pdf"
    output.write_bytes(b"%PDF- the last good one")
    with pytest.raises(SourceError) as info:
        build(root, output)
    assert (info.value.line, info.value.message) == (
        5,
        "le caractère \U00013000 (U+13000) n'existe pas dans les polices du bulletin",
    )
    assert output.read_bytes() == b"%PDF- the last good one"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["issue", "out.pdf"]  # no temp left
    html = compose(load_issue(write_issue(tmp_path / "b", {"01-a.md": article("A", "x\n")}))).html
    rendered = render_pdf(
        html.replace("</body>", "<p>\U00013000</p></body>"),
        base_url=tmp_path / "b",
        language="fr-CA",
    )
    assert "no glyph in bippdf's fonts for U+13000" in " ".join(
        _problems(check_pdf(rendered.pdf), "fonts")
    )


def test_hyphenated_heading_that_wraps_at_its_hyphen(tmp_path: Path) -> None:
    """A title and a section heading broken after a hyphen of a compound name: the lines
    read back break there, and the contents check still finds both headings whole."""
    title = "Les interventions auprès des jeunes en Abitibi-Témiscamingue et au Centre-du-Québec"
    body = "Texte.\n\n## Regards croisés sur Centre-du-Québec\n\nTexte.\n"
    root = write_issue(tmp_path, {"01-a.md": article(title, body)})
    result = build(root, tmp_path / "out.pdf")  # raises if the contents check fails
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


@pytest.fixture(scope="module")
def footnoted(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, Expectations]:
    """A small issue with its notes at the foot of the page, built and composed."""
    body = "## Section\n\n" + "Texte assez long pour une ligne entière de la page. " * 12
    body += "Un appel[^a].\n\n" + "Suite du texte. " * 40 + "Autre appel[^b].\n\n"
    body += "[^a]: Première note.\n[^b]: Seconde note.\n"
    root = write_issue(
        tmp_path_factory.mktemp("pied"), {"01-a.md": article("A", body)}, notes='"page"'
    )
    issue = load_issue(root)
    composition = compose(issue)
    rendered = render_pdf(composition.html, base_url=root, language=issue.language)
    return rendered.pdf, Expectations.from_composition(composition)


def test_notes_at_the_foot_of_the_page_pass(footnoted: tuple[bytes, Expectations]) -> None:
    pdf, expected = footnoted
    report = check_pdf(pdf, expected)
    assert report.ok, [str(p) for p in report.problems]
    data = read_pdf(pdf)
    assert data.page_of("annexe") is None
    for number in (1, 2):
        assert data.page_of(f"note-{number}") == data.page_of(f"appel-{number}")


def test_footnote_deferred_to_the_next_page(tmp_path: Path) -> None:
    """WeasyPrint defers footnotes called from a second column: the check sees it."""
    root = tmp_path / "issue"
    shutil.copytree(ISSUE_6, root)
    toml = (root / "issue.toml").read_text(encoding="utf-8")
    (root / "issue.toml").write_text('notes = "page"\n' + toml, encoding="utf-8")
    issue = load_issue(root)
    composition = compose(issue)
    two_columns = "<style>.notes-page .article-body { columns: 2 }</style></head>"
    html = composition.html.replace("</head>", two_columns)
    rendered = render_pdf(html, base_url=root, language=issue.language)
    problems = _problems(
        check_pdf(rendered.pdf, Expectations.from_composition(composition)), "notes"
    )
    assert problems, "two-column footnotes were expected to be deferred"
    assert all(
        re.match(
            r"page \d+: note \d+ stands at the foot of page \d+, but its call is on page \d+$", p
        )
        for p in problems
    ), problems


def test_note_call_after_an_accented_letter_in_italics(tmp_path: Path) -> None:
    lead = 'lead = "Un bilan présenté à la municipalité[^a]."\n'
    root = write_issue(tmp_path, {"01-a.md": article("A", "Texte.\n\n[^a]: Note.\n", lead)})
    result = build(root, tmp_path / "out.pdf")  # the check reads the call as 1, not « é1 »
    assert result.notes == 1


# ---- layout ---------------------------------------------------------------------

LOOSE = (
    "<style>p, li { widows: 1 !important; orphans: 1 !important; }"
    " html { hyphenate-limit-zone: 0 !important }</style></head>"
)


def test_layout_faults_of_a_loosely_set_issue(tmp_path: Path) -> None:
    """No. 6 set without widow, orphan and hyphenation limits: the faults are found."""
    issue = load_issue(ISSUE_6)
    composition = compose(issue)
    html = composition.html.replace("</head>", LOOSE)
    rendered = render_pdf(html, base_url=ISSUE_6, language=issue.language)
    report = check_pdf(rendered.pdf, Expectations.from_composition(composition))
    layout = next(c for c in report.checks if c.name == "layout")
    kinds = {p.message.split(":")[0].split(" a ")[0] for p in layout.problems}
    assert {"widow", "orphan"} <= kinds, layout.problems
    assert layout.figures["hyphens"] >= 1
    assert all(p.page and p.page.isdigit() for p in layout.problems)
    others = [p for c in report.checks if c.name != "layout" for p in c.problems]
    assert others == []


def test_line_running_over_its_column(tmp_path: Path) -> None:
    body = f"Une adresse : <{LONG_URL}>\n\n" + "Du texte courant pour remplir les colonnes. " * 60
    root = write_issue(tmp_path, {"01-a.md": article("A", body + "\n")})
    style = "<style>a.external { overflow-wrap: normal; white-space: nowrap }</style></head>"
    report = _render_broken(root, lambda html: html.replace("</head>", style))
    problems = _problems(report, "layout")
    assert any(
        p.startswith("page 3: a line runs over its column: 'https://www.example.org/")
        for p in problems
    ), problems


def test_heading_left_alone_at_the_foot_of_its_column(issue6: BuiltIssue) -> None:
    pdf = copy.deepcopy(issue6.pdf)
    page, left, top = pdf.positions["prostitution"]
    column = [line for line in pdf.lines[page] if abs(line.left - left) < 30]
    heading = next(line for line in column if line.top <= top + 1)
    pdf.lines[page] = [
        line for line in pdf.lines[page] if line not in column or line.top >= heading.top
    ]
    problems = [str(p) for p in _layout(pdf, issue6.expected.geometry).problems]
    label = pdf.page_labels[page]
    assert problems == [
        f"page {label}: the heading 'Prostitution' ends its column, with 0 line(s) after it"
    ]


def test_ordinals_in_headings_and_a_table_with_notes_at_the_foot(tmp_path: Path) -> None:
    body = (
        "## Le 2e volet avec Mme Gagnon\n\nTexte[^a].\n\n| Âge | Nombre |\n|---|--:|\n"
        "| 14 ans | 3 |\n| 15 ans | 3 |\n\n[^a]: Une note.\n"
    )
    root = write_issue(tmp_path / "issue", {"01-a.md": article("A", body)}, notes='"page"')
    result = build(root, tmp_path / "x.pdf")  # raises if a check fails
    assert read_pdf(result.output).page_of("le-2e-volet-avec-mme-gagnon") is not None
