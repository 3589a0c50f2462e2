"""Copyfitting: how each paragraph is set, which articles start a page, how tight the
text is set, and which words are kept whole.

First the paragraphs: each that justifies badly is set in the spacing it reads best
in (justification.py: the paragraphs read in one column as their columns set them,
then those that read badly tried in every spacing).

An article follows the previous one on its page when its header (title, bylines,
lead: never split) and at least ``MIN_LINES`` lines of each column fit below it;
otherwise it starts the next page (the first article always does). The rule is
applied on trial layouts until it holds (an article moved to a new page moves the
ones after it).

Then the page count: the print PDF is stitched in fours, and blank pages before the
back cover are the worst use of paper. Candidates are laid out (the text set at its
usual spacing or slightly tighter, within ``TIGHTER``'s bounds; one more article
starting a page, where the page it leaves is at least half full) and the best kept by
``score``: fewest blank pages added for the binding, then the usual spacing, then
fewest pages.

Last, the hyphens: a word the kept layout breaks at a column or page turn, before a
paragraph's last line or third in a row is kept whole, and the layout made again (at
most ``POLISH`` times, never at the cost of a page: hyphenation.py).

The composed HTML, before a fit, has every article start a page (what it is laid
out as when no fit is made, as by the tests of the checks). A fit costs a few
layouts: it is kept in ``build/.cache/copyfit/``, keyed by the composed HTML and the
stylesheets, so that a build of unchanged sources lays out once; it is written with
the build's files, never by a build that fails.

Each issue's last fit is kept there too (``last``), and recorded beside the issue's
``issue.toml`` in ``mise-en-page.json`` (``RECORD``), to be versioned with its sources.
After an edit, or in a new build folder (a fresh checkout, another machine), it is laid
out first: when the rules still hold with it and it needs no blank page, that one
layout (and the words to keep whole) is the whole fit, and the pages the editors have
seen do not move, on any machine. Such a fit can differ from one made from scratch for
the same sources, which an issue without a record and a new build folder gets.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from . import hyphenation, justification, linebreaking, lines
from .check.fill import HALF  # a page an article leaves must be at least this full
from .contract import ANNEXE_ID, SOURCE_ATTRIBUTE
from .errors import BippdfError
from .files import write_file
from .forked import side_by_side
from .hyphenation import Place
from .justification import Choice
from .resources import RECORD as RECORD  # the record's name, with what writes it
from .resources import record_of

MIN_LINES = 4  # lines of each column under an article's header, or it starts a page
LINE = 9.75 * 1.5 * 4 / 3  # CSS px: the pitch of running text (bulletin.css: 9.75pt/1.5)
PAD_TO = 4  # pages of a saddle-stitched copy
MAX_LAYOUTS = 7  # trials asked for, after which no other page start is tried (one_more_start)
POLISH = 3  # layouts at most to keep whole the words the chosen fit breaks badly
SETTLE = 2  # rounds of the page-start rule
TIGHTER = "fit-tight"  # the class of <html> setting the text tighter (bulletin.css)
LOOSER = "fit-loose"  # the class of an article set looser (bulletin.css)

_ARTICLE = re.compile(r'<article class="article( [^"]*)?" aria-labelledby="([^"]+)"')
_HTML = re.compile(r"<html\b([^>]*)>")


_T = TypeVar("_T")
_Measured = tuple["Fit", dict[str, float], dict[str, float]]
# What a trial's layout measures (``measure_layout``): the fit it gives, the room and lines under
# each article's header, the articles ending on a page under half full, the words broken
# badly.
Record = tuple["Fit", dict[str, float], dict[str, float], list[str], set[Place]]


class Beside(Protocol):
    """A process laying out trials beside this one, from its last layout where it can
    (pipeline.Lane): the trials' own variant, with the same stylesheets."""

    html: str  # the HTML last sent to it ("": none; a value overtaken is never laid out)

    def restart(self, html: str | None) -> None:
        """Lay out this HTML, without waiting (None: stop)."""

    def measure(self, html: str, trial: Fit) -> Record:
        """What the layout of this HTML, the last sent, the trial's, measures
        (``measure_layout``), once made."""


