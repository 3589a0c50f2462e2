"""Layout and PDF writing with WeasyPrint, and the finisher at the PDF boundary.

An ``Engine`` (one ``FontConfiguration``, the parsed stylesheets) serves every render
of its owner; the finisher adds what WeasyPrint does not write itself (page labels,
document language) while the PDF is being written, not by patching it after.
"""

from __future__ import annotations

import errno
import functools
import gc
import hashlib
import io
import logging
import os
import re
import shutil
import threading
import time
import uuid
import warnings
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote

from . import (
    columns,
    deflate,
    htmlparsing,
    hyphenation,
    libraries,
    linebreaking,
    pictures,
    pseudoelements,
    redraw,
    relayout,
    sandbox,
)
from .colour import Separator, palette_css
from .colour import forget as forget_colours
from .contract import SOURCE_ATTRIBUTE, SourceBox
from .errors import BippdfError, BuildError
from .files import Unreadable, read_regular
from .layout import LETTER, POINTS_PER_INCH, PageGeometry
from .marks import draw_crop_marks
from .resources import (
    covered_characters,
    give_back_freed_memory,
    project_font_names,
    styles_dir,
)
from .tagging import Observed, observed, retag
from .variants import VARIANTS, Variant

_T = TypeVar("_T")
_REMEMBERED = 63  # layouts whose pages an engine counts (Engine.remade), the last ones
# Pages from which a layout no engine keeps is freed as soon as its PDF is written, before
# the PDF is read back (``Engine.render``): No. 6 × 16's (344 pages) takes 0.9 s to free,
# and its build's peak from 551 MB to 491 MB; No. 6's (24 pages) would take 0.03 s of
# the longest path of a first build, for memory no peak depends on.
LONG = 100
COVER_LABEL = "Couverture"
BACK_LABEL = "Colophon"


@dataclass
class Rendered:
    """A written PDF and what WeasyPrint said while making it."""

    pdf: bytes
    pages: int
    warnings: list[str] = field(default_factory=list)
    padding: int = 0  # blank pages added for the binding
    sources: list[SourceBox] = field(default_factory=list)  # where the articles' blocks are
    seconds: dict[str, float] = field(default_factory=dict)  # "layout" and "write"


_FULL = {errno.EFBIG, errno.ENOSPC, errno.EDQUOT}  # a write refused for its size


def _unloadable(name: str, styles: Path, exc: Exception) -> BuildError:
    """Why a stylesheet could not be loaded, blaming the file that failed: loading writes
    its fonts to temporary files, which a full disk or ``ulimit -f`` refuses."""
    if isinstance(exc, OSError) and exc.errno in _FULL:
        import tempfile

        return BuildError(
            f"impossible d'écrire les polices de {name} dans un fichier temporaire : "
            f"{exc.strerror}",
            path=exc.filename or tempfile.gettempdir(),
            hint="libérez de la place sur le disque, ou relevez la taille de fichier "
            "permise (ulimit -f)",
        )
    return BuildError(
        f"la feuille de style {name} ne peut pas être chargée : {exc}",
        path=styles / name,
        hint="vérifiez les chemins de ses url(…), relatifs au dossier styles/",
    )


