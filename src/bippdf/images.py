"""Whether an image file of an issue can be drawn as it is: decoded whole, in a colour mode
the PDF writer draws, and under the pixel budget of one image.

WeasyPrint loads truncated files without a word (it sets Pillow's
``LOAD_TRUNCATED_IMAGES``) and draws a mode it does not know in black, so every image is
decoded here first, before any page is laid out, and refused with a reason in French.
"""

from __future__ import annotations

import functools
import warnings
import zlib
from pathlib import Path

from .files import identity

# One image: a full page at 300 dpi is 8.5 × 11 × 300² ≈ 8.4 megapixels; 50 leaves room
# for a photo cropped hard, and holds one decoded image under about 200 MB.
MAX_PIXELS = 50_000_000
# A whole issue: some forty photos of ten megapixels, each decoded while its page is laid out.
MAX_ISSUE_PIXELS = 400_000_000
# The colour modes the PDF writer draws (1, P and I are converted to RGB, I wrongly for
# 16-bit files, which it clips to white or black).
DRAWN_MODES = frozenset({"1", "L", "LA", "P", "RGB", "RGBA", "CMYK"})


def image_problem(path: Path) -> str | None:
    """Why an image file cannot be used, or None when it can. What decoding it said is
    kept for as long as the file is the same one (its inode, size and modification
    time): ``watch`` checks every picture of the issue at each rebuild."""
    try:
        same = identity(path)
    except OSError:
        return _problem(path)  # said as opening it says it
    return _known_problem(path, same)


@functools.lru_cache(maxsize=256)
def _known_problem(path: Path, same: tuple[int, int, int]) -> str | None:
    """``_problem`` of the file as it is with this ``files.identity``."""
    return _problem(path)


def _problem(path: Path) -> str | None:
    """Why the image file cannot be used, found by decoding it."""
    from PIL import Image, ImageFile, UnidentifiedImageError

    truncated = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False  # a cut file is an error here, whoever set it
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                return _size_or_mode(image) or _decoded(image)
    except UnidentifiedImageError:
        return "ce format d'image est inconnu de bippdf"
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return _too_many("l'image")
    except (OSError, SyntaxError, ValueError, zlib.error):  # Pillow's "corrupt"
        return "le fichier est endommagé : ses données ne se décodent pas"
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = truncated


def pixels_problem(paths: list[Path]) -> str | None:
    """Why the images of one issue together weigh too much, or None (read from their
    headers: each has been decoded whole before, by ``image_problem``)."""
    from PIL import Image

    total = 0
    for path in paths:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                total += image.size[0] * image.size[1]
    if total <= MAX_ISSUE_PIXELS:
        return None
    return (
        f"les images du numéro ont ensemble {total // 1_000_000} millions de pixels, "
        f"plus que les {MAX_ISSUE_PIXELS // 1_000_000} millions permis"
    )


def header_size(data: bytes) -> tuple[int, int] | None:
    """A PNG's or JPEG's width and height, read from the first bytes of its file (64 KB
    hold a JPEG's frame header after its metadata), or None if it is neither."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR":
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if not data.startswith(b"\xff\xd8"):
        return None
    at = 2
    while at + 9 <= len(data) and data[at] == 0xFF:
        marker, length = data[at + 1], int.from_bytes(data[at + 2 : at + 4], "big")
        # The frame's header (SOF0 to SOF15, less DHT, JPG and DAC) holds its size.
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height = int.from_bytes(data[at + 5 : at + 7], "big")
            return int.from_bytes(data[at + 7 : at + 9], "big"), height
        at += 2 + length
    return None


def _size_or_mode(image: object) -> str | None:
    """What its header already says is wrong: too many pixels, or a mode not drawn."""
    from PIL import Image

    assert isinstance(image, Image.Image)
    width, height = image.size
    if width * height > MAX_PIXELS:
        return _too_many(f"{width} × {height} pixels")
    if image.mode not in DRAWN_MODES:
        return (
            f"ses couleurs sont codées en « {image.mode} » (16 bits ou plus par couche, ou "
            "un mode que le PDF ne dessine pas) : elle serait imprimée en noir"
        )
    return None


def _decoded(image: object) -> str | None:
    """Every pixel decoded: a truncated file or damaged data shows only here."""
    from PIL import Image

    assert isinstance(image, Image.Image)
    try:
        image.load()
    except OSError as exc:
        if "truncated" in str(exc):
            return "le fichier est tronqué : l'image s'arrête avant sa fin"
        raise
    return None


def _too_many(what: str) -> str:
    return (
        f"trop de pixels ({what}) : une image du bulletin en a au plus "
        f"{MAX_PIXELS // 1_000_000} millions"
    )
