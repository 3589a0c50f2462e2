"""Every problem found in the PDF maps back to its source: the parser's line of each
block, the composed HTML's ``data-source``, and the check's ``file:line`` with a cause."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from bippdf import markdown
from bippdf.check.readback import read_pdf
from bippdf.cli import main
from bippdf.compose import compose
from bippdf.errors import CheckError
from bippdf.pipeline import build_pdf
from bippdf.source import load_issue

from .conftest import article, write_issue

NESTED = """Premier paragraphe
sur deux lignes.

## Un titre

- un
- deux

  suite de deux
- trois

> citation
> suite
>
> - dans une liste

\t•\tcollé de Word

| a | b |
|---|---|
| 1 | 2 |

![Photo](images/x.jpg)
Légende

Fin.
"""


def _lines(tokens: list[markdown.Token]) -> list[tuple[str, int | None]]:
    return [
        (token["type"], token.get("line"))
        for token in markdown.walk(tokens)
        if token["type"] not in {"text", "softbreak", "blank_line", "list_item"}
        and not token["type"].startswith("table_")
    ]


def test_each_block_has_the_line_the_parser_read_it_on() -> None:
    parsed = markdown.parse(markdown.create_markdown(), NESTED)
    assert _lines(parsed.tokens) == [
        ("paragraph", 1),
        ("heading", 4),
        ("list", 6),  # loose: its items are paragraphs
        ("paragraph", 6),
        ("paragraph", 7),
        ("paragraph", 9),
        ("paragraph", 10),
        ("block_quote", 12),
        ("paragraph", 12),
        ("list", 15),
        ("block_text", 15),
        ("block_code", 17),
        ("table", 19),
        ("figure", 23),
        ("paragraph", 26),
    ]


def test_a_repeated_text_is_placed_where_it_stands_not_where_it_first_appears() -> None:
    text = "- même texte\n- autre\n\n> même texte\n\n- même texte\n"
    parsed = markdown.parse(markdown.create_markdown(), text)
    found = [(t["type"], t.get("line")) for t in markdown.walk(parsed.tokens)]
    assert [line for kind, line in found if kind in {"block_text", "paragraph"}] == [1, 2, 4, 6]


def test_the_composed_html_names_each_block_s_file_and_line(tmp_path: Path) -> None:
    lead = 'lead = "Un chapeau."\n'
    body = (
        "Premier paragraphe.\n\n## Section[^a]\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[^a]: Note.\n"
    )
    root = write_issue(tmp_path, {"01-a.md": article("A", body, lead)})
    html = compose(load_issue(root)).html
    # The front matter is four lines, the lead on its third; then one blank.
    assert '<p data-source="articles/01-a.md:3">Un chapeau.</p>' in html
    assert '<p data-source="articles/01-a.md:6">Premier paragraphe.</p>' in html
    assert '<h2 id="section" data-title="Section" data-source="articles/01-a.md:8">' in html
    assert '<table data-source="articles/01-a.md:10">' in html


@pytest.mark.parametrize(
    ("extra", "line"),
    [
        ('\nlead = "Un chapeau."\n', 4),  # a blank line above it is not its line
        ('\nlead = """\nUn chapeau.\n"""\n', 5),  # a multi-line string: its first line
    ],
)
def test_the_lead_is_placed_on_its_own_line(tmp_path: Path, extra: str, line: int) -> None:
    root = write_issue(tmp_path, {"01-a.md": article("A", "Premier paragraphe.\n", extra)})
    html = compose(load_issue(root)).html
    assert f'<p data-source="articles/01-a.md:{line}">Un chapeau.</p>' in html


FILLER = "Du texte courant pour remplir les colonnes de la page. " * 30
# Word's numbered paragraphs, indented by a tab without a bullet that says "list": a
# code block, whose lines do not break.
WORD_LIST = (
    "\tÉtape 1 : première étape d'une liste collée de Word, assez longue pour déborder de "
    "la colonne sans aucun doute possible.\n\tÉtape 2 : deuxième étape.\n"
)
WIDE_TABLE = (
    "| Région | Population | Superficie | Densité | Municipalités | Corps de police | Total |\n"
    "|---|---|---|---|---|---|---|\n"
    "| Bas-Saint-Laurent-et-Gaspésie | 1234567890123 | 98765432109876 | 12345678901234 "
    "| 1234567890 | 1234567890123 | 98765432101234 |\n"
)


@pytest.fixture(scope="module")
def faulty_issue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An article with a list pasted from Word (tab-indented: a code block, which wraps
    in its column) at line 9, a table too wide for its column at line 14, a too small
    image at line 20."""
    root = tmp_path_factory.mktemp("sources") / "issue"
    body = (
        f"{FILLER}\n\nLes étapes :\n\n{WORD_LIST}\n{FILLER}\n\n{WIDE_TABLE}\n{FILLER}\n\n"
        f"![Une photo](../images/petite.jpg)\n\n{FILLER}\n"
    )
    write_issue(root, {"01-a.md": article("Un article", body)}, issn='"1234-5678"')
    lines = (root / "articles" / "01-a.md").read_text(encoding="utf-8").splitlines()
    assert (lines[8][:2], lines[13][:8], lines[19][:7]) == ("\tÉ", "| Région", "![Une p")
    (root / "images").mkdir()
    Image.new("RGB", (300, 200), (90, 120, 160)).save(root / "images" / "petite.jpg")
    return root


