"""The build's own verification catches broken PDFs, not only passes good ones."""

from __future__ import annotations

import copy
import dataclasses

from bippdf.readback import Font
from bippdf.verify import contents_problems, font_problems, notes_problems, verify

from .conftest import BuiltIssue


def test_issue_6_verifies_clean(issue6: BuiltIssue) -> None:
    assert verify(issue6.pdf, issue6.composition) == []


def test_call_without_link_is_reported_with_its_page(issue6: BuiltIssue) -> None:
    pdf = copy.deepcopy(issue6.pdf)
    pdf.links = [link for link in pdf.links if link.dest != "note-17"]
    page = pdf.page_labels[pdf.page_of("appel-17")]
    assert notes_problems(pdf, 31) == [f"page {page}: the call of note 17 does not link to note 17"]


def test_note_without_back_link(issue6: BuiltIssue) -> None:
    pdf = copy.deepcopy(issue6.pdf)
    pdf.links = [link for link in pdf.links if link.dest != "appel-31"]
    page = pdf.page_labels[pdf.page_of("note-31")]
    assert notes_problems(pdf, 31) == [f"page {page}: note 31 does not link back to its call"]


def test_missing_and_extra_notes(issue6: BuiltIssue) -> None:
    assert notes_problems(issue6.pdf, 32) == ["notes: the call of note 32 has no destination"]
    assert notes_problems(issue6.pdf, 30) == [
        "notes: the Annexe holds a note 31 that nothing calls"
    ]


def test_contents_entry_pointing_at_the_wrong_page(issue6: BuiltIssue) -> None:
    pdf = copy.deepcopy(issue6.pdf)
    annexe = pdf.destinations["annexe"]
    pdf.destinations["annexe"] = annexe - 1
    problems = contents_problems(pdf, issue6.composition.contents)
    printed, landed = pdf.page_labels[annexe], pdf.page_labels[annexe - 1]
    expected = (
        f"page 2: the contents entry 'Annexe' prints {printed}, but its link lands on page {landed}"
    )
    assert expected in problems


def test_foreign_or_unembedded_font(issue6: BuiltIssue) -> None:
    pdf = dataclasses.replace(
        issue6.pdf,
        fonts={
            "DejaVuSans": Font(name="DejaVuSans", embedded=True, pages={4}),
            "NotoSerif-Regular": Font(name="NotoSerif-Regular", embedded=False, pages={2}),
        },
    )
    assert font_problems(pdf) == [
        "page 5: font DejaVuSans is not one of bippdf's fonts (styles/fonts)",
        "page 3: font NotoSerif-Regular is not embedded",
    ]
