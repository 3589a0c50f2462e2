"""The booklet: pages two by two on tabloid sides, in folding order, read back."""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2
import pytest

from bippdf.cli import main
from bippdf.errors import BuildError
from bippdf.impose import booklet_order

from .conftest import BuiltIssue


def test_booklet_order_of_8_pages() -> None:
    assert booklet_order(8) == [(8, 1), (2, 7), (6, 3), (4, 5)]


def test_booklet_order_needs_pages_by_fours() -> None:
    with pytest.raises(BuildError):
        booklet_order(6)


@pytest.mark.slow
def test_imposed_page_order_read_back(
    issue6: BuiltIssue, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    booklet = tmp_path / "livret.pdf"
    assert main(["impose", str(issue6.result.output), "-o", str(booklet)]) == 0
    count = issue6.pdf.page_count
    assert capsys.readouterr().out.strip() == (
        f"{booklet}: {count // 2} faces sur {count // 4} feuilles tabloïd, à imprimer recto verso"
    )
    # Fonts and images are shared between sides, not copied on each.
    assert booklet.stat().st_size < 1.5 * issue6.result.output.stat().st_size
    labels = issue6.pdf.page_labels
    document = pypdfium2.PdfDocument(booklet)
    try:
        assert len(document) == count // 2
        for side, pair in enumerate(booklet_order(count)):
            page = document[side]
            assert page.get_size() == (1224.0, 792.0)
            textpage = page.get_textpage()
            for half, number in enumerate(pair):
                footer = textpage.get_text_bounded(612 * half, 0, 612 * (half + 1), 60)
                folios = re.findall(r"\d+", footer)
                label = labels[number - 1]
                if label.isdigit() and issue6.pdf.texts[number - 1].strip():
                    assert folios == [label], f"side {side + 1}: page {number} expected"
                else:  # cover, colophon, blank pages: no folio
                    assert folios == [], f"side {side + 1}: page {number} expected"
    finally:
        document.close()
