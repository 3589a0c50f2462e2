"""Pictures decoded once per process, not at every layout.

WeasyPrint decodes each picture of a document while it builds its boxes and, for the
web PDF (whose options set a JPEG quality), encodes it again at that quality: about half
a second for a photo of twelve megapixels, at every layout, though copyfitting lays an
issue out several times and ``watch`` at every save. An album keeps, for one variant of
one issue, each picture as WeasyPrint made it from its file; each document is lent a copy
of its own (``Loan``): writing a PDF at a lower resolution, WeasyPrint writes the picture's
reduced copy over its data, so that a picture shared by two documents would be reduced
twice. The reduced copies are kept with the picture too, by the ratio they were reduced
at. A picture is taken from the album only while its file is the one it was made from (its
``files.identity``: inode, size, modification time); ``data:`` URLs stand for themselves.

A JPEG of a document lent the album is not encoded again as it is made (WeasyPrint
encodes the whole picture again at the web PDF's quality, then, to write it at 150
dpi, decodes that copy to reduce it): it is encoded again only if it is written at its
own size, as WeasyPrint would have (the same bytes), and a picture written reduced is
reduced from the file's own pixels, one JPEG encoding fewer. Its reduced copy is then
not WeasyPrint's, byte for byte: it is a little closer to the file (No. 6: the web PDF
1 KB smaller). A JPEG WeasyPrint turns (its EXIF orientation) is made as WeasyPrint
makes it.

WeasyPrint 70's insides (its image cache, ``RasterImage`` and its lazy data): with another
version, documents are given no album and decode their pictures as WeasyPrint does.
"""

from __future__ import annotations

import copy
import functools
import io
from pathlib import Path
from typing import Any

from . import sandbox
from .files import identity

# Under its URL, a picture as WeasyPrint made it (never drawn), the key and bytes of its
# data (None when it reads them from its file), and its file's stamp.
Album = dict[str, tuple[Any, tuple[str, bytes] | None, tuple[int, ...]]]


class Loan(dict[str, Any]):
    """WeasyPrint's image cache for one document (its ``cache`` option): what the document
    makes is its own and is put in the album; what the album holds, still true to its
    file, is lent as a copy."""

    def __init__(self, album: Album, roots: dict[str, Path]) -> None:
        super().__init__()
        self._album = album
        self._roots = roots
        _made_as_pictures()

    def __contains__(self, url: object) -> bool:
        if dict.__contains__(self, url):
            return True
        if not isinstance(url, str) or url not in self._album:
            return False
        picture, held, stamp = self._album[url]
        if stamp != self._stamp(url):
            del self._album[url]  # its file changed since: made again from it
            return False
        dict.__setitem__(self, url, self._lent(picture, held))
        return True

    def __setitem__(self, key: str, value: Any) -> None:
        from weasyprint.images import LazyImage

        dict.__setitem__(self, key, value)
        # WeasyPrint keeps a picture under its URL, and the bytes a picture holds under
        # keys of its own; a failure (None) or a drawing (SVG) is made again every time.
        if type(value) is not _reducing():
            return
        stamp = self._stamp(key)
        if stamp is None:
            return
        value.reduced = {}  # shared by the copies lent: each reduction made once
        picture = copy.copy(value)
        picture._cache = None  # (not this document's cache: the album outlives it)
        held = None
        if isinstance(value.image_data, LazyImage):
            held = (value.image_data._key, value.image_data.data)
            picture.image_data = None
        self._album[key] = (picture, held, stamp)

    def _lent(self, picture: Any, held: tuple[str, bytes] | None) -> Any:
        """A copy of the album's ``picture`` whose data are this document's."""
        from weasyprint.images import LazyImage

        mine = copy.copy(picture)
        mine._cache = self
        if held is not None:  # (else it reads its file: there is nothing to write over)
            mine.image_data = LazyImage(self, *held)
        return mine

    def _stamp(self, url: str) -> tuple[int, ...] | None:
        """What tells the picture's file from another: none for a ``data:`` URL; None for
        a URL the sandbox refuses (never kept: it fails, and must say so every time)."""
        if url.startswith("data:"):
            return ()
        try:
            return identity(sandbox.resolve(url, self._roots))
        except (sandbox.Refused, OSError):
            return None


