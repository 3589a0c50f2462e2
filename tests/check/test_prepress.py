"""The print preflight catches what a printer's PDF/X-4 preflight refuses: each fault is
made in a copy of the good print PDF of No. 6 with pypdf, and must be caught, once."""

from __future__ import annotations

from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, NumberObject

from ..conftest import BuiltIssue
from .conftest import edit_pdf, problems_in


def _intent(writer: PdfWriter) -> DictionaryObject:
    """The first output intent of the PDF being edited."""
    intent = writer.root_object["/OutputIntents"][0].get_object()
    assert isinstance(intent, DictionaryObject)
    return intent


def test_good_print_pdf_passes_the_preflight(issue6: BuiltIssue) -> None:
    assert problems_in(edit_pdf(issue6, lambda writer: None), "print") == []
    intent = issue6.pdf.structure.intents[0]
    assert (intent.subtype, intent.components, intent.profile_space) == ("GTS_PDFX", 4, "CMYK")
    assert intent.condition == "FOGRA39"


def test_profile_components_contradicting_its_header(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        profile = _intent(writer)["/DestOutputProfile"].get_object()
        profile[NameObject("/N")] = NumberObject(1)

    assert problems_in(edit_pdf(issue6, change), "print") == [
        "the output intent's profile is CMYK (4 components), but its /N says 1"
    ]


def test_output_intent_removed(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        del writer.root_object["/OutputIntents"]

    assert problems_in(edit_pdf(issue6, change), "print") == [
        "the PDF has no PDF/X output intent (CMYK profile)"
    ]


def test_output_intent_not_for_pdfx(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        _intent(writer)[NameObject("/S")] = NameObject("/GTS_PDFA1")

    assert problems_in(edit_pdf(issue6, change), "print") == [
        "the PDF has no PDF/X output intent (CMYK profile)",
        "an output intent is GTS_PDFA1, not GTS_PDFX",
    ]


def test_output_intent_without_condition(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        del _intent(writer)["/OutputConditionIdentifier"]

    assert problems_in(edit_pdf(issue6, change), "print") == [
        "the output intent names no printing condition (/OutputConditionIdentifier)"
    ]


def test_output_intent_without_profile(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        del _intent(writer)["/DestOutputProfile"]

    assert problems_in(edit_pdf(issue6, change), "print") == [
        "the output intent has no profile (/DestOutputProfile)"
    ]
