"""The line breaking check, each fault made in a good layout and seen caught."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from bippdf import build_pdf, hyphenation
from bippdf.check import check_pdf
from bippdf.check.lines import LOOSE_FAIL, LOOSE_SHARE, MAX_BAD_HYPHENS
from bippdf.check.readback import PdfReadback
from bippdf.check.report import CheckResult, Report
from bippdf.compose import compose
from bippdf.composition import expectations
from bippdf.render import render_pdf
from bippdf.source import load_issue

from ..conftest import ISSUE_6, BuiltIssue, WebIssue, article, write_issue
from .conftest import render_broken

pytestmark = pytest.mark.pdf

# Every syllable of these words may be broken (soft hyphens), in every line.
SYLLABLES = "hy\u00adphé\u00adna\u00adtion mé\u00adtho\u00addi\u00adque\u00adment "


def lines_of(report: Report) -> CheckResult:
    return next(check for check in report.checks if check.name == "lines")


@pytest.fixture(scope="module")
def issue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Running text over several columns, with a note call and guillemets."""
    body = (
        "Un paragraphe de texte courant qui remplit plusieurs lignes de la colonne. " * 8
        + "Le mot « exploitation » et son exploitation[^a] ». Puis la suite du texte.\n\n"
        + "Un autre paragraphe de texte courant pour remplir la page. " * 150
        + "\n\n[^a]: Une note.\n"
    )
    return write_issue(tmp_path_factory.mktemp("lignes"), {"01-a.md": article("Un article", body)})


@pytest.mark.slow
def test_a_good_layout_has_none(issue: Path, tmp_path: Path) -> None:
    """Built by the pipeline: each paragraph in its best spacing."""
    result = build_pdf(issue, tmp_path / "good.pdf", variant="web")
    lines = lines_of(check_pdf(result.output, expectations(compose(load_issue(issue)))))
    assert (lines.problems, lines.warnings) == ([], [])
    assert lines.figures["justified_lines"] > 20
    assert 0.2 < lines.figures["widest_gap_em"] < 1.5


def test_a_note_call_starting_a_line(issue: Path) -> None:
    def break_before_call(html: str) -> str:
        return html.replace(
            'exploitation<sup class="note-call">', 'exploitation<br><sup class="note-call">'
        )

    lines = lines_of(render_broken(issue, break_before_call))
    assert lines.figures["line_starts"] == 1
    assert "une ligne commence par un appel de note" in str(lines.problems[0])


def test_a_closing_guillemet_starting_a_line(issue: Path) -> None:
    lines = lines_of(
        render_broken(issue, lambda html: html.replace("tation\u202f»", "tation<br>\u202f»", 1))
    )
    assert lines.figures["line_starts"] == 1
    assert "une ligne commence par « » »" in str(lines.problems[0])


def test_loose_lines_over_their_share(issue: Path) -> None:
    wide = "<style>.article-body p { word-spacing: 0.45em }</style></head>"
    lines = lines_of(render_broken(issue, lambda html: html.replace("</head>", wide)))
    assert lines.figures["loose_share"] > LOOSE_FAIL
    assert any("ont une espace de plus de 0,6 em entre deux mots" in str(p) for p in lines.problems)


def test_hyphens_at_turns_in_runs_and_with_capitals(tmp_path: Path) -> None:
    """Words broken everywhere (soft hyphens): at column turns, many lines in a row,
    and a capitalised word broken too."""
    body = (SYLLABLES * 200 + "Qué\u00adbec\u00adois\u00adqué\u00adbé\u00adcois " * 30) + "\n"
    root = write_issue(tmp_path, {"01-a.md": article("Un article", body)})
    lines = lines_of(render_broken(root, lambda html: html))
    assert lines.figures["hyphen_runs"] >= 1
    assert lines.figures["turn_hyphens"] >= 1
    assert lines.figures["capitalised_hyphens"] >= 1
    messages = " ".join(str(p) for p in lines.problems + lines.warnings)
    assert "lignes de suite finissent par un trait d'union" in messages
    assert "est coupé d'une colonne ou d'une page à l'autre" in messages
    assert "un mot à majuscule est coupé : « Qué" in messages
    if lines.figures["turn_hyphens"] + lines.figures["last_line_hyphens"] > MAX_BAD_HYPHENS:
        assert any("coupures mal placées" in str(p) for p in lines.problems)


