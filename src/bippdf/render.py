"""Layout and PDF writing with WeasyPrint, and the finisher at the PDF boundary.

One ``FontConfiguration`` and one parsed stylesheet serve every render of the
process; the finisher adds what WeasyPrint does not write itself (page labels,
document language) while the PDF is being written, not by patching it after.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from . import sandbox
from .errors import BuildError
from .layout import LETTER, POINTS_PER_INCH, PageGeometry
from .resources import covered_characters, project_font_names, styles_dir

_T = TypeVar("_T")
STYLESHEET = "bulletin.css"
COVER_LABEL = "Couverture"
BACK_LABEL = "Colophon"


@dataclass
class Rendered:
    """A written PDF and what WeasyPrint said while making it."""

    pdf: bytes
    pages: int
    warnings: list[str] = field(default_factory=list)
    padding: int = 0  # blank pages added for the binding
    seconds: dict[str, float] = field(default_factory=dict)  # "layout" and "write"


class _Engine:
    """WeasyPrint, imported and configured once per process (the import alone costs ~0.6 s)."""

    def __init__(self) -> None:
        with warnings.catch_warnings():
            # Warnings about the machine's own fonts: bippdf ships and names its fonts,
            # so a machine without any (a fresh CI runner) renders the same PDF.
            warnings.filterwarnings("ignore", message=_NO_SYSTEM_FONTS)
            try:
                import weasyprint
                from weasyprint.text.fonts import FontConfiguration
            except OSError as exc:  # Pango, HarfBuzz or fontconfig missing or too old
                raise BuildError(
                    f"WeasyPrint ne peut pas charger ses bibliothèques : {exc}",
                    hint="installez Pango 1.44 ou plus récent "
                    "(Debian : apt install libpango-1.0-0)",
                ) from None
            self.weasyprint = weasyprint
            self.font_config = FontConfiguration()
        self.stylesheets: dict[tuple[str, str], Any] = {}
        # Per variant: an @color-profile (print.css) makes an output intent, which the
        # web PDF must not get.
        self.color_profiles: dict[str, dict[str, Any]] = {}

    def stylesheet(self, name: str, variant: str) -> Any:
        """A stylesheet of styles/, parsed once per process and variant, fonts loaded;
        what it refers to (fonts, profile) is read through the sandbox."""
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
                raise BuildError(
                    f"la feuille de style {name} ne peut pas être chargée : {exc}",
                    path=styles / name,
                    hint="vérifiez les chemins de ses url(…), relatifs au dossier styles/",
                ) from None
        return self.stylesheets[name, variant]


_NO_SYSTEM_FONTS = r"(No fonts configured in FontConfig|FontConfig cannot load default config)"


@cache
def _engine() -> _Engine:
    return _Engine()


@dataclass(frozen=True)
class Variant:
    """One kind of PDF made from an issue, and what WeasyPrint is asked for it."""

    name: str
    suffix: str  # of the file name: BIP-06-2019-08-<suffix>.pdf
    stylesheets: tuple[str, ...]
    options: dict[str, Any]
    pad_to: int = 1  # pages added before the last page until the count divides by this


VARIANTS = {
    # For the printer: PDF/X-4 with a CMYK output intent (print.css), bleed and crop
    # marks, images as they are, pages in multiples of 4 for saddle stitching.
    "print": Variant(
        "print", "impression", (STYLESHEET, "print.css"), {"pdf_variant": "pdf/x-4"}, pad_to=4
    ),
    # For the website: tagged PDF/UA-1, images downsampled and recompressed.
    "web": Variant(
        "web",
        "web",
        (STYLESHEET,),
        {"pdf_variant": "pdf/ua-1", "optimize_images": True, "jpeg_quality": 80, "dpi": 150},
    ),
}


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


def preload(variant: str) -> None:
    """Import WeasyPrint, load the fonts and parse the variant's stylesheets now."""
    engine = _engine()
    for name in VARIANTS[variant].stylesheets:
        engine.stylesheet(name, variant)


def forget_stylesheets() -> None:
    """Parse the stylesheets and load the fonts again at the next render (styles/ changed
    on disk): a font file replaced under the same name must not keep its old face."""
    from weasyprint.text.fonts import FontConfiguration

    engine = _engine()
    engine.stylesheets.clear()
    engine.color_profiles.clear()
    engine.font_config = FontConfiguration()
    project_font_names.cache_clear()
    covered_characters.cache_clear()


