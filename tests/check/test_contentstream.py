"""The content stream reader: operators with their number and name operands, strings,
arrays and dictionaries skipped whole however they nest, and the same operators as
pypdf's full parser reads on No. 6's pages."""

from __future__ import annotations

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream, FloatObject, NameObject, NumberObject

from bippdf.check.contentstream import operations

from ..conftest import WebIssue


@pytest.mark.parametrize(
    ("stream", "expected"),
    [
        # a line of text as WeasyPrint writes it: one array of glyphs and spacings
        (
            b"/F1 13 Tf\n[<0055>0<0058>-12.5<>3.0<0048>] TJ",
            [(["/F1", 13.0], b"Tf"), ([None], b"TJ")],
        ),
        # literal strings holding brackets, parentheses and escapes
        (b"[(a]b) 3 (c\\)d) (e(f)g)] TJ 1 w", [([None], b"TJ"), ([1.0], b"w")]),
        (b"(]) Tj [<00>[1 2]] 0 d", [([None], b"Tj"), ([None, 0.0], b"d")]),
        # a comment inside an array, with a bracket in it
        (b"[<00> % ] not the end\n <01>] TJ q", [([None], b"TJ"), ([], b"q")]),
        # names with escapes, numbers of every form, keywords that are not operators
        (b"/A#20b -.5 +2 3. true null sh", [(["/A b", -0.5, 2.0, 3.0, None, None], b"sh")]),
        # a property list: a dictionary operand
        (b"/Span <</MCID 3>> BDC EMC", [(["/Span", None], b"BDC"), ([], b"EMC")]),
        # an inline image, with an array among its settings
        (
            b"BI /W 2 /CS /RGB /D [1 0] ID \x00]\x01) EI Q",
            [([{"/W": "2", "/CS": "/RGB", "/D": None}], b"INLINE IMAGE"), ([], b"Q")],
        ),
    ],
)
def test_operators_and_their_operands(stream: bytes, expected: list[object]) -> None:
    assert list(operations(stream)) == expected


@pytest.mark.parametrize(
    ("stream", "dictionary"),
    [
        (b"/Span <</MCID 3>> BDC", b"<</MCID 3>>"),
        # the text a screen reader reads, as a hex string
        (b"/Span <</MCID 6/ActualText <feff00ad>>> BDC", b"<</MCID 6/ActualText <feff00ad>>>"),
        # a literal string, a comment, a dictionary inside, an array: read piece by piece
        (b"/Span <</T (a>>b) /MCID 2>> BDC", b"<</T (a>>b) /MCID 2>>"),
        (b"/Span <</MCID 2 % >> not the end\n>> BDC", b"<</MCID 2 % >> not the end\n>>"),
        (b"/Span <</A <</B 1>> /T (x>>) /K [1]>> BDC", b"<</A <</B 1>> /T (x>>) /K [1]>>"),
    ],
)
def test_a_property_list_comes_whole(stream: bytes, dictionary: bytes) -> None:
    assert list(operations(stream, properties=True)) == [(["/Span", dictionary], b"BDC")]


@pytest.mark.pdf
def test_no6_s_pages_read_as_pypdf_reads_them(issue6_web: WebIssue) -> None:
    """The cover, the contents, an article's page and the last: every operator, and every
    number and name operand, as pypdf's parser reads them."""
    reader = PdfReader(issue6_web.results[0].output)
    for index in (0, 1, 5, len(reader.pages) - 1):
        contents = reader.pages[index].get_contents()
        assert contents is not None
        ours = list(operations(contents.get_data()))
        theirs = ContentStream(contents, reader).operations
        assert [operator for _, operator in ours] == [operator for _, operator in theirs]
        for (operands, _), (objects, _) in zip(ours, theirs, strict=True):
            assert operands == [
                float(o)
                if isinstance(o, NumberObject | FloatObject)
                else str(o)
                if isinstance(o, NameObject)
                else None
                for o in objects
            ]