@pytest.mark.slow
@pytest.mark.pdf
def test_a_refused_build_names_each_problem_s_article_line_and_cause(
    faulty_issue: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(CheckError) as info:
        build_pdf(faulty_issue, tmp_path / "x.pdf", variant="print")
    located = {f"{f.path.name}:{f.line}": f for f in info.value.faults if f.line}
    assert set(located) == {"01-a.md:14", "01-a.md:20"}  # the code block wraps: no fault
    assert "tableau plus large que sa colonne" in located["01-a.md:14"].message
    image = located["01-a.md:20"]
    assert image.message.startswith("page 4: images/petite.jpg : une image de 300 × 200 px")
    assert "625 px de large" in (image.hint or "")
    assert info.value.faults[-1].message.startswith("le PDF ne passe pas ses vérifications : ")

    assert (
        main(["build", str(faulty_issue), "--variant", "web", "-o", str(tmp_path / "w.pdf")]) == 1
    )
    err = capsys.readouterr().err.splitlines()
    article_file = faulty_issue / "articles" / "01-a.md"
    assert err[0].startswith(f"erreur : {article_file}:14: page 3: texte hors de la zone")
    assert len(err) == 2 and "1 problème" in err[1]


@pytest.mark.slow
@pytest.mark.pdf
def test_check_names_the_article_with_the_issue_and_the_page_without(
    faulty_issue: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = build_pdf(faulty_issue, tmp_path / "x.pdf", variant="web", check=False).output
    assert main(["check", str(pdf)]) == 1
    alone = capsys.readouterr().out.splitlines()
    assert alone[0] == f"{pdf}: page 3: texte hors de la zone de texte : « Densité 12 345 678 9 »"
    assert main(["check", str(pdf), "--issue", str(faulty_issue)]) == 1
    located = capsys.readouterr().out.splitlines()
    article_file = faulty_issue / "articles" / "01-a.md"
    assert located[0].startswith(f"{article_file}:14: page 3: texte hors de la zone")
    assert main(["check", str(pdf), "--issue", str(faulty_issue), "--json"]) == 1
    assert '"source": "articles/01-a.md:14"' in capsys.readouterr().out


@pytest.mark.pdf
def test_a_heading_with_a_note_call_is_bookmarked_without_it(tmp_path: Path) -> None:
    body = f"{FILLER}\n\n## Une section annotée[^a]\n\n{FILLER}\n\n[^a]: La note.\n"
    root = write_issue(tmp_path / "issue", {"01-a.md": article("Un article", body)})
    result = build_pdf(root, tmp_path / "x.pdf", variant="web")  # raised before: refused
    outline = read_pdf(result.output).outline
    assert [child.title for child in outline[0].children] == ["Une section annotée"]
