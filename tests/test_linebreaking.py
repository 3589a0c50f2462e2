"""Each line broken once per layout (linebreaking.py): the same PDF, byte for byte, as
when WeasyPrint breaks every line anew, and each question answered once, in the thread
and for the layout that asked it."""

from __future__ import annotations

import contextlib
import re
import threading
from pathlib import Path
from typing import Any

import pytest

from bippdf import copyfit, linebreaking, pipeline
from bippdf.render import Engine

from .conftest import no6_excerpt


@pytest.mark.pdf
def test_no6_s_articles_are_laid_out_as_when_each_line_is_broken_anew(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three of No. 6's articles (columns balanced, hyphenated and justified lines, a table,
    notes), as a fit's trials lay them out, set as usual for the web PDF and tight and
    looser for the print PDF: the same PDFs, with a third of the lines or more answered
    as before."""
    issue = no6_excerpt(tmp_path)
    composed = pipeline.compose(issue)
    html = composed.composition.html
    articles = re.findall(r'<article class="article[^"]*" aria-labelledby="([^"]+)"', html)
    engine = Engine()
    for variant, fit in (
        ("web", copyfit.Fit(starts=(articles[0],))),
        ("print", copyfit.Fit(starts=(articles[0],), tight=True, loose=(articles[1],))),
    ):
        trial = copyfit.apply(html, fit)
        before = linebreaking.Counts(**vars(linebreaking.counts))
        kept = engine.render(trial, base_url=issue, language="fr-CA", variant=variant, epoch=0)
        broken = linebreaking.counts.broken - before.broken
        remembered = linebreaking.counts.remembered - before.remembered
        with monkeypatch.context() as patched:
            patched.setattr(linebreaking, "remembered", contextlib.nullcontext)
            anew = engine.render(trial, base_url=issue, language="fr-CA", variant=variant, epoch=0)
        assert linebreaking.counts.broken - before.broken == broken  # anew: none kept
        assert kept.pdf == anew.pdf, variant
        assert remembered > (broken + remembered) / 3, (broken, remembered)


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """WeasyPrint's line breaking replaced by one that notes each question and answers
    it with a new object (what this module keeps, not how a line breaks, is tested)."""
    questions: list[tuple[Any, ...]] = []

    def breaking(*arguments: Any) -> object:
        questions.append(arguments)
        return object()

    monkeypatch.setattr(linebreaking, "_breaking", breaking)
    return questions


def test_the_same_question_is_answered_once_while_a_layout_keeps_the_answers(
    asked: list[tuple[Any, ...]],
) -> None:
    """The same text, style, context, width, spacing and flags: the first answer. Any of
    them different, or a style equal but not the same, broken anew."""
    style, context = {"font_size": 10}, object()
    question = ("Un texte à couper", style, context, 120.0, 0.0)
    with linebreaking.remembered():
        first = linebreaking._split_first_line(*question)
        assert linebreaking._split_first_line(*question) is first
        assert len(asked) == 1
        others = [
            ("Un autre texte", style, context, 120.0, 0.0),
            ("Un texte à couper", dict(style), context, 120.0, 0.0),
            ("Un texte à couper", style, object(), 120.0, 0.0),
            ("Un texte à couper", style, context, 119.5, 0.0),
            ("Un texte à couper", style, context, 120.0, 0.5),
            (*question, False),
            (*question, True, True),
        ]
        for other in others:
            assert linebreaking._split_first_line(*other) is not first
        assert len(asked) == 1 + len(others)
        with linebreaking.remembered():  # a layout within: the same answers
            assert linebreaking._split_first_line(*question) is first
    assert len(asked) == 1 + len(others)


def test_nothing_is_kept_outside_a_layout_nor_after_it_nor_for_another_thread(
    asked: list[tuple[Any, ...]],
) -> None:
    """Outside ``remembered`` each line is broken anew; a layout's answers go with it; a
    thread laying out meanwhile does not get them."""
    question = ("Un texte à couper", {"font_size": 10}, object(), 120.0, 0.0)
    linebreaking._split_first_line(*question)
    linebreaking._split_first_line(*question)
    assert len(asked) == 2
    with linebreaking.remembered():
        first = linebreaking._split_first_line(*question)
        other = threading.Thread(target=linebreaking._split_first_line, args=question)
        other.start()
        other.join()
        assert len(asked) == 4
    with linebreaking.remembered():
        assert linebreaking._split_first_line(*question) is not first
    assert len(asked) == 5


def test_the_answers_kept_are_the_last_ones(
    asked: list[tuple[Any, ...]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past ``MAX_KEPT`` answers, the first asked is let go (and broken anew if asked
    again), the others kept."""
    monkeypatch.setattr(linebreaking, "MAX_KEPT", 2)
    style, context = {"font_size": 10}, object()
    questions = [(f"Ligne {n}", style, context, 120.0, 0.0) for n in range(3)]
    with linebreaking.remembered():
        answers = [linebreaking._split_first_line(*question) for question in questions]
        assert linebreaking._split_first_line(*questions[2]) is answers[2]
        assert linebreaking._split_first_line(*questions[1]) is answers[1]
        assert len(asked) == 3
        assert linebreaking._split_first_line(*questions[0]) is not answers[0]
        assert len(asked) == 4
