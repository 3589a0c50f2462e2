"""Where bippdf's own files are: the print styles and the fonts they name."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from .errors import BuildError


@cache
def styles_dir() -> Path:
    """The ``styles/`` folder: the checkout's, or the copy installed with the package."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent.parent / "styles", here / "styles"):
        if (candidate / "bulletin.css").is_file():
            return candidate
    raise BuildError(
        "cannot find bippdf's styles/ folder",
        hint="reinstall bippdf from its repository (make install)",
    )


def font_files() -> list[Path]:
    """Every font file the styles may use."""
    fonts = styles_dir() / "fonts"
    return sorted(p for p in fonts.rglob("*") if p.suffix.lower() in {".ttf", ".otf"})


@cache
def project_fonts() -> dict[str, frozenset[int]]:
    """The fonts shipped in ``styles/fonts``: PostScript name and the characters covered."""
    from fontTools.ttLib import TTFont

    fonts = {}
    for path in font_files():
        with TTFont(path, lazy=True) as font:
            fonts[str(font["name"].getDebugName(6))] = frozenset(font.getBestCmap())
    return fonts


def covered_characters() -> frozenset[int]:
    """Every character some font of bippdf can draw."""
    return frozenset().union(*project_fonts().values())