@dataclass(frozen=True)
class Fit:
    """What copyfitting chose, and what it measured of the result."""

    starts: tuple[str, ...]  # ids of the articles that start a page, in order
    tight: bool = False  # the text set tighter
    pages: int = 0  # of the fitted layout (either PDF's count; print adds its padding)
    padding: int = 0  # blank pages the print PDF still needs
    layouts: int = 0  # trial layouts it took (0: from the cache)
    underfull: int = 0  # pages of articles under half full (but the last)
    loose: tuple[str, ...] = ()  # ids of the articles set looser, to fill the page they end on
    sets: tuple[Choice, ...] = ()  # paragraphs set in another spacing (justification.py)
    whole: tuple[Place, ...] = ()  # words kept whole where their break fell badly
    # The text of each element ``sets`` and ``whole`` name (its source, a digest): after
    # an edit, they name by their text the elements a line added above has moved.
    texts: tuple[tuple[str, str], ...] = ()
    hinted: bool = False  # the hint's choices, which held (a fit from scratch may differ)


def apply(html: str, fit: Fit) -> str:
    """The composed HTML with the fit written in: classes on the articles that start
    a page or are set looser, and on <html> when the text is set tighter; each
    paragraph's spacing, and the words kept whole."""
    return _applied(html, fit.starts, fit.loose, fit.tight, fit.sets, fit.whole)


# The last trial's HTML is asked for again with the fit it gives (which also says what
# it measured): written once.
@functools.lru_cache(maxsize=2)
def _applied(
    html: str,
    starts: tuple[str, ...],
    loose: tuple[str, ...],
    tight: bool,
    sets: tuple[Choice, ...],
    whole: tuple[Place, ...],
) -> str:
    """``apply``, from the fit's choices."""

    def article(match: re.Match[str]) -> str:
        classes = (match[1] or "").replace(" starts-page", "").replace(f" {LOOSER}", "")
        if match[2] in starts:
            classes += " starts-page"
        if match[2] in loose:
            classes += f" {LOOSER}"
        return f'<article class="article{classes}" aria-labelledby="{match[2]}"'

    html = _ARTICLE.sub(article, html)
    if tight:
        html = _HTML.sub(lambda m: f'<html class="{TIGHTER}"{m[1]}>', html, count=1)
    return hyphenation.written(justification.written(html, sets), whole)


def fit(
    html: str,
    layout: Callable[[str], Any],
    cache: Path | None,
    key: str = "",
    hint: Fit | None = None,
    cores: int = 1,
    release: Callable[[], None] | None = None,
    ahead: Callable[[str | None], None] | None = None,
    recorded: bool = False,
    beside: Beside | None = None,
) -> Fit:
    """The best fit of the composed HTML, by trial layouts (``layout(html)`` returns a
    laid-out WeasyPrint document), or the one kept for the same HTML and ``key`` (what
    else the layout depends on: the stylesheets) in this process or in ``cache``.
    ``hint``, the fit of the issue's previous version (``watch``), is tried first: if
    the rules still hold with it and it needs no blank page, one layout suffices. A hint
    ``recorded`` with the issue (``hint``) is tried rather than a kept fit that chose
    otherwise: the record is what the editors saw, wherever it was made. With
    ``cores`` above one, trials are laid out side by side where they can be;
    ``release`` lets go of the pages ``layout`` keeps before processes are forked.
    ``ahead`` is told the HTML of each trial laid out alone before it is laid out, the
    last of which most often is the fit's (what a core left idle can lay out meanwhile):
    the hint's, and the trials after it; None when the hint does not hold, while a fit
    from scratch lays out trials side by side on every core; then again the HTML of each
    trial it lays out alone after them (page starts, a looser article, words kept whole).
    ``beside`` lays out trials of the same variant in another process that keeps its last
    layout: the second of two trials laid out side by side (the text set tighter), and
    each trial after it that can be laid out from that process's last pages and not from
    this one's (so that when the tighter set is chosen, its words kept whole are laid out
    from its pages, not whole)."""
    digest = digest_of(html, key)
    kept = _MEMORY.get(digest) or _read(cache, digest)
    if kept is not None and not (recorded and hint is not None and _chose(hint) != _chose(kept)):
        return kept
    trials = _Trials(html, layout, cores, release, ahead, beside)
    articles = _article_ids(html)
    if not articles:
        return Fit(starts=())
    if hint is not None and set(hint.starts) <= set(articles):
        hint = _moved(hint, html)
        trials.sets = hint.sets
        trials.guessing = True
        trial, _, under = trials.measure(hint.starts, hint.tight, hint.whole, hint.loose)
        if (
            not _cramped(articles, hint.starts, under)
            and trial.padding == 0
            and trial.underfull <= hint.underfull
            and (articles[0] in hint.starts)
        ):
            fitted = Fit(**{**asdict(trials.polish(trial)), "layouts": trials.count})
            return dataclasses.replace(_named(fitted, html), hinted=True)
        trials.stop_guessing()
    trials.choose_sets(articles[0])
    usual, tighter = (trials.trial((articles[0],), tight) for tight in (False, True))
    if cores > 1 and not trials.measured(usual):
        # The text set tighter is often tried too: meanwhile, on another core. (Not when
        # the first trial is the usual set already: then it is laid out only if needed.)
        trials.lay_out([usual, tighter])
        trials.ready_beside(tighter, usual, articles)
    # The trials from here on are laid out one at a time: a core would be left idle.
    trials.guessing = True
    best, rooms = trials.settle(articles, tight=False)
    if best.padding or best.underfull:  # a tighter set may save a page, or fill one
        tight, tight_rooms = trials.settle(articles, tight=True)
        if score(tight) < score(best):
            best, rooms = tight, tight_rooms
    if best.padding:
        more = trials.one_more_start(best, rooms)
        if more is not None and score(more) < score(best):
            best = more
    fitted = trials.polish(trials.loosen(best))
    return _named(Fit(**{**asdict(fitted), "layouts": trials.count}), html)


