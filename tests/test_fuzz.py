"""Random Markdown through the whole pipeline: a PDF that passes every check, or a source
error naming the file and line; never a crash, and never a PDF bippdf itself finds broken."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bippdf import build_pdf
from bippdf.check import check_pdf
from bippdf.errors import SourceError

from .conftest import article, write_issue

GOOD = [
    "prévention", "l'exploitation", "«", "»", "2 600 000", "17 h 15", "M. Tremblay", "Mme",
    "6e", "...", "—", "-", ":", "?", "!", ";", "œuvre", "naïveté", "Québec", "%", "$",
    "https://www.quebec.ca/securite-publique/" + "tres/long/chemin/" * 6,
    "anticonstitutionnellement" * 3, "&", "<b>gras</b>", "<sup>e</sup>", "`code`", "*", "_",
    "[lien](https://example.org)", "<https://example.org/a?b=1>", "\u00a0", "\u202f", "ﬁ",
    "Ⅻ", "|", "[^1]",
]  # fmt: skip
BAD = ["[^x]", "漢字", "😀", "<script>x</script>", "<!--", "-->"]
# Mostly text an editor could write; now and then a fault the sources must refuse.
WORDS = st.sampled_from(GOOD * 6 + BAD)

LINE = st.lists(WORDS, min_size=1, max_size=14).map(" ".join)
BLOCK = st.one_of(
    LINE,
    LINE.map(lambda line: "## " + line),
    LINE.map(lambda line: "### " + line),
    st.lists(LINE, min_size=1, max_size=4).map(lambda items: "\n".join("- " + i for i in items)),
    st.lists(LINE, min_size=1, max_size=3).map(
        lambda items: "\n".join(f"{n}. {i}" for n, i in enumerate(items, 1))
    ),
    st.lists(LINE, min_size=1, max_size=3).map(
        lambda items: "- " + items[0] + "".join("\n  - " + i for i in items[1:])
    ),
    LINE.map(lambda line: "> " + line),
    st.lists(st.lists(WORDS, min_size=2, max_size=2), min_size=1, max_size=3).map(
        lambda rows: "| A | B |\n|---|--:|\n" + "\n".join(f"| {a} | {b} |" for a, b in rows)
    ),
    LINE.map(lambda line: "[^1]: " + line),
    LINE.map(lambda line: "[^x]: " + line),
)
BODY = st.lists(BLOCK, min_size=1, max_size=8).map(lambda blocks: "\n\n".join(blocks) + "\n")


@settings(
    max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@pytest.mark.pdf
@given(body=BODY)
def test_random_markdown_builds_or_stops_with_a_bippdf_error(body: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = write_issue(Path(folder) / "issue", {"01-a.md": article("Un titre", body)})
        try:
            result = build_pdf(root, Path(folder) / "out.pdf", variant="web")
        except SourceError as error:  # the sources refused, with file and line: fine
            event(f"refused: {error.message.split(':')[0][:60]}")
            return
        event("built")
        report = check_pdf(result.output)
        assert report.ok, [str(p) for p in report.problems]
