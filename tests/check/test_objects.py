"""Reading a PDF's objects: what a file may say in more than one way reads the same."""

from __future__ import annotations

import io
import re

import pikepdf
from pypdf.generic import NameObject

from bippdf.check.objects import Digests
from bippdf.check.readback import read_pdf

from ..conftest import BuiltIssue, WebIssue, copy_of, written


def _rewritten(data: bytes, change: object) -> bytes:
    """The PDF once ``change`` (a function of the opened PDF) has edited it."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        change(pdf)  # type: ignore[operator]
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


def test_resources_inherited_from_the_page_tree_are_read(issue6: BuiltIssue) -> None:
    """A page may take its resources from the page tree above it (PDF 32000-1, 7.7.3.4):
    its fonts are its own all the same, for the fonts check and for PDF/UA's. (Written
    with pypdf: qpdf, under pikepdf, writes every page with what it inherits.)"""
    data = issue6.result.output.read_bytes()
    writer = copy_of(issue6.result.output)
    cover, tree = writer.pages[0], writer.root_object["/Pages"].get_object()
    tree[NameObject("/Resources")] = cover["/Resources"]
    del cover["/Resources"]
    lifted = written(writer)
    (kids,) = re.findall(rb"/Type /Pages\n/Kids \[ (\d+) 0 R", lifted)
    cover_object = re.search(rb"\n" + kids + rb" 0 obj\n<<(.*?)>>\nendobj", lifted, re.S)
    assert cover_object and b"/Resources" not in cover_object[1]  # the file holds the edit
    before, after = read_pdf(data), read_pdf(lifted)
    on_the_cover = {name for name, font in before.fonts.items() if 0 in font.pages}
    assert on_the_cover  # the cover has text
    assert {name for name, font in after.fonts.items() if 0 in font.pages} == on_the_cover
    assert after.fonts == before.fonts


def test_an_outline_item_may_go_to_a_named_destination(issue6_web: WebIssue) -> None:
    """A bookmark may open its page by an action naming a destination, not by the page
    itself (PDF 32000-1, 12.3.3): it opens the same page."""
    data = issue6_web.results[0].output.read_bytes()
    before = read_pdf(data)
    last = before.outline[-1]
    name = next(name for name, page in before.destinations.items() if page == last.page)

    def named(pdf: pikepdf.Pdf) -> None:
        """The last bookmark's destination replaced by a GoTo action to the name."""
        item = pdf.Root.Outlines.Last
        del item["/Dest"]
        item.A = pikepdf.Dictionary(S=pikepdf.Name.GoTo, D=pikepdf.String(name))

    after = read_pdf(_rewritten(data, named))
    assert after.outline[-1].title == last.title
    assert last.page is not None and after.outline[-1].page == last.page
    assert after.outline == before.outline


def test_a_false_boolean_reads_false(issue6_web: WebIssue) -> None:
    """``/DisplayDocTitle false`` is not a title displayed (a PDF boolean is not true
    merely for being there)."""
    data = issue6_web.results[0].output.read_bytes()
    assert read_pdf(data).structure.display_title is True

    def hidden(pdf: pikepdf.Pdf) -> None:
        pdf.Root.ViewerPreferences.DisplayDocTitle = False

    assert read_pdf(_rewritten(data, hidden)).structure.display_title is False


def _two_pages(uris: tuple[str, str]) -> pikepdf.Pdf:
    """A PDF of two blank pages, each with a link to one of ``uris``."""
    pdf = pikepdf.new()
    for uri in uris:
        page = pdf.add_blank_page()
        link = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Link,
            Rect=[0, 0, 10, 10],
            A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String(uri)),
        )
        page.obj.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(link)]))
    return pdf


def test_a_string_is_not_taken_for_a_reference() -> None:
    """Two links whose addresses differ only by what reads like a reference in them
    ("… 50 0 R"): two pages that read back differently, two digests."""
    pdf = _two_pages(("http://a.example/ 50 0 R", "http://a.example/ 60 0 R"))
    digests = Digests(pdf)
    first, second = digests.page(0), digests.page(1)
    assert first is not None and second is not None and first != second
    same = Digests(_two_pages(("http://a.example/", "http://a.example/")))
    assert same.page(0) == same.page(1) is not None  # what tells them apart: the string


def test_a_page_whose_objects_refer_back_to_one_another_has_no_digest() -> None:
    """An annotation and its pop-up refer to each other: the page is read anew at each
    check (a digest made around a loop may leave an object of it out)."""
    pdf = _two_pages(("http://a.example/", "http://a.example/"))
    annotation = pdf.pages[1].obj.Annots[0]
    popup = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Popup, Parent=annotation)
    )
    annotation.Popup = popup
    digests = Digests(pdf)
    assert digests.page(0) is not None
    assert digests.page(1) is None


def test_a_page_referring_to_an_object_that_is_not_there_has_no_digest() -> None:
    """A reference under another generation than the object's reads as null here, but a
    viewer may find the object anyway: such a page is read anew at each check. (In an
    array: qpdf leaves a dictionary's null value out of the dictionary.)"""
    body = (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
        b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] /Contents [4 1 R] >>"
        b" endobj\n4 0 obj << /Length 2 >> stream\nq\nendstream endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )
    with pikepdf.open(io.BytesIO(body)) as pdf:
        assert Digests(pdf).page(0) is None
