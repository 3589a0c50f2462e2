"""The web check catches each machine-testable condition of the Matterhorn protocol:
every fault is made once in a copy of No. 6's good web PDF with pypdf, and the check
must name its condition's number, and no other."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from bippdf.check import matterhorn
from bippdf.check.accessibility import check_web
from bippdf.check.readback import read_pdf
from bippdf.recent import Recent

from ..conftest import WebIssue, copy_of, written

Change = Callable[[PdfWriter], None]


def _web_problems(issue6_web: WebIssue, change: Change) -> list[str]:
    """The web check's problems on a copy of No. 6's web PDF changed by ``change``."""
    writer = copy_of(issue6_web.results[0].output)
    change(writer)
    return [str(p) for p in check_web(read_pdf(written(writer))).problems]


def _elements(writer: PdfWriter, kind: str) -> list[DictionaryObject]:
    """Every structure element of a type, in reading order."""
    found: list[DictionaryObject] = []
    stack = [writer.root_object["/StructTreeRoot"]["/K"]]
    while stack:
        node = stack.pop()
        node = node.get_object()
        if isinstance(node, ArrayObject):
            stack.extend(reversed(node))
        elif isinstance(node, DictionaryObject) and node.get("/Type") == "/StructElem":
            if node.get("/S") == kind:
                found.append(node)
            if "/K" in node:
                stack.append(node.raw_get("/K"))
    return found


def _retype(kind: str, to: str, which: int = 0) -> Change:
    def change(writer: PdfWriter) -> None:
        _elements(writer, kind)[which][NameObject("/S")] = NameObject(to)

    return change


def _catalog(key: str, value: object = None) -> Change:
    def change(writer: PdfWriter) -> None:
        if value is None:
            del writer.root_object[NameObject(key)]
        else:
            writer.root_object[NameObject(key)] = value  # type: ignore[assignment]

    return change


def _drop_key(kind: str, key: str) -> Change:
    def change(writer: PdfWriter) -> None:
        element = _elements(writer, kind)[0]
        if key == "/Scope":
            del element["/A"][NameObject("/Scope")]
        else:
            del element[NameObject(key)]

    return change


def _page_content(change_bytes: Callable[[bytes], bytes], page: int = 4) -> Change:
    def change(writer: PdfWriter) -> None:
        target = writer.pages[page]
        data = change_bytes(target.get_contents().get_data())
        stream = DecodedStreamObject()
        stream.set_data(data)
        target[NameObject("/Contents")] = writer._add_object(stream)

    return change


def _xmp(old: bytes, new: bytes) -> Change:
    def change(writer: PdfWriter) -> None:
        stream = writer.root_object["/Metadata"].get_object()
        stream.set_data(stream.get_data().replace(old, new))

    return change


def _suspects(writer: PdfWriter) -> None:
    writer.root_object["/MarkInfo"][NameObject("/Suspects")] = BooleanObject(True)


def _display_title_false(writer: PdfWriter) -> None:
    preferences = writer.root_object["/ViewerPreferences"]
    preferences[NameObject("/DisplayDocTitle")] = BooleanObject(False)


def _role_map(mapping: dict[str, str]) -> Change:
    def change(writer: PdfWriter) -> None:
        tree = writer.root_object["/StructTreeRoot"]
        tree[NameObject("/RoleMap")] = DictionaryObject(
            {NameObject("/" + k): NameObject("/" + v) for k, v in mapping.items()}
        )

    return change


def _same_note_id(writer: PdfWriter) -> None:
    first, second = _elements(writer, "/Note")[:2]
    second[NameObject("/ID")] = first["/ID"]


def _link_annotation(change_annotation: Callable[[DictionaryObject], None]) -> Change:
    def change(writer: PdfWriter) -> None:
        for page in writer.pages:
            for ref in page.get("/Annots") or []:
                annotation = ref.get_object()
                if annotation.get("/Subtype") == "/Link":
                    change_annotation(annotation)
                    return

    return change


def _no_contents(annotation: DictionaryObject) -> None:
    del annotation["/Contents"]


def _tabs(value: str | None) -> Change:
    def change(writer: PdfWriter) -> None:
        page = writer.pages[1]
        if value is None:
            del page[NameObject("/Tabs")]
        else:
            page[NameObject("/Tabs")] = NameObject(value)

    return change


def _text_annotation(writer: PdfWriter) -> None:
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Text"),
            NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (0, 0, 10, 10)]),
        }
    )
    writer.pages[1]["/Annots"].append(writer._add_object(annotation))


def _link_out_of_its_tag(writer: PdfWriter) -> None:
    link = _elements(writer, "/Link")[0]
    link[NameObject("/S")] = NameObject("/Span")


def _encrypt_without_access(writer: PdfWriter) -> None:
    writer.encrypt("", "proprietaire", permissions_flag=0xFFFFF0C4 & ~(1 << 9), algorithm="RC4-128")


def _unembed_font(writer: PdfWriter) -> None:
    font = next(iter(writer.pages[1]["/Resources"]["/Font"].values())).get_object()
    descendant = font["/DescendantFonts"][0].get_object()
    descriptor = descendant["/FontDescriptor"].get_object()
    for key in ("/FontFile", "/FontFile2", "/FontFile3"):
        if key in descriptor:
            del descriptor[key]


def _no_to_unicode(writer: PdfWriter) -> None:
    font = next(iter(writer.pages[1]["/Resources"]["/Font"].values())).get_object()
    del font["/ToUnicode"]


def _artifact_in_tagged(data: bytes) -> bytes:
    changed, count = re.subn(
        rb"(/Span\s*<</MCID \d+>>\s*BDC)", rb"\1 /Artifact BMC EMC", data, count=1
    )
    assert count == 1
    return changed


def _tagged_in_artifact(data: bytes) -> bytes:
    changed, count = re.subn(
        rb"(/Artifact\s*<</Type /Pagination\s*/Subtype /Header>>\s*BDC)",
        rb"\1 /Span <</MCID 9999>> BDC EMC",
        data,
        count=1,
    )
    assert count == 1
    return changed


def _detach_paragraph(writer: PdfWriter) -> None:
    paragraph = _elements(writer, "/P")[3]
    parent = paragraph["/P"].get_object()
    kids = parent["/K"]
    for index, kid in enumerate(kids):
        if kid.get_object() is paragraph:
            del kids[index]
            return


def _skip_heading(writer: PdfWriter) -> None:
    _elements(writer, "/H2")[0][NameObject("/S")] = NameObject("/H3")


def _xfa(writer: PdfWriter) -> None:
    stream = DecodedStreamObject()
    stream.set_data(b"<config><acrobat><common><dynamicRender>required</dynamicRender>")
    writer.root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): ArrayObject(), NameObject("/XFA"): writer._add_object(stream)}
    )


def _optional_content(default: dict[str, object]) -> Change:
    def change(writer: PdfWriter) -> None:
        writer.root_object[NameObject("/OCProperties")] = DictionaryObject(
            {
                NameObject("/OCGs"): ArrayObject(),
                NameObject("/D"): DictionaryObject(
                    {NameObject(k): v for k, v in default.items()}  # type: ignore[misc]
                ),
            }
        )

    return change


def _embedded_file(writer: PdfWriter) -> None:
    writer.add_attachment("annexe.txt", b"texte")
    names = writer.root_object["/Names"]["/EmbeddedFiles"]["/Names"]
    spec = names[1].get_object()
    spec.pop("/UF", None)


def _table_cell_outside_row(writer: PdfWriter) -> None:
    _elements(writer, "/TR")[0][NameObject("/S")] = NameObject("/Div")


def _list_item_outside_list(writer: PdfWriter) -> None:
    _elements(writer, "/L")[0][NameObject("/S")] = NameObject("/Div")


def _toc_entry_outside_contents(writer: PdfWriter) -> None:
    _elements(writer, "/TOC")[0][NameObject("/S")] = NameObject("/L")


def _bad_language(writer: PdfWriter) -> None:
    writer.root_object[NameObject("/Lang")] = TextStringObject("")


FAULTS: dict[str, Change] = {
    "01-003": _page_content(_artifact_in_tagged),
    "01-004": _page_content(_tagged_in_artifact),
    "01-005": _detach_paragraph,
    "01-007": _suspects,
    "02-001": _role_map({"Encadre": "Boite"}),
    "02-003": _role_map({"Encadre": "Boite", "Boite": "Encadre"}),
    "02-004": _role_map({"P": "Span"}),
    "06-002": _xmp(b"pdfuaid:part", b"pdfuaid:autre"),
    "06-003": _xmp(b"<dc:title", b"<dc:titre"),
    "07-001": lambda writer: writer.root_object["/ViewerPreferences"].pop("/DisplayDocTitle"),
    "07-002": _display_title_false,
    "09-004": _table_cell_outside_row,
    "09-005": _list_item_outside_list,
    "09-006": _toc_entry_outside_contents,
    "11-001": _bad_language,
    "13-004": _drop_key("/Figure", "/Alt"),
    "14-002": _retype("/H1", "/H2"),
    "14-003": _skip_heading,
    "14-007": _retype("/H2", "/H", 3),
    "15-003": _drop_key("/TH", "/Scope"),
    "19-003": _drop_key("/Note", "/ID"),
    "19-004": _same_note_id,
    "20-002": _optional_content({}),
    "20-003": _optional_content({"/Name": TextStringObject("Calques"), "/AS": ArrayObject()}),
    "21-001": _embedded_file,
    "25-001": _xfa,
    "26-002": _encrypt_without_access,
    "28-002": _text_annotation,
    "28-008": _tabs(None),
    "28-009": _tabs("/R"),
    "28-011": _link_out_of_its_tag,
    "28-012": _link_annotation(_no_contents),
    "31-009": _unembed_font,
    "31-027": _no_to_unicode,
}


def test_good_web_pdf_meets_every_condition(issue6_web: WebIssue) -> None:
    web = issue6_web.pdf.structure
    assert web.tagging is not None and web.tagging.failures == []
    assert check_web(issue6_web.pdf).problems == []


@pytest.mark.parametrize("condition", sorted(FAULTS))
def test_each_fault_is_caught_under_its_condition(issue6_web: WebIssue, condition: str) -> None:
    problems = _web_problems(issue6_web, FAULTS[condition])
    named = {m[1] for p in problems if (m := re.search(r"Matterhorn (\d\d-\d\d\d)", p))}
    # a fault may make a second condition fail too (a role map that loops also never
    # reaches a standard type), never a condition the fault has nothing to do with
    assert condition in named, problems
    assert named <= {condition} | _ALSO.get(condition, set()), problems


_ALSO = {
    "02-003": {"02-001"},
    "01-004": {"01-005"},  # the MCID put inside an artifact is reached by nothing
    "28-002": {"28-004"},  # the added annotation has no /Contents either
    "28-011": {"28-011"},
    "13-004": set(),
}


def test_contents_walked_before_are_judged_by_today_s_structure_tree(
    issue6_web: WebIssue, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``watch`` checks every rebuild: how a page's content is marked is walked once, and
    judged at each check by that check's structure tree. A paragraph detached from the
    tree, the pages' contents the same, leaves content that no element reaches."""
    monkeypatch.setattr(matterhorn, "MARKED", Recent(512))
    data = issue6_web.results[0].output.read_bytes()
    good = read_pdf(data, workers=1).structure.tagging
    assert good is not None and good.failures == []
    walked: list[bytes] = []
    marks = matterhorn._marks

    def spied(contents: bytes) -> matterhorn.Marks:
        walked.append(contents)
        return marks(contents)

    monkeypatch.setattr(matterhorn, "_marks", spied)
    writer = copy_of(issue6_web.results[0].output)
    _detach_paragraph(writer)
    tagging = read_pdf(written(writer), workers=1).structure.tagging
    assert walked == []  # every content as walked before
    assert tagging is not None
    assert [failure.checkpoint for failure in tagging.failures] == ["01-005"]
    assert "n'atteint pas" in tagging.failures[0].message