class Engine:
    """WeasyPrint imported and configured, the fonts loaded and the stylesheets parsed.

    One per process that renders (the import alone costs ~0.35 s), owned by its caller:
    a build makes one and its workers inherit it when they are forked; ``watch`` keeps
    one alive and reloads it when ``styles/`` changes. It also owns what a render
    changes in the process while it runs: the weasyprint logger (its warnings are
    collected, not printed) and ``SOURCE_DATE_EPOCH`` (read by fontTools)."""

    def __init__(self, *, incremental: bool = False) -> None:
        with warnings.catch_warnings():
            # Warnings about the machine's own fonts: bippdf ships and names its fonts,
            # so a machine without any (a fresh CI runner) renders the same PDF.
            warnings.filterwarnings("ignore", message=_NO_SYSTEM_FONTS)
            try:
                weasyprint = imported()
                from weasyprint.text.fonts import FontConfiguration
            except OSError as exc:  # Pango, HarfBuzz or fontconfig missing or too old
                raise BuildError(
                    f"WeasyPrint ne peut pas charger ses bibliothèques : {exc}",
                    hint="installez Pango 1.44 ou plus récent "
                    "(Debian : apt install libpango-1.0-0)",
                ) from None
            self.weasyprint = weasyprint
            self.font_config = FontConfiguration()
        columns.install(weasyprint)
        linebreaking.install(weasyprint)
        libraries.install(weasyprint)
        pseudoelements.install(weasyprint)
        htmlparsing.install()
        deflate.install()
        self.stylesheets: dict[tuple[str, str], Any] = {}
        # Per variant: an @color-profile (print.css) makes an output intent, which the
        # web PDF must not get.
        self.color_profiles: dict[str, dict[str, Any]] = {}
        self.separator = Separator()  # pictures in CMYK for the print variant
        self._styles_key: str | None = None  # styles_key(), until the styles are reloaded
        self._kept: _Kept | None = None  # the last trial layout (lay_out), until taken
        # ``watch``'s: each variant's last layout of an issue, which the next layout of
        # the issue after an edit of its text starts from (relayout.py).
        self.incremental = incremental and relayout.supported(self.weasyprint)
        # And the lines each PDF draws recorded, for the next PDF to draw those of the pages
        # kept as they were (redraw.py): the recording adds about half to a first write.
        self._redraws = self.incremental
        self._layouts: dict[tuple[str, Path], relayout.Layout] = {}
        # Each variant's pictures of an issue, decoded once (pictures.py), for WeasyPrint 70.
        self._albums: dict[tuple[str, Path], pictures.Album] | None = (
            {} if relayout.supported(self.weasyprint) else None
        )
        self.remade: list[int] = []  # how many pages each layout made, incremental or whole
        self._layouts_replaced = 0  # layouts kept, then replaced by one laid out from them

    def preload(self, variants: Iterable[str]) -> None:
        """Parse the variants' stylesheets now (and load the fonts they name)."""
        for variant in variants:
            self.stylesheets_of(VARIANTS[variant])

    def stylesheets_of(self, kind: Variant) -> list[Any]:
        """A variant's stylesheets: its palette (sRGB or CMYK), then its files."""
        if ("palette", kind.name) not in self.stylesheets:
            self.stylesheets["palette", kind.name] = self.weasyprint.CSS(
                string=palette_css(kind.inks), font_config=self.font_config
            )
        palette = self.stylesheets["palette", kind.name]
        return [palette] + [self.stylesheet(name, kind.name) for name in kind.stylesheets]

    def reload(self) -> None:
        """Parse the stylesheets and load the fonts again at the next render (styles/
        changed on disk): a font file replaced under the same name must not keep its
        old face."""
        from weasyprint.text.fonts import FontConfiguration

        self.stylesheets.clear()
        self.color_profiles.clear()
        self._styles_key = None
        self._kept = None
        self._layouts.clear()
        if self._albums is not None:
            self._albums.clear()  # print's pictures are separated through the styles' profile
        forget_colours()
        linebreaking.forget()  # (broken in the fonts let go of)
        self.font_config = FontConfiguration()
        project_font_names.cache_clear()
        covered_characters.cache_clear()

    def stylesheet(self, name: str, variant: str) -> Any:
        """A stylesheet of styles/, parsed once per variant, fonts loaded; what it refers
        to (fonts, profile) is read through the sandbox."""
        if (name, variant) not in self.stylesheets:
            from weasyprint.urls import FatalURLFetchingError

            styles = styles_dir()
            try:
                self.stylesheets[name, variant] = self.weasyprint.CSS(
                    string=(styles / name).read_text(encoding="utf-8"),
                    base_url=sandbox.base_url(sandbox.STYLES) + name,
                    url_fetcher=sandbox.make_fetcher(self.weasyprint, {sandbox.STYLES: styles}),
                    font_config=self.font_config,
                    color_profiles=self.color_profiles.setdefault(variant, {}),
                )
            except (OSError, FatalURLFetchingError) as exc:
                raise _unloadable(name, styles, exc) from None
            finally:
                _fonts_removed_at_the_end(self.font_config)
            for profile in self.color_profiles[variant].values():
                _pin(profile, styles)
        return self.stylesheets[name, variant]

    def render(
        self,
        html: str,
        *,
        base_url: Path,
        language: str,
        variant: str = "print",
        geometry: PageGeometry = LETTER,
        epoch: int | None = None,
        files: Sequence[Path] = (),
        compress: bool = True,
    ) -> Rendered:
        """Lay out the HTML with the variant's stylesheets and write its PDF.

        ``epoch`` (seconds) is the moment written into the fonts' and the PDF's
        metadata, so that the same sources give the same bytes (the issue's date);
        ``files``, those the pages show (``lay_out``); ``compress``: False writes the
        streams as they are (a draft)."""
        job = _Job(
            html, base_url, language, VARIANTS[variant], geometry, epoch, tuple(files), compress
        )
        rendered = with_room(self._render, job)
        if not self.incremental and rendered.pages >= LONG:
            # Its pages, which refer to themselves, are garbage now: freed before the
            # check reads the PDF back beside them (and forks readers that would carry
            # them), rather than whenever the collector next runs.
            _free_what_was_let_go()
        return rendered

    def styles_key(self) -> str:
        """What a layout depends on besides its HTML: every file of styles/ (stylesheets,
        palette, fonts, profile) and bippdf's version, as one digest; read once per
        engine (``watch`` reloads it with the styles), not at every build."""
        from . import __version__

        if self._styles_key is None:
            digest = hashlib.sha256(__version__.encode())
            styles = styles_dir()
            for path in sorted(styles.rglob("*")):
                if path.is_file():
                    digest.update(path.relative_to(styles).as_posix().encode() + b"\0")
                    digest.update(path.read_bytes())
            self._styles_key = digest.hexdigest()
        return self._styles_key

    def lay_out(
        self, html: str, *, base_url: Path, variant: str = "web", files: Sequence[Path] = ()
    ) -> Any:
        """The pages of the HTML laid out with the variant's stylesheets and options, not
        written: a trial layout for copyfitting (the web variant's, the same text block
        as print's without separating its pictures; print's when the print PDF is the only
        one asked for: pipeline.trial_variant), or the print PDF's pages laid out while
        the issue is fitted. The last one is kept: when the PDF asked for next is
        of the same HTML and variant (the fit chosen is most often the last trial laid
        out), it is written from these pages rather than laid out again (``render``;
        ``forget_layout`` drops it). ``files``: those the pages show (see ``_laid_out``)."""
        kind = VARIANTS[variant]
        fetcher = self._fetcher(kind, base_url)
        self._kept = None
        with _captured_warnings() as said, _weasyprint_failures():
            document = self.weasyprint.HTML(
                string=html, base_url=sandbox.base_url(sandbox.ISSUE), url_fetcher=fetcher
            )
            with hyphenation.rules(), linebreaking.remembered():
                laid_out = self._laid_out(document, base_url, kind, files, said)
        self._kept = _Kept(html, base_url, kind.name, laid_out, list(said))
        return laid_out

    def _laid_out(
        self, source: Any, base_url: Path, kind: Variant, files: Sequence[Path], said: list[str]
    ) -> Any:
        """The document of ``source`` laid out: whole, or, for an incremental engine, from
        the issue's last layout of the variant when only boxes of lines changed and none
        of the ``files`` its pages show (relayout.py); ``said``: WeasyPrint's warnings.
        No full collection of cycles is made meanwhile (``_full_collections_held``)."""
        with _full_collections_held():
            return self._layout_of(source, base_url, kind, files, said)

    def _layout_of(
        self, source: Any, base_url: Path, kind: Variant, files: Sequence[Path], said: list[str]
    ) -> Any:
        """``_laid_out``, what it makes and drops meanwhile left behind on return."""
        options = {
            "stylesheets": self.stylesheets_of(kind),
            "font_config": self.font_config,
            "color_profiles": self.color_profiles.setdefault(kind.name, {}),
            **kind.options,
        }
        loan = self._loan(kind, base_url)
        if loan is not None:
            options["cache"] = loan
        if not self.incremental:
            return with_room(functools.partial(source.render, **options))
        stamp = relayout.stamp(files)
        previous = self._layouts.pop((kind.name, base_url), None)
        built = relayout.build(source, **options)
        layout = None
        if previous is not None:
            self._layouts_replaced += 1
            layout = relayout.again(previous, built, stamp, with_room)
            del previous  # used up, or of no use: its pages go before a whole layout's come
            if layout is None:
                # Of no use: it refers to itself, and no full collection is made while
                # the whole layout is (``_full_collections_held``), which would hold both at
                # its end (No. 6 × 16: 650 MB).
                gc.collect()
        if layout is None:
            layout = relayout.lay_out(built, stamp, with_room)
        # A warning said while laying out pages may come from a page kept the next time,
        # which would not say it again: the next layout is whole.
        layout.resumable = layout.resumable and not said
        self._layouts[kind.name, base_url] = layout
        self.remade[:] = [*self.remade[-_REMEMBERED:], len(layout.remade)]
        return layout.document

    def keep_layouts(self) -> None:
        """From now on, lay each variant of an issue out again from its last layout where
        only boxes of lines changed, as ``watch``'s engine does (relayout.py): for a
        process of its own, which holds the pages. Unlike ``watch``'s, the lines of a PDF
        written are not recorded: no next PDF draws them again."""
        self.incremental = relayout.supported(self.weasyprint)

    def keep_no_layouts(self) -> None:
        """From now on, lay out whole: the layouts kept to lay out again from are let go
        (as ``keeping_layouts`` ends; and in a process whose last PDF is to be written
        from the trial kept, ``lay_out``, which stays). Written, its pages are freed
        (``render``)."""
        self.incremental = False
        self._layouts.clear()

    @contextmanager
    def keeping_layouts(self) -> Iterator[None]:
        """Meanwhile, each layout starts from the last where it can (``keep_layouts``):
        copyfitting's trials of words kept whole, each from the one before. The layouts
        are let go after, but by an engine that keeps them anyway (``watch``'s)."""
        if self.incremental:
            yield
            return
        self.keep_layouts()
        before = self._layouts_replaced
        try:
            yield
        finally:
            self.keep_no_layouts()
            if self._layouts_replaced > before:
                # A trial laid out from the one before replaced that one's boxes and the
                # pages it did not keep, which refer to themselves: freed now, not at the
                # collector's next pass, well into the write and the check (No. 6 × 16
                # fitted from scratch: 65 MB of the print PDF's peak). After a single
                # trial, whose pages the PDF is written from, what is left is little, and
                # collecting would delay the PDF.
                _free_what_was_let_go()

    def forget_layout(self, variant: str | None = None) -> None:
        """Drop the trial layout kept (only if it is of this ``variant``, when given): the
        issue's files may have changed since (a build starts with this, so that only its
        own trials are written)."""
        if variant is None:
            self._kept = None
        elif self._kept is not None and self._kept.variant == variant:
            self._kept = None
            if not self.incremental:
                _free_what_was_let_go()  # a layout refers to itself: freed now, not later

    def holds(self, html: str, base_url: Path, variant: str) -> bool:
        """Whether the trial layout kept is of this HTML, issue and variant (``render``
        writes its PDF from it)."""
        return self._kept is not None and self._kept.of(html, base_url, variant)

    def release(self) -> None:
        """Let go of every layout kept, the trial's and those an incremental engine lays
        out again from: processes about to be forked would each copy the pages as they
        drop them."""
        if self._kept is None and not self._layouts:
            return
        self._kept = None
        self._layouts.clear()
        # Freed before the fork, rather than in the parent and in each child at their
        # collectors' next pass (a child's would copy the pages as it walks them).
        _free_what_was_let_go()

    def decode_pictures(self, files: Sequence[Path], *, base_url: Path, variant: str) -> None:
        """The issue's pictures among ``files`` decoded now, as the variant's layouts
        decode them, into its album (pictures.py): processes about to be forked to lay
        trials out side by side find them there, instead of each decoding them again."""
        kind = VARIANTS[variant]
        cache = self._loan(kind, base_url)
        if cache is None:
            return
        from weasyprint import DEFAULT_OPTIONS
        from weasyprint.images import get_image_from_uri
        from weasyprint.urls import FatalURLFetchingError  # not an Exception

        fetcher = self._fetcher(kind, base_url)  # the print variant's separated
        options = {**DEFAULT_OPTIONS, **kind.options}
        with _captured_warnings():  # a picture that fails is said by the layouts
            for path in files:
                try:
                    url = sandbox.issue_url(base_url, path)
                except ValueError:
                    continue
                if url not in cache:
                    # Whatever fails here (reading, separating it for print) fails again
                    # in the layouts, which say it as the build's error.
                    with suppress(Exception, FatalURLFetchingError):
                        get_image_from_uri(cache, fetcher, options, url)

    def _loan(self, kind: Variant, base_url: Path) -> pictures.Loan | None:
        """WeasyPrint's image cache for a document of the variant: the pictures of its
        album for the issue, lent (pictures.py); None for a WeasyPrint this does not know."""
        if self._albums is None:
            return None
        album = self._albums.setdefault((kind.name, base_url), {})
        return pictures.Loan(album, {sandbox.ISSUE: base_url})

    def _fetcher(self, kind: Variant, base_url: Path) -> Any:
        """What the variant's documents read the issue's files with: the print variant's
        pictures separated to CMYK."""
        pictures = self.separator.separate if kind.inks == "cmyk" else None
        return sandbox.make_fetcher(self.weasyprint, {sandbox.ISSUE: base_url}, pictures)

    def _take(self, job: _Job) -> _Kept | None:
        """The kept trial layout if it is the one this render asks for; given up either
        way (a long issue's pages take hundreds of megabytes). Builds render the variant
        of the trials first (the web PDF; the print PDF when it is the only one asked
        for), so that it is the render that finds it."""
        kept, self._kept = self._kept, None
        if kept is None:
            return None
        if not kept.of(job.html, job.base_url, job.variant.name):
            # The fit's layouts freed now (a fit whose last trial is not the fit chosen, or
            # the print PDF after trials laid out with the web variant's styles): a layout
            # context (every element's computed styles, the page maker, the targets) refers
            # to itself, and would stay in memory until Python's collector of cycles runs,
            # which it does once the objects made since its last whole collection
            # outnumber a quarter of those kept: most often well into the next layout,
            # beside it. (An incremental engine still holds them.)
            del kept
            if not self.incremental:
                gc.collect()
            return None
        return kept

    def _render(self, job: _Job) -> Rendered:
        """Layout and write, WeasyPrint's failures said as bippdf's errors."""
        with _captured_warnings() as warnings, _weasyprint_failures():
            return self._layout_and_write(job, warnings)

    def _layout_and_write(self, job: _Job, warnings: list[str]) -> Rendered:
        """The pages laid out, padded for the binding, then written as a PDF."""
        kind = job.variant
        css = self.stylesheets_of(kind)
        # The stylesheets have read their fonts and profile already: a document reads
        # only the issue's files, never styles/ (../styles/… or its virtual address).
        fetcher = self._fetcher(kind, job.base_url)
        start = time.perf_counter()
        kept = self._take(job)
        if kept is not None:  # copyfitting's last trial: these very pages
            document = kept.document
            warnings[:0] = kept.warnings
        else:
            with hyphenation.rules(), linebreaking.remembered():
                source = self.weasyprint.HTML(
                    string=job.html, base_url=sandbox.base_url(sandbox.ISSUE), url_fetcher=fetcher
                )
                document = self._laid_out(source, job.base_url, kind, job.files, warnings)
        laid_out = len(document.pages)
        drawings = self._drawings_of(kind, job.base_url, document)
        document = self._pad(document, kind, css, job.geometry, fetcher)
        sources = source_boxes(document)
        if not kind.links:
            # WeasyPrint writes a page's links (Page.links) as annotations, its anchors
            # as named destinations: without the first, the second stay.
            for page in document.pages:
                page.links = []
        laid_out_at = time.perf_counter()
        identity = hashlib.sha256(f"{kind.name}\n{job.html}".encode()).hexdigest()
        with (
            _source_date(job.epoch),
            _tagging(kind) as record,
            redraw.drawing(drawings),
            deflate.kept(kind.deflate_level),
        ):
            pdf = document.write_pdf(
                finisher=_finisher(job.language, kind, job.geometry, identity, record),
                uncompressed_pdf=not job.compress,
                **kind.options,
            )
        assert isinstance(pdf, bytes)
        return Rendered(
            pdf=pdf,
            pages=len(document.pages),
            warnings=warnings,
            padding=len(document.pages) - laid_out,
            sources=sources,
            seconds={"layout": laid_out_at - start, "write": time.perf_counter() - laid_out_at},
        )

    def _drawings_of(self, kind: Variant, base_url: Path, document: Any) -> redraw.Drawings | None:
        """How the text of the document's layout was last drawn, if ``watch``'s engine
        laid it out: its pages kept are written as they were (redraw.py)."""
        layout = self._layouts.get((kind.name, base_url)) if self._redraws else None
        return layout.drawings if layout is not None and layout.document is document else None

    def _pad(
        self, document: Any, kind: Variant, css: list[Any], geometry: PageGeometry, fetcher: Any
    ) -> Any:
        """Blank pages before the last one (the colophon, on the back cover), so that the
        page count divides by ``kind.pad_to``."""
        missing = -len(document.pages) % kind.pad_to
        if not missing:
            return document
        blank_html = (
            f"<html><head><style>{geometry.css()}</style></head>"
            '<body><div class="blank-page"></div></body></html>'
        )
        blank = (
            self.weasyprint.HTML(string=blank_html, url_fetcher=fetcher)
            .render(stylesheets=css, font_config=self.font_config)
            .pages[0]
        )
        pages = document.pages
        return document.copy(pages[:-1] + [blank] * missing + pages[-1:])


