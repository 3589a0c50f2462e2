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

WeasyPrint 70's insides (its image cache, ``RasterImage`` and its lazy data): with another
version, documents are given no album and decode their pictures as WeasyPrint does.
"""

from __future__ import annotations

import copy
import functools
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
        from weasyprint.images import LazyImage, RasterImage

        dict.__setitem__(self, key, value)
        # WeasyPrint keeps a picture under its URL, and the bytes a picture holds under
        # keys of its own; a failure (None) or a drawing (SVG) is made again every time.
        if type(value) is not RasterImage:
            return
        stamp = self._stamp(key)
        if stamp is None:
            return
        value.__class__ = _reducing()
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


@functools.cache
def _reducing() -> type:
    """WeasyPrint's ``RasterImage``, keeping each reduced copy it writes (``reduced``: the
    copy's data, width and height by the ratio it was reduced at) for the next PDF."""
    from weasyprint.images import RasterImage

    class Reducing(RasterImage):  # type: ignore[misc]
        reduced: dict[float, tuple[bytes, int, int]]
        image_data: Any  # (WeasyPrint's, typed here for mypy)
        width: int
        height: int

        def get_x_object(self, interpolate: bool, dpi_ratio: float) -> Any:
            if dpi_ratio == 1:
                return super().get_x_object(interpolate, dpi_ratio)
            kept = self.reduced.get(dpi_ratio)
            if kept is None:
                x_object = super().get_x_object(interpolate, dpi_ratio)
                size = int(x_object.extra["Width"]), int(x_object.extra["Height"])
                self.reduced[dpi_ratio] = (self.image_data.data, *size)
                return x_object
            # As WeasyPrint does once it has reduced it: the copy as the picture's data,
            # written at the copy's size.
            data, width, height = kept
            self.image_data = self.cache_image_data(data)
            size = self.width, self.height
            self.width, self.height = width, height
            try:
                return super().get_x_object(interpolate, 1)
            finally:
                self.width, self.height = size

    return Reducing