_OPENING = re.compile(rf'<(\w+)\b[^>]*\b{SOURCE_ATTRIBUTE}="([^"]+)"[^>]*>')
_NAMES = re.compile(rf'\s(?:id|{SOURCE_ATTRIBUTE})="[^"]*"')


def _chose(fit: Fit) -> tuple[Any, ...]:
    """What a fit chose."""
    return fit.starts, fit.tight, fit.loose, fit.sets, fit.whole


def _texts(html: str) -> dict[str, str]:
    """Each element's source, and a digest of its HTML to its first closing tag but for
    ids and sources (what it says, wherever its line now is)."""
    texts = {}
    for opening in _OPENING.finditer(html):
        end = html.find(f"</{opening[1]}>", opening.end())
        element = _NAMES.sub("", html[opening.start() : end])
        texts[opening[2]] = hashlib.sha256(element.encode()).hexdigest()[:16]
    return texts


def _named(fit: Fit, html: str) -> Fit:
    """The fit with the text of each element its choices name (``Fit.texts``)."""
    named = {source for source, _ in fit.sets} | {place[1] for place in fit.whole}
    texts = _texts(html)
    return dataclasses.replace(
        fit, texts=tuple(sorted((source, texts[source]) for source in named if source in texts))
    )


def _moved(hint: Fit, html: str) -> Fit:
    """The hint's choices, each given to the element of ``html`` that has its element's
    text: on the same line, else the one element with that text (a line added above
    moves its source), else the element now on its line (edited where it stands),
    unless another's choices moved there; dropped otherwise."""
    texts = _texts(html)
    found: dict[str, list[str]] = {}
    for source, text in texts.items():
        found.setdefault(text, []).append(source)
    now = {}
    for source, text in hint.texts:
        if texts.get(source) == text:
            now[source] = source
        elif len(found.get(text, ())) == 1:
            now[source] = found[text][0]
    taken = set(now.values())
    for source, _ in hint.texts:
        if source not in now and source in texts and source not in taken:
            now[source] = source  # edited where it stands: its choices kept, as they were
    return dataclasses.replace(
        hint,
        sets=tuple((now[source], spacing) for source, spacing in hint.sets if source in now),
        whole=tuple(
            (tag, now[source], word, n) for tag, source, word, n in hint.whole if source in now
        ),
        texts=tuple((now[source], text) for source, text in hint.texts if source in now),
    )


def resumable(before: str, after: str) -> bool:
    """Whether two trials differ only in what a layout of ``after`` may start from one of
    ``before`` for (relayout.py): the articles starting a page or set looser, their
    paragraphs' spacings and words kept whole; not the text set tighter, which changes
    every page."""
    return _shape(before) == _shape(after)


def _shape(html: str) -> tuple[str, list[str]]:
    """The opening tag of <html> (the text set tighter) and the articles' ids."""
    opening = _HTML.search(html)
    return (opening[0] if opening else "", _article_ids(html))


def _article_ids(html: str) -> list[str]:
    """The ids of the composed HTML's articles, in order."""
    return [match[2] for match in _ARTICLE.finditer(html)]


def digest_of(html: str, key: str = "") -> str:
    """What a fit is kept under: the composed HTML, what else its layout depends on, and
    the code that fits (a fit kept by another version of it is not this one's)."""
    return hashlib.sha256(f"{_code()}\n{key}\n{html}".encode()).hexdigest()