def imported() -> Any:
    """WeasyPrint imported as an engine imports it, its libraries found by the loader
    (libraries.py), without the warnings of a machine that has no fonts of its own: a
    build may import it ahead, while its issues are composed (schedule.py)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_NO_SYSTEM_FONTS)
        return libraries.import_weasyprint()


def _fonts_removed_at_the_end(font_config: Any) -> None:
    """The folder WeasyPrint copies a font configuration's fonts into (once a stylesheet
    names one), removed when the configuration is freed or, at the latest, as this
    process ends (an exit handler), by the process that made it. WeasyPrint removes it
    only in the configuration's ``__del__``: a layout refers to itself, and so to the
    configuration, which only a collection of cycles frees, and none frees it once
    ``cli.run`` has set what a command loaded aside from the collector. A process forked
    from this one ends without exit handlers, and leaves the folder to this one."""
    folder = getattr(font_config, "_folder", None)
    if folder is None or getattr(font_config, "_bippdf_removal", None) is not None:
        return
    font_config._bippdf_removal = weakref.finalize(
        font_config, _remove_folder, Path(folder), os.getpid()
    )


def _remove_folder(folder: Path, owner: int) -> None:
    """A folder and what it holds, if this process is ``owner``."""
    if os.getpid() == owner:
        shutil.rmtree(folder, ignore_errors=True)


_NEVER = 1 << 30
_oldest = gc.get_threshold()[2]  # full collections after so many middle ones, when not held
_holding = 0  # layouts being made (in threads) that hold full collections back
_holding_lock = threading.Lock()


@contextmanager
def _full_collections_held() -> Iterator[None]:
    """Meanwhile, Python's collector of cycles makes no full collection. A layout is
    made of objects that live (its boxes, their styles, its pages), and the collector
    makes a full collection each time a quarter more objects than it kept at the last
    have survived: three or four times a layout, walking every layout kept too, most
    finding nothing. A layout's garbage is made as a whole: the boxes built for the new
    HTML, of which a layout from the last one keeps only those changed, the pages it
    replaces, the last layout when laid out whole. Once the layout is made, what survived
    of it soon makes the collector run as usual, and find that garbage at once. No. 6 × 4
    fitted from scratch (print): 4.0 s of full collections in 29.5 s, 2.0 s in 27.7 s;
    peak memory 326 MB, 315 MB. A process holding much more than its layouts (the tests)
    is not made to walk it all once a layout, as a collection at the end would."""
    global _holding
    with _holding_lock:
        _holding += 1
        _hold_full_collections(True)
    try:
        yield
    finally:
        with _holding_lock:
            _holding = max(0, _holding - 1)
            _hold_full_collections(_holding > 0)


def _hold_full_collections(hold: bool) -> None:
    """Hold Python's full collections back, or let them be made again as they were (as
    the process last set them, before the first layout held them back)."""
    global _oldest
    young, middle, oldest = gc.get_threshold()
    if hold and oldest != _NEVER:
        _oldest = oldest
    gc.set_threshold(young, middle, _NEVER if hold else _oldest)


def _forked() -> None:
    """In a forked process: no layout being made, whatever another thread was at."""
    global _holding, _holding_lock
    _holding, _holding_lock = 0, threading.Lock()
    _hold_full_collections(False)


os.register_at_fork(after_in_child=_forked)


def _free_what_was_let_go() -> None:
    """Layouts just let go freed, and the memory given back: a layout refers to itself
    (its context, its boxes), so only the collector of cycles frees it."""
    gc.collect()
    give_back_freed_memory()


def source_boxes(document: Any) -> list[SourceBox]:
    """Where each block of the articles was laid out (its ``data-source``), page by page,
    in the PDF's points from the trim corner, an image with its file; for the check to
    say which article and line a problem comes from."""
    from weasyprint.formatting_structure import boxes

    found: dict[SourceBox, None] = {}
    to_px = POINTS_PER_INCH / 96  # CSS pixels to points
    for index, page in enumerate(document.pages):
        height = page.height * to_px
        stack: list[tuple[Any, str | None]] = [(page._page_box, None)]
        while stack:
            box, source = stack.pop()
            element = box.element if box.element_tag else None
            own = element.get(SOURCE_ATTRIBUTE) if element is not None else None
            source = own or source
            image = box.element_tag == "img" and isinstance(box, boxes.ReplacedBox)
            if source and ((own and isinstance(box, boxes.BlockLevelBox)) or image):
                left, top = box.border_box_x() * to_px, height - box.border_box_y() * to_px
                right, bottom = left + box.border_width() * to_px, top - box.border_height() * to_px
                file = (
                    _issue_file(element.get("src", "")) if image and element is not None else None
                )
                found[
                    SourceBox(index, (left, bottom, right, top), source, box.element_tag, file)
                ] = None
            stack.extend((child, source) for child in getattr(box, "children", []))
    return list(found)


def _issue_file(url: str) -> str | None:
    """An image's file, relative to the issue, from its address in the sandbox."""
    prefix = sandbox.base_url(sandbox.ISSUE)
    return unquote(url[len(prefix) :]) if url.startswith(prefix) else None