def _made_as_pictures() -> None:
    """WeasyPrint's pictures made as ``_reducing()`` from now on in this process (the class
    WeasyPrint makes a picture of a URL with), once: a document's without the album, as
    WeasyPrint makes them."""
    import weasyprint.images

    weasyprint.images.RasterImage = _reducing()


def _deferred(pillow_image: Any, image_data: Any, orientation: Any, options: Any) -> bool:
    """Whether WeasyPrint would encode this picture again as it makes it, and may as well
    later: a JPEG it keeps as it is read (neither turned nor converted), of a document
    whose options set a quality or optimize pictures (the web PDF's)."""
    if pillow_image.format != "JPEG" or image_data is None:
        return False
    if options["jpeg_quality"] is None and not options["optimize_images"]:
        return False  # (kept as it is anyway)
    turned = orientation not in ("none", "from-image") or (
        orientation == "from-image" and "exif" in pillow_image.info
    )
    return not turned and "transparency" not in pillow_image.info


@functools.cache
def _reducing() -> Any:
    """WeasyPrint's ``RasterImage``, keeping each reduced copy it writes (``reduced``: the
    copy's data, width and height by the ratio it was reduced at, 1 for a JPEG encoded
    again at its own size) for the next PDF; a JPEG of a document lent the album encoded
    again only if it is written at its own size (``deferred``)."""
    from weasyprint import DEFAULT_OPTIONS
    from weasyprint.images import RasterImage

    class Reducing(RasterImage):  # type: ignore[misc]
        reduced: dict[float, tuple[bytes, int, int]]
        image_data: Any  # (WeasyPrint's, typed here for mypy)
        width: int
        height: int
        deferred = False

        def __init__(
            self,
            pillow_image: Any,
            image_id: str,
            image_data: Any,
            filename: Any = None,
            cache: Any = None,
            orientation: Any = "none",
            options: Any = DEFAULT_OPTIONS,
        ) -> None:
            if not isinstance(cache, Loan) or not _deferred(
                pillow_image, image_data, orientation, options
            ):
                super().__init__(
                    pillow_image, image_id, image_data, filename, cache, orientation, options
                )
                return
            # Made as WeasyPrint makes a JPEG it keeps as it is read, then given the
            # options' quality and optimization for the encodings to come.
            kept = {**options, "jpeg_quality": None, "optimize_images": False}
            super().__init__(pillow_image, image_id, image_data, filename, cache, orientation, kept)
            self._jpeg_quality = options["jpeg_quality"]
            self.optimize = options["optimize_images"]
            self.deferred = True

        def get_x_object(self, interpolate: bool, dpi_ratio: float) -> Any:
            reduced = getattr(self, "reduced", None)
            if reduced is None or (dpi_ratio == 1 and not self.deferred):
                return super().get_x_object(interpolate, dpi_ratio)
            kept = reduced.get(dpi_ratio)
            if kept is None:
                if dpi_ratio == 1:  # at its own size: encoded again, as WeasyPrint would have
                    data = self._encoded()
                    reduced[1] = (data, self.width, self.height)
                    self.image_data = self.cache_image_data(data)
                    self.deferred = False
                    return super().get_x_object(interpolate, 1)
                self.deferred = False  # (reduced from its data: the file's, if deferred)
                x_object = super().get_x_object(interpolate, dpi_ratio)
                size = int(x_object.extra["Width"]), int(x_object.extra["Height"])
                reduced[dpi_ratio] = (self.image_data.data, *size)
                return x_object
            # As WeasyPrint does once it has reduced it: the copy as the picture's data,
            # written at the copy's size.
            data, width, height = kept
            self.image_data = self.cache_image_data(data)
            self.deferred = False
            size = self.width, self.height
            self.width, self.height = width, height
            try:
                return super().get_x_object(interpolate, 1)
            finally:
                self.width, self.height = size

        def _encoded(self) -> bytes:
            """The JPEG as WeasyPrint encodes it again as it makes it: decoded from its
            file's bytes, at the options' quality and optimization."""
            from PIL import Image

            picture = Image.open(io.BytesIO(self.image_data.data))
            encoded = io.BytesIO()
            options: dict[str, Any] = {"format": "JPEG", "optimize": self.optimize}
            if self._jpeg_quality is not None:
                options["quality"] = self._jpeg_quality
            picture.save(encoded, **options)
            return encoded.getvalue()

    return Reducing
