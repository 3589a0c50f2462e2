"""Approve the current look of the PDF: rewrite the visual test's reference pages.

tests/test_proof.py builds the small issue in tests/fixtures/visual/issue/ and
compares each page with tests/fixtures/visual/reference/page-NNN.png. After a
deliberate change to the styles, templates or typography, run this script (or
``make approve-proofs``), look at the new pages, and commit them with the change.

Usage: python scripts/approve_proofs.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from bippdf.errors import BippdfError
from bippdf.proof import render_issue

ROOT = Path(__file__).resolve().parent.parent
VISUAL = ROOT / "tests" / "fixtures" / "visual"
ISSUE = VISUAL / "issue"
REFERENCE = VISUAL / "reference"
DPI = 40  # low: about 340×440 pixels a page, enough to see layout, small to commit


def render_fixture(out_dir: Path, pdf: Path | None = None) -> list[Path]:
    """Build the visual fixture issue and render its pages to ``out_dir`` at ``DPI``."""
    return render_issue(ISSUE, out_dir, dpi=DPI, pdf=pdf)


def main() -> int:
    before = {path.name for path in REFERENCE.glob("page-*.png")}
    try:
        pages = render_fixture(REFERENCE)  # removes the old page-*.png first
    except BippdfError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for page in pages:
        print(f"{page.relative_to(ROOT)}: {page.stat().st_size} bytes")
    for name in sorted(before - {page.name for page in pages}):
        print(f"{name}: deleted (the issue has fewer pages now)")
    total = sum(page.stat().st_size for page in pages)
    print(f"{len(pages)} reference pages, {total // 1024} KB in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