_NO_SYSTEM_FONTS = r"(No fonts configured in FontConfig|FontConfig cannot load default config)"


@dataclass(frozen=True)
class _Kept:
    """A trial layout kept for the render that asks for the same pages."""

    html: str
    base_url: Path
    variant: str
    document: Any
    warnings: list[str]

    def of(self, html: str, base_url: Path, variant: str) -> bool:
        """Whether it is the layout of this HTML, issue and variant."""
        return (self.html, self.base_url, self.variant) == (html, base_url, variant)


@dataclass(frozen=True)
class _Job:
    """What one render is asked for."""

    html: str
    base_url: Path
    language: str
    variant: Variant
    geometry: PageGeometry
    epoch: int | None
    files: Sequence[Path] = ()  # those the pages show (Engine.lay_out)
    compress: bool = True


def with_room(function: Callable[..., _T], *args: Any) -> _T:
    """``function(*args)``, with room for the frames of its calls (see below)."""
    return function(*args)


# CPython 3.11 keeps the frames of Python calls on a stack made of 16 KiB chunks, and
# frees a chunk as soon as the frame that opened it returns. WeasyPrint's layout recurses
# deeply, back and forth over chunk boundaries: memory is mapped and unmapped tens of
# thousands of times (84,000 for No. 6: a quarter of its layout time, more or less with
# the depth it is called from). Declaring a 512 KiB evaluation stack, this one frame gets
# a 1 MiB chunk, whose free half then holds every frame below it.
with_room.__code__ = with_room.__code__.replace(co_stacksize=1 << 16)


