"""The columns of an article laid out once (columns.py): the pages are those WeasyPrint's
own column layout makes, byte for byte, most columns are given back from its search,
and each condition on which one is given back keeps a page as WeasyPrint makes it."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PIL import Image

from bippdf import columns, copyfit, pipeline
from bippdf.render import Engine

from .conftest import FUZZ, SEED, no6_excerpt

pytestmark = pytest.mark.pdf  # every test here lays out PDFs

TEXT = (
    "La prévention des incendies demande une vigilance constante dans chaque "
    "municipalité du Québec, où les pompiers forment les citoyens aux bons gestes. "
) * 12
PHOTO = '<img src="photo.png" alt="Photo" style="height: 400px; width: auto">'


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder with the photo the documents show."""
    Image.new("RGB", (400, 300), "steelblue").save(tmp_path / "photo.png")
    return tmp_path


def written(engine: Engine, html: str, folder: Path, *, own: bool = False) -> bytes:
    """The document laid out with the web stylesheets and written, its columns laid out
    by this module or (``own``) by WeasyPrint's own functions."""
    if own:
        with columns.weasyprints_own():
            return bytes(engine.lay_out(html, base_url=folder).write_pdf())
    return bytes(engine.lay_out(html, base_url=folder).write_pdf())


@contextmanager
def without(check: str) -> Iterator[None]:
    """The columns given back without one of the conditions ``columns._CHECKS`` names."""
    saved = columns._CHECKS
    columns._CHECKS = tuple(kept for kept in saved if kept.__name__ != check)
    assert len(columns._CHECKS) == len(saved) - 1, check
    try:
        yield
    finally:
        columns._CHECKS = saved


def page(articles: str, lines: int = 0) -> str:
    """A document of these articles, after ``lines`` short paragraphs."""
    before = "".join(f"<p>Ligne {n} du texte qui précède l'article.</p>" for n in range(lines))
    return (
        '<!DOCTYPE html><html lang="fr-CA"><head><meta charset="utf-8"><title>Essai</title>'
        f"</head><body>{before}{articles}</body></html>"
    )


def article(body: str, name: str = "a", classes: str = "") -> str:
    """An article (as article.html writes it) whose body, in two columns, is ``body``."""
    return (
        f'<article class="article{classes}" aria-labelledby="{name}">'
        f'<header class="article-header"><h1 class="article-title" id="{name}">Un titre</h1>'
        f'</header><div class="article-body">{body}</div></article>'
    )


def document(lines: int, body: str) -> str:
    """An article after ``lines`` short paragraphs, flowing from them (it does not start
    a page), whose body is ``body``."""
    return page(article(body), lines)