def test_a_words_end_alone_on_the_last_line(tmp_path: Path) -> None:
    """A paragraph narrower than its last word: the word is broken where its one soft
    hyphen stands, and its end is all the last line holds."""
    body = "Du texte courant. " * 60 + "\n\nUn texte qui finit extraordinaire\u00adment.\n"
    root = write_issue(tmp_path, {"01-a.md": article("Un article", body)})
    narrow = "<style>.article-body p:last-child { width: 85pt }</style></head>"
    lines = lines_of(render_broken(root, lambda html: html.replace("</head>", narrow)))
    assert lines.figures["last_line_hyphens"] == 1
    assert [w.message for w in lines.warnings if "dernière ligne" in w.message] == [
        "le mot « extraordinairement » est coupé et sa fin est seule sur la dernière "
        "ligne de son paragraphe"
    ]


@pytest.mark.slow
@pytest.mark.pdf
def test_no_6_without_the_hyphenation_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """No. 6 laid out without bippdf's dictionary: WeasyPrint breaks capitalised words
    (« Qué‐bec ») and the check sees them."""
    monkeypatch.setattr(hyphenation, "_Pyphen", hyphenation.pyphen)
    issue = load_issue(ISSUE_6)
    composition = compose(issue)
    rendered = render_pdf(composition.html, base_url=ISSUE_6, language=issue.language)
    lines = lines_of(check_pdf(rendered.pdf, expectations(composition)))
    assert lines.figures["capitalised_hyphens"] >= 1
    assert any("un mot à majuscule est coupé" in str(p) for p in lines.problems)


def test_no_6_as_built(issue6: BuiltIssue) -> None:
    """The fitted No. 6: no line starts with a sign or a call, no capitalised word,
    turn or run of hyphens; most justified lines without a loose gap."""
    lines = lines_of(check_pdf(issue6.result.output, issue6.expected))
    figures = lines.figures
    assert figures["line_starts"] == figures["capitalised_hyphens"] == 0
    assert figures["turn_hyphens"] == figures["hyphen_runs"] == 0
    assert figures["loose_share"] <= LOOSE_SHARE
    assert lines.problems == []


def test_the_dictionary_leaves_capitalised_words_whole() -> None:
    dictionary = hyphenation.Dictionary(lang="fr", left=2, right=3)
    assert list(dictionary.iterate("Québec")) == []
    assert list(dictionary.iterate("l’Estrie")) == []
    assert ("exploi", "tation") in list(dictionary.iterate("exploitation"))


def test_words_kept_whole_are_found_in_the_html() -> None:
    html = (
        '<html><head></head><body><p data-source="a.md:3">son exploitation<sup>2</sup> et '
        "l’exploitation sexuelle</p></body></html>"
    )
    kept = hyphenation.written(html, [("p", "a.md:3", "exploitation", 1)])
    assert re.findall(r'<span class="whole">(\w+)</span>', kept) == ["exploitation"]
    assert "l’<span class" in kept and "son exploitation<sup>" in kept


def test_added_hyphens_read_alike_in_both_variants(
    issue6: BuiltIssue, issue6_web: WebIssue
) -> None:
    """The web PDF gives an added hyphen the text of a soft hyphen, and pdfium reads
    any hyphen at a line's end as U+0002: told apart by its /ActualText, an added one
    reads as in the print PDF, a typed one (« États-/Unis ») does not."""

    def ends(pdf: PdfReadback) -> Counter[str]:
        return Counter(line.text.rstrip()[-1:] for page in pdf.lines for line in page)

    web, printed = ends(issue6_web.pdf), ends(issue6.pdf)
    assert web["\u2010"] == printed["\u2010"] > 100
    assert web["\x02"] == printed["\x02"] > 0


def test_a_line_cut_short_in_its_paragraph(issue: Path) -> None:
    def cut(html: str) -> str:
        return html.replace("de texte courant qui remplit", "de texte<br>courant qui remplit", 1)

    lines = lines_of(render_broken(issue, cut))
    assert lines.figures["short_lines"] == 1
    assert str(lines.warnings[0]).endswith(
        "une ligne s'arrête avant la moitié de sa colonne au milieu de son paragraphe : "
        "« Un paragraphe de texte »"
    )