def subsetter() -> str:
    """Which library subsets the fonts WeasyPrint embeds on this machine: "HarfBuzz"
    (``libharfbuzz-subset``, 4.1 or later, loaded) or "fontTools" (slower). The two give
    different bytes, each reproducible."""
    from weasyprint.text import ffi

    harfbuzz = getattr(ffi, "harfbuzz", None)
    if harfbuzz is None or not getattr(ffi, "harfbuzz_subset", None):
        return "fontTools"
    return "HarfBuzz" if harfbuzz.hb_version_atleast(4, 1, 0) else "fontTools"


def render_pdf(html: str, *, engine: Engine | None = None, **options: Any) -> Rendered:
    """``Engine.render`` for a one-off render: with a new engine unless one is given."""
    return (engine or Engine()).render(html, **options)


@contextmanager
def _source_date(epoch: int | None) -> Iterator[None]:
    """fontTools stamps each subset font with SOURCE_DATE_EPOCH, else with the time."""
    if epoch is None:
        yield
        return
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


@contextmanager
def _tagging(kind: Variant) -> Iterator[Observed | None]:
    """WeasyPrint's tagging observed while a tagged variant is written (``tagging``)."""
    if not kind.options.get("pdf_variant", "").startswith("pdf/ua"):
        yield None
        return
    with observed() as record:
        yield record


