"""Laying a document out again after an edit (relayout.py): the pages an incremental
engine makes from its last layout are those a whole layout makes, byte for byte once
written, and what it cannot resume from is laid out whole."""

from __future__ import annotations

import gc
import io
import random
import re
import shutil
import threading
import time
import weakref
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader

from bippdf import copyfit, pipeline, relayout
from bippdf.contract import SOURCE_ATTRIBUTE
from bippdf.render import Engine, Rendered

from .conftest import EXCERPT as ARTICLES
from .conftest import FUZZ, ISSUE_6, SEED, no6_excerpt

pytestmark = pytest.mark.pdf  # every test here lays out PDFs

SENTENCE = (
    " Cette phrase, ajoutée pour l'essai, allonge le paragraphe de quelques lignes, assez"
    " pour que la suite du numéro se déplace et que la table des matières change."
)


@pytest.fixture
def issue(tmp_path: Path) -> Path:
    """A copy of No. 6 with three of its articles."""
    return no6_excerpt(tmp_path)


def render(
    engine: Engine, issue: Path, *, incremental: bool, fit: dict[str, Any] | None = None
) -> Rendered:
    """The issue's web PDF as the engine writes it, its articles flowing from the first
    page start (as a fit sets them, with ``fit``'s other choices), laid out from the
    last layout or whole."""
    composed = pipeline.compose(issue)
    html = composed.composition.html
    first = re.search(r'<article class="article[^"]*" aria-labelledby="([^"]+)"', html)
    assert first is not None
    engine.incremental = incremental
    return engine.render(
        copyfit.apply(html, copyfit.Fit(**{"starts": (first[1],), **(fit or {})})),
        base_url=composed.issue.root,
        language=composed.issue.language,
        variant="web",
        epoch=0,
        files=composed.composition.resources,
    )


def source_of(issue: Path, words: str) -> str:
    """The source of the paragraph saying ``words``, as the composed HTML names it."""
    html = pipeline.compose(issue).composition.html
    found = re.search(rf'<p [^>]*{SOURCE_ATTRIBUTE}="([^"]+)"[^>]*>[^<]*{words}', html)
    assert found is not None, words
    return found[1]


