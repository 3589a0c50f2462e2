"""Each line broken once (linebreaking.py): the same PDF, byte for byte, as when
WeasyPrint breaks every line anew, and each question answered once, in the thread that
asked it, for its layout and those after it."""

from __future__ import annotations

import contextlib
import functools
import os
import re
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from bippdf import copyfit, forked, hyphenation, linebreaking, pipeline
from bippdf.render import Engine

from .conftest import no6_excerpt

# WeasyPrint's inline layout and line breaking: an engine made installs this module's.
inline = pytest.importorskip("weasyprint.layout.inline")
line_break = pytest.importorskip("weasyprint.text.line_break")


@pytest.mark.slow
@pytest.mark.pdf
def test_no6_s_articles_are_laid_out_as_when_each_line_is_broken_anew(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, justified: list[tuple[Any, ...]]
) -> None:
    """Three of No. 6's articles (columns balanced, hyphenated and justified lines, a table,
    notes), laid out one after the other in one process: set as usual for the web PDF,
    tight and looser for the print PDF (its styles others, and other values for the text
    set tight), then as usual again: the same PDFs as WeasyPrint's own line breaking and
    justification make, with a third of the lines or more answered as before; the print
    PDF's layout breaks fewer lines than alone, given the first's answers where it sets
    the text alike, and the last breaks none; nor does another engine's (a font
    configuration of its own, of the same faces), which writes the same PDF. Each
    justified box's Layout made
    without Pango is, once put down, the one WeasyPrint makes and puts down, attribute
    for attribute, in the same order."""
    issue = no6_excerpt(tmp_path)
    composed = pipeline.compose(issue)
    html = composed.composition.html
    articles = re.findall(r'<article class="article[^"]*" aria-labelledby="([^"]+)"', html)
    engine = Engine()
    from weasyprint.text.fonts import FontConfiguration

    assert FontConfiguration.add_font_face.__wrapped__  # numbered anew (test below)
    linebreaking.forget()  # (whatever this process laid out before)
    broken_by: list[int] = []
    pdfs: list[bytes] = []
    for variant, fit in (
        ("web", copyfit.Fit(starts=(articles[0],))),
        ("print", copyfit.Fit(starts=(articles[0],), tight=True, loose=(articles[1],))),
        ("web", copyfit.Fit(starts=(articles[0],))),
    ):
        trial = copyfit.apply(html, fit)
        before = linebreaking.Counts(**vars(linebreaking.counts))
        kept = engine.render(trial, base_url=issue, language="fr-CA", variant=variant, epoch=0)
        broken = linebreaking.counts.broken - before.broken
        remembered = linebreaking.counts.remembered - before.remembered
        with monkeypatch.context() as patched:
            patched.setattr(linebreaking, "remembered", contextlib.nullcontext)
            patched.setattr(inline, "create_layout", line_break.create_layout)
            anew = engine.render(trial, base_url=issue, language="fr-CA", variant=variant, epoch=0)
        assert linebreaking.counts.broken - before.broken == broken  # anew: none kept
        assert kept.pdf == anew.pdf, variant
        assert remembered > (broken + remembered) / 3, (broken, remembered)
        broken_by.append(broken)
        pdfs.append(kept.pdf)
    assert broken_by[2] == 0, broken_by
    other = Engine()
    assert other.font_config is not engine.font_config
    before = linebreaking.Counts(**vars(linebreaking.counts))
    trial = copyfit.apply(html, copyfit.Fit(starts=(articles[0],)))
    again = other.render(trial, base_url=issue, language="fr-CA", variant="web", epoch=0)
    assert linebreaking.counts.broken == before.broken
    assert linebreaking.counts.remembered > before.remembered
    assert again.pdf == pdfs[0]
    # The print PDF's layout alone, with no answer kept: it breaks more lines.
    linebreaking.forget()
    before = linebreaking.Counts(**vars(linebreaking.counts))
    print_fit = copyfit.Fit(starts=(articles[0],), tight=True, loose=(articles[1],))
    engine.lay_out(copyfit.apply(html, print_fit), base_url=issue, variant="print")
    assert linebreaking.counts.broken - before.broken > broken_by[1], broken_by
    assert len(justified) > 1000
    assert any(spacing > 0 for *_, spacing in justified)
    for question in justified:
        assert _put_down_here(question) == _put_down_by_weasyprint(question), question[0]


