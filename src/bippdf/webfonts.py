"""The online edition's fonts: WOFF2 subsets of the bulletin's families, for French.

The PDFs embed subsets WeasyPrint makes of styles/fonts/; a browser would download
whole files instead (4 MB for the ten faces). So each face has a WOFF2 subset in
styles/fonts/web/, holding the characters French text and the bulletin use
(``CHARSET``), with every layout feature (kerning, ligatures) and the font's names
(its copyright and licence). They are made once by ``make web-fonts`` from the faces
of styles/fonts.css and shipped like the faces: a build only copies them. A character
outside the set is drawn by the reader's own fonts; ``bippdf check`` of the folder
says which.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

WEB = "fonts/web"  # under styles/, and in the online edition's folder

# Printable ASCII, Latin-1, Latin Extended-A (œ, Œ…), and the punctuation, spaces and
# signs of French typography and of the bulletin's pages (‐ – — ‘ ’ “ ” … € → ↩).
CHARSET = frozenset(
    [chr(c) for c in range(0x20, 0x7F)]
    + [chr(c) for c in range(0xA0, 0x180)]
    + list("\u2010\u2011\u2013\u2014\u2018\u2019\u201a\u201c\u201d\u201e\u2022\u2026")
    + list("\u2009\u202f\u2039\u203a\u20ac\u2122\u2192\u21a9")
)

_FACE_URL = re.compile(r"url\((fonts/[^)]+\.(?:ttf|otf))\)")


def sources(fonts_css: str) -> list[str]:
    """The faces styles/fonts.css names, as it names them (``fonts/…/….ttf``)."""
    return sorted(set(_FACE_URL.findall(fonts_css)))


def web_name(source: str) -> str:
    """Where a face's WOFF2 subset is, under styles/ and in the folder."""
    return f"{WEB}/{Path(source).stem}.woff2"


def online_css(fonts_css: str) -> str:
    """styles/fonts.css with each face's file replaced by its WOFF2 subset."""
    return _FACE_URL.sub(lambda match: f'url({web_name(match[1])}) format("woff2")', fonts_css)


def subset(face: Path) -> bytes:
    """A face's WOFF2 subset: ``CHARSET``, every layout feature, every name; the same
    bytes for the same face (its own dates kept)."""
    from fontTools import subset as subsetter
    from fontTools.ttLib import TTFont

    options = subsetter.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    font = TTFont(face, recalcTimestamp=False)
    chooser = subsetter.Subsetter(options)
    chooser.populate(unicodes=[ord(c) for c in sorted(CHARSET)])
    chooser.subset(font)
    out = io.BytesIO()
    font.flavor = "woff2"
    font.save(out, reorderTables=False)
    return out.getvalue()


def covered(woff2: bytes) -> set[str]:
    """The characters a font maps."""
    from fontTools.ttLib import TTFont

    return {chr(code) for code in TTFont(io.BytesIO(woff2)).getBestCmap()}


def licences(fonts_css: str) -> dict[str, str]:
    """Each family's licence file (styles/fonts/<family>/OFL.txt), by where its copy
    goes with the subsets (``fonts/web/OFL-<family>.txt``): the licence travels with the
    fonts it covers."""
    families = sorted({Path(source).parent for source in sources(fonts_css)})
    return {f"{WEB}/OFL-{family.name}.txt": f"{family}/OFL.txt" for family in families}


def make(styles: Path) -> list[Path]:
    """Write the WOFF2 subset of every face of styles/fonts.css into styles/fonts/web/,
    with the families' licences."""
    fonts_css = (styles / "fonts.css").read_text(encoding="utf-8")
    written = []
    (styles / WEB).mkdir(parents=True, exist_ok=True)
    for source in sources(fonts_css):
        target = styles / web_name(source)
        target.write_bytes(subset(styles / source))
        written.append(target)
    for copy, licence in licences(fonts_css).items():
        (styles / copy).write_bytes((styles / licence).read_bytes())
        written.append(styles / copy)
    return written
