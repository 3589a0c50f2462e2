"""The text of the pages a layout kept, written into the next PDF as it was written into
the last one (redraw.py): the PDF is the one WeasyPrint draws, byte for byte, and a
box is drawn again when what its drawing read of the fonts has changed."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from bippdf import redraw
from bippdf.render import Engine

pytestmark = pytest.mark.pdf

FILLER = "".join(
    f"<p>Paragraphe {n} : du texte courant pour remplir les pages, encore et encore.</p>"
    for n in range(160)
)


def page(first: str) -> str:
    """A document of a few pages: ``first`` on the first, then running text, and last a
    paragraph using a capital and a face nothing else between them uses."""
    return (
        '<html lang="fr-CA"><body>'
        f"<p>{first}</p>{FILLER}"
        "<p>Quoique tardif, ce paragraphe a son <strong>gras</strong>.</p></body></html>"
    )


def written(engine: Engine, html: str, base_url: Path, *, incremental: bool) -> bytes:
    """The web PDF of ``html``, from the engine's last layout or whole."""
    engine.incremental = incremental
    return engine.render(html, base_url=base_url, language="fr-CA", variant="web", epoch=0).pdf


def drawings(engine: Engine, base_url: Path) -> redraw.Drawings:
    """How the engine's last layout of the web variant was drawn."""
    return engine._layouts["web", base_url].drawings


def replayed(before: redraw.Drawings, after: redraw.Drawings) -> dict[str, bool]:
    """The text of each box the last PDF drew, and whether it was written as recorded
    for the PDF before (its record the same) rather than drawn."""
    return {
        record.box.text: before.records.get(number) is record
        for number, record in after.records.items()
    }


def test_kept_pages_are_written_as_whole_layouts_write_them(tmp_path: Path) -> None:
    """A word of the first page edited, one line for another: the lines of the pages
    after it are written as recorded, but the last paragraph's whose capital Q and bold
    face the first page no longer uses first, then the bold face's alone."""
    engine = Engine(incremental=True)
    written(engine, page("Quelque <strong>chose</strong> d'abord."), tmp_path, incremental=True)
    before = drawings(engine, tmp_path)
    assert before.replayed == 0 and before.records  # nothing recorded before
    kept = {"Quoique tardif, ce paragraphe a son ": False, "gras": False}
    for first in ("Rien de plus, d'abord.", "Quelque chose d'abord."):
        before = redraw.Drawings(dict(before.records))
        resumed = written(engine, page(first), tmp_path, incremental=True)
        assert 0 < engine.remade[-1] < 4  # the pages kept are those drawn as recorded
        after = drawings(engine, tmp_path)
        boxes = replayed(before, after)
        assert {text: boxes[text] for text in kept} == kept, first
        running = [was for text, was in boxes.items() if text.startswith("Paragraphe 150 ")]
        assert running == [True], first
        assert after.replayed > 100 and after.drawn > 2
        assert resumed == written(engine, page(first), tmp_path, incremental=False), first
        kept["Quoique tardif, ce paragraphe a son "] = True  # its capital measured as before
        before = after


def glyphs(drawing: Any) -> SimpleNamespace:
    """A stream whose fonts hold the glyphs a drawing looked up, as it found them (a
    glyph it wrote, not yet), and which notes the calls made on it."""
    fonts: dict[Any, SimpleNamespace] = {}
    for key in drawing.fonts:
        fonts[key] = SimpleNamespace(widths={}, to_unicode={})
    for (key, table, glyph), (held, value) in drawing.glyphs.items():
        if held:
            getattr(fonts[key], table)[glyph] = value
    made: list[str] = []
    stream = SimpleNamespace(_fonts=fonts, made=made)
    for name, _, _ in drawing.calls:
        setattr(stream, name, lambda *args, name=name, **kwargs: made.append(name))
    return stream


