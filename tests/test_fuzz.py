"""Random Markdown through the whole pipeline, in two kinds.

Clean text, the way an editor writes it (French words, headings in order, lists,
emphasis, notes with their definitions, tables), must always build into a PDF that
passes every check. Hostile text, with faults mixed in, must either build into such
a PDF or stop with a source error naming the file, the line and, when the error is
about a construct, that construct; and a fair share of it must still build.

In CI the examples are few and always the same (the "ci" profile of conftest.py);
``make fuzz`` runs many more from a random seed it prints.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from bippdf import build_pdf
from bippdf.check import check_pdf
from bippdf.errors import SourceError

from .conftest import article, write_issue

pytestmark = pytest.mark.pdf  # every test here lays out PDFs

# Ordinary words of the bulletin, with their accents, apostrophes and figures.
WORDS = st.sampled_from(
    [
        "prévention", "sécurité", "publique", "l'exploitation", "sexuelle", "des", "mineurs",
        "policière", "d'intervention", "Québec", "Montréal", "Sherbrooke", "ministère",
        "élèves", "écoles", "rôle", "œuvre", "naïveté", "été", "août", "2019", "17", "h", "15",
        "2", "600", "000", "personnes", "victimes", "réseau", "enquête", "à", "où", "ça",
        "déjà", "très", "communauté", "partenaires", "signalement",
    ]
)  # fmt: skip
PHRASE = st.lists(WORDS, min_size=1, max_size=10).map(" ".join)
EMPHASIS = st.one_of(
    PHRASE,
    PHRASE.map(lambda text: f"*{text}*"),
    PHRASE.map(lambda text: f"**{text}**"),
)
SENTENCE = st.lists(EMPHASIS, min_size=1, max_size=4).map(lambda parts: " ".join(parts) + ".")
ITEMS = st.lists(SENTENCE, min_size=1, max_size=4)
CLEAN_BLOCK = st.one_of(
    st.lists(SENTENCE, min_size=1, max_size=4).map(" ".join),
    ITEMS.map(lambda items: "\n".join("- " + item for item in items)),
    ITEMS.map(lambda items: "\n".join(f"{n}. {item}" for n, item in enumerate(items, 1))),
    st.lists(st.tuples(PHRASE, PHRASE), min_size=1, max_size=4).map(
        lambda rows: (
            "| Région | Nombre |\n|---|---|\n" + "\n".join(f"| {a} | {b} |" for a, b in rows)
        )
    ),
)


@st.composite
def clean_body(draw: st.DrawFn) -> str:
    """Blocks under headings that never skip a level; some paragraphs call a note,
    each defined once at the end."""
    blocks: list[str] = []
    notes: list[str] = []
    level = 1
    for _ in range(draw(st.integers(1, 7))):
        if draw(st.booleans()):
            level = draw(st.integers(2, min(level + 1, 4)))
            blocks.append("#" * level + " " + draw(PHRASE))
        block = draw(CLEAN_BLOCK)
        if draw(st.integers(0, 2)) == 0:
            notes.append(draw(SENTENCE))
            block = f"{draw(SENTENCE)[:-1]}[^{len(notes)}] {block}"
        blocks.append(block)
    blocks += [f"[^{n}]: {text}" for n, text in enumerate(notes, 1)]
    return "\n\n".join(blocks) + "\n"


def _build(body: str, folder: Path) -> tuple[Path, Path]:
    """An issue of one article holding ``body``, built to its web PDF (or a SourceError)."""
    root = write_issue(folder / "issue", {"01-a.md": article("Un titre", body)})
    result = build_pdf(root, folder / "out.pdf", variant="web")
    return root / "articles" / "01-a.md", result.output


def _assert_passes_every_check(pdf: Path) -> None:
    """bippdf's own checks find nothing wrong with the PDF."""
    report = check_pdf(pdf, workers=1)
    assert report.ok, [str(problem) for problem in report.problems]