@functools.cache
def _code() -> str:
    """The digest of the modules that make a fit."""
    digest = hashlib.sha256()
    for module in (hyphenation, justification, lines, sys.modules[__name__]):
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.hexdigest()


def score(fit: Fit) -> tuple[int, int, bool, int]:
    """Lower is better: blank pages for the binding, pages of articles under half full,
    then tighter text, then pages."""
    return (fit.padding, fit.underfull, fit.tight, fit.pages)


class _Trials:
    """Trial layouts of one composed HTML, counted, and the words each breaks where
    the hyphenation rules forbid (hyphenation.py). With ``cores`` above one, trials
    known to be needed together are laid out side by side, in forked processes that
    send back what each measured; with ``beside``, some in the process it names, which
    keeps its last layout (``fit``)."""

    def __init__(
        self,
        html: str,
        layout: Callable[[str], Any],
        cores: int = 1,
        release: Callable[[], None] | None = None,
        ahead: Callable[[str | None], None] | None = None,
        beside: Beside | None = None,
    ) -> None:
        self.html = html
        self._layout = layout
        self.cores = cores
        self._release = release
        self._ahead = ahead
        self._beside = beside
        self._here = ""  # the HTML of this process's last trial layout ("": none kept)
        self.guessing = False  # whether ``ahead`` is told of each trial laid out alone
        self.count = 0  # layouts made (the fit's figure)
        # Trials asked for, the paragraphs' as one: the budget of one_more_start. Not
        # ``count``, which trials laid out ahead on another core make larger: the fit
        # must not depend on how many cores the machine has.
        self.asked = 0
        self._asked: set[Fit] = set()
        self.faults: dict[Fit, set[Place]] = {}
        self.ending: dict[Fit, list[str]] = {}  # the articles ending on a page under half full
        self.sets: tuple[Choice, ...] = ()
        self._measured: dict[Fit, _Measured] = {}  # by what was laid out

    def choose_sets(self, first: str) -> None:
        """Each paragraph's spacing, from the lines the paragraphs have where only the
        first article starts a page (laid out with each article's body in one column of
        its columns' width, side by side: justification.apart), and a trial of those
        that read badly in it."""
        laid_out = Fit(starts=(first,))
        html = apply(self.html, laid_out)
        self._ask(laid_out)  # the trial these layouts stand for, in one_more_start's budget
        documents = self._read(justification.apart(html, self.cores))
        read = [paragraph for document in documents for paragraph in document]
        self.sets = justification.choose(html, read, self._paragraphs_of, self.cores)

    def _paragraphs_of(self, trials: list[str]) -> list[list[lines.Paragraph]]:
        """The paragraphs of each trial document as laid out, side by side: one trial
        asked for."""
        self.asked += 1
        return self._read(trials)

    def _read(self, documents: list[str]) -> list[list[lines.Paragraph]]:
        """The paragraphs of each document as laid out, side by side."""
        self.count += len(documents)
        self._here = ""
        works = [functools.partial(_paragraphs, self._layout, html) for html in documents]
        return self._side_by_side(works)

    def trial(
        self,
        starts: tuple[str, ...],
        tight: bool,
        whole: tuple[Place, ...] = (),
        loose: tuple[str, ...] = (),
    ) -> Fit:
        """What a trial lays out: these page starts, words kept whole and articles set
        looser, with the paragraphs' spacings chosen."""
        return Fit(starts, tight, sets=self.sets, whole=whole, loose=loose)

    def measure(
        self,
        starts: tuple[str, ...],
        tight: bool,
        whole: tuple[Place, ...] = (),
        loose: tuple[str, ...] = (),
    ) -> _Measured:
        """Lay out a trial (``trial``); the fit, the room left where each article begins
        (a share of the text block; 1 for one that starts a page), and how many lines of
        running text fit under its header."""
        laid_out = self.trial(starts, tight, whole, loose)
        self._ask(laid_out)
        self.lay_out([laid_out])
        return self._measured[laid_out]

    def _ask(self, trial: Fit) -> None:
        """Count a trial asked for, once (whether laid out ahead or now)."""
        if trial not in self._asked:
            self._asked.add(trial)
            self.asked += 1

    def measured(self, trial: Fit) -> bool:
        """Whether this trial was laid out already."""
        return trial in self._measured

    def lay_out(self, trials: list[Fit]) -> None:
        """Lay out the trials not laid out yet, side by side, and keep what each measures
        for the same trial asked again."""
        new = [trial for trial in dict.fromkeys(trials) if trial not in self._measured]
        if len(new) == 1 and self.guessing and self._ahead is not None:
            self._ahead(apply(self.html, new[0]))
        self.count += len(new)
        there = self._beside_of(new)
        if there is not None and self._beside is not None:
            if len(new) > 1 and self._release is not None:
                self._release()  # before the process beside is forked
            self._beside.restart(apply(self.html, there))
        here = [trial for trial in new if trial != there]
        works = [functools.partial(self._record, trial) for trial in here]
        for trial, record in zip(here, self._side_by_side(works), strict=True):
            self._keep(trial, record)
        if len(here) == 1:
            self._here = apply(self.html, here[0])
        elif here:
            self._here = ""  # some laid out in processes of their own
        if there is not None:
            self._keep(there, self._measured_beside(there))

    def _beside_of(self, new: list[Fit]) -> Fit | None:
        """The trial the process beside lays out, if any: the second of two side by side;
        a trial alone that can be laid out from its last layout, not from this one's."""
        if self._beside is None or self.cores < 2:
            return None
        if len(new) == 2:
            return new[1]
        if len(new) == 1:
            html = apply(self.html, new[0])
            if resumable(self._beside.html, html) and not resumable(self._here, html):
                return new[0]
        return None

    def _measured_beside(self, trial: Fit) -> Record:
        """What the process beside measured of a trial; laid out here if that failed (its
        error raised as it is: not every error can be sent back)."""
        assert self._beside is not None
        html = apply(self.html, trial)
        try:
            return self._beside.measure(html, trial)
        except Exception:
            self._beside.restart(None)  # (a process that failed once is not asked again)
            self._here = html
            return self._record(trial)

    def _side_by_side(self, works: Sequence[Callable[[], _T]]) -> list[_T]:
        """The works' results, side by side; the pages kept by an earlier layout let go
        first, which forked processes would otherwise each copy as they drop them."""
        if len(works) > 1 and self.cores > 1 and self._release is not None:
            self._release()
        results = []
        # The lines broken in the forked processes come back: the trials after ask many.
        for result, answers in side_by_side(
            list(map(linebreaking.brought_back, works)), self.cores
        ):
            linebreaking.learn(answers)
            results.append(result)
        return results

    def stop_guessing(self) -> None:
        """The hint does not hold: tell ``ahead`` no more (a fit from scratch follows)."""
        self.guessing = False
        if self._ahead is not None:
            self._ahead(None)

    def _record(self, laid_out: Fit) -> Record:
        """What the layout of a trial measures (possibly in a forked process)."""
        return measure_layout(laid_out, self._layout(apply(self.html, laid_out)))

    def _keep(self, laid_out: Fit, record: Record) -> None:
        """What a layout measured, kept by what was laid out."""
        trial, rooms, under, ending, faults = record
        self.ending[trial] = ending
        self.faults[trial] = faults
        self._measured[laid_out] = (trial, rooms, under)

    def loosen(self, best: Fit) -> Fit:
        """With a page of articles under half full, the fit where the article that ends
        on it is set looser (``LOOSER``), if that fills it at no other cost."""
        trial = self._looser(best)
        if trial is None:
            return best
        looser, _, _ = self.measure(trial.starts, trial.tight, trial.whole, trial.loose)
        return looser if score(looser) < score(best) else best

    def _looser(self, best: Fit) -> Fit | None:
        """The trial ``loosen`` lays out, if any: the articles ending on a page under half
        full set looser."""
        if not self.ending.get(best):
            return None
        loose = tuple(dict.fromkeys((*best.loose, *self.ending[best])))
        return self.trial(best.starts, best.tight, best.whole, loose)

    def _kept_whole(self, best: Fit) -> Fit | None:
        """The trial ``polish`` lays out next, if any: the words the layout of ``best``
        broke badly kept whole (none if it broke none, or none that could be found)."""
        found = self.faults[best]
        whole = tuple(sorted({*best.whole, *found}))
        if not found or whole == best.whole:  # (a word that could not be found in the HTML)
            return None
        return self.trial(best.starts, best.tight, whole, best.loose)

    def ready_beside(self, laid_out: Fit, rather: Fit, articles: list[str]) -> None:
        """If the process beside laid out this trial, its page starts hold and it scores
        better than ``rather``, laid out with it (the text set tighter and the usual set,
        which is settled here meanwhile): the trial asked for next should it be chosen
        (set looser, else its words kept whole) laid out there, while this process lays out
        others, to be ready if it is asked for. (Not otherwise: a trial laid out for
        nothing would slow this process down, on a machine whose cores share their
        resources.)"""
        if self._beside is None or self._beside.html != apply(self.html, laid_out):
            return
        best, _, under = self._measured[laid_out]
        likelier = score(best) < score(self._measured[rather][0])
        if _cramped(articles, best.starts, under) or not likelier:
            return  # other page starts come first, or the other trial is likelier
        following = self._looser(best) or self._kept_whole(best)
        if following is not None:
            self._beside.restart(apply(self.html, following))

    def polish(self, best: Fit) -> Fit:
        """The chosen fit laid out again, at most ``POLISH`` times, with the words its
        layout broke badly kept whole, until it breaks none (a word kept whole may move
        the breaks after it). A polish that would cost a page is not kept."""
        for _ in range(POLISH):
            trial = self._kept_whole(best)
            if trial is None:
                break
            polished, _, _ = self.measure(trial.starts, trial.tight, trial.whole, trial.loose)
            if polished.pages > best.pages:
                break
            best = polished
        return best

    def settle(self, articles: list[str], *, tight: bool) -> tuple[Fit, dict[str, float]]:
        """The first article starts a page; so does any other with fewer than
        ``MIN_LINES`` lines under its header: all those of a trial at once, then again
        on the new trial (moving one moves those after it), at most ``SETTLE`` times."""
        starts: tuple[str, ...] = (articles[0],)
        for _ in range(SETTLE):
            trial, rooms, under = self.measure(starts, tight)
            cramped = _cramped(articles, starts, under)
            if not cramped:
                break
            starts = tuple(name for name in articles if name in {*starts, *cramped})
        else:
            trial, rooms, _ = self.measure(starts, tight)
        return trial, rooms

    def one_more_start(self, best: Fit, rooms: dict[str, float]) -> Fit | None:
        """With blank pages left to add, the fit where one more article starts a page:
        of those whose previous page would stay at least half full, the best."""
        found = None
        candidates = sorted(
            (room, name) for name, room in rooms.items() if name not in best.starts and room <= HALF
        )
        for _, name in candidates:
            if self.asked >= MAX_LAYOUTS:
                break
            starts = tuple(sorted({*best.starts, name}, key=list(rooms).index))
            trial, _, _ = self.measure(starts, best.tight)
            if found is None or score(trial) < score(found):
                found = trial
            if trial.padding == 0:
                break
        return found


