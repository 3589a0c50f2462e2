"""The print preflight catches what a printer's PDF/X-4 preflight refuses: each fault is
made in a copy of the good print PDF of No. 6 with pypdf, and must be caught, once."""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Callable

import pytest
from PIL import Image, ImageCms
from pypdf import PdfWriter
from pypdf.annotations import Link
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

from bippdf.check import readback, separation
from bippdf.check.readback import read_pdf
from bippdf.recent import Recent

from ..conftest import BuiltIssue, copy_of, written
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
        "le profil de l'intention de sortie est CMYK (4 composantes), mais son /N dit 1"
    ]


def test_output_intent_removed(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        del writer.root_object["/OutputIntents"]

    assert problems_in(edit_pdf(issue6, change), "print") == [
        "le PDF n'a pas d'intention de sortie PDF/X (profil CMJN)"
    ]


def test_output_intent_not_for_pdfx(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        _intent(writer)[NameObject("/S")] = NameObject("/GTS_PDFA1")

    assert problems_in(edit_pdf(issue6, change), "print") == [
        "le PDF n'a pas d'intention de sortie PDF/X (profil CMJN)",
        "une intention de sortie est GTS_PDFA1, pas GTS_PDFX",
    ]


def test_output_intent_without_condition(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        del _intent(writer)["/OutputConditionIdentifier"]

    assert problems_in(edit_pdf(issue6, change), "print") == [
        "l'intention de sortie ne nomme aucune condition d'impression (/OutputConditionIdentifier)"
    ]


def test_output_intent_without_profile(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        del _intent(writer)["/DestOutputProfile"]

    assert problems_in(edit_pdf(issue6, change), "print") == [
        "l'intention de sortie n'a pas de profil (/DestOutputProfile)"
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
    ) == ["les métadonnées XMP ne déclarent aucune version PDF/X (pdfxid:GTS_PDFXVersion)"]


def test_xmp_version_not_pdfx4(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        _edit_xmp(writer, _XMP_VERSION, _XMP_VERSION.replace(b"X-4", b"X-1a:2001"))

    assert problems_in(edit_pdf(issue6, change), "print") == [
        "le PDF déclare la conformité « PDF/X-1a:2001 », pas PDF/X-4",
        "pdfx:GTS_PDFXVersion des métadonnées XMP : « PDF/X-4 » ; "
        "pdfxid:GTS_PDFXVersion des métadonnées XMP : « PDF/X-1a:2001 »",
    ]


def test_info_version_contradicting_the_xmp(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        _set_info_version(writer, "PDF/X-3:2003")

    assert problems_in(edit_pdf(issue6, change), "print") == [
        "GTS_PDFXVersion du dictionnaire Info : « PDF/X-3:2003 » ; "
        "pdfxid:GTS_PDFXVersion des métadonnées XMP : « PDF/X-4 »"
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
        "page 4: annotations (2 Link) : PDF/X n'admet que PrinterMark et TrapNet",
        "page 9: annotations (1 Link) : PDF/X n'admet que PrinterMark et TrapNet",
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
        "page 2: l'entrée « Mot du directeur » porte la page 3, mais son signet mène à la page 4",
        "page 2: l'intertitre « Mot du directeur » n'est pas à la page 4, où mène son signet",
        # The next entry, on page 3 with it, now comes before it in the bookmarks' order.
        "page 2: l'entrée « Mot de la rédaction » (page 3) est hors de l'ordre de lecture",
    ]


def test_print_note_call_lost(issue6: BuiltIssue) -> None:
    """Without links, calls and notes are found by their destinations."""

    def change(writer: PdfWriter) -> None:
        names = writer.root_object["/Names"]["/Dests"]["/Names"]
        at = [str(name) for name in names[::2]].index("appel-5") * 2
        del names[at : at + 2]

    note_5 = issue6.pdf.page_labels[issue6.pdf.page_of("note-5")]
    assert problems_in(edit_pdf(issue6, change), "notes") == [
        f"page {note_5}: la note 5 n'est jamais appelée"
    ]


# ---- inks: each fault drawn into one page of the good print PDF ----------------------

_PAGE = 5  # index of a page of body text (printed page 6)
_RGB_REFUSED = "PDF/X-4 n'admet le RVB non géré que sous une intention de sortie RVB"


def _draw(writer: PdfWriter, index: int, content: bytes, **resources: DictionaryObject) -> None:
    """Draw ``content`` on a page, after what it holds, with extra named resources
    (``XObject={"/Im": ref}``) added to the page's resources."""
    page = writer.pages[index]
    stream = DecodedStreamObject()
    stream.set_data(b"q\n" + content + b"\nQ")
    contents = page["/Contents"]
    contents = contents.get_object() if isinstance(contents, IndirectObject) else contents
    parts = list(contents) if isinstance(contents, ArrayObject) else [page["/Contents"]]
    page[NameObject("/Contents")] = ArrayObject([*parts, writer._add_object(stream)])
    shared = page["/Resources"].get_object()
    for category, entries in resources.items():
        found = shared.setdefault(NameObject(f"/{category}"), DictionaryObject())
        found.get_object().update(entries)


def _image(writer: PdfWriter, space: str, samples: bytes) -> DictionaryObject:
    """A 2 × 2 image of ``space`` (DeviceRGB, DeviceCMYK) whose pixels are ``samples``."""
    image = StreamObject()
    image._data = zlib.compress(samples)
    image.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(2),
            NameObject("/Height"): NumberObject(2),
            NameObject("/BitsPerComponent"): NumberObject(8),
            NameObject("/ColorSpace"): NameObject(f"/{space}"),
            NameObject("/Filter"): NameObject("/FlateDecode"),
        }
    )
    return DictionaryObject({NameObject("/Fault"): writer._add_object(image)})


def _font(writer: PdfWriter, index: int) -> str:
    """The name of a font of the page's resources."""
    fonts = writer.pages[index]["/Resources"]["/Font"].get_object()
    return str(next(iter(fonts)))


def test_good_print_pdf_is_all_cmyk(issue6: BuiltIssue) -> None:
    """No. 6 separates to four plates: no RGB, black text on the black plate alone, every
    colour and pixel under 300 % of ink, the marks in registration colour."""
    spaces = {space for page in issue6.pdf.inks for _, space in page.uses}
    assert spaces == {"DeviceCMYK", "Separation All"}
    assert sum(len(page.rich_black) for page in issue6.pdf.inks) == 0
    assert max(page.highest_ink for page in issue6.pdf.inks) <= 300
    assert 150 < max(page.heaviest_image for page in issue6.pdf.inks) <= 300
    assert all(set(page.marks) == {"Separation All"} for page in issue6.pdf.inks)
    assert all(sum(page.marks.values()) == 8 for page in issue6.pdf.inks)


def test_rgb_path_caught(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        _draw(writer, _PAGE, b"0.2 0.3 0.4 rg 100 100 50 50 re f 1 0 0 RG 100 200 m 200 200 l S")

    assert problems_in(edit_pdf(issue6, change), "print") == [
        f"page 6: DeviceRGB (2 tracés) : {_RGB_REFUSED}"
    ]


def test_rgb_set_by_name_caught(issue6: BuiltIssue) -> None:
    """``/DeviceRGB cs … sc`` is as much RGB as ``rg``."""

    def change(writer: PdfWriter) -> None:
        _draw(writer, _PAGE, b"/DeviceRGB cs 0.2 0.3 0.4 sc 100 100 50 50 re f")

    assert problems_in(edit_pdf(issue6, change), "print") == [
        f"page 6: DeviceRGB (1 tracé) : {_RGB_REFUSED}"
    ]


def test_rgb_under_default_rgb_allowed(issue6: BuiltIssue) -> None:
    """A DefaultRGB colour space (an ICC-based sRGB) makes DeviceRGB colour-managed, which
    PDF/X-4 allows."""

    def change(writer: PdfWriter) -> None:
        profile = StreamObject()
        profile._data = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
        profile[NameObject("/N")] = NumberObject(3)
        default = ArrayObject([NameObject("/ICCBased"), writer._add_object(profile)])
        _draw(
            writer,
            _PAGE,
            b"0.2 0.3 0.4 rg 100 100 50 50 re f",
            ColorSpace=DictionaryObject({NameObject("/DefaultRGB"): default}),
        )

    assert problems_in(edit_pdf(issue6, change), "print") == []


def test_rgb_image_caught(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        image = _image(writer, "DeviceRGB", bytes([200, 30, 30] * 4))
        _draw(writer, _PAGE, b"0.4 0 0 0.4 100 100 cm /Fault Do", XObject=image)

    assert problems_in(edit_pdf(issue6, change), "print") == [
        f"page 6: DeviceRGB (1 image) : {_RGB_REFUSED}"
    ]


def test_rgb_transparency_group_caught(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        group = {NameObject("/S"): NameObject("/Transparency")}
        group[NameObject("/CS")] = NameObject("/DeviceRGB")
        writer.pages[_PAGE][NameObject("/Group")] = DictionaryObject(group)

    assert problems_in(edit_pdf(issue6, change), "print") == [
        f"page 6: DeviceRGB (1 groupe de transparence) : {_RGB_REFUSED}"
    ]


def test_spot_colour_caught(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        tint = DictionaryObject(
            {
                NameObject("/FunctionType"): NumberObject(2),
                NameObject("/Domain"): ArrayObject([NumberObject(0), NumberObject(1)]),
                NameObject("/C0"): ArrayObject([NumberObject(0)] * 4),
                NameObject("/C1"): ArrayObject([NumberObject(1), *[NumberObject(0)] * 3]),
                NameObject("/N"): NumberObject(1),
            }
        )
        spot = ArrayObject(
            [
                NameObject("/Separation"),
                NameObject("/PANTONE 286 C"),
                NameObject("/DeviceCMYK"),
                tint,
            ]
        )
        _draw(
            writer,
            _PAGE,
            b"/Spot cs 1 scn 100 100 50 50 re f",
            ColorSpace=DictionaryObject({NameObject("/Spot"): spot}),
        )

    assert problems_in(edit_pdf(issue6, change), "print") == [
        "page 6: Separation PANTONE 286 C (1 tracé) : une couleur d'accompagnement demande "
        "une plaque de plus que la quadrichromie"
    ]


def _letter_in(colour: bytes, size: int) -> Callable[[PdfWriter], None]:
    """A change drawing one letter of ``size`` points on the page, in ``colour`` (the
    operators setting it)."""

    def change(writer: PdfWriter) -> None:
        font = _font(writer, _PAGE).encode()
        run = b" BT " + font + b" %d Tf 100 100 Td <0041> Tj ET" % size
        _draw(writer, _PAGE, colour + run)

    return change


def test_rich_black_text_caught(issue6: BuiltIssue) -> None:
    change = _letter_in(b"0.6 0.4 0.3 1 k", 8)
    assert problems_in(edit_pdf(issue6, change), "print") == [
        "page 6: 1 texte en noir quadri (C60 M40 Y30 K100, dès 8 pt) : le texte noir "
        "s'imprime en noir seul (K100)"
    ]


def test_rich_black_rgb_text_caught_through_the_profile(issue6: BuiltIssue) -> None:
    """RGB near-black text separates, through the output profile, to four inks."""
    problems = problems_in(edit_pdf(issue6, _letter_in(b"0.106 0.122 0.141 rg", 9)), "print")
    assert problems[0] == f"page 6: DeviceRGB (1 texte) : {_RGB_REFUSED}"
    assert problems[1].startswith("page 6: 1 texte en noir quadri (C5")
    assert len(problems) == 2


def test_black_text_in_black_ink_allowed(issue6: BuiltIssue) -> None:
    assert problems_in(edit_pdf(issue6, _letter_in(b"0 0 0 1 k", 8)), "print") == []


def test_heavy_colour_caught(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        _draw(writer, _PAGE, b"0.9 0.8 0.7 0.95 k 100 100 50 50 re f")

    assert problems_in(edit_pdf(issue6, change), "print") == [
        "page 6: une couleur porte 335 % d'encre ; la limite est 300 %"
    ]


def test_heavy_image_caught(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        pixels = bytes([0, 0, 0, 0] * 3 + [230, 204, 204, 255])  # one pixel at 350 %
        image = _image(writer, "DeviceCMYK", pixels)
        _draw(writer, _PAGE, b"0.4 0 0 0.4 100 100 cm /Fault Do", XObject=image)

    assert problems_in(edit_pdf(issue6, change), "print") == [
        "page 6: une image porte jusqu'à 350 % d'encre ; la limite est 300 %"
    ]


def _photo(writer: PdfWriter) -> StreamObject:
    """The last JPEG image of the resources (WeasyPrint gives every page the same)."""
    images = [
        image.get_object()
        for page in writer.pages
        for image in (page["/Resources"].get("/XObject") or {}).values()
    ]
    return [i for i in images if i.get("/Subtype") == "/Image" and i["/Filter"] == "/DCTDecode"][-1]


@pytest.mark.slow
def test_a_photo_weighed_before_is_weighed_again_once_replaced(
    issue6: BuiltIssue, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a JPEG weighs is kept for the process (watch checks the same photos at every
    rebuild), by its bytes and /Decode: the good PDF read again decodes no photo, but one
    whose bytes or /Decode changed is decoded and weighed again."""
    monkeypatch.setattr(separation, "_WEIGHED", {})
    monkeypatch.setattr(readback, "KEPT", Recent(512))  # the pages read, not as kept
    data = issue6.result.output.read_bytes()
    read_pdf(data, workers=2)  # the other process's photos kept too
    monkeypatch.setattr(readback, "KEPT", Recent(512))
    decode = separation._decode
    decoded: list[object] = []
    monkeypatch.setattr(separation, "_decode", lambda image: decoded.append(image) or decode(image))
    again = read_pdf(data, workers=1)
    assert decoded == [] and again.inks == issue6.pdf.inks

    def heavier(writer: PdfWriter) -> None:
        out = io.BytesIO()
        Image.new("CMYK", (8, 8), (255, 255, 255, 255)).save(out, "JPEG", quality=100)
        _photo(writer)._data = out.getvalue()  # the same dictionary: 8 × 8 pixels at 400 %

    (problem,) = problems_in(edit_pdf(issue6, heavier), "print")
    heavy = r"page \S+: une image porte jusqu'à 400 % d'encre ; la limite est 300 %"
    assert re.fullmatch(heavy, problem), problem

    writer = copy_of(issue6.result.output)
    photo = _photo(writer)
    assert photo["/Decode"] == [1, 0] * 4  # WeasyPrint's, for Pillow's Adobe CMYK
    photo[NameObject("/Decode")] = ArrayObject([NumberObject(v) for v in (0, 1) * 4])
    inverted = [page.heaviest_image for page in read_pdf(written(writer)).inks]
    assert inverted != [page.heaviest_image for page in issue6.pdf.inks]


def test_heavy_image_found_through_a_form(issue6: BuiltIssue) -> None:
    """An image drawn by a form XObject is weighed as well."""

    def change(writer: PdfWriter) -> None:
        image = _image(writer, "DeviceCMYK", bytes([255] * 16))
        form = StreamObject()
        form._data = b"0.4 0 0 0.4 0 0 cm /Fault Do"
        form.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): ArrayObject([NumberObject(v) for v in (0, 0, 50, 50)]),
                NameObject("/Resources"): DictionaryObject({NameObject("/XObject"): image}),
            }
        )
        forms = DictionaryObject({NameObject("/FaultForm"): writer._add_object(form)})
        _draw(writer, _PAGE, b"1 0 0 1 100 100 cm /FaultForm Do", XObject=forms)

    assert problems_in(edit_pdf(issue6, change), "print") == [
        "page 6: une image porte jusqu'à 400 % d'encre ; la limite est 300 %"
    ]


def test_rgb_marks_caught(issue6: BuiltIssue) -> None:
    """A mark outside the bleed (here, beyond the left edge of the trim) drawn in RGB."""

    def change(writer: PdfWriter) -> None:
        _draw(writer, _PAGE, b"0 0 0 RG 0.25 w -30 400 m -12 400 l S")

    assert problems_in(edit_pdf(issue6, change), "print") == [
        f"page 6: DeviceRGB (1 tracé) : {_RGB_REFUSED}",
        "page 6: 1 repère en DeviceRGB hors du fond perdu : les repères s'impriment en "
        "couleur de repérage (/Separation /All)",
    ]


def test_cmyk_black_marks_caught(issue6: BuiltIssue) -> None:
    """Black ink alone is not registration colour: the mark would miss three plates."""

    def change(writer: PdfWriter) -> None:
        _draw(writer, _PAGE, b"0 0 0 1 K 0.25 w -30 400 m -12 400 l S")

    assert problems_in(edit_pdf(issue6, change), "print") == [
        "page 6: 1 repère en DeviceCMYK hors du fond perdu : les repères s'impriment en "
        "couleur de repérage (/Separation /All)",
    ]


# ---- what else PDF/X-4 asks of the file ----------------------------------------------


def test_trapped_key_removed(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        del writer._info.get_object()["/Trapped"]  # type: ignore[union-attr]

    assert problems_in(edit_pdf(issue6, change), "print") == [
        "le dictionnaire Info ne dit pas si le PDF est trappé (/Trapped True ou False)"
    ]


def test_pdf_version_above_1_6(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        writer.pdf_header = b"%PDF-1.7"

    assert problems_in(edit_pdf(issue6, change), "print") == [
        "en-tête %PDF-1.7 : un PDF/X-4 est un PDF 1.6 au plus"
    ]


def test_missing_title_caught(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        del writer._info.get_object()["/Title"]  # type: ignore[union-attr]

    problems = problems_in(edit_pdf(issue6, change), "print")
    assert problems == ["le dictionnaire Info n'a pas de /Title, que PDF/X exige"]


def test_javascript_opening_the_document_caught(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        action = {NameObject("/S"): NameObject("/JavaScript")}
        action[NameObject("/JS")] = TextStringObject("app.alert('bonjour');")
        writer.root_object[NameObject("/OpenAction")] = DictionaryObject(action)

    assert problems_in(edit_pdf(issue6, change), "print") == [
        "le PDF lance une action à l'ouverture (JavaScript) : PDF/X l'interdit"
    ]


def test_output_profile_of_a_monitor_caught(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        profile = _intent(writer)["/DestOutputProfile"].get_object()
        data = profile.get_data()
        profile.set_data(data[:12] + b"mntr" + data[16:])

    assert problems_in(edit_pdf(issue6, change), "print") == [
        "le profil de l'intention de sortie est de classe « mntr », pas « prtr » "
        "(un profil d'imprimante)"
    ]


def test_transfer_function_caught(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        state = DictionaryObject({NameObject("/TR"): NameObject("/Identity")})
        _draw(
            writer,
            _PAGE,
            b"/FaultState gs",
            ExtGState=DictionaryObject({NameObject("/FaultState"): state}),
        )

    assert problems_in(edit_pdf(issue6, change), "print") == [
        "page 6: fonction de transfert (/TR) (1) : PDF/X l'interdit"
    ]


def _heavy(writer: PdfWriter, space: object, samples: bytes, decode: list[int] | None) -> None:
    """A 2 × 2 image of ``space`` (a name or an array), drawn on page 6."""
    resources = _image(writer, "DeviceCMYK", samples)
    image = resources["/Fault"].get_object()
    image[NameObject("/ColorSpace")] = space  # type: ignore[index]
    if decode is not None:
        image[NameObject("/Decode")] = ArrayObject([NumberObject(v) for v in decode])  # type: ignore[index]
    _draw(writer, _PAGE, b"0.4 0 0 0.4 100 100 cm /Fault Do", XObject=resources)


def test_heavy_image_caught_through_its_decode_array(issue6: BuiltIssue) -> None:
    """/Decode [1 0 …] reads a sample of 0 as all of its ink: an image of zeros is at
    400 % (its /Decode applied once, not undone by a second inversion)."""

    def change(writer: PdfWriter) -> None:
        _heavy(writer, NameObject("/DeviceCMYK"), bytes(16), [1, 0] * 4)

    assert problems_in(edit_pdf(issue6, change), "print") == [
        "page 6: une image porte jusqu'à 400 % d'encre ; la limite est 300 %"
    ]


def test_heavy_image_in_the_process_inks_by_name_caught(issue6: BuiltIssue) -> None:
    """A DeviceN image of the four process inks prints on the four plates (allowed), each
    sample a tint of its ink: one pixel at 350 % is over the limit."""

    def change(writer: PdfWriter) -> None:
        names = ArrayObject(NameObject(f"/{n}") for n in ("Cyan", "Magenta", "Yellow", "Black"))
        tint = DictionaryObject({NameObject("/FunctionType"): NumberObject(2)})
        space = ArrayObject([NameObject("/DeviceN"), names, NameObject("/DeviceCMYK"), tint])
        _heavy(writer, space, bytes([0, 0, 0, 0] * 3 + [230, 204, 204, 255]), None)

    assert problems_in(edit_pdf(issue6, change), "print") == [
        "page 6: une image porte jusqu'à 350 % d'encre ; la limite est 300 %"
    ]