def contents(rendered: Rendered) -> str:
    """The text of the contents' page."""
    return str(PdfReader(io.BytesIO(rendered.pdf)).pages[1].extract_text())


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` of the file with ``new``."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.slow
def test_an_edit_is_laid_out_again_as_a_whole_layout_lays_it_out(issue: Path) -> None:
    """Each edit in turn, from the layout of the one before."""
    articles = issue / "articles"
    edits: list[tuple[str, str, str, str]] = [
        ("un mot", ARTICLES[0], "la traite des personnes se produit", "la traite se produit"),
        ("une phrase", ARTICLES[0], "au Québec[^11].", "au Québec[^11]." + SENTENCE * 6),
        ("un intertitre", ARTICLES[0], "## Proxénétisme\n", "## Proxénétisme!\n"),
        ("une emphase", ARTICLES[0], "Ainsi, la traite peut", "Ainsi, la *traite* peut"),
        # (Wider: its column's width is measured again.)
        ("une cellule", ARTICLES[1], "| 14 ans |", "| quatorze ans révolus, le jour des faits |"),
        # (Its lines stand for the note's element: a note of two paragraphs, below.)
        ("une note", ARTICLES[0], "[^1]: Le protocole", "[^1]: Signé à Palerme, le protocole"),
        ("un point de liste", ARTICLES[2], "- Premier point", "- Tout premier point"),
        # (In the colophon, a box placed at the foot of the last page.)
        ("le colophon", "../issue.toml", "Geneviève Trépanier", "Jean Untel"),
        # (The contents' entry too, whose page number the last layout found.)
        ("un titre", ARTICLES[1], "bien cachée!", "bien cachée…"),
        # (Every block after it on another line: a picture's too, laid out as it was.)
        ("une ligne ajoutée", ARTICLES[0], "## Traite des personnes", "\n## Traite des personnes"),
    ]
    steps: list[tuple[str, list[str], bool]] = [(what, change, False) for what, *change in edits]
    # Then what copyfitting sets (copyfit.apply): a paragraph's spacing, then a word of
    # it kept whole as well.
    steps += [("un espacement", [], False), ("un mot gardé entier", [], True)]
    # A note of two paragraphs and a list: the lines of their first paragraph are an
    # anonymous box, beside a block.
    edit(articles / ARTICLES[0], "/CTOC/>.\n", "/CTOC/>.\n\n    Un second paragraphe.\n\n")
    with (articles / ARTICLES[2]).open("a", encoding="utf-8") as text:
        text.write("\n- Premier point de la liste.\n- Second point, plus long que le premier.\n")
    engine = Engine()
    before = render(engine, issue, incremental=True)
    fit: dict[str, Any] = {}
    for what, change, whole_word in steps:
        if change:
            edit(articles / change[0], change[1], change[2])
        else:
            paragraph = source_of(issue, "Le Canada est considéré")
            fit = {"sets": ((paragraph, 2),)}
            if whole_word:
                fit["whole"] = (("p", paragraph, "Canada", 0),)
        resumed = render(engine, issue, incremental=True, fit=fit)
        remade = engine.remade[-1]
        whole = render(engine, issue, incremental=False, fit=fit)
        assert resumed.pdf == whole.pdf, what
        assert resumed.warnings == whole.warnings, what
        assert resumed.sources == whole.sources, what  # where the check places a problem
        if what == "une ligne ajoutée":  # only the lines the blocks name moved
            assert remade == 0
        else:
            assert 0 < remade < resumed.pages, what  # some pages made again, not all
        if what == "une phrase":  # the pages after it moved, and the contents' numbers
            assert contents(resumed) != contents(before)
        before = resumed


@pytest.mark.slow
def test_a_page_kept_keeps_its_margin_boxes_while_they_hold(
    issue: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """WeasyPrint makes every page's margin boxes (running heads, folio) again at each
    layout; a page kept keeps them, unless what they show changed: the bulletin's title,
    a named string the cover sets, edited, every running head follows."""
    from weasyprint import layout

    made: list[int] = []
    weasyprints = layout.make_margin_boxes

    def counted(context: Any, page: Any, state: Any) -> Any:
        made.append(context.current_page)
        return weasyprints(context, page, state)

    monkeypatch.setattr(layout, "make_margin_boxes", counted)
    engine = Engine()
    render(engine, issue, incremental=True)
    edit(
        issue / "articles" / ARTICLES[0],
        "la traite des personnes se produit",
        "la traite se produit",
    )
    made.clear()
    resumed = render(engine, issue, incremental=True)
    assert 0 < len(made) < resumed.pages  # those of the pages laid out again
    assert resumed.pdf == render(engine, issue, incremental=False).pdf

    title = 'title = "Bulletin d\'information en prévention"'
    edit(issue / "issue.toml", title, title.replace(" en ", " sur la "))
    made.clear()
    resumed = render(engine, issue, incremental=True)
    assert engine.remade[-1] < resumed.pages and len(made) == resumed.pages
    assert resumed.pdf == render(engine, issue, incremental=False).pdf
    heads = PdfReader(io.BytesIO(resumed.pdf)).pages[2].extract_text()
    assert "information sur la prévention Numéro 6" in heads


def test_two_layouts_resumed_at_once_leave_weasyprint_s_functions_in_place() -> None:
    """A layout resumed in another thread while one is under way waits for it: started
    meanwhile, it would save the first one's functions as WeasyPrint's, and put them
    back for good when it ends."""
    from types import SimpleNamespace

    from bippdf import relayout

    own = {
        "make_all_pages": lambda *args: iter(()),
        "initialize_page_maker": lambda *args: None,
        "make_margin_boxes": lambda *args: iter(()),
        "layout_backgrounds": lambda *args: None,
    }
    module = SimpleNamespace(**own)
    entering, first_done = threading.Event(), threading.Event()

    def second() -> None:
        entering.set()
        with relayout._swapped(module, True, lambda *args: iter(()), lambda *args: None):
            first_done.wait(timeout=10)  # it ends after the first

    with relayout._swapped(module, True, lambda *args: iter(()), lambda *args: None):
        elsewhere = threading.Thread(target=second)
        elsewhere.start()
        entering.wait()
        time.sleep(0.2)  # long enough for the other to have swapped, were it not waiting
    first_done.set()
    elsewhere.join()
    assert vars(module) == own


def test_margin_boxes_are_kept_for_the_same_page_in_the_same_state_only() -> None:
    """The page count a folio could show (counter(pages)) is in the page's state; a
    margin box showing an element or a target's page is never kept."""
    from types import SimpleNamespace

    from bippdf.relayout import Margins

    page, other = object(), object()
    folio = SimpleNamespace(
        style={"content": (("counter()", ("page", "decimal")),), "block_ellipsis": "none"}
    )
    folio.descendants = lambda: [folio]
    state = ([0], {"page": [3], "pages": [24]}, [{"page", "pages"}], [])
    margins = Margins(
        pages=[other, other, page], states=[None, None, state], boxes=[(), (), (folio,)]
    )
    assert margins.kept_for(2, page, state, changed=float("inf")) == (folio,)
    assert margins.kept_for(2, other, state, changed=float("inf")) is None
    assert margins.kept_for(2, page, state, changed=3) is None  # its named strings changed
    longer = ([0], {"page": [3], "pages": [28]}, [{"page", "pages"}], [])
    assert margins.kept_for(2, page, longer, changed=float("inf")) is None
    # A clamped line's ellipsis, which WeasyPrint writes into the text as it draws it.
    folio.style = {**folio.style, "block_ellipsis": "auto"}
    assert margins.kept_for(2, page, state, changed=float("inf")) is None
    folio.style = {"content": (("element()", ("note", "first")),), "block_ellipsis": "none"}
    assert margins.kept_for(2, page, state, changed=float("inf")) is None


@pytest.mark.slow
def test_an_article_starting_a_page_or_set_looser_is_laid_out_again_from_the_pages_before(
    issue: Path,
) -> None:
    """Copyfitting's trials change an article's classes (copyfit.apply): it starts a page,
    is set looser, or no longer does either, or one starts a page in another's stead. The
    pages before it are kept, its own laid out anew, and the PDF is the one a whole
    layout writes."""
    engine = Engine()
    html = pipeline.compose(issue).composition.html
    first, second, third = re.findall(
        r'<article class="article[^"]*" aria-labelledby="([^"]+)"', html
    )
    steps: list[tuple[str, dict[str, Any]]] = [
        ("le deuxième commence une page", {"starts": (first, second)}),
        ("le troisième, plus lâche", {"starts": (first, second), "loose": (third,)}),
        ("le deuxième suit le premier", {"loose": (third,)}),
        ("le troisième commence une page", {"starts": (first, third)}),
        # Two at once: the page before each is laid out again, not only before the first.
        ("le deuxième au lieu du troisième", {"starts": (first, second)}),
        ("le deuxième suit le premier, comme le troisième", {}),
    ]
    before = render(engine, issue, incremental=True)
    for what, fit in steps:
        resumed = render(engine, issue, incremental=True, fit=fit)
        remade = engine.remade[-1]
        whole = render(engine, issue, incremental=False, fit=fit)
        assert resumed.pdf == whole.pdf, what
        assert resumed.warnings == whole.warnings, what
        assert resumed.sources == whole.sources, what
        assert resumed.pdf != before.pdf, what  # the classes changed the pages
        # The cover and the contents at least are kept (the contents' page numbers are
        # written in when they move: the first trial moves them).
        assert 0 < remade <= resumed.pages - 2, what
        before = resumed


def test_two_articles_trading_a_page_start_are_laid_out_as_a_whole_layout_lays_them_out(
    tmp_path: Path,
) -> None:
    """One article starts a page in another's stead, with articles between them that do
    not change (as one_more_start's trials follow one another): the page before each
    article changed is laid out again, so the one that no longer starts a page moves up
    onto it. No. 6 whole: its third article in the stead of its ninth."""
    issue = Path(shutil.copytree(ISSUE_6, tmp_path / ISSUE_6.name))
    html = pipeline.compose(issue).composition.html
    ids = re.findall(r'<article class="article[^"]*" aria-labelledby="([^"]+)"', html)
    engine = Engine()
    render(engine, issue, incremental=True, fit={"starts": (ids[0], ids[8])})
    fit = {"starts": (ids[0], ids[2])}
    resumed = render(engine, issue, incremental=True, fit=fit)
    assert 0 < engine.remade[-1] < resumed.pages
    whole = render(engine, issue, incremental=False, fit=fit)
    assert resumed.pages == whole.pages
    assert resumed.pdf == whole.pdf


def test_a_page_remade_is_let_go_of_as_soon_as_it_is(issue: Path) -> None:
    """Laying out again from the last layout lets go of each page it remakes as it goes,
    whatever Python's collector of cycles does meanwhile: once the pages are made, those
    remade are freed and those kept are not (No. 6 × 16 would hold two layouts at the
    end of a trial that remakes most of it)."""
    html = pipeline.compose(issue).composition.html
    first, second, _ = re.findall(r'<article class="article[^"]*" aria-labelledby="([^"]+)"', html)
    engine = Engine(incremental=True)
    root, files = issue, pipeline.compose(issue).composition.resources

    def trial(starts: tuple[str, ...]) -> None:
        fitted = copyfit.apply(html, copyfit.Fit(starts=starts))
        engine.lay_out(fitted, base_url=root, files=files, variant="web")

    trial((first,))
    (before,) = engine._layouts.values()
    old = [weakref.ref(page) for page, _, _ in before.pages]
    del before
    alive: list[bool] = []
    paginate = relayout._paginate

    def paginated(*args: Any, **keywords: Any) -> relayout.Layout:
        laid_out = paginate(*args, **keywords)
        alive.extend(page() is not None for page in old)
        return laid_out

    gc.disable()
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(relayout, "_paginate", paginated)
            trial((first, second))
    finally:
        gc.enable()
    (after,) = engine._layouts.values()
    remade = {index for index in after.remade if index < len(old)}
    assert 0 < len(remade) < len(old)
    assert [index for index, kept in enumerate(alive) if not kept] == sorted(remade)


@pytest.mark.slow
def test_what_cannot_be_resumed_from_is_laid_out_whole(issue: Path) -> None:
    """The text set tighter (a class of the document), a subhead reworded (its entry in
    the contents, whose page number the last layout found, names another id), a picture
    replaced under the same name, notes at the foot of the page: every page laid out,
    as a whole layout does."""
    engine = Engine()
    render(engine, issue, incremental=True)
    resumed = render(engine, issue, incremental=True, fit={"tight": True})
    assert engine.remade[-1] == resumed.pages
    render(engine, issue, incremental=True)  # what the next edit starts from

    edit(issue / "articles" / ARTICLES[0], "## Proxénétisme\n", "## Le proxénétisme\n")
    resumed = render(engine, issue, incremental=True)
    assert engine.remade[-1] == resumed.pages

    picture = issue / "images" / "proxenetisme.jpg"
    Image.new("RGB", (300, 200), "darkred").save(picture)  # the same name, another picture
    resumed = render(engine, issue, incremental=True)
    assert engine.remade[-1] == resumed.pages
    assert resumed.pdf == render(engine, issue, incremental=False).pdf

    edit(issue / "issue.toml", 'language = "fr-CA"\n', 'language = "fr-CA"\nnotes = "page"\n')
    render(engine, issue, incremental=True)
    edit(issue / "articles" / ARTICLES[0], "la traite des personnes", "la traite")
    resumed = render(engine, issue, incremental=True)
    assert engine.remade[-1] == resumed.pages  # notes at the foot of the page: whole
    assert resumed.pdf == render(engine, issue, incremental=False).pdf


def test_a_style_changed_with_no_attribute_changed_is_laid_out_whole(tmp_path: Path) -> None:
    """A rule of the document's own stylesheet changes the pages, not the elements' tags
    or attributes: the styles of the boxes are compared too."""
    page = (
        '<html lang="fr-CA"><head><style>.b {{ font-size: {}pt }}</style></head>'
        '<body><div class="b"><p>{}</p></div></body></html>'
    )
    engine = Engine(incremental=True)
    engine.lay_out(page.format(10, "Texte courant. " * 300), base_url=tmp_path)
    document = engine.lay_out(page.format(14, "Texte courant. " * 300), base_url=tmp_path)
    assert engine.remade[-1] == len(document.pages) > 1


@pytest.mark.slow
def test_a_cell_edited_lays_out_again_every_page_of_its_table(tmp_path: Path) -> None:
    """A table's columns are as wide as its widest cells: a cell made wider moves the
    columns on every page the table spans, not only on the page showing the cell."""

    def page(cell: str) -> str:
        rows = "".join(
            f"<tr><td>{cell if n == 1 else f'r{n}'}</td><td>valeur {n}</td></tr>"
            for n in range(120)
        )
        return (
            '<html lang="fr-CA"><body><p>Avant.</p><table><thead><tr><th>A</th><th>B</th>'
            f"</tr></thead><tbody>{rows}</tbody></table><p>Après.</p></body></html>"
        )

    engine = Engine(incremental=True)
    engine.lay_out(page("x"), base_url=tmp_path)
    resumed = engine.lay_out(page("une cellule bien plus large"), base_url=tmp_path)
    assert 1 < len(resumed.pages) == engine.remade[-1]
    whole = Engine().lay_out(page("une cellule bien plus large"), base_url=tmp_path)
    assert resumed.write_pdf() == whole.write_pdf()


# A word of the running text: letters only, not in an address or a note's call.
_WORD = re.compile(r"(?<![\w&#/.:@\[^-])[a-zàâçéèêëîïôûùüÿœ]{4,}(?![\w/.:@-])")
_REPLACEMENTS = ["la", "prévention", "communautaire", "d'intervention", "sécurité", ""]


@pytest.mark.slow
def test_random_edits_are_laid_out_again_as_a_whole_layout_lays_them_out(
    tmp_path: Path,
) -> None:
    """A word replaced or taken out, or a sentence added, anywhere in the articles'
    text (paragraphs, subheads, quotes, lists, cells, notes), one after the other."""
    chance = random.Random(SEED)
    issue = no6_excerpt(tmp_path)
    engine = Engine()
    render(engine, issue, incremental=True)
    # In CI, one edit, always the same; ``make fuzz`` makes forty from the seed it prints.
    for step in range(40 if FUZZ else 1):
        path = chance.choice(sorted((issue / "articles").glob("*.md")))
        lines = path.read_text(encoding="utf-8").split("\n")
        body = lines.index("+++", 1) + 1  # after the front matter
        line = chance.choice([n for n in range(body, len(lines)) if _WORD.search(lines[n])])
        word = chance.choice(list(_WORD.finditer(lines[line])))
        new = chance.choice([*_REPLACEMENTS, word[0] + SENTENCE])
        lines[line] = lines[line][: word.start()] + new + lines[line][word.end() :]
        path.write_text("\n".join(lines), encoding="utf-8")
        resumed = render(engine, issue, incremental=True)
        whole = render(engine, issue, incremental=False)
        said = f"graine {SEED}, essai {step}: {path.name}:{line + 1}, « {word[0]} » → « {new} »"
        assert resumed.pdf == whole.pdf, said
        assert resumed.sources == whole.sources, said


def test_a_layout_in_another_thread_meanwhile_goes_through_weasyprint_s_own_functions() -> None:
    """WeasyPrint's functions are swapped in its module while a layout is resumed: a
    layout another thread makes then (watch builds in its own thread) is not resumed,
    nor are its margin boxes kept."""
    from types import SimpleNamespace

    from bippdf import relayout

    calls: list[str] = []
    module = SimpleNamespace(
        make_all_pages=lambda *args: iter(calls.append("weasyprint") or ()),
        initialize_page_maker=lambda *args: calls.append("anew"),
        make_margin_boxes=lambda *args: iter(calls.append("margins") or ()),
        layout_backgrounds=lambda *args: calls.append("backgrounds"),
    )
    resumed = lambda *args: iter(calls.append("resumed") or ())  # noqa: E731
    page = object()

    def kept(*args: Any) -> tuple[Any, ...]:
        calls.append("margins kept")
        return ("box",)

    def lay_out_a_page() -> None:
        list(module.make_all_pages(None, None, None, []))
        module.initialize_page_maker(None, None)
        assert list(module.make_margin_boxes(None, page, None)) in ([], ["box"])
        module.layout_backgrounds(page, None)

    with relayout._swapped(module, True, resumed, kept):
        lay_out_a_page()
        elsewhere = threading.Thread(target=lay_out_a_page)
        elsewhere.start()
        elsewhere.join()
    assert calls == [
        *("resumed", "margins kept"),  # no page maker made anew, no backgrounds laid out
        *("weasyprint", "anew", "margins", "backgrounds"),
    ]