def test_a_box_is_drawn_again_when_a_glyph_it_read_is_not_as_it_read_it(tmp_path: Path) -> None:
    """A glyph's width is the first drawing's in the PDF, and a box's glyph spacing
    depends on it: a width read or written otherwise than recorded, a glyph read that no
    font holds, or a font not in the PDF yet make it be drawn by WeasyPrint."""
    engine = Engine(incremental=True)
    written(engine, page("Quelque chose d'abord."), tmp_path, incremental=True)
    records = drawings(engine, tmp_path).records.values()
    # A box that looked up glyphs its fonts held, and widths they did not; its calls made
    # again (what they wrote is appended only on a stream in the state they began in).
    drawing = max(
        records,
        key=lambda record: min(
            sum(held for held, _ in record.glyphs.values()),
            sum(not held and noted[1] == "widths" for noted, (held, _) in record.glyphs.items()),
        ),
    )
    drawing = dataclasses.replace(drawing, effect=None)
    widths = [glyph for glyph in drawing.glyphs if glyph[1] == "widths"]
    assert widths and drawing.calls

    stream = glyphs(drawing)
    assert redraw._replay(drawing, stream)
    assert stream.made == [name for name, _, _ in drawing.calls]
    for (key, table, glyph), (_, value) in drawing.glyphs.items():
        assert getattr(stream._fonts[key], table)[glyph] == value  # written, if it was not

    key, _, glyph = widths[0]
    other = glyphs(drawing)
    other._fonts[key].widths[glyph] = drawing.glyphs[widths[0]][1] + 7  # another size's
    assert not redraw._replay(drawing, other)
    assert other.made == []  # nothing made nor written
    assert all(len(font.to_unicode) <= len(drawing.glyphs) for font in other._fonts.values())

    held = next(noted for noted, (was, _) in drawing.glyphs.items() if was)
    missing = glyphs(drawing)
    getattr(missing._fonts[held[0]], held[1]).pop(held[2])
    assert not redraw._replay(drawing, missing) and missing.made == []

    first = next(
        noted for noted, (was, _) in drawing.glyphs.items() if noted[1] == "widths" and not was
    )
    measured = glyphs(drawing)  # a width it wrote, measured first by another box now
    measured._fonts[first[0]].widths[first[2]] = drawing.glyphs[first][1]
    assert redraw._replay(drawing, measured)  # as it would have measured it: not again
    measured.made.clear()
    measured._fonts[first[0]].widths[first[2]] += 7  # at another size
    assert not redraw._replay(drawing, measured) and measured.made == []

    unknown = glyphs(drawing)
    unknown._fonts.pop(next(iter(drawing.fonts)))
    assert not redraw._replay(drawing, unknown) and unknown.made == []


def stream_for(drawing: Any, operators: list[Any], state: dict[str, Any]) -> Any:
    """A page's stream as WeasyPrint makes it, whose fonts hold the glyphs the drawing
    looked up as it found them, ending with ``operators``, in ``state``."""
    import pydyf
    from weasyprint.pdf.stream import Stream

    resources = pydyf.Dictionary(
        {kind: pydyf.Dictionary() for kind in ("ExtGState", "XObject", "Pattern", "Shading")}
    )
    stream = Stream(glyphs(drawing)._fonts, (0, 0, 612, 792), resources, {}, None, {}, None)
    stream.stream[:] = operators
    for name, value in state.items():
        setattr(stream, name, value)
    return stream


def test_what_a_drawing_wrote_is_appended_where_its_calls_would_write_it(tmp_path: Path) -> None:
    """A drawing replayed by appending the operators its calls wrote leaves the stream as
    making its calls does: from the state and last operators it began with, and from
    another colour, font, transparency or last operator, where its calls write otherwise
    (the print PDF's text objects are joined: a drawing takes back the "ET" before it)."""
    engine = Engine(incremental=True)
    html = page("Quelque <strong>chose</strong> d'abord.")
    otherwise: dict[tuple[str, str], set[str]] = {}
    for variant in ("web", "print"):
        engine.render(html, base_url=tmp_path, language="fr-CA", variant=variant, epoch=0)
        records = engine._layouts[variant, tmp_path].drawings.records.values()
        by_text = {record.box.text: record for record in records}
        for text in ("Quelque ", "chose"):  # the page's first text, and one in its colour
            drawing = by_text[text]
            assert drawing.effect is not None
            began = dict(zip(redraw._STATE, drawing.effect.before, strict=True))
            last = [b"0 0 m"] + [operator or b"0 0 l" for operator in drawing.effect.seen]
            other = b"0 0 l" if last[-1] == b"ET" else b"ET"
            starts = {
                "as it began": (last, began),
                "another colour": (last, {**began, "_current_color": ("srgb", 1.0, 0, 0)}),
                "no colour": (last, {**began, "_current_color": None}),
                "another transparency": (last, {**began, "_current_alpha": "a0.5"}),
                "another font": (last, {**began, "_current_font": ("AUTRE", 9.0)}),
                "another last font": (last, {**began, "_old_font": ("AUTRE", 9.0)}),
                "another last operator": ([*last[:-1], other], began),
                "a save before": ([*last[:-1], b"q"], began),
                "nothing before": ([], began),
            }
            otherwise[variant, text] = set()
            for start, (operators, state) in starts.items():
                fast = stream_for(drawing, list(operators), state)
                slow = stream_for(drawing, list(operators), state)
                assert redraw._replay(drawing, fast)
                assert redraw._replay(dataclasses.replace(drawing, effect=None), slow)
                assert fast.stream == slow.stream, (variant, text, start)
                assert redraw._state(fast) == redraw._state(slow), (variant, text, start)
                assert fast._resources == slow._resources, (variant, text, start)
                kept = len(operators) - drawing.effect.removed
                if start == "as it began":
                    assert fast.stream[kept:] == list(drawing.effect.written)
                elif slow.stream[kept:] != list(drawing.effect.written):
                    otherwise[variant, text].add(start)
    # Where the calls write otherwise than recorded: a colour set again; a text object
    # joined to the one before, or not, and then with its font or not.
    assert {"another colour", "another last operator"} <= otherwise["web", "chose"]
    assert {"another colour", "another last operator"} <= otherwise["print", "chose"]


