"""How colours and images separate to the four process inks, as a preflight weighs them.

A CMYK image is measured as a viewer decodes it (a JPEG's Adobe inversion and the
PDF's /Decode both applied), a gray one as black ink, an RGB one through the output
profile with littleCMS (Pillow's ImageCms), as a RIP would separate it.
"""

from __future__ import annotations

import hashlib
import io
from functools import lru_cache
from typing import Any

from .objects import is_array, is_name_or_string, number


@lru_cache(maxsize=256)
def rgb_to_cmyk(rgb: tuple[int, ...], profile: bytes) -> tuple[float, ...]:
    """An sRGB colour (0–255) as the four inks (fractions) the profile separates it to."""
    from PIL import Image

    pixel = _separate(Image.new("RGB", (1, 1), rgb), profile).getpixel((0, 0))
    assert isinstance(pixel, tuple)
    return tuple(v / 255 for v in pixel)


def _separate(image: Any, profile: bytes) -> Any:
    """An RGB or gray image separated to CMYK through ``profile`` (from sRGB)."""
    from PIL import ImageCms

    transform = _transform(profile, image.mode)
    return ImageCms.applyTransform(image, transform)


@lru_cache(maxsize=4)
def _transform(profile: bytes, mode: str) -> Any:
    from PIL import ImageCms

    source = ImageCms.createProfile("sRGB")
    target = ImageCms.ImageCmsProfile(io.BytesIO(profile))
    return ImageCms.buildTransform(
        source,
        target,
        "RGB",
        "CMYK",
        renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
        flags=ImageCms.Flags.BLACKPOINTCOMPENSATION,
    )


def image_ink(image: Any, profile: bytes | None) -> float:
    """The total ink of an image's heaviest pixel, in %: CMYK as decoded (with its
    /Decode), gray as black, RGB through the output profile; 0 when it cannot be read.

    A JPEG's is kept for the process, known by its bytes, its /Decode and the profile
    (all that its pixels and their weight depend on): ``watch`` checks the same photos
    at every rebuild, and a 12-megapixel one takes about a second to decode and weigh."""
    key = _known(image, profile)
    if key is None:
        return _image_ink(image, profile)
    if key not in _WEIGHED:
        remember({key: _image_ink(image, profile)})
    return _WEIGHED[key]


_Key = tuple[bytes, tuple[float, ...] | None, bytes | None]
_WEIGHED: dict[_Key, float] = {}
_WEIGHED_AT_MOST = 64  # pictures: those of a few issues


def weighed() -> dict[_Key, float]:
    """The pictures weighed in this process so far: a forked reader of pages sends them
    back with its pages, for the next check (``remember``)."""
    return dict(_WEIGHED)


def remember(found: dict[_Key, float]) -> None:
    """Keep what was weighed, here or by another process (``weighed``), within
    ``_WEIGHED_AT_MOST`` pictures: the first weighed are forgotten first."""
    for key, ink in found.items():
        _WEIGHED.setdefault(key, ink)
    while len(_WEIGHED) > _WEIGHED_AT_MOST:
        del _WEIGHED[next(iter(_WEIGHED))]


def weighed_when_written(jpeg: bytes, ink: float, profile: bytes) -> None:
    """Keep the total ink of the heaviest pixel of a CMYK JPEG that bippdf separated
    (colour.separate), in %, as the check looks it up when it meets the JPEG in the print
    PDF: WeasyPrint writes its bytes as they are, with the /Decode of Adobe's inverted
    CMYK, which undoes Pillow's inversion (``_decode``): its pixels are those Pillow
    reads. A JPEG written otherwise (other bytes, another /Decode, another output
    profile) is known by another key, and weighed from the PDF."""
    remember({_key(jpeg, _ADOBE_CMYK, profile): ink})


_ADOBE_CMYK = (1.0, 0.0) * 4  # the /Decode WeasyPrint writes for a CMYK JPEG


def _known(image: Any, profile: bytes | None) -> _Key | None:
    """What a JPEG's weight depends on; None for another image, or a JPEG whose /Decode
    is more than numbers (not kept)."""
    try:
        if filters(image)[-1:] != ["/DCTDecode"]:
            return None
        decode = _decode_array(image)
        data = image.read_raw_bytes()
    except Exception:  # a dictionary that cannot be read (or a /Decode not of numbers):
        return None  # weighed (and said) as it is
    return _key(data, decode, profile)


