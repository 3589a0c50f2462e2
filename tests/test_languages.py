"""Words in another language: ``[words]{lang=en}`` in Markdown reaches the web PDF as a
/Lang on their structure element, and a sentence that looks English in a French issue
is warned of at its line."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from bippdf import markdown
from bippdf.compose import parse
from bippdf.source import load_issue

from .conftest import WebIssue, article, write_issue


def _html(text: str) -> str:
    md = markdown.create_markdown()
    return markdown.render(markdown.create_renderer(), markdown.parse(md, text).tokens)


def test_a_language_span_is_a_span_with_its_lang() -> None:
    html = _html("Le [Virtual *Global* Taskforce]{lang=en} agit, [ici]{lang=en-GB}.\n")
    assert '<span lang="en">Virtual <em>Global</em> Taskforce</span>' in html
    assert '<span lang="en-GB">ici</span>' in html


@pytest.mark.parametrize("text", ["[mot]{lang=}", "[mot]{lang=en_US}", "[mot] {lang=en}"])
def test_what_is_not_a_language_span_stays_text(text: str) -> None:
    assert "<span" not in _html(text + "\n")


def _warnings(tmp_path: Path, body: str, language: str = '"fr-CA"') -> list[str]:
    root = write_issue(tmp_path / "n", {"01-a.md": article("A", body)}, language=language)
    return [
        f"{w.location}: {w.message}"
        for _, _, parsed in parse(load_issue(root))
        for w in parsed.warnings
    ]


ENGLISH_NOTE = (
    "Un appel[^a].\n\n"
    "[^a]: ONUDC (2016). Global Report on Trafficking in Persons and the work of the UN.\n"
)


def test_an_english_note_in_a_french_issue_is_warned_of_at_its_line(tmp_path: Path) -> None:
    (found,) = _warnings(tmp_path, ENGLISH_NOTE)
    assert found.endswith(
        "semble en anglais : un lecteur d'écran le lira avec la prononciation française"
    )
    assert "01-a.md:7:" in found  # the note's line: front matter, a paragraph, a blank
    assert "Global Report on Trafficking in Persons" in found


def test_marked_english_french_text_and_english_issues_are_not_warned_of(tmp_path: Path) -> None:
    marked = ENGLISH_NOTE.replace(
        "Global Report on Trafficking in Persons and the work of the UN",
        "[Global Report on Trafficking in Persons and the work of the UN]{lang=en}",
    )
    assert _warnings(tmp_path / "a", marked) == []
    assert _warnings(tmp_path / "b", ENGLISH_NOTE, language='"en-CA"') == []
    french = "La traite des personnes, in extenso, est le fait de recruter une personne.\n"
    assert _warnings(tmp_path / "c", french) == []


def test_english_words_of_no6_reach_the_pdf_as_lang(issue6_web: WebIssue) -> None:
    reader = PdfReader(issue6_web.results[0].output)
    languages = []
    stack = [reader.root_object["/StructTreeRoot"]["/K"]]
    while stack:
        node = stack.pop().get_object()
        if isinstance(node, ArrayObject):
            stack.extend(node)
        elif isinstance(node, DictionaryObject) and node.get("/Type") == "/StructElem":
            if "/Lang" in node:
                languages.append(str(node["/Lang"]))
            if "/K" in node:
                stack.append(node.raw_get("/K"))
    assert languages and set(languages) == {"en"}
    assert str(reader.root_object["/Lang"]) == "fr-CA"
