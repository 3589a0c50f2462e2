"""The print preflight catches what a printer's PDF/X-4 preflight refuses: each fault is
made in a copy of the good print PDF of No. 6 with pypdf, and must be caught, once."""

from __future__ import annotations

from pypdf import PdfWriter
from pypdf.annotations import Link
from pypdf.generic import DictionaryObject, NameObject, NumberObject, TextStringObject

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
    assert issue6.pdf.structure.annotations == []
    assert issue6.pdf.outline and issue6.pdf.destinations and issue6.pdf.has_page_labels


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


def _edit_xmp(writer: PdfWriter, old: bytes, new: bytes) -> None:
    """Replace ``old`` (which must be there) by ``new`` in the XMP metadata."""
    stream = writer.root_object["/Metadata"].get_object()
    data = stream.get_data()
    assert old in data
    stream.set_data(data.replace(old, new))


_XMP_VERSION = b"<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>"


def _set_info_version(writer: PdfWriter, version: str) -> None:
    """Declare ``version`` in the Info dictionary, as PDF/X-3 and older do."""
    writer.add_metadata({"/GTS_PDFXVersion": TextStringObject(version)})


def test_pdfx_version_declared_in_the_xmp(issue6: BuiltIssue) -> None:
    assert issue6.pdf.structure.pdfx_versions == {
        "XMP pdfxid:GTS_PDFXVersion": "PDF/X-4",
        "XMP pdfx:GTS_PDFXVersion": "PDF/X-4",
    }


def test_xmp_version_removed(issue6: BuiltIssue) -> None:
    assert problems_in(
        edit_pdf(issue6, lambda writer: _edit_xmp(writer, _XMP_VERSION, b"")), "print"
    ) == ["the XMP metadata declares no PDF/X version (pdfxid:GTS_PDFXVersion)"]


def test_xmp_version_not_pdfx4(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        _edit_xmp(writer, _XMP_VERSION, _XMP_VERSION.replace(b"X-4", b"X-1a:2001"))

    assert problems_in(edit_pdf(issue6, change), "print") == [
        "the PDF declares 'PDF/X-1a:2001' conformance, not PDF/X-4",
        "the XMP metadata's pdfx:GTS_PDFXVersion says 'PDF/X-4', "
        "the XMP metadata's pdfxid:GTS_PDFXVersion 'PDF/X-1a:2001'",
    ]


def test_info_version_contradicting_the_xmp(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        _set_info_version(writer, "PDF/X-3:2003")

    assert problems_in(edit_pdf(issue6, change), "print") == [
        "the Info dictionary's GTS_PDFXVersion says 'PDF/X-3:2003', "
        "the XMP metadata's pdfxid:GTS_PDFXVersion 'PDF/X-4'"
    ]


def test_info_version_agreeing_with_the_xmp(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        _set_info_version(writer, "PDF/X-4")

    assert problems_in(edit_pdf(issue6, change), "print") == []


def test_link_annotation_added(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        for index in (3, 3, 8):
            writer.add_annotation(index, Link(rect=(72, 72, 144, 90), target_page_index=2))

    assert problems_in(edit_pdf(issue6, change), "print") == [
        "page 4: annotations (2 Link): PDF/X allows only PrinterMark and TrapNet",
        "page 9: annotations (1 Link): PDF/X allows only PrinterMark and TrapNet",
    ]


def test_printer_mark_allowed(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        mark = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/PrinterMark"),
                NameObject("/Rect"): Link(rect=(0, 0, 1, 1), target_page_index=0)["/Rect"],
            }
        )
        writer.add_annotation(4, mark)

    assert problems_in(edit_pdf(issue6, change), "print") == []


def test_print_contents_read_against_the_bookmarks(issue6: BuiltIssue) -> None:
    """Without links, a contents entry is checked where its bookmark goes."""

    def change(writer: PdfWriter) -> None:
        first = writer.root_object["/Outlines"]["/First"].get_object()
        first["/Dest"][0] = writer.pages[3].indirect_reference

    assert problems_in(edit_pdf(issue6, change), "contents") == [
        "page 2: the entry 'Mot du directeur' prints page 3, but its bookmark goes on page 4",
        "page 2: the heading 'Mot du directeur' is not on page 4, where its bookmark goes",
    ]


def test_print_note_call_lost(issue6: BuiltIssue) -> None:
    """Without links, calls and notes are found by their destinations."""

    def change(writer: PdfWriter) -> None:
        names = writer.root_object["/Names"]["/Dests"]["/Names"]
        at = [str(name) for name in names[::2]].index("appel-5") * 2
        del names[at : at + 2]

    note_5 = issue6.pdf.page_labels[issue6.pdf.page_of("note-5")]
    assert problems_in(edit_pdf(issue6, change), "notes") == [
        f"page {note_5}: note 5 is never called"
    ]
