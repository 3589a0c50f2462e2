"""Approve the composed HTML: rewrite the golden file the composition test compares with.

tests/test_golden_html.py composes the small issue in tests/fixtures/visual/issue/
(``bippdf.compose.compose``) and compares its HTML with
tests/fixtures/golden/visual.html. After a deliberate change to the composition
(the Markdown, the templates, the typography), run this script (or
``make approve-html``), read the diff it prints, and commit the new file with the
change.

Usage: python scripts/approve_html.py
"""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

from bippdf.compose import compose
from bippdf.errors import BippdfError
from bippdf.source import load_issue

ROOT = Path(__file__).resolve().parent.parent
ISSUE = ROOT / "tests" / "fixtures" / "visual" / "issue"
GOLDEN = ROOT / "tests" / "fixtures" / "golden" / "visual.html"
SHOWN = 60  # lines of diff shown: enough to read a change, short enough for a terminal


def composed_html() -> str:
    """The HTML of the visual fixture issue, as the build composes it."""
    return compose(load_issue(ISSUE)).html


def html_diff(approved: str, current: str, limit: int = SHOWN) -> str:
    """A unified diff from the approved HTML to the current one, its first ``limit`` lines."""
    lines = list(
        difflib.unified_diff(
            approved.splitlines(), current.splitlines(), "approved", "current", lineterm=""
        )
    )
    if len(lines) > limit:
        lines = [*lines[:limit], f"... {len(lines) - limit} more lines of diff"]
    return "\n".join(lines)


def main() -> int:
    try:
        html = composed_html()
    except BippdfError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    before = GOLDEN.read_text(encoding="utf-8") if GOLDEN.is_file() else ""
    if html == before:
        print(f"{GOLDEN.relative_to(ROOT)}: unchanged")
        return 0
    print(html_diff(before, html))
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    GOLDEN.write_text(html, encoding="utf-8")
    print(f"{GOLDEN.relative_to(ROOT)}: {len(html.encode('utf-8'))} bytes, review and commit it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