def test_what_a_drawing_did_is_kept_only_where_it_can_be_appended() -> None:
    """A drawing is kept as the operators it wrote only when what they depend on is known:
    not when its calls took back the stream's every operator (they may then have seen it
    empty), left a transformation, or added a resource that is not a transparency."""
    drawing = SimpleNamespace(fonts=set(), glyphs={}, calls=[])

    def recorded(operators: list[bytes], *calls: tuple[str, tuple[Any, ...]]) -> Any:
        recorder = redraw._Recorder(stream_for(drawing, operators, {}))
        for name, arguments in calls:
            getattr(recorder, name)(*arguments)
        return recorder.effect()

    text = (("begin_text", ()), ("end_text", ()))
    joined = recorded([b"0 0 m", b"ET"], *text)
    assert joined is not None and joined.removed == 1 and joined.seen == (None, b"ET")
    assert recorded([b"ET"], *text) is None  # the stream's start seen
    assert recorded([b"0 0 m"], ("transform", (1, 0, 0, 1, 5, 5))) is None
    assert recorded([b"0 0 m"], ("set_alpha", (0.5,))) is not None
    assert recorded([b"0 0 m"], ("set_state", ({},))) is None  # named by their count


def test_a_pdf_written_in_another_thread_meanwhile_is_drawn_by_weasyprint() -> None:
    """WeasyPrint's draw_text is swapped in its module while a PDF is written: a PDF
    another thread writes then is drawn by WeasyPrint's own function."""
    from weasyprint import draw

    calls: list[str] = []
    original = draw.draw_text
    draw.draw_text = lambda *args: calls.append("weasyprint")
    try:
        with redraw.drawing(redraw.Drawings()):
            elsewhere = threading.Thread(target=lambda: draw.draw_text(None, None, 0, "clip"))
            elsewhere.start()
            elsewhere.join()
            assert draw.draw_text is not original
    finally:
        draw.draw_text = original
    assert calls == ["weasyprint"]


def test_a_box_moved_in_place_is_drawn_again(tmp_path: Path) -> None:
    """A box is written as recorded only where it was when recorded: one moved is drawn."""
    engine = Engine(incremental=True)
    written(engine, page("Quelque chose d'abord."), tmp_path, incremental=True)
    before = redraw.Drawings(dict(drawings(engine, tmp_path).records))
    moved = next(
        record.box
        for record in before.records.values()
        if record.box.text.startswith("Paragraphe 150 ")
    )
    moved.position_x += 1
    written(engine, page("Quelque chose d'abord."), tmp_path, incremental=True)
    assert engine.remade[-1] == 0  # the same pages, one box moved
    boxes = replayed(before, drawings(engine, tmp_path))
    assert not boxes[moved.text]
    assert boxes[next(text for text in boxes if text.startswith("Paragraphe 149 "))]


def test_a_line_ended_by_an_ellipsis_is_never_recorded(tmp_path: Path) -> None:
    """Drawing an ellipsis changes the box's Pango layout (its width; for a clamped block,
    its text): such a box may draw otherwise the next time, and is left to WeasyPrint."""
    clamped = (
        '<p style="white-space: nowrap; overflow: hidden; text-overflow: ellipsis">Tronqué : '
        + "un texte trop long pour une ligne " * 9
    )
    html = page("Quelque chose d'abord.").replace(
        "<p>Paragraphe 3 ", clamped + "</p><p>Paragraphe 3 "
    )
    engine = Engine(incremental=True)
    written(engine, html, tmp_path, incremental=True)
    texts = [record.box.text for record in drawings(engine, tmp_path).records.values()]
    assert any(text.startswith("Paragraphe 3 ") for text in texts)
    assert not any(text.startswith("Tronqué") for text in texts)


def test_a_pdf_written_while_another_is_drawn_is_drawn_by_weasyprint(tmp_path: Path) -> None:
    """A PDF written inside another's writing (a nested ``drawing``) is not recorded into
    the first one's records, and does not fail."""
    engine = Engine(incremental=True)
    document = engine.lay_out(page("Quelque chose d'abord."), base_url=tmp_path)
    outer, inner = redraw.Drawings(), redraw.Drawings()
    with redraw.drawing(outer), redraw.drawing(inner):
        document.write_pdf()
    assert inner.records and not outer.records