def _key(data: bytes, decode: tuple[float, ...] | None, profile: bytes | None) -> _Key:
    """A JPEG's weight's key: its bytes' digest, its /Decode and the profile's digest."""
    return (
        hashlib.sha256(data).digest(),
        decode,
        None if profile is None else hashlib.sha256(profile).digest(),
    )


def _image_ink(image: Any, profile: bytes | None) -> float:
    """``image_ink``, worked out."""
    try:
        tints = _tints(image)
        if tints is not None:
            return tints
        picture = _decode(image)
    except Exception:  # an image that cannot be decoded: the fonts-and-images checks say so
        return 0.0
    if picture.mode == "CMYK":
        return heaviest_pixel(picture)
    if picture.mode in ("L", "1"):
        return (255 - float(picture.convert("L").getextrema()[0])) * 100 / 255
    if profile is None:
        return 0.0
    return heaviest_pixel(_separate(picture.convert("RGB"), profile))


def heaviest_pixel(picture: Any) -> float:
    """The total ink of the heaviest pixel of an image whose bands are inks (CMYK, or the
    tints of a DeviceN), in %."""
    from PIL import ImageMath

    bands = {f"b{number}": band for number, band in enumerate(picture.split())}
    total = ImageMath.lambda_eval(lambda b: sum(b[name] for name in bands), **bands)
    highest = total.getextrema()[1]
    assert isinstance(highest, (int, float))
    return float(highest) * 100 / 255


def filters(x_object: Any) -> list[Any]:
    """An XObject's filters, in the order they decode it (/Filter is a name or an array)."""
    named = x_object.get("/Filter")
    if is_name_or_string(named):
        return [str(named)]
    return [str(name) for name in named] if is_array(named) else []


def _decode_array(image: Any) -> tuple[float, ...] | None:
    """An image's /Decode as numbers (None without one); ``ValueError`` for one that is
    not an array of numbers."""
    decode = image.get("/Decode")
    if decode is None:
        return None
    values = [number(value) for value in decode] if is_array(decode) else [None]
    found = tuple(value for value in values if value is not None)
    if len(found) != len(values):
        raise ValueError("un /Decode qui n'est pas fait de nombres")
    return found


def _inverts(image: Any) -> bool:
    """Whether the image's /Decode reads its samples the other way round (1 as 0)."""
    decode = _decode_array(image)
    return decode is not None and len(decode) >= 2 and decode[0] > decode[1]


def _decode(image: Any) -> Any:
    """An image XObject as a Pillow image whose CMYK values are inks, as a viewer shows
    them (a JPEG's Adobe inversion and the PDF's /Decode both applied: pikepdf applies
    the /Decode of the images it decodes itself)."""
    from pikepdf import PdfImage
    from PIL import Image, ImageChops

    decoding = filters(image)
    if not decoding or decoding[-1] != "/DCTDecode":
        return PdfImage(image).as_pil_image()
    picture: Image.Image = Image.open(io.BytesIO(image.read_raw_bytes()))
    picture.load()
    # Pillow reads an Adobe CMYK JPEG's samples inverted, and a /Decode of [1 0 …]
    # inverts the samples: the picture is inverted when one holds without the other (every
    # CMYK JPEG WeasyPrint writes has both, which undo each other).
    adobe = picture.mode == "CMYK" and "adobe" in picture.info
    if adobe != (_inverts(image) and picture.mode != "1"):
        picture = ImageChops.invert(picture)
    return picture


_TINT_MODES = {1: "L", 2: "LA", 3: "RGB", 4: "CMYK"}  # 8-bit samples of so many inks


def _tints(image: Any) -> float | None:
    """The total ink of the heaviest pixel of a Separation or DeviceN image, in % (each
    sample a tint of its ink, 255 all of it); None for an image in another colour space.
    (pikepdf does not decode these: they are inks, not colours to show.)"""
    from PIL import Image, ImageChops

    space = image.get("/ColorSpace")
    kind = str(space[0]) if is_array(space) and len(space) >= 2 else ""
    if kind not in ("/Separation", "/DeviceN"):
        return None
    inks = 1 if kind == "/Separation" else len(space[1])
    if int(image.get("/BitsPerComponent", 0)) != 8 or inks not in _TINT_MODES:
        raise ValueError("des teintes que bippdf ne sait pas lire")
    size = (int(image["/Width"]), int(image["/Height"]))
    picture = Image.frombytes(_TINT_MODES[inks], size, image.read_bytes())
    return heaviest_pixel(ImageChops.invert(picture) if _inverts(image) else picture)