def _finisher(
    language: str,
    kind: Variant,
    geometry: PageGeometry,
    identity: str,
    record: Observed | None = None,
) -> Any:
    """What WeasyPrint does not write itself: page labels matching the printed folios
    (the cover and the colophon on the back cover have none), /Lang, for print the
    bleed box at the bleed (WeasyPrint puts it at the edge of the crop marks), and for
    a tagged PDF its structure tree made whole (``tagging.retag``)."""
    import pydyf

    def finish(document: Any, pdf: Any) -> None:
        if record is not None and "StructTreeRoot" in pdf.catalog:
            retag(pdf, document, record)
        count = len(document.pages)
        nums: list[Any] = [0, pydyf.Dictionary({"P": pydyf.String(COVER_LABEL)})]
        if count > 1:
            nums += [1, pydyf.Dictionary({"S": "/D", "St": 2})]
        if count > 2:
            nums += [count - 1, pydyf.Dictionary({"P": pydyf.String(BACK_LABEL)})]
        pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": pydyf.Array(nums)})
        pdf.catalog["Lang"] = pydyf.String(language)
        # PDF/X-4's XMP gets a random DocumentID: derive it from the document instead.
        if "Metadata" in pdf.catalog:
            stream = pdf.objects[int(pdf.catalog["Metadata"].split()[0])]
            document_id = f"xmp.did:{uuid.UUID(identity[:32])}".encode()
            stream.stream = [
                re.sub(rb"xmp\.did:[0-9a-f-]{36}", document_id, chunk) for chunk in stream.stream
            ]
        if kind.name == "print":
            _name_printing_condition(pdf)
            bleed = geometry.bleed * POINTS_PER_INCH
            draw_crop_marks(pdf, bleed)
            for number in pdf.pages["Kids"][::3]:
                page = pdf.objects[number]
                left, bottom, right, top = (float(v) for v in page["TrimBox"])
                low, high = min(bottom, top), max(bottom, top)
                page["BleedBox"] = pydyf.Array(
                    [left - bleed, low - bleed, right + bleed, high + bleed]
                )

    return finish


