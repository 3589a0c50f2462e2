"""Colour for screen and press: the bulletin's palette, and photos separated to CMYK.

The palette (``styles/palette.toml``) is written once, in sRGB; the print variant gets
each colour in CMYK as the palette says: through the output intent's profile
(``styles/icc/``, FOGRA39), black ink alone, or by hand. Photos and other pictures are
separated to CMYK through the same profile when the print PDF is made, so that nothing
in it is RGB. Both conversions use littleCMS (Pillow's ``ImageCms``) with relative
colorimetric rendering: a flat colour of the palette as close as the press can print
it; pictures with black-point compensation as well (what Acrobat's and Photoshop's
"convert to profile" do by default), so that their shadows keep their detail. (The
profile's perceptual table was built without a source gamut, so perceptual rendering
would give the same colours.) A pixel whose inks add up to more than ``INK_LIMIT`` then
has its cyan, magenta and yellow lowered in proportion, its black kept: the darkest
tones stay dark and print dry.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from .contract import INK_LIMIT
from .errors import BuildError
from .files import keep_whole, read_whole
from .resources import styles_dir
from .sourcefile import key_line

PALETTE = "palette.toml"
PROFILE = "icc/coated-fogra39-bippdf.icc"
JPEG_QUALITY = 92  # of the separated pictures: no visible loss at 300 ppi
_LARGEST_KEPT = 1 << 30  # bytes of a separation kept on disk (colour.Separator)
_HEX = re.compile(r"#[0-9a-fA-F]{6}")


@dataclass(frozen=True)
class Colour:
    """One colour of the palette: on screen, and its four inks (fractions) in print."""

    name: str
    srgb: str  # "#1c3557"
    cmyk: tuple[float, float, float, float]


def palette_css(inks: str) -> str:
    """The palette as CSS custom properties: ``:root { --navy: #1c3557; … }`` for
    ``"srgb"``, with ``device-cmyk(…)`` values for ``"cmyk"``."""
    if inks == "cmyk":
        values = {
            colour.name: "device-cmyk({})".format(" ".join(f"{v:.2f}" for v in colour.cmyk))
            for colour in load_palette()
        }
    else:
        values = screen_palette()
    lines = [f"  --{name}: {value};" for name, value in values.items()]
    return ":root {\n" + "\n".join(lines) + "\n}\n"


@cache
def load_palette() -> tuple[Colour, ...]:
    """``styles/palette.toml``, read once per process (``Engine.reload`` forgets it)."""
    return read_palette(styles_dir() / PALETTE)


@cache
def screen_palette() -> dict[str, str]:
    """The palette's colours on screen, by name (``"#1c3557"``): its sRGB values alone,
    read once per process. Working each colour's inks out through the output profile
    (``load_palette``) takes 0.04 s, which the web PDF and the online edition do not
    need: in a first build, the process that lays out the print PDF beside does it."""
    path = styles_dir() / PALETTE
    text, entries = _entries(path)
    return {name: _srgb(name, entry, path, text) for name, entry in entries.items()}


def read_palette(path: Path) -> tuple[Colour, ...]:
    """A palette file, each colour's CMYK worked out; a fault names its line."""
    text, entries = _entries(path)
    return tuple(_colour(name, entry, path, text) for name, entry in entries.items())


def _entries(path: Path) -> tuple[str, dict[str, Any]]:
    """A palette file's text and its colours' entries."""
    text = path.read_text(encoding="utf-8")
    try:
        entries = tomllib.loads(text).get("colours", {})
    except tomllib.TOMLDecodeError as exc:
        raise BuildError(f"la palette est mal écrite : {exc}", path=path) from None
    return text, entries


def _srgb(name: str, entry: Any, path: Path, text: str) -> str:
    """An entry's sRGB value, checked (``"#1c3557"``)."""
    srgb = entry.get("srgb", "") if isinstance(entry, dict) else ""
    if not _HEX.fullmatch(srgb):
        raise BuildError(
            f"la couleur « {name} » n'a pas de valeur sRGB lisible",
            path=path,
            line=key_line(text, name),
            hint=f'écrivez par exemple {name} = {{ srgb = "#1c3557", print = "profile" }}',
        )
    return srgb.lower()


def _colour(name: str, entry: Any, path: Path, text: str) -> Colour:
    """One entry of the palette, checked, with its CMYK."""
    line = key_line(text, name)
    srgb = _srgb(name, entry, path, text)
    way = entry.get("print", "profile") if isinstance(entry, dict) else ""
    rgb = tuple(int(srgb[i : i + 2], 16) for i in (1, 3, 5))
    if way == "profile":
        cmyk = _through_profile(rgb)
    elif way == "black":
        cmyk = (0.0, 0.0, 0.0, _matching_black(rgb))
    elif re.fullmatch(r"\s*(\d{1,3}(\.\d+)?\s+){3}\d{1,3}(\.\d+)?\s*", str(way)) and all(
        float(v) <= 100 for v in str(way).split()
    ):
        c, m, y, k = (float(v) / 100 for v in str(way).split())
        cmyk = (c, m, y, k)
    else:
        raise BuildError(
            f"la couleur « {name} » dit print = « {way} »",
            path=path,
            line=line,
            hint='écrivez "profile", "black" ou quatre pourcentages, par exemple "0 0 0 100"',
        )
    if 100 * sum(cmyk) > INK_LIMIT:
        raise BuildError(
            f"la couleur « {name} » porterait {100 * sum(cmyk):.0f} % d'encre",
            path=path,
            line=line,
            hint=f"la presse en prend {INK_LIMIT} % au plus : donnez une couleur plus légère",
        )
    return Colour(name, srgb, cmyk)


def _through_profile(rgb: tuple[int, ...]) -> tuple[float, float, float, float]:
    """An sRGB colour separated through the output profile, in whole percents."""
    from PIL import Image, ImageCms

    separated = ImageCms.applyTransform(Image.new("RGB", (1, 1), rgb), _to_cmyk(compensated=False))
    assert separated is not None
    pixel = separated.getpixel((0, 0))
    assert isinstance(pixel, tuple)
    c, m, y, k = (round(v * 100 / 255) / 100 for v in pixel)
    return (c, m, y, k)


def _matching_black(rgb: tuple[int, ...]) -> float:
    """The black tint (a fraction, whole percents) as light as an sRGB colour, both
    measured in L* through the output profile."""
    from PIL import Image, ImageCms

    wanted = _lightness(ImageCms.applyTransform(Image.new("RGB", (1, 1), rgb), _to_lab("RGB")))
    tints = Image.new("CMYK", (101, 1))
    tints.putdata([(0, 0, 0, round(k * 2.55)) for k in range(101)])
    lab = ImageCms.applyTransform(tints, _to_lab("CMYK"))
    assert lab is not None
    distance = [abs(_lightness(lab, k) - wanted) for k in range(101)]
    return distance.index(min(distance)) / 100


def _lightness(lab: Any, x: int = 0) -> float:
    value = lab.getpixel((x, 0))
    return float(value[0]) * 100 / 255


def forget() -> None:
    """Read the palette and the output profile again at their next use (styles/ changed
    on disk: ``Engine.reload``)."""
    for cached in (load_palette, screen_palette, _profile, _recipe, _press, _to_cmyk, _to_lab):
        cached.cache_clear()


@cache
def _profile() -> bytes:
    """The output profile's bytes (styles/icc/), read once: the pictures are separated
    through it and their separations kept under its digest, the same bytes for both."""
    return (styles_dir() / PROFILE).read_bytes()


@cache
def _press() -> Any:
    """The output profile, opened once."""
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(io.BytesIO(_profile()))


@lru_cache(maxsize=8)
def _to_cmyk(source: bytes | None = None, *, compensated: bool = True) -> Any:
    """RGB to the output profile's CMYK: from sRGB, or from the ICC profile ``source``
    (a picture's own); relative colorimetric, with black-point compensation for pictures
    (``compensated``), without for the palette."""
    from PIL import ImageCms

    origin = ImageCms.createProfile("sRGB") if source is None else io.BytesIO(source)
    return ImageCms.buildTransform(
        ImageCms.ImageCmsProfile(origin),
        _press(),
        "RGB",
        "CMYK",
        renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
        flags=ImageCms.Flags.BLACKPOINTCOMPENSATION if compensated else ImageCms.Flags.NONE,
    )


@cache
def _to_lab(mode: str) -> Any:
    """sRGB (``"RGB"``) or the output profile's CMYK (``"CMYK"``) to CIE L*a*b*."""
    from PIL import ImageCms

    source = ImageCms.createProfile("sRGB") if mode == "RGB" else _press()
    return ImageCms.buildTransform(
        source,
        ImageCms.createProfile("LAB"),
        mode,
        "LAB",
        renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
    )


class Separator:
    """Pictures separated to CMYK for the press, each once: kept for the process
    (``watch`` and a build's variants reuse them) and, given a ``folder`` (the build
    folder's cache), on disk for the builds after it. Separating No. 6's pictures takes
    1.5 s of every print PDF's layout otherwise. A picture is known by its bytes' digest
    and by what its separation depends on: the output profile, the ink limit, the code
    that separates it and the versions of Pillow, littleCMS and libjpeg (not the rest
    of bippdf's code, so that a change elsewhere does not leave a copy of every picture
    behind). A kept file holds the digest of its JPEG before it: one damaged on disk is
    separated again."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self._done: dict[str, bytes] = {}

    def separate(self, data: bytes) -> bytes:
        """A picture file (JPEG, PNG, …) as a CMYK JPEG under the ink limit; a gray
        picture stays gray (it prints on the black plate alone)."""
        key = hashlib.sha256(_recipe() + data).hexdigest()
        if key not in self._done:
            self._done[key] = self._stored(key) or self._store(key, separate(data))
        return self._done[key]

    def _stored(self, key: str) -> bytes | None:
        """The separation kept on disk by an earlier build, if there is one, whole."""
        return (
            None if self.folder is None else read_whole(self.folder / f"{key}.cmyk", _LARGEST_KEPT)
        )

    def _store(self, key: str, separated: bytes) -> bytes:
        """Keep a separation on disk for the next builds."""
        if self.folder is not None:
            keep_whole(self.folder / f"{key}.cmyk", separated)
        return separated


@cache
def _recipe() -> bytes:
    """What a separation depends on besides the picture, as one digest (see
    ``Separator``); forgotten with the profile (``forget``)."""
    import PIL
    from PIL import features

    from .check import separation

    libraries = [features.version(name) for name in ("littlecms2", "jpg")]
    versions = [PIL.__version__, *libraries, INK_LIMIT, JPEG_QUALITY]
    digest = hashlib.sha256(json.dumps(versions).encode() + _profile())
    for code in (__file__, separation.__file__):
        digest.update(Path(code).read_bytes())
    return digest.digest()


def separate(data: bytes) -> bytes:
    """A picture as a JPEG in CMYK (or gray) for the press; see ``Separator``."""
    from PIL import Image, ImageCms, ImageOps

    with Image.open(io.BytesIO(data)) as opened:
        opened.load()
        # Turned as its camera said (EXIF), as WeasyPrint turns the web PDF's: the
        # separation carries no EXIF, and both PDFs must lay the picture out alike.
        picture = _flattened(ImageOps.exif_transpose(opened))
        icc = opened.info.get("icc_profile")
    if picture.mode == "L":
        return _jpeg(picture)
    if picture.mode != "CMYK":
        transform = _to_cmyk()
        if icc:
            # The picture's own RGB profile (Adobe RGB, Display P3…) when it has one; a
            # profile littleCMS cannot use leaves the picture taken as sRGB.
            with contextlib.suppress(ImageCms.PyCMSError):
                transform = _to_cmyk(icc)
        picture = ImageCms.applyTransform(picture, transform)
    return _limited_jpeg(picture)


def _limited_jpeg(picture: Any) -> bytes:
    """A CMYK picture as a JPEG under the ink limit once decoded: JPEG's ringing at sharp
    edges can lift a pixel a few percent over what was encoded, so the picture is
    limited again, lower by the overshoot, until the file itself holds. Its heaviest
    pixel is kept for the print PDF's check (``weighed_when_written``): weighed here, in
    the print PDF's layout, which learns the lines of the web PDF's meanwhile, rather
    than in its check, which the build waits for."""
    from PIL import Image

    # Here, not at the top: the check (pikepdf, pypdfium2) is not needed by a build that
    # finds its files up to date.
    from .check.separation import heaviest_pixel, weighed_when_written

    target = float(INK_LIMIT)
    while True:
        data = _jpeg(limit_ink(picture, target))
        heaviest = heaviest_pixel(Image.open(io.BytesIO(data)))
        if heaviest <= INK_LIMIT or target < INK_LIMIT - 60:
            weighed_when_written(data, heaviest, _profile())
            return data
        target -= heaviest - INK_LIMIT + 1


def _flattened(picture: Any) -> Any:
    """RGB, gray or CMYK, on white paper where the picture was transparent: ``picture``
    itself when it is one already (``exif_transpose`` gives a copy of the file's)."""
    from PIL import Image

    if picture.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit gray: scaled to 8 bits (a plain conversion clips it to black)
        return picture.point(lambda v: v / 256).convert("L")
    if picture.mode in ("CMYK", "L", "RGB"):
        return picture
    if picture.mode in ("1",):
        return picture.convert("L")
    rgba = picture.convert("LA" if picture.mode in ("LA", "La") else "RGBA")
    paper = Image.new(rgba.mode, rgba.size, (255,) * len(rgba.mode))
    paper.alpha_composite(rgba)
    return paper.convert(rgba.mode[:-1])


def limit_ink(picture: Any, percent: float = INK_LIMIT) -> Any:
    """A CMYK picture with no pixel above ``percent`` of ink: where the inks add up to
    more, cyan, magenta and yellow are lowered in proportion and black kept (the picture
    itself when none can)."""
    from PIL import Image, ImageMath

    limit = percent * 255 / 100
    if _most_ink(picture) <= limit:
        # No pixel can be over: every factor below would be 1, the picture the same.
        return picture
    c, m, y, k = picture.split()
    # The same factor for the three inks, worked out once (a 12-megapixel photo's
    # planes are 48 MB each in floats): each ink is then scaled by it.
    factor = ImageMath.lambda_eval(
        lambda e: e["min"]((limit - e["k"]) / e["max"](e["cmy"], 1.0), 1.0),
        k=k.convert("F"),
        cmy=ImageMath.lambda_eval(lambda e: e["c"] + e["m"] + e["y"], c=c, m=m, y=y).convert("F"),
    )

    def scaled(band: Any) -> Any:
        return ImageMath.lambda_eval(
            lambda e: e["band"] * e["factor"], band=band.convert("F"), factor=factor
        ).convert("L")

    return Image.merge("CMYK", [scaled(c), scaled(m), scaled(y), k])


def _most_ink(picture: Any) -> int:
    """The ink of each band's heaviest pixel, added up, in 255ths: no pixel carries more,
    and finding it costs a tenth of adding the bands up pixel by pixel, which a picture
    under the limit by this measure is spared (No. 6's, all of them). Read from the
    bands' histograms, counted in one pass over the picture: ``getextrema`` copies each
    band out first (10 ms against 6 for No. 6's cover photo)."""
    counts = picture.histogram()
    return sum(
        max((value for value in range(256) if counts[band * 256 + value]), default=0)
        for band in range(len(picture.getbands()))
    )


def _jpeg(picture: Any) -> bytes:
    """A picture as JPEG bytes (Pillow writes CMYK the Adobe way, which WeasyPrint
    reads with its /Decode inversion), without the comment of the file it was read from,
    which the print PDF would carry."""
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=JPEG_QUALITY, subsampling=0, comment=b"")
    return out.getvalue()
