"""Layout and PDF writing with WeasyPrint, and the finisher at the PDF boundary.

One ``FontConfiguration`` and one parsed stylesheet serve every render of the
process; the finisher adds what WeasyPrint does not write itself (page labels,
document language) while the PDF is being written, not by patching it after.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from .errors import BuildError
from .resources import styles_dir

STYLESHEET = "bulletin.css"
COVER_LABEL = "Couverture"


@dataclass
class Rendered:
    """A written PDF and what WeasyPrint said while making it."""

    pdf: bytes
    pages: int
    warnings: list[str] = field(default_factory=list)


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
                    f"WeasyPrint cannot load its libraries: {exc}",
                    hint="install Pango 1.44 or newer (Debian: apt install libpango-1.0-0)",
                ) from None
            self.weasyprint = weasyprint
            self.font_config = FontConfiguration()
        self.stylesheets: dict[Path, Any] = {}

    def stylesheet(self, path: Path) -> Any:
        """A stylesheet parsed once per process, with our fonts loaded."""
        if path not in self.stylesheets:
            self.stylesheets[path] = self.weasyprint.CSS(
                filename=str(path), font_config=self.font_config
            )
        return self.stylesheets[path]


_NO_SYSTEM_FONTS = r"(No fonts configured in FontConfig|FontConfig cannot load default config)"


@cache
def _engine() -> _Engine:
    return _Engine()


def render_pdf(html: str, *, base_url: Path, language: str) -> Rendered:
    """Lay out the HTML with our stylesheet and write the PDF."""
    engine = _engine()
    css = engine.stylesheet((styles_dir() / STYLESHEET).resolve())
    with _captured_warnings() as warnings:
        try:
            document = engine.weasyprint.HTML(
                string=html, base_url=base_url.resolve().as_uri() + "/"
            ).render(stylesheets=[css], font_config=engine.font_config)
            pdf = document.write_pdf(finisher=_finisher(language))
        except Exception as exc:  # WeasyPrint raises plain exceptions on internal failures
            raise BuildError(f"WeasyPrint could not lay out the issue: {exc}") from exc
    assert isinstance(pdf, bytes)
    return Rendered(pdf=pdf, pages=len(document.pages), warnings=warnings)


def _finisher(language: str) -> Any:
    """Page labels that match the printed folios (the cover has none), and /Lang."""
    import pydyf

    def finish(document: Any, pdf: Any) -> None:
        nums: list[Any] = [0, pydyf.Dictionary({"P": pydyf.String(COVER_LABEL)})]
        if len(document.pages) > 1:
            nums += [1, pydyf.Dictionary({"S": "/D", "St": 2})]
        pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": pydyf.Array(nums)})
        pdf.catalog["Lang"] = pydyf.String(language)

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