def _cramped(articles: list[str], starts: tuple[str, ...], under: dict[str, float]) -> set[str]:
    """The articles that follow another on its page with fewer than ``MIN_LINES`` lines
    under their header."""
    return {name for name in articles if name not in starts and under.get(name, 99) < MIN_LINES}


def measure_layout(laid_out: Fit, document: Any) -> Record:
    """The fit a layout gives, the room and lines under each article's header, the
    articles ending on a page under half full, and the words broken badly."""
    rooms, under, underfull = _measure(document)
    pages = len(document.pages)
    trial = dataclasses.replace(
        laid_out, pages=pages, padding=-pages % PAD_TO, underfull=len(underfull)
    )
    return trial, rooms, under, underfull, hyphenation.faults(document)


def _paragraphs(layout: Callable[[str], Any], html: str) -> list[lines.Paragraph]:
    """The paragraphs of a trial document as laid out."""
    return list(lines.paragraphs(layout(html)))


def _measure(document: Any) -> tuple[dict[str, float], dict[str, float], list[str]]:
    """In one walk of the pages: where each article begins (the share of its page's
    text block left below its header's top), the lines of running text that fit under
    its header, and the articles that end on a page of articles (from the first
    article's to the one before the Annexe or the back cover, but the last) filled
    down to less than ``HALF`` of its text block."""
    rooms: dict[str, float] = {}
    under: dict[str, float] = {}
    fills: list[tuple[float, str] | None] = []  # None: before the articles or after them
    started = ended = False
    article = ""
    for page in document.pages:
        box = page._page_box
        top, height = box.content_box_y(), box.height
        bottom, lowest = top + height, top
        for child in _descendants(box, skip="MarginBox"):  # not the running heads
            element = getattr(child, "element", None)
            if element is not None and element.get("id") == ANNEXE_ID:
                ended = True
            if child.element_tag == "article" and element is not None:
                started = True
                article = element.get("aria-labelledby") or article
            # Where the article's header is (it never breaks: bulletin.css), not where
            # its box begins: a header that did not fit went to the next page.
            header = element is not None and "article-header" in (element.get("class") or "")
            if header and article and article not in rooms:
                rooms[article] = round((bottom - child.position_y) / height, 3)
                below = bottom - child.position_y - child.margin_height()
                under[article] = round(below / LINE, 1)
            if type(child).__name__ in ("LineBox", "InlineReplacedBox", "BlockReplacedBox"):
                lowest = max(lowest, child.position_y + child.margin_height())
        fills.append(((lowest - top) / height, article) if started and not ended else None)
    body = [fill for fill in fills[:-1] if fill is not None]
    return rooms, under, [name for fill, name in body[:-1] if fill < HALF]