# Where WeasyPrint lays a column out otherwise at the top of an empty page than below
# content, and would lay out another page if the column its search laid out the other
# way were given back. Each body is placed a few lines apart, around the place (found by
# trying every line of a page) where the condition is the one that tells them apart.
QUOTATION = (
    f'<blockquote class="quotation"><p>{TEXT[:450]}</p><p class="attribution">Un témoin</p>'
    "</blockquote>"
)
CASES = [
    # A paragraph with room for one line above the foot of the page: at the top of an
    # empty page WeasyPrint places that line, below content it moves the paragraph on
    # (orphans: 2).
    ("_first_block_whole", range(31, 34), f"<p>{TEXT}</p><p>{TEXT}</p>"),
    # A picture taller than the room left: placed anyway at the top of an empty page.
    (
        "_first_block_fits",
        range(23, 26),
        f'<figure class="figure" style="margin: 0">{PHOTO}</figure><p>{TEXT}</p>',
    ),
    # The end of a quotation at the top of the second column, its frame (padding and
    # margin below, repeated on each part) just fitting above the foot of the page:
    # WeasyPrint measures a block against the room less what is below it, which the
    # block already holds, so it moves it on below content.
    ("_first_block_fits", range(20, 23), f"<p>{TEXT[:600]}</p>{QUOTATION}<p>{TEXT[:1200]}</p>"),
    # A subhead kept with the picture after it, which does not fit below it: at the top
    # of an empty page the break is made anyway, below content the column is given up.
    (
        "_no_break_avoided",
        range(22, 25),
        '<h2 style="margin-top: 0; break-after: avoid">Un intertitre</h2>'
        f'<figure class="figure" style="margin: 0">{PHOTO}</figure><p>{TEXT}</p>',
    ),
    # A subhead's margin meeting its parent's, on the second page: dropped at the top of
    # a page, kept below content.
    (
        "_no_margin_dropped",
        range(38, 41),
        f"<div><h2>Un intertitre</h2><p>{TEXT}</p></div><p>{TEXT}</p>",
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize(("check", "lines", "body"), CASES)
def test_each_condition_keeps_a_page_as_weasyprint_makes_it(
    engine: Engine, folder: Path, check: str, lines: range, body: str
) -> None:
    """With every condition, the pages are WeasyPrint's; without this one, a column laid
    out the other way is given back and some page differs."""
    differ = []
    for count in lines:
        html = document(count, body)
        own = written(engine, html, folder, own=True)
        assert written(engine, html, folder) == own, (check, count)
        with without(check):
            differ.append(written(engine, html, folder) != own)
    assert any(differ), check


@pytest.mark.slow
def test_no6_s_articles_are_laid_out_as_weasyprint_lays_them_out(tmp_path: Path) -> None:
    """Three of No. 6's articles flowing from one page start (as a fit's trial lays them
    out, subheads, a table and pictures at every height of a page), set tight and
    looser too: the same PDF, and most of the columns given back."""
    issue = no6_excerpt(tmp_path)
    composed = pipeline.compose(issue)
    html = composed.composition.html
    articles = re.findall(r'<article class="article[^"]*" aria-labelledby="([^"]+)"', html)
    engine = Engine()
    for fit in (
        copyfit.Fit(starts=(articles[0],)),
        copyfit.Fit(starts=(articles[0],), tight=True, loose=(articles[1],)),
    ):
        trial = copyfit.apply(html, fit)
        before = columns.Counts(**vars(columns.counts))
        ours = engine.render(trial, base_url=issue, language="fr-CA", variant="print", epoch=0)
        laid_out = columns.counts.laid_out - before.laid_out
        reused = columns.counts.reused - before.reused
        with columns.weasyprints_own():
            own = engine.render(trial, base_url=issue, language="fr-CA", variant="print", epoch=0)
        assert ours.pdf == own.pdf, fit
        # Two columns a page: the second laid out at its own place by the search.
        assert reused > 2 * laid_out, (reused, laid_out)


def test_a_list_s_markers_are_placed_where_the_last_layout_puts_the_list(
    engine: Engine, folder: Path
) -> None:
    """A list's markers are placed once its column is, from the boxes every try of the
    search lays out again: a column holding one is laid out by the last layout itself."""
    items = "".join(
        f"<li>Point {n} de la liste, assez long pour tenir deux lignes de la colonne.</li>"
        for n in range(6)
    )
    for lines in (0, 9):
        html = document(lines, f"<p>{TEXT}</p><ul>{items}</ul><p>{TEXT[:400]}</p>")
        assert written(engine, html, folder) == written(engine, html, folder, own=True), lines


def test_a_float_on_the_page_leaves_the_columns_to_weasyprint(engine: Engine, folder: Path) -> None:
    """With a float on the page, where a line is laid out across it could matter, and the
    search lays every column out where the first goes: those columns are laid out by
    WeasyPrint's own functions, none given back, to the same PDF."""
    body = f"<p>{TEXT}</p><p>{TEXT}</p>"
    html = document(3, body).replace(
        "<body>", '<body><div style="float: right; width: 120px; height: 500px"></div>'
    )
    before = columns.Counts(**vars(columns.counts))
    assert written(engine, html, folder) == written(engine, html, folder, own=True)
    assert columns.counts.reused == before.reused


_WORDS = TEXT.replace(",", "").replace(".", "").lower().split()


def _random_block(chance: random.Random) -> str:
    """A block of an article's body: paragraphs long and short, subheads, a list, a
    quotation, a picture of some height, a table."""

    def words(low: int, high: int) -> str:
        return " ".join(chance.choice(_WORDS) for _ in range(chance.randint(low, high)))

    kind = chance.choice(("p", "p", "p", "short", "h2", "h3", "list", "quote", "figure", "table"))
    if kind in ("p", "short"):
        return f"<p>{words(15, 160) if kind == 'p' else words(2, 12)}.</p>"
    if kind in ("h2", "h3"):
        return f"<{kind}>{words(2, 9)}</{kind}>"
    if kind == "list":
        return (
            "<ul>"
            + "".join(f"<li>{words(3, 30)}.</li>" for _ in range(chance.randint(2, 5)))
            + "</ul>"
        )
    if kind == "quote":
        return (
            f'<blockquote class="quotation"><p>{words(10, 60)}.</p>'
            '<p class="attribution">Un témoin</p></blockquote>'
        )
    if kind == "figure":
        height = chance.choice((60, 120, 200, 320, 480))
        return (
            f'<figure class="figure"><img src="photo.png" alt="Photo" style="height: {height}px; '
            f'width: auto"><figcaption>{words(3, 12)}</figcaption></figure>'
        )
    rows = "".join(
        f"<tr><td>{words(1, 4)}</td><td>{chance.randint(1, 999)}</td></tr>"
        for _ in range(chance.randint(2, 8))
    )
    head = "<thead><tr><th>Région</th><th>Nombre</th></tr></thead>"
    return f"<table>{head}<tbody>{rows}</tbody></table>"


def test_random_articles_are_laid_out_as_weasyprint_lays_them_out(
    engine: Engine, folder: Path
) -> None:
    """Articles of random blocks, some starting a page, the others flowing from the one
    before: the same PDF. CI lays one document out; make fuzz many, from its seed."""
    for trial in range(20 if FUZZ else 1):
        chance = random.Random(f"{SEED}-{trial}")
        html = page(
            "".join(
                article(
                    "".join(_random_block(chance) for _ in range(chance.randint(2, 10))),
                    f"a{n}",
                    " starts-page" if n == 0 or chance.random() < 0.3 else "",
                )
                for n in range(4)
            )
        )
        said = f"graine {SEED}, essai {trial}"
        assert written(engine, html, folder) == written(engine, html, folder, own=True), said