@pytest.mark.slow
@pytest.mark.pdf
def test_what_line_breaking_reads_of_a_style_is_what_its_answers_are_kept_by(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every property WeasyPrint's line breaking reads of a style, laying out three of
    No. 6's articles and text set otherwise (preformatted with tabs, underlined, letter-
    and word-spaced, hyphenated in English, broken anywhere), is among those the answers
    are kept by (``READ``), and of the style's attributes it reads only its font
    configuration (and, through an anonymous box's style, the style it inherits from)."""
    read: set[str] = set()
    attributes: set[str] = set()
    spies: dict[type, type] = {}
    engine = Engine()  # (installs this module's line breaking, in a process that had none)
    breaking = linebreaking._breaking

    def recording(text: str, style: Any, *arguments: Any) -> Any:
        kind = type(style)
        if kind not in spies:

            class Spy(kind):  # type: ignore[valid-type,misc]
                def __getitem__(self, name: str) -> Any:
                    read.add(name)
                    return super().__getitem__(name)

                def __getattribute__(self, name: str) -> Any:
                    if not name.startswith("__"):
                        attributes.add(name)
                    return super().__getattribute__(name)

            spies[kind] = Spy
        style.__class__ = spies[kind]
        try:
            return breaking(text, style, *arguments)
        finally:
            style.__class__ = kind

    monkeypatch.setattr(linebreaking, "_breaking", recording)
    issue = no6_excerpt(tmp_path)
    html = pipeline.compose(issue).composition.html
    engine.render(html, base_url=issue, language="fr-CA", variant="print", epoch=0)
    words = "Une ligne assez longue pour être coupée plus d'une fois, et justifiée. " * 3
    other = (
        "<style>p { width: 5cm; text-align: justify } .t { tab-size: 3; white-space: pre-wrap }"
        " .u { text-decoration: underline; letter-spacing: 1pt; word-spacing: 2pt }"
        " .h { hyphens: auto } .b { word-break: break-all; overflow-wrap: anywhere }</style>"
        f"<p class=t>{words}\t{words}</p><p class=u>{words}</p>"
        f"<p class=h lang=en>{'Incomprehensibilities notwithstanding ' * 4}</p>"
        f"<p class=b>{'x' * 200}</p>"
    )
    engine.lay_out(other, base_url=tmp_path)
    assert {"font_size", "letter_spacing", "word_spacing", "hyphens", "tab_size"} <= read
    assert read <= set(linebreaking.READ), read - set(linebreaking.READ)
    assert attributes <= {"font_config", "parent_style"}, attributes


def _ellipsis_table() -> str:
    """A table of some pages whose header row, repeated on each page, is clamped to one
    line: each page's header ends with an ellipsis WeasyPrint draws into its Layout."""
    header = "Une en-tête de colonne bien trop longue pour tenir sur une seule ligne " * 3
    rows = "".join(f"<tr><td>Ligne {n} du tableau</td></tr>" for n in range(160))
    return (
        "<style>th { line-clamp: 1 } td { padding: 4pt }</style>"
        f"<table><thead><tr><th>{header}</th></tr></thead><tbody>{rows}</tbody></table>"
    )


@pytest.mark.pdf
def test_an_ellipsis_drawn_in_one_box_is_not_drawn_in_another_with_the_same_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The header row of a table repeated on each page asks the same line each time, and
    each is drawn with its ellipsis once: the same PDF as when each line is broken anew."""
    engine = Engine()
    html = _ellipsis_table()
    before = linebreaking.counts.remembered
    document = engine.lay_out(html, base_url=tmp_path)
    assert linebreaking.counts.remembered > before
    assert len(document.pages) > 2
    kept = bytes(document.write_pdf())
    with monkeypatch.context() as patched:
        patched.setattr(linebreaking, "remembered", contextlib.nullcontext)
        anew = bytes(engine.lay_out(html, base_url=tmp_path).write_pdf())
    assert kept == anew


class _Answer:
    """What the replaced line breaking answers: a Layout of its own, told by its number."""

    def __init__(self, number: int) -> None:
        self.number = number


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """WeasyPrint's line breaking replaced by one that notes the text of each question
    (holding nothing else) and answers it anew (what this module keeps, not how a line
    breaks, is tested)."""
    questions: list[str] = []

    def breaking(text: str, *arguments: Any) -> tuple[Any, ...]:
        questions.append(text)
        return (_Answer(len(questions)), 10, None, 100.0, 12.0, 9.0)

    from weasyprint.text import line_break

    monkeypatch.setattr(linebreaking, "_breaking", breaking)
    monkeypatch.setattr(linebreaking, "_line_break", line_break)  # installed by an engine
    linebreaking.forget()
    yield questions
    linebreaking.forget()  # (answers of its own, which no layout is to be given)


def _number(answer: tuple[Any, ...]) -> int:
    """Which answer of the replaced line breaking this is."""
    return int(answer[0].number)


class _Style(dict[str, Any]):
    """A style as line breaking reads it: every property of ``READ`` (these values unless
    told), and a font configuration."""

    def __init__(self, fonts: object = None, **values: Any) -> None:
        super().__init__({name: "normal" for name in linebreaking.READ}, **values)
        self.font_config = fonts


class _Fonts:
    """A font configuration, of these faces (as ``linebreaking._renumbering`` records
    them: each face's descriptors, the digest of its font file)."""

    def __init__(self, **faces: str | None) -> None:
        if faces:
            setattr(self, linebreaking._FACES, faces)


_FONTS = _Fonts()


def test_the_same_question_is_answered_once_while_layouts_keep_the_answers(
    asked: list[str],
) -> None:
    """The same text, values of the style read, font configuration's faces, width,
    spacing and flags: the first answer, its Layout a copy of its own, whether the style
    is the same or another equal in them, with another font configuration of the same
    faces, and whatever the layout context. Any of them different, or other hyphenation
    rules: broken anew."""
    style, context = _Style(_FONTS, font_size=10), object()
    question = ("Un texte à couper", style, context, 120.0, 0.0)
    with linebreaking.remembered():
        first = linebreaking._split_first_line(*question)
        again = linebreaking._split_first_line(*question)
        assert _number(again) == 1 and again[1:] == first[1:]
        assert again[0] is not first[0]
        for fonts in (_FONTS, _Fonts()):
            alike = _Style(fonts, font_size=10)
            answer = linebreaking._split_first_line(question[0], alike, object(), 120.0, 0.0)
            assert _number(answer) == 1
        assert len(asked) == 1
        others = [
            ("Un autre texte", style, context, 120.0, 0.0),
            (
                "Un texte à couper",
                _Style(_FONTS, font_size=10, letter_spacing=1.0),
                context,
                120.0,
                0.0,
            ),
            ("Un texte à couper", _Style(_FONTS, font_size=10, lang="en"), context, 120.0, 0.0),
            ("Un texte à couper", _Style(_Fonts(Inter="1a"), font_size=10), context, 120.0, 0.0),
            ("Un texte à couper", _Style(_Fonts(Inter="2b"), font_size=10), context, 120.0, 0.0),
            ("Un texte à couper", style, context, 119.5, 0.0),
            ("Un texte à couper", style, context, 120.0, 0.5),
            (*question, False),
            (*question, True, True),
        ]
        for other in others:
            assert _number(linebreaking._split_first_line(*other)) > 1
        assert len(asked) == 1 + len(others)
        with linebreaking.remembered():  # a layout within: the same answers
            assert _number(linebreaking._split_first_line(*question)) == 1
        with hyphenation.rules():
            assert _number(linebreaking._split_first_line(*question)) == len(asked)
    assert len(asked) == 2 + len(others)


def test_a_style_let_go_leaves_its_identity_to_no_other_style(asked: list[str]) -> None:
    """Styles made and let go one after the other (Python gives the next the place, and
    the identity, of the last): each is broken for itself."""
    context = object()
    with linebreaking.remembered():
        for size in range(5):
            linebreaking._split_first_line(
                "Le même texte", _Style(_FONTS, font_size=size), context, 1.0, 0
            )
    assert len(asked) == 5


def test_a_box_s_layout_changed_is_not_another_box_s(asked: list[str]) -> None:
    """A Layout given to a box and changed there (an ellipsis written into its text) leaves
    the answer kept as it was."""
    question = ("Un texte à couper", _Style(_FONTS, font_size=10), object(), 120.0, 0.0)
    with linebreaking.remembered():
        first = linebreaking._split_first_line(*question)
        first[0].number = 99
        again = linebreaking._split_first_line(*question)
        again[0].number = 98
        assert _number(linebreaking._split_first_line(*question)) == 1


def test_answers_are_kept_only_in_a_layout_for_the_next_in_the_thread(asked: list[str]) -> None:
    """Outside ``remembered`` each line is broken anew, and nothing is kept; a layout's
    answers are the next layout's in its thread, not those of a thread laying out
    meanwhile; ``forget`` lets them go."""
    question = ("Un texte à couper", _Style(_FONTS, font_size=10), object(), 120.0, 0.0)
    linebreaking.forget()
    linebreaking._split_first_line(*question)
    linebreaking._split_first_line(*question)
    assert len(asked) == 2

    def laying_out() -> None:  # another thread, in a layout of its own
        with linebreaking.remembered():
            linebreaking._split_first_line(*question)

    with linebreaking.remembered():
        linebreaking._split_first_line(*question)
        other = threading.Thread(target=laying_out)
        other.start()
        other.join()
        assert len(asked) == 4
    linebreaking._split_first_line(*question)
    assert len(asked) == 5
    with linebreaking.remembered():
        assert _number(linebreaking._split_first_line(*question)) == 3
        linebreaking.forget()
        assert _number(linebreaking._split_first_line(*question)) == 6
        assert _number(linebreaking._split_first_line(*question)) == 6  # (kept again)


def test_the_answers_kept_are_the_last_asked(
    asked: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past ``MAX_KEPT`` answers, the one asked longest ago is let go (and broken anew if
    asked again), the others kept: an answer given again counts as asked then."""
    monkeypatch.setattr(linebreaking, "MAX_KEPT", 2)
    linebreaking.forget()
    style, context = _Style(_FONTS, font_size=10), object()
    questions = [(f"Ligne {n}", style, context, 120.0, 0.0) for n in range(4)]
    with linebreaking.remembered():
        for question in questions[:3]:
            linebreaking._split_first_line(*question)
        assert _number(linebreaking._split_first_line(*questions[1])) == 2
        assert len(asked) == 3
        linebreaking._split_first_line(*questions[3])  # lets go of 2 (1 was asked since)
        assert _number(linebreaking._split_first_line(*questions[1])) == 2
        assert _number(linebreaking._split_first_line(*questions[2])) == 5
        assert _number(linebreaking._split_first_line(*questions[0])) == 6


def test_the_texts_kept_are_bounded_in_characters_too(
    asked: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past ``MAX_CHARACTERS`` characters of the texts asked, those asked longest ago are
    let go until the rest holds."""
    monkeypatch.setattr(linebreaking, "MAX_CHARACTERS", 25)
    style, context = _Style(_FONTS, font_size=10), object()
    questions = [(text, style, context, 120.0, 0.0) for text in ("a" * 10, "b" * 10, "c" * 10)]
    with linebreaking.remembered():
        for question in questions:
            linebreaking._split_first_line(*question)
        assert _number(linebreaking._split_first_line(*questions[2])) == 3
        assert _number(linebreaking._split_first_line(*questions[1])) == 2
        assert _number(linebreaking._split_first_line(*questions[0])) == 4  # let go


def test_a_style_value_that_is_not_plain_is_broken_anew_each_time(asked: list[str]) -> None:
    """A value WeasyPrint resolves only while breaking the line (a ``calc()`` of a
    percentage and a length, kept as CSS tokens) is not part of a key: broken anew."""
    from tinycss2 import parse_one_component_value

    zone = parse_one_component_value("calc(5% + 1rem)")
    question = ("Un texte", _Style(_FONTS, hyphenate_limit_zone=zone), object(), 120.0, 0.0)
    with linebreaking.remembered():
        linebreaking._split_first_line(*question)
        linebreaking._split_first_line(*question)
    assert len(asked) == 2


def test_a_font_face_added_numbers_the_configuration_anew(
    asked: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A face added to a font configuration may change the font a text falls back on:
    the lines asked after it are broken anew, unless it is a face added before (each
    variant's stylesheets add the same). A face that fails makes a configuration like
    no other, even one that failed alike."""
    from weasyprint.text.fonts import FontConfiguration

    faces: list[dict[str, Any]] = []

    def adding(fonts: Any, rule_descriptors: dict[str, Any], url_fetcher: Any) -> None:
        faces.append(rule_descriptors)
        if "src" not in rule_descriptors:
            raise ValueError("a face of nothing")

    monkeypatch.setattr(FontConfiguration, "add_font_face", linebreaking._renumbering(adding))
    fonts = FontConfiguration()
    question = ("Un texte", _Style(fonts, font_size=10), object(), 120.0, 0.0)

    def asked_now() -> int:
        with linebreaking.remembered():
            return _number(linebreaking._split_first_line(*question))

    assert asked_now() == 1 and asked_now() == 1
    face = {"font_family": "Inter", "src": (("local", "Inter"),)}
    fonts.add_font_face(face, url_fetcher=None)
    assert asked_now() == 2
    fonts.add_font_face(dict(face), url_fetcher=None)  # the same again
    assert asked_now() == 2
    with contextlib.suppress(ValueError):
        fonts.add_font_face({"font_family": "Autre"}, url_fetcher=None)
    assert asked_now() == 3
    alike = FontConfiguration()
    alike.add_font_face(dict(face), url_fetcher=None)
    with contextlib.suppress(ValueError):
        alike.add_font_face({"font_family": "Autre"}, url_fetcher=None)
    question = ("Un texte", _Style(alike, font_size=10), object(), 120.0, 0.0)
    assert asked_now() == 4
    assert len(faces) == 5


def test_configurations_share_answers_when_made_of_the_same_font_files(
    asked: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two font configurations given the same ``@font-face``, its file the same bytes,
    share their answers; given the same rule while another font was in the file, they
    do not (a font replaced on disk under the same name). A face WeasyPrint could make
    nothing of (a WOFF2 file it cannot decode: no error, no font), then made when added
    again, is the face made; made nothing of alone, it is another configuration."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    # (WeasyPrint's own, wrapped as an engine made wraps it: whatever ran before)
    adding = getattr(FontConfiguration.add_font_face, "__wrapped__", None)
    adding = adding or FontConfiguration.add_font_face
    monkeypatch.setattr(FontConfiguration, "add_font_face", linebreaking._renumbering(adding))
    fonts = Path(__file__).parents[1] / "styles" / "fonts"
    face = tmp_path / "face.otf"
    rule = f"@font-face {{ font-family: Titre; src: url({face.as_uri()}) }}"

    def configured(*contents: bytes) -> Any:
        configuration = FontConfiguration()
        for content in contents:
            face.write_bytes(content)
            weasyprint.CSS(string=rule, font_config=configuration)
        return configuration

    inter = (fonts / "inter" / "Inter-Regular.otf").read_bytes()
    noto = (fonts / "noto-serif" / "NotoSerif-Regular.ttf").read_bytes()
    undecodable = b"wOF2" + bytes(60)
    configurations = [
        configured(inter),
        configured(inter),
        configured(noto),
        configured(undecodable, inter),
        configured(undecodable),
    ]
    with linebreaking.remembered():
        answers = [
            _number(
                linebreaking._split_first_line(
                    "Un texte", _Style(configuration, font_size=10), object(), 120.0, 0.0
                )
            )
            for configuration in configurations
        ]
    assert answers == [1, 1, 2, 1, 3]


def _put_down_by_weasyprint(question: tuple[Any, ...]) -> list[tuple[str, Any]]:
    """What WeasyPrint's justification keeps of a box's Layout once it puts it down: its
    attributes, in order."""
    return _left(line_break.create_layout(*question))


def _put_down_here(question: tuple[Any, ...]) -> list[tuple[str, Any]]:
    """The same, of the Layout ``_put_down`` makes."""
    return _left(linebreaking._put_down(*question))


def _left(layout: Any) -> list[tuple[str, Any]]:
    """A Layout's attributes, in order, once put down."""
    layout.deactivate()
    return list(vars(layout).items())


@pytest.fixture
def justified(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """The questions a layout asks of its justification's Layouts, each answered by
    ``_put_down`` (their styles are held: no other object takes their identity)."""
    questions: list[tuple[Any, ...]] = []

    def noted(
        text: str,
        style: Any,
        context: Any,
        max_width: float | None,
        justification_spacing: float,
    ) -> Any:
        question = (text, style, context, max_width, justification_spacing)
        questions.append(question)
        return linebreaking._put_down(*question)

    Engine()  # installs _put_down, which is then noted
    assert inline.create_layout is linebreaking._put_down
    monkeypatch.setattr(inline, "create_layout", noted)
    return questions


@pytest.mark.pdf
def test_what_weasyprint_s_layout_changes_or_measures_is_its_own(
    tmp_path: Path, justified: list[tuple[Any, ...]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Justified text underlined (its line's measures come from the font, through Pango):
    each box's Layout is WeasyPrint's, and the PDF the one WeasyPrint's justification
    makes. So is a text WeasyPrint's Layout changes: a lone space set with word spacing,
    alone or with a NUL (a zero-width space is added), and a line break (the text cut
    a character after it)."""
    words = "Une ligne justifiée assez longue pour être coupée plus d'une fois " * 4
    html = (
        "<style>p { text-align: justify; width: 9cm } u { text-decoration: underline }"
        " .w { word-spacing: 2pt }</style>"
        f"<p><u>{words}</u></p><p class=w>{words}</p>"
    )
    engine = Engine()
    mine = bytes(engine.lay_out(html, base_url=tmp_path).write_pdf())
    underlined = [q for q in justified if q[1]["text_decoration_line"] != "none"]
    assert underlined
    spaced = next(q for q in justified if q[1]["word_spacing"])
    justified += [(text, *spaced[1:]) for text in (" ", " \x00", "\x00 ", "deux\nlignes")]
    for question in justified:
        assert _put_down_here(question) == _put_down_by_weasyprint(question), question[0]
    assert "underline_thickness" in dict(_put_down_here(underlined[0]))
    assert dict(_put_down_here(justified[-2]))["text"] == " \u200b"
    assert dict(_put_down_here(justified[-1]))["text"] == "deux\nl"
    monkeypatch.setattr(inline, "create_layout", line_break.create_layout)
    assert bytes(engine.lay_out(html, base_url=tmp_path).write_pdf()) == mine


def test_lines_broken_in_a_forked_process_are_brought_back(asked: list[str]) -> None:
    """Trials laid out side by side bring back, with their results, the lines their
    forked processes broke, for this process to be given; not those broken in a font
    configuration the child numbered (this process may give its number to another), nor
    under WeasyPrint's own hyphenation (a module, which does not pickle). A work done in
    this process brings none: it kept them."""
    context = object()
    with linebreaking.remembered():  # _FONTS numbered here, before the fork
        linebreaking._split_first_line("avant", _Style(_FONTS, font_size=10), context, 1.0, 0)

    def work(text: str) -> str:
        with linebreaking.remembered():
            with hyphenation.rules():
                for fonts in (_FONTS, _Fonts(Autre="3c")):
                    style = _Style(fonts, font_size=10)
                    linebreaking._split_first_line(text, style, context, 120.0, 0.0)
            linebreaking._split_first_line(text, _Style(_FONTS, font_size=11), context, 120.0, 0.0)
        return text.upper()

    works = [functools.partial(work, text) for text in ("ici", "là-bas")]
    results = forked.side_by_side(list(map(linebreaking.brought_back, works)), cores=2)
    assert [result for result, _ in results] == ["ICI", "LÀ-BAS"]
    assert results[0][1] == []
    brought = results[1][1]
    assert [(key[0], key[1][READ_SIZE]) for key, _ in brought] == [("là-bas", 10)]
    assert len(asked) == 4  # (here: "avant", then the three of "ici")
    linebreaking.learn(brought)
    with linebreaking.remembered(), hyphenation.rules():
        style = _Style(_FONTS, font_size=10)
        answer = linebreaking._split_first_line("là-bas", style, object(), 120.0, 0.0)
        assert _number(answer) == _number(brought[0][1]) and answer[1:] == brought[0][1][1:]
        assert len(asked) == 4


READ_SIZE = 1 + linebreaking.READ.index("font_size")  # (after the configuration's number)


_T = TypeVar("_T")


@contextlib.contextmanager
def _listening(channel: linebreaking.Channel, work: Callable[[], _T]) -> Iterator[Callable[[], _T]]:
    """``work`` in a process forked to listen to ``channel``, which this one tells
    meanwhile: started when the function given is called, which waits for its result."""
    waiting, starting = os.pipe()

    def listening() -> _T:
        channel.listen()
        os.read(waiting, 1)  # (not reading the channel meanwhile)
        return work()

    try:
        with forked.in_child(listening) as result:
            channel.tell()

            def started() -> _T:
                os.write(starting, b".")
                return result()

            yield started
    finally:
        channel.close()
        os.close(waiting)
        os.close(starting)


def test_lines_broken_here_are_told_to_a_process_forked_to_listen(asked: list[str]) -> None:
    """A process forked to listen (``Channel``) is told the lines this one breaks once
    it does: a question it asks that this process has answered since the fork is not
    broken there. Not those broken in a font configuration numbered after the fork (the
    child may give its number to another), nor under WeasyPrint's own hyphenation rules
    (a module, which does not pickle)."""
    channel = linebreaking.Channel(_FONTS)  # numbered here, before the fork
    # Faces no configuration of this process had before the fork.
    later = functools.partial(_Fonts, Nouvelle=uuid.uuid4().hex)
    context = object()

    def questions() -> list[int]:
        """The three questions asked, each answer's number."""
        numbers = []
        with linebreaking.remembered():
            with hyphenation.rules():
                for text, fonts in (("ici", _FONTS), ("ailleurs", later())):
                    style = _Style(fonts, font_size=10)
                    numbers.append(
                        _number(linebreaking._split_first_line(text, style, context, 120.0, 0.0))
                    )
            style = _Style(_FONTS, font_size=10)  # (WeasyPrint's hyphenation: not told)
            numbers.append(
                _number(linebreaking._split_first_line("ici", style, context, 120.0, 0.0))
            )
        return numbers

    with _listening(channel, lambda: (questions(), asked)) as started:
        assert questions() == [1, 2, 3]
        numbers, there = started()
    assert asked == ["ici", "ailleurs", "ici"]
    # There: "ici" answered as here (the first answer here), the others broken anew.
    assert there == ["ailleurs", "ici"]
    assert numbers == [1, 1, 2]


def test_a_channel_its_child_does_not_read_never_holds_up_the_layout(asked: list[str]) -> None:
    """Told more than its pipe and its bound hold while the child does not read, a
    channel stops telling rather than wait: the layout goes on."""
    channel = linebreaking.Channel(_FONTS)
    with _listening(channel, lambda: True) as started:
        text = "un texte assez long " * 5_000  # 100,000 characters a question
        with linebreaking.remembered(), hyphenation.rules():
            for number in range(200):  # 20 million characters, above the bound
                style = _Style(_FONTS, font_size=number + 1)
                linebreaking._split_first_line(text, style, object(), 120.0, 0.0)
                if number == 0:
                    assert channel.telling
        assert started()
    assert len(asked) == 200
    assert not channel.telling


@pytest.mark.slow
@pytest.mark.pdf
def test_the_print_pdf_laid_out_beside_breaks_none_of_the_lines_the_web_pdf_broke(
    tmp_path: Path,
) -> None:
    """The print PDF's layout in a process forked to listen, once this one laid out the
    web PDF: every line told, none broken there; the same PDF as laid out here."""
    issue = no6_excerpt(tmp_path)
    html = pipeline.compose(issue).composition.html
    engine = Engine()
    engine.preload(["web", "print"])
    linebreaking.forget()  # (whatever this process laid out before)

    def pdf(variant: str) -> tuple[bytes, linebreaking.Counts]:
        """The variant's PDF, and the lines its layout broke and learnt."""
        before = linebreaking.Counts(**vars(linebreaking.counts))
        made = engine.render(html, base_url=issue, language="fr-CA", variant=variant, epoch=0)
        after = linebreaking.counts
        return made.pdf, linebreaking.Counts(
            after.broken - before.broken, after.remembered - before.remembered,
            after.learnt - before.learnt,
        )  # fmt: skip

    with _listening(linebreaking.Channel(engine.font_config), lambda: pdf("print")) as started:
        broken = pdf("web")[1].broken
        there, counts = started()
    assert broken > 500
    assert counts.broken == 0
    assert counts.learnt == broken
    assert there == pdf("print")[0]


@pytest.mark.slow
@pytest.mark.pdf
def test_the_process_a_lane_forks_listens_to_the_lines_broken_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The process pipeline.Lane forks to lay out the print PDF while the fit lays out
    the web PDF's trials here listens to the lines broken here, told from the fork on
    until the lane is dropped."""
    issue = no6_excerpt(tmp_path)
    composed = pipeline.compose(issue)
    html = composed.composition.html
    options = pipeline.Options(variants=("print", "web"), cover=False, build_dir=tmp_path)

    def listening(lane: pipeline.Lane, html: str, trial: Any) -> int:
        return len(linebreaking._channels("heard"))  # (asked there, once its layout is done)

    monkeypatch.setattr(pipeline.Lane, "_measure", listening)
    lane = pipeline.Lane(composed, "print", options, Engine())
    try:
        lane.restart(html)
        channel = lane._lines
        assert channel is not None and channel.telling
        assert linebreaking._channels("told") == [channel]
        assert lane.measure(html, copyfit.Fit(starts=())) == 1
    finally:
        lane.drop()
    assert not channel.telling and linebreaking._channels("told") == []
