"""The only way WeasyPrint reaches files: the issue's folder and bippdf's styles.

Documents and stylesheets are given a virtual base URL under a reserved domain
(``https://bippdf.invalid/issue/…``, ``…/styles/…``) that the fetcher maps to
those two folders. Nothing else is ever opened: not ``file:`` URLs elsewhere,
not the network, not a path that climbs out with ``..`` or a symbolic link. A
refusal stops the build. Since no machine path enters the document, the same
sources give the same PDF wherever they are checked out.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from .errors import BuildError
from .files import MAX_IMAGE_BYTES, Unreadable, read_regular

VIRTUAL = "https://bippdf.invalid/"
ISSUE = "issue"
STYLES = "styles"
_FOLDERS = {ISSUE: "du dossier du numéro", STYLES: "du dossier styles/"}


def issue_url(root: Path, path: Path) -> str:
    """The virtual URL of a file of the issue (``ValueError`` when it lies outside)."""
    relative = path.resolve().relative_to(root.resolve())
    return f"{VIRTUAL}{ISSUE}/{quote(relative.as_posix())}"


def base_url(area: str) -> str:
    """The virtual folder documents of an area are read from."""
    return f"{VIRTUAL}{area}/"


class Refused(Exception):
    """A resource the sandbox will not fetch, and why."""


def resolve(url: str, roots: dict[str, Path]) -> Path:
    """The file a virtual URL stands for, if it stays inside its area."""
    if not url.startswith(VIRTUAL):
        raise Refused(f"« {url} » est hors du numéro (seuls ses propres fichiers sont lus)")
    area, _, rest = url[len(VIRTUAL) :].partition("/")
    root = roots.get(area)
    if root is None:
        raise Refused(f"« {url} » est hors du numéro")
    try:
        path = (root / unquote(rest.split("?")[0].split("#")[0])).resolve()
    except (OSError, RuntimeError, ValueError):  # a loop of links; a NUL in the name
        name = unquote(rest)
        shown = "".join(c if c.isprintable() else "\N{REPLACEMENT CHARACTER}" for c in name)
        raise Refused(
            f"« {shown} » ne mène à aucun fichier (un lien en boucle, ou un nom invalide)"
        ) from None
    if not path.is_relative_to(root.resolve()):
        raise Refused(f"« {unquote(rest)} » sort {_FOLDERS.get(area, area)}")
    if not path.is_file():
        raise Refused(f"« {unquote(rest)} » n'existe pas")
    return path


def make_fetcher(
    weasyprint: Any, roots: dict[str, Path], pictures: Callable[[bytes], bytes] | None = None
) -> Any:
    """A WeasyPrint URL fetcher that serves ``data:`` URLs and the files of ``roots``;
    ``pictures`` changes every image it serves (the print variant separates them)."""
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class SandboxFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                response = super().fetch(url, headers)
                kind = response.headers.get_content_type()
                if pictures is None or not kind.startswith("image/"):
                    return response
                data = _changed(pictures, response.read(), None)
                return URLFetcherResponse(url, data, {"Content-Type": "image/jpeg"})
            try:
                path = resolve(url, roots)
            except Refused as refusal:
                raise FatalURLFetchingError(str(refusal)) from None
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            try:
                data = read_regular(path, MAX_IMAGE_BYTES)
            except (Unreadable, OSError) as exc:
                raise FatalURLFetchingError(f"{path.name} : {exc}") from None
            if pictures is not None and kind.startswith("image/"):
                data, kind = _changed(pictures, data, path), "image/jpeg"
            return URLFetcherResponse(url, data, {"Content-Type": kind})

    return SandboxFetcher(allowed_protocols={"data", "https"}, fail_on_errors=True)


def _changed(pictures: Callable[[bytes], bytes], data: bytes, path: Path | None) -> bytes:
    """A picture as the variant prints it. A picture its decoder or colour conversion
    refuses is no refused read: it is said as a build error naming the picture, which
    WeasyPrint carries out of its layout as the cause of its own (render.py says it).
    What Pillow raises for a damaged file is what its own ``Image.open`` takes so."""
    import struct

    from PIL import Image, ImageCms

    try:
        return pictures(data)
    except (
        OSError,
        ValueError,
        SyntaxError,
        EOFError,
        IndexError,
        KeyError,
        TypeError,
        struct.error,
        Image.DecompressionBombError,
        ImageCms.PyCMSError,
    ) as exc:
        raise BuildError(
            f"l'image n'a pas pu être convertie en CMJN pour le PDF d'impression "
            f"({type(exc).__name__} : {exc})",
            path=path,
            hint="enregistrez-la de nouveau en JPEG ou en PNG RVB, 8 bits par couche; le "
            "PDF web se fait sans cette conversion (bippdf build DOSSIER --variant web)",
        ) from exc