# The printing condition of styles/icc/ (offset, coated paper, ISO 12647-2), as the ICC
# registry of characterizations names it: WeasyPrint writes the profile's description,
# which no printer's preflight recognises.
PRINTING_CONDITION = "FOGRA39"
_ICC_REGISTRY = "http://www.color.org"


def _name_printing_condition(pdf: Any) -> None:
    """The PDF/X output intent names its condition as registered, the profile's
    description staying its /Info."""
    import pydyf

    for intent in pdf.catalog.get("OutputIntents", ()):
        intent["OutputConditionIdentifier"] = pydyf.String(PRINTING_CONDITION)
        intent["RegistryName"] = pydyf.String(_ICC_REGISTRY)


class _Pinned:
    """An ICC profile of WeasyPrint's (@color-profile) with the bytes the PDF embeds: its
    file's own, as shipped. WeasyPrint would embed what LittleCMS writes of it, which
    for the print PDF's output profile is twice the file (500 KB against 247 KB, 204 KB
    against 132 KB compressed, and 0.24 s against 0.09 s of compressing), and which it
    writes anew once its tags have been read: WeasyPrint reads its name while writing
    a PDF, so that the second print PDF of a process (watch, several issues on one core)
    would carry other bytes than the first, and than a build in a new process."""

    def __init__(self, profile: Any, data: bytes) -> None:
        self.profile = profile.profile  # what WeasyPrint reads its name from
        self._bytes = data

    def tobytes(self) -> bytes:
        return self._bytes


