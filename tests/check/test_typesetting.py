"""The typesetting checks: fonts and glyphs, overflow, and the layout of the columns."""

from __future__ import annotations

import copy
import io
from pathlib import Path

import pytest
from pypdf import PdfWriter

from bippdf import build_pdf
from bippdf.check import check_pdf
from bippdf.check.columns import split_columns
from bippdf.check.readback import read_pdf
from bippdf.check.report import TOLERANCE
from bippdf.check.typesetting import check_layout
from bippdf.compose import compose
from bippdf.composition import expectations
from bippdf.contract import LETTER
from bippdf.errors import SourceError
from bippdf.render import render_pdf
from bippdf.source import load_issue

from ..conftest import ISSUE_6, BuiltIssue, article, write_issue
from .conftest import LONG_URL, edit_pdf, problems_in, render_broken, rendered_and_checked


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

    problems = problems_in(edit_pdf(issue6, change), "fonts")
    assert any("n'est pas incorporée" in p for p in problems), problems


@pytest.mark.pdf
def test_character_without_glyph_is_refused(tmp_path: Path) -> None:
    """Lint names the line; the check catches it too in a PDF made without lint."""
    root = write_issue(
        tmp_path / "issue", {"01-a.md": article("A", "Un signe \U00013000 inconnu.\n")}
    )
    output = tmp_path / "out.pdf"
    output.write_bytes(b"%PDF- the last good one")
    with pytest.raises(SourceError) as info:
        build_pdf(root, output)
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
    assert "aucun glyphe dans les polices de bippdf pour U+13000" in " ".join(
        problems_in(check_pdf(rendered.pdf), "fonts")
    )


@pytest.mark.pdf
def test_url_wider_than_the_page(small_issue: Path) -> None:
    style = "<style>a.external { overflow-wrap: normal; white-space: nowrap }</style></head>"
    report = render_broken(small_issue, lambda html: html.replace("</head>", style))
    problems = problems_in(report, "overflow")
    assert len(problems) == 1
    assert problems[0].startswith("page 3: texte hors de la zone de texte : « ")


@pytest.mark.pdf
@pytest.mark.parametrize("variant", ["print", "web"])
def test_an_address_with_nowhere_to_break_breaks_inside_its_column(
    tmp_path: Path, variant: str
) -> None:
    """An address with no place a line may break for a column's width and more breaks
    where it must, being a link (``overflow-wrap: anywhere``): in both PDFs its lines
    stay in their column, and every check passes."""
    from pypdf import PdfReader

    address = "https://www.quebec.ca/" + "documentsdelaprevention" * 4
    body = f"Pour en savoir plus : <{address}>.\n\n" + "Du texte courant. " * 30 + "\n"
    root = write_issue(tmp_path / "issue", {"01-a.md": article("A", body)})
    pdf, report = rendered_and_checked(root, lambda html: html, variant)
    assert [p for check in report.checks for p in check.problems] == []
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert address not in text and address in "".join(text.split())  # over several lines


LOOSE = (
    "<style>p, li { widows: 1 !important; orphans: 1 !important; }"
    " html { hyphenate-limit-zone: 0 !important }</style></head>"
)


@pytest.mark.pdf
def test_layout_faults_of_a_loosely_set_issue(tmp_path: Path) -> None:
    """No. 6 set without widow and orphan limits: the faults are found (the line
    breaking check, with its own tests in test_lines.py, sees the loose set too)."""
    issue = load_issue(ISSUE_6)
    composition = compose(issue)
    html = composition.html.replace("</head>", LOOSE)
    rendered = render_pdf(html, base_url=ISSUE_6, language=issue.language)
    report = check_pdf(rendered.pdf, expectations(composition))
    layout = next(c for c in report.checks if c.name == "layout")
    kinds = {p.message.split(" :")[0] for p in layout.problems}
    assert {"ligne veuve", "ligne orpheline"} <= kinds, layout.problems
    assert all(p.page and p.page.isdigit() for p in layout.problems)
    others = [p for c in report.checks if c.name not in ("layout", "lines") for p in c.problems]
    assert others == []


@pytest.mark.pdf
def test_line_running_over_its_column(tmp_path: Path) -> None:
    body = f"Une adresse : <{LONG_URL}>\n\n" + "Du texte courant pour remplir les colonnes. " * 60
    root = write_issue(tmp_path, {"01-a.md": article("A", body + "\n")})
    style = "<style>a.external { overflow-wrap: normal; white-space: nowrap }</style></head>"
    report = render_broken(root, lambda html: html.replace("</head>", style))
    problems = problems_in(report, "layout")
    assert any(
        p.startswith("page 3: une ligne déborde de sa colonne : « https://www.example.org/")
        for p in problems
    ), problems