# Clean examples cost a whole build each: fewer of them than of hostile ones.
CLEAN_EXAMPLES = max(1, settings().max_examples * 2 // 5)


@pytest.mark.slow
@settings(max_examples=CLEAN_EXAMPLES)
@given(body=clean_body())
def test_clean_text_always_builds_and_passes_every_check(body: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        try:
            _, pdf = _build(body, Path(folder))
        except SourceError as error:
            raise AssertionError(f"clean text refused: {error}\n---\n{body}") from None
        _assert_passes_every_check(pdf)


# Mostly text an editor could write; now and then a fault the sources must refuse.
GOOD = [
    "prévention", "l'exploitation", "«", "»", "2 600 000", "17 h 15", "M. Tremblay", "Mme",
    "6e", "...", "—", "-", ":", "?", "!", ";", "œuvre", "naïveté", "Québec", "%", "$",
    "https://www.quebec.ca/securite-publique/" + "tres/long/chemin/" * 6,
    "<https://www.quebec.ca/" + "documentsdelaprevention" * 4 + ">",  # breaks only as a link
    "anticonstitutionnellement" * 3, "&", "<b>gras</b>", "<sup>e</sup>", "`code`", "*", "_",
    "[lien](https://example.org)", "<https://example.org/a?b=1>", "\u00a0", "\u202f", "ﬁ",
    "Ⅻ", "|", "[^1]",
]  # fmt: skip
BAD = [
    "[^x]", "漢字", "😀", "<script>x</script>", "<!--", "-->",
]  # fmt: skip
HOSTILE_WORDS = st.sampled_from(GOOD * 6 + BAD)
LINE = st.lists(HOSTILE_WORDS, min_size=1, max_size=14).map(" ".join)
HOSTILE_BLOCK = st.one_of(
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
    st.lists(st.lists(HOSTILE_WORDS, min_size=2, max_size=2), min_size=1, max_size=3).map(
        lambda rows: "| A | B |\n|---|--:|\n" + "\n".join(f"| {a} | {b} |" for a, b in rows)
    ),
    LINE.map(lambda line: "[^1]: " + line),
    LINE.map(lambda line: "[^x]: " + line),
)
HOSTILE_BODY = st.lists(HOSTILE_BLOCK, min_size=1, max_size=8).map(
    lambda blocks: "\n\n".join(blocks) + "\n"
)

# What an error is about, as its message names it: a quoted path or address, a tag,
# a note label, a character.
_CONSTRUCTS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"« (.+?) »"), lambda match: match[1]),
    (re.compile(r"<(\w+)>"), lambda match: "<" + match[1]),
    (re.compile(r"\[\^(.+?)\]"), lambda match: "[^" + match[1] + "]"),
    (re.compile(r"^le caractère (.) "), lambda match: match[1]),
]
# Share of hostile examples that build: with the "ci" profile 0.25 (5 of 20, the same in
# any order of the tests since conftest.py keeps Hypothesis from drawing on the code's
# literals); the 15 refused are all real faults of the sources (notes defined and not
# called or the reverse, a skipped heading level, a character no font has).
HOSTILE_BUILD_FLOOR = 0.2


def _assert_names_file_line_and_construct(error: SourceError, path: Path, text: str) -> None:
    """The refusal points at the article, at a line of it, and at what it is about."""
    for each in getattr(error, "errors", [error]):
        assert each.path == path, str(each)
        assert each.line is not None and 1 <= each.line <= text.count("\n") + 1, str(each)
        for pattern, construct in _CONSTRUCTS:
            for match in pattern.finditer(each.message):
                assert construct(match).lower() in text.lower(), str(each)


@pytest.mark.slow
def test_hostile_text_builds_or_stops_with_a_source_error_naming_it() -> None:
    outcomes: list[bool] = []

    @given(body=HOSTILE_BODY)
    def builds_or_names_the_fault(body: str) -> None:
        with tempfile.TemporaryDirectory() as folder:
            try:
                _, pdf = _build(body, Path(folder))
            except SourceError as error:
                path = Path(folder) / "issue" / "articles" / "01-a.md"
                _assert_names_file_line_and_construct(error, path, path.read_text("utf-8"))
                event(f"refused: {error.message.split(':')[0][:60]}")
                outcomes.append(False)
                return
            event("built")
            _assert_passes_every_check(pdf)
            outcomes.append(True)

    builds_or_names_the_fault()
    assert sum(outcomes) / len(outcomes) >= HOSTILE_BUILD_FLOOR, outcomes