def _descendants(box: Any, skip: str = "") -> Any:
    """Every box under a box, depth first (but those of the type named ``skip``)."""
    for child in getattr(box, "children", None) or ():
        if type(child).__name__ == skip:
            continue
        yield child
        yield from _descendants(child, skip)


def _read(cache: Path | None, digest: str) -> Fit | None:
    """The fit kept for this HTML, if any."""
    return None if cache is None else _load(cache / f"{digest}.json")


def _load(path: Path, code: str | None = None) -> Fit | None:
    """A fit written by ``keep``; none if the file is missing, cannot be read as one, or
    does not say it was written by ``code`` (when given: a file whose name does not)."""
    return _parsed(_file_text(path), code)


def _parsed(text: str | None, code: str | None = None) -> Fit | None:
    """``_load``, from the file's text (None: no file)."""
    if text is None:
        return None
    try:
        data = json.loads(text)
        if code is not None and data.get("code") != code:
            return None
        return Fit(
            starts=_strings(data["starts"]),
            tight=_exactly(bool, data["tight"]),
            pages=_exactly(int, data["pages"]),
            padding=_exactly(int, data["padding"]),
            underfull=_exactly(int, data.get("underfull", 0)),
            loose=_strings(data.get("loose", [])),
            sets=tuple(_choice(item) for item in _exactly(list, data.get("sets", []))),
            whole=tuple(_place(item) for item in _exactly(list, data.get("whole", []))),
            texts=tuple(_text(item) for item in _exactly(list, data.get("texts", []))),
            hinted=_exactly(bool, data.get("hinted", False)),
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def _exactly(kind: type[_T], value: Any) -> _T:
    """``value``, if it is of this kind (a file edited by hand may hold anything)."""
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise TypeError(kind)
    return value


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(_exactly(str, item) for item in _exactly(list, value))


def _choice(value: Any) -> Choice:
    source, spacing = _exactly(list, value)
    if not 1 <= _exactly(int, spacing) <= justification.VARIANTS:
        raise ValueError(spacing)  # a spacing bulletin.css does not have (another version's)
    return _exactly(str, source), spacing


def _text(value: Any) -> tuple[str, str]:
    source, text = _exactly(list, value)
    return _exactly(str, source), _exactly(str, text)


def _place(value: Any) -> Place:
    tag, source, word, n = _exactly(list, value)
    return _exactly(str, tag), _exactly(str, source), _exactly(str, word), _exactly(int, n)


_MEMORY: dict[str, Fit] = {}  # the fits of this process (watch), by digest
_LAST: dict[str, Fit] = {}  # the last fit of each issue of this process, by its source
_FORGOTTEN: set[str] = set()  # the sources whose last fit a failed build forgot (``forget``)
LAST = "last"  # the folder of ``cache`` where each issue's last fit is kept


def last(source: Path, name: str, cache: Path | None = None) -> Fit | None:
    """The last fit of an issue (by its ``source``, issue.toml or a Markdown file, and the
    ``name`` it has in ``build/``): the hint of its next one (``hint``)."""
    return hint(source, name, cache)[0]


def hint(source: Path, name: str, cache: Path | None = None) -> tuple[Fit | None, bool]:
    """An issue's last fit, and whether it is the one recorded with it. Kept in this
    process (``watch``), unless the record changed since (a pull, another branch) or was
    deleted (for a fit made anew); else recorded beside its issue.toml (``RECORD``, by
    whichever version of bippdf); else kept in ``cache`` by the issue's last build with
    this code, so that a build after an edit (``make pdf``) tries it first too."""
    if str(source) in _FORGOTTEN:
        return None, False
    kept = _LAST.get(str(source))
    record = record_of(source)
    if kept is not None and record is not None and record_changed(record):
        del _LAST[str(source)]
        if not record.exists():
            return None, False
        kept = None
    if kept is None and record is not None:
        text = _SEEN[record.resolve()] = _file_text(record)
        kept = _parsed(text)
        if kept is not None:
            return kept, True
    if kept is None and cache is not None:
        kept = _load(_last_file(cache, source, name), _code())
    return kept, False


# Each record's text as this process last read or wrote it (None: there was none), by
# its whole path.
_SEEN: dict[Path, str | None] = {}


def record_changed(path: Path) -> bool:
    """Whether a record is other than this process last read or wrote it: changed or
    deleted by someone else (not a record this process never saw)."""
    seen = path.resolve()
    return seen in _SEEN and _file_text(path) != _SEEN[seen]


def _file_text(path: Path) -> str | None:
    """A file's text, or None."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, ValueError):
        return None


# What a record holds of a fit: what it chose, and what it measured of the result (not
# how many layouts it took, nor whether it was a hint's: a build that keeps it unchanged
# leaves the file as it was).
_RECORDED = ("starts", "tight", "pages", "padding", "underfull", "loose", "sets", "whole", "texts")
_NOTE = (
    "La mise en page que bippdf a choisie pour ce numéro, écrite par bippdf build : les "
    "articles qui commencent une page, le texte serré ou non, l'espacement des "
    "paragraphes, les mots gardés entiers. Versez ce fichier avec le numéro : sur toute "
    "machine, le numéro garde les mêmes pages. Pour que bippdf la cherche de nouveau, "
    "supprimez-le, ainsi que le dossier build/."
)


def _entry(name: str, value: Any) -> str:
    """A key of a record and its value, a list of choices one choice a line (a choice
    changed is a line changed)."""
    if isinstance(value, tuple) and value and isinstance(value[0], tuple):
        items = ",\n".join(f"  {json.dumps(item, ensure_ascii=False)}" for item in value)
        return f' "{name}": [\n{items}\n ]'
    return f' "{name}": {json.dumps(value, ensure_ascii=False)}'


def _write_record(path: Path, fit: Fit) -> None:
    """Record an issue's fit, unless the file says it already (a build that changes
    nothing leaves it as it was)."""
    recorded = {"note": _NOTE, **{name: getattr(fit, name) for name in _RECORDED}}
    data = "{\n" + ",\n".join(_entry(name, value) for name, value in recorded.items()) + "\n}\n"
    seen = path.resolve()
    if _file_text(path) == data:
        _SEEN[seen] = data
        return
    _SEEN[seen] = data  # before it is there: watch hears it as this process's own
    try:
        write_file(path, data.encode("utf-8"))
    except BaseException:
        _SEEN[seen] = _file_text(path)  # as it is, since it could not be written
        raise


def _last_file(cache: Path, source: Path, name: str) -> Path:
    """Where an issue's last fit is kept: by its name, and a digest of its source's whole
    path (two issues of the same name elsewhere do not share it)."""
    where = hashlib.sha256(str(source.resolve()).encode()).hexdigest()[:12]
    return cache / LAST / f"{name}-{where}.json"


def keep(cache: Path | None, digest: str, fit: Fit, issue: tuple[Path, str] | None = None) -> None:
    """Keep a fit, in this process and in ``cache`` (a cache that cannot be written only
    costs time), once the build that used it has written its files; as the issue's last
    fit too, when ``issue`` gives its source and name (``last``), and recorded beside its
    issue.toml (not without ``cache``: a build told where to write its one file writes
    nothing else; nor where it cannot be written: a fit can always be made again)."""
    if len(_MEMORY) > 64:
        _MEMORY.clear()
    _MEMORY[digest] = fit
    if issue is not None:
        _LAST[str(issue[0])] = fit
        _FORGOTTEN.discard(str(issue[0]))
    if cache is None:
        return
    try:
        if fit.layouts:  # not read from the cache already
            write_file(cache / f"{digest}.json", json.dumps(asdict(fit)).encode())
        if issue is not None:
            # With the code that made it: a hint is laid out as it is, by this code only.
            data = json.dumps({**asdict(fit), "code": _code()}).encode()
            write_file(_last_file(cache, *issue), data)
    except (OSError, BippdfError):
        pass
    record = record_of(issue[0]) if issue is not None else None
    if record is not None:
        with contextlib.suppress(OSError, BippdfError):
            _write_record(record, fit)


def forget(cache: Path | None, source: Path, name: str) -> None:
    """Forget an issue's last fit (a build that used it failed): its next build in this
    process fits it from scratch, rather than try again what may be why it failed. The
    fit recorded beside its issue.toml, a file of its sources, stays, and is tried again
    by the next process (whose build fits from scratch if the check refuses it)."""
    _LAST.pop(str(source), None)
    _FORGOTTEN.add(str(source))
    if cache is not None:
        with contextlib.suppress(OSError):
            _last_file(cache, source, name).unlink(missing_ok=True)