# A lead whose last line ends in the gutter, a little past where the left column ends
# (the words were chosen for that, and the test says so before it trusts the build).
NEAR_THE_GUTTER = (
    "Une enquête menée auprès des corps de police du Québec. Les questionnaires ont "
    "été envoyés au ministère, avec le consentement des participants."
)


@pytest.mark.slow
@pytest.mark.pdf
@pytest.mark.parametrize("variant", ["print", "web"])
def test_a_lead_ending_near_the_gutter_spans_the_page(tmp_path: Path, variant: str) -> None:
    """The lead is a full-width block: its last line, short of the gutter or in it, is
    not a line of the left column, let alone one running over it."""
    body = "Du texte courant pour remplir les colonnes de la page. " * 80 + "\n"
    lead = f'lead = "{NEAR_THE_GUTTER}"\n'
    root = write_issue(tmp_path / "issue", {"01-a.md": article("Un article", body, lead)})
    result = build_pdf(root, tmp_path / "out.pdf", variant=variant)  # raises if refused
    pdf = read_pdf(result.output)
    page = pdf.page_of("un-article")
    assert page is not None
    (_, left_end), (right_start, _) = LETTER.columns_pt(page)
    last = next(line for line in pdf.lines[page] if line.text.endswith("participants."))
    assert left_end + TOLERANCE < last.right < (left_end + right_start) / 2  # in the gutter
    columns, overruns = split_columns(pdf.lines[page], LETTER.columns_pt(page))
    assert overruns == []
    assert all(last is not line for column in columns for line in column)
    assert all(line.top < last.bottom for column in columns for line in column)
    assert len(columns[0]) > 10 and len(columns[1]) > 10


def test_heading_left_alone_at_the_foot_of_its_column(issue6: BuiltIssue) -> None:
    pdf = copy.deepcopy(issue6.pdf)
    page, left, top = pdf.positions["prostitution"]
    column = [line for line in pdf.lines[page] if abs(line.left - left) < 30]
    heading = next(line for line in column if line.top <= top + 1)
    pdf.lines[page] = [
        line for line in pdf.lines[page] if line not in column or line.top >= heading.top
    ]
    problems = [str(p) for p in check_layout(pdf, issue6.expected.geometry).problems]
    label = pdf.page_labels[page]
    assert problems == [
        f"page {label}: l'intertitre « Prostitution » finit sa colonne, suivi de 0 ligne"
    ]


@pytest.mark.pdf
def test_ordinals_in_headings_and_a_table_with_notes_at_the_foot(tmp_path: Path) -> None:
    body = (
        "## Le 2e volet avec Mme Gagnon\n\nTexte[^a].\n\n| Âge | Nombre |\n|---|--:|\n"
        "| 14 ans | 3 |\n| 15 ans | 3 |\n\n[^a]: Une note.\n"
    )
    root = write_issue(tmp_path / "issue", {"01-a.md": article("A", body)}, notes='"page"')
    result = build_pdf(root, tmp_path / "x.pdf")  # raises if a check fails
    assert read_pdf(result.output).page_of("le-2e-volet-avec-mme-gagnon") is not None


@pytest.mark.pdf
def test_a_word_too_long_for_its_heading_is_hyphenated_there_and_only_there(
    tmp_path: Path,
) -> None:
    """A word wider than the column would stick out of a title, which is otherwise never
    hyphenated: the long word is broken, and the check finds the heading whole (found by
    fuzzing: it failed the contents and overflow checks)."""
    long_word = "anticonstitutionnellement" * 3
    body = f"Texte.\n\n## Un {long_word} et anticonstitutionnellement\n\nSuite.\n"
    root = write_issue(tmp_path / "issue", {"01-a.md": article("A", body)})
    result = build_pdf(root, tmp_path / "out.pdf", variant="web")  # raises if a check fails
    pdf = read_pdf(result.output)
    page = next(n for n, lines in enumerate(pdf.lines) if "Suite." in [x.text for x in lines])
    heading = [line.text for line in pdf.lines[page] if line.font == "Inter-Bold"]
    assert len(heading) > 2, heading  # the long word takes several lines
    assert heading[-1].endswith("anticonstitutionnellement"), "an ordinary word stays whole"


def test_no6_s_characters_are_checked_without_reading_the_fonts_tables(
    issue6: BuiltIssue, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every character of No. 6's print PDF, the hyphens WeasyPrint writes where it breaks
    a word among them, is one the fonts are known to draw: the check reads no font's
    tables (0.18 s of the print PDF's check, on the build's critical path)."""
    from bippdf import resources
    from bippdf.check.typesetting import check_fonts

    def read() -> frozenset[int]:
        raise AssertionError("the fonts' tables were read")

    assert "\u2010" in "".join(issue6.pdf.texts)  # a word broken at a line's end
    monkeypatch.setattr(resources, "covered_characters", read)
    assert not check_fonts(issue6.pdf, issue6.expected).problems