def _pin(profile: Any, styles: Path) -> None:
    """Make the bytes of a profile of WeasyPrint's (@color-profile) those of its file
    under ``styles``, if they are the profile WeasyPrint read (LittleCMS writes both
    alike), else those LittleCMS writes of it now."""
    if isinstance(profile._profile, _Pinned):
        return
    from PIL import ImageCms

    pinned = written = profile._profile.tobytes()
    with suppress(sandbox.Refused, Unreadable, OSError, ImageCms.PyCMSError):
        data = read_regular(sandbox.resolve(profile.src, {sandbox.STYLES: styles}), 1 << 26)
        if ImageCms.ImageCmsProfile(io.BytesIO(data)).tobytes() == written:
            pinned = data
    profile._profile = _Pinned(profile._profile, pinned)


class _ListHandler(logging.Handler):
    def __init__(self, sink: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        # About the machine's HarfBuzz, not the document: the fallback subsets as well.
        if not message.startswith("Using fontTools instead of HarfBuzz-Subset"):
            self.sink.append(message)


@contextmanager
def _weasyprint_failures() -> Iterator[None]:
    """WeasyPrint's failures said as bippdf's errors: a read the sandbox refused, or a
    failure inside WeasyPrint (it raises plain exceptions)."""
    from weasyprint.urls import FatalURLFetchingError

    try:
        yield
    except FatalURLFetchingError as refusal:
        cause = refusal.__cause__  # the sandbox refuses a read with none (Refused)
        if isinstance(cause, BippdfError):  # the fetcher's own (sandbox._changed)
            raise cause from cause.__cause__
        if cause is not None:  # a failure inside the fetcher, which WeasyPrint wrapped
            raise BuildError(
                f"WeasyPrint n'a pas pu mettre le numéro en pages : {refusal} "
                f"({type(cause).__name__} : {cause})",
                hint="relancez avec --debug pour voir la trace, et signalez le problème",
            ) from cause
        raise BuildError(
            f"lecture refusée : {refusal}",
            hint="un numéro ne peut utiliser que ses propres fichiers",
        ) from None
    except BippdfError:
        raise
    except Exception as exc:
        raise BuildError(
            f"WeasyPrint n'a pas pu mettre le numéro en pages : {exc}",
            hint="relancez avec --debug pour voir la trace, et signalez le problème",
        ) from exc


@contextmanager
def _captured_warnings() -> Iterator[list[str]]:
    """WeasyPrint's warnings (missing images, fonts, CSS) as a list instead of stderr."""
    logger = logging.getLogger("weasyprint")
    sink: list[str] = []
    handler = _ListHandler(sink)
    previous = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield sink
    finally:
        logger.removeHandler(handler)
        logger.propagate = previous