def render_pdf(
    html: str,
    *,
    base_url: Path,
    language: str,
    variant: str = "print",
    geometry: PageGeometry = LETTER,
    epoch: int | None = None,
) -> Rendered:
    """Lay out the HTML with the variant's stylesheets and write its PDF.

    ``epoch`` (seconds) is the moment written into the fonts' and the PDF's metadata,
    so that the same sources give the same bytes (the issue's date)."""
    return with_room(_render_pdf, html, base_url, language, variant, geometry, epoch)


def _render_pdf(
    html: str,
    base_url: Path,
    language: str,
    variant: str,
    geometry: PageGeometry,
    epoch: int | None,
) -> Rendered:
    engine = _engine()
    kind = VARIANTS[variant]
    css = [engine.stylesheet(name, variant) for name in kind.stylesheets]
    # The stylesheets have read their fonts and profile already: a document reads
    # only the issue's files, never styles/ (../styles/… or its virtual address).
    fetcher = sandbox.make_fetcher(engine.weasyprint, {sandbox.ISSUE: base_url})
    from weasyprint.urls import FatalURLFetchingError

    start = time.perf_counter()
    with _captured_warnings() as warnings:
        try:
            document = engine.weasyprint.HTML(
                string=html, base_url=sandbox.base_url(sandbox.ISSUE), url_fetcher=fetcher
            ).render(
                stylesheets=css,
                font_config=engine.font_config,
                color_profiles=engine.color_profiles.setdefault(variant, {}),
                **kind.options,
            )
            laid_out = len(document.pages)
            document = _pad(document, kind, css, geometry, fetcher)
            laid_out_at = time.perf_counter()
            identity = hashlib.sha256(f"{variant}\n{html}".encode()).hexdigest()
            with _source_date(epoch):
                pdf = document.write_pdf(
                    finisher=_finisher(language, kind, geometry, identity), **kind.options
                )
        except FatalURLFetchingError as refusal:
            raise BuildError(
                f"lecture refusée : {refusal}",
                hint="un numéro ne peut utiliser que ses propres fichiers",
            ) from None
        except Exception as exc:  # WeasyPrint raises plain exceptions on internal failures
            raise BuildError(
                f"WeasyPrint n'a pas pu mettre le numéro en pages : {exc}",
                hint="relancez avec --debug pour voir la trace, et signalez le problème",
            ) from exc
    assert isinstance(pdf, bytes)
    return Rendered(
        pdf=pdf,
        pages=len(document.pages),
        warnings=warnings,
        padding=len(document.pages) - laid_out,
        seconds={"layout": laid_out_at - start, "write": time.perf_counter() - laid_out_at},
    )


def _pad(document: Any, kind: Variant, css: list[Any], geometry: PageGeometry, fetcher: Any) -> Any:
    """Blank pages before the last one (the colophon, on the back cover), so that the
    page count divides by ``kind.pad_to``."""
    missing = -len(document.pages) % kind.pad_to
    if not missing:
        return document
    engine = _engine()
    blank_html = (
        f"<html><head><style>{geometry.css()}</style></head>"
        '<body><div class="blank-page"></div></body></html>'
    )
    blank = (
        engine.weasyprint.HTML(string=blank_html, url_fetcher=fetcher)
        .render(stylesheets=css, font_config=engine.font_config)
        .pages[0]
    )
    pages = document.pages
    return document.copy(pages[:-1] + [blank] * missing + pages[-1:])


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


def _finisher(language: str, kind: Variant, geometry: PageGeometry, identity: str) -> Any:
    """What WeasyPrint does not write itself: page labels matching the printed folios
    (the cover and the colophon on the back cover have none), /Lang, and for print
    the bleed box at the bleed (WeasyPrint puts it at the edge of the crop marks)."""
    import pydyf

    def finish(document: Any, pdf: Any) -> None:
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
            bleed = geometry.bleed * POINTS_PER_INCH
            for number in pdf.pages["Kids"][::3]:
                page = pdf.objects[number]
                left, bottom, right, top = (float(v) for v in page["TrimBox"])
                low, high = min(bottom, top), max(bottom, top)
                page["BleedBox"] = pydyf.Array(
                    [left - bleed, low - bleed, right + bleed, high + bleed]
                )

    return finish


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
