"""Pictures decoded once per process (pictures.py): each layout after the first takes them
from the engine's album, and writes the very PDF a new engine writes; a picture replaced
is decoded again, and one that fails is said at every layout."""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageOps
from pypdf import PdfReader

from bippdf import pipeline
from bippdf.render import Engine, Rendered

from .conftest import article, moved_over, write_issue

pytestmark = pytest.mark.pdf  # every test here lays out PDFs


def _photo(path: Path, seed: int, size: tuple[int, int] = (1600, 1200)) -> None:
    """A JPEG of random pixels; by default far larger than its column needs at 150 dpi,
    so that the web PDF writes it reduced."""
    pixels = random.Random(seed).randbytes(size[0] * size[1] * 3)
    Image.frombytes("RGB", size, pixels).save(path, quality=90)


def _issue_with_a_photo(root: Path, seed: int, size: tuple[int, int] = (1600, 1200)) -> Path:
    """An issue of one article showing one photo, ``images/photo.jpg`` (``_photo``)."""
    body = 'Un paragraphe.\n\n![Une photo](../images/photo.jpg "Photo : essai")\n\nLa suite.\n'
    root = write_issue(root, {"01-a.md": article("A", body)})
    (root / "images").mkdir()
    _photo(root / "images" / "photo.jpg", seed, size)
    return root


@pytest.fixture
def issue(tmp_path: Path) -> Path:
    return _issue_with_a_photo(tmp_path / "numero", 1)


@pytest.fixture
def decoded(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The size of every picture WeasyPrint decodes (as it makes a RasterImage), in this
    process."""
    from weasyprint import images

    found: list[int] = []
    make = images.RasterImage.__init__

    def counted(picture: Any, pillow_image: Any, *args: Any, **keywords: Any) -> None:
        found.append(pillow_image.width)
        make(picture, pillow_image, *args, **keywords)

    monkeypatch.setattr(images.RasterImage, "__init__", counted)
    return found


def _web(issue: Path, engine: Engine) -> Rendered:
    """The issue's web PDF as ``engine`` renders it."""
    composed = pipeline.compose(issue)
    return engine.render(
        composed.composition.html,
        base_url=composed.issue.root,
        language="fr-CA",
        variant="web",
        epoch=0,
        files=composed.composition.resources,
    )


def test_a_picture_is_decoded_and_reduced_once_and_each_pdf_is_the_one_a_new_engine_writes(
    issue: Path, decoded: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    reduced: list[tuple[int, int]] = []
    reduce = Image.Image.thumbnail

    def counted(picture: Image.Image, size: tuple[int, int], *args: Any, **kw: Any) -> None:
        reduced.append(size)
        reduce(picture, size, *args, **kw)

    monkeypatch.setattr(Image.Image, "thumbnail", counted)
    engine = Engine()
    first = _web(issue, engine)
    assert len(decoded) == 1 and len(reduced) == 1  # written at 150 dpi: reduced
    for _ in range(2):  # (the second reduced the picture once more when it was shared)
        again = _web(issue, engine)
        assert again.pdf == first.pdf
    assert len(decoded) == 1 and len(reduced) == 1
    assert _web(issue, Engine()).pdf == first.pdf
    assert len(decoded) == 2 and len(reduced) == 2


def _picture_in(pdf: bytes) -> tuple[bytes, int, int]:
    """The one picture of the PDF: its JPEG data as written, its width and height."""
    reader = PdfReader(io.BytesIO(pdf))
    found = {  # (the pages share one dictionary of resources)
        stream.idnum: stream.get_object()
        for page in reader.pages
        for stream in page["/Resources"].get("/XObject", {}).values()
        if stream.get_object().get("/Subtype") == "/Image"
    }
    (picture,) = found.values()
    assert picture["/Filter"] == "/DCTDecode"
    return picture._data, int(picture["/Width"]), int(picture["/Height"])


def _jpeg(picture: Image.Image, **options: Any) -> bytes:
    written = io.BytesIO()
    picture.save(written, format="JPEG", **options)
    return written.getvalue()


def test_a_picture_written_reduced_is_reduced_from_its_file_s_pixels(issue: Path) -> None:
    """WeasyPrint encodes a JPEG again at the web PDF's quality as it makes it, then
    reduces that copy; bippdf reduces the file's own, one encoding fewer (as WeasyPrint
    reduces: its thumbnail, optimized, Pillow's quality)."""
    data, width, height = _picture_in(_web(issue, Engine()).pdf)
    photo = issue / "images" / "photo.jpg"
    with Image.open(photo) as original:
        assert (width, height) < original.size  # written at 150 dpi: reduced
        reencoded = _jpeg(original, quality=80, optimize=True)

    def reduced(source: bytes) -> bytes:
        picture = Image.open(io.BytesIO(source))
        picture.thumbnail((width, height))
        return _jpeg(picture, optimize=True)

    assert data == reduced(photo.read_bytes())
    weasyprint_s = reduced(reencoded)
    assert data != weasyprint_s  # (the case that shows this test can fail)


def test_a_picture_written_at_its_own_size_is_the_one_weasyprint_writes(tmp_path: Path) -> None:
    """A JPEG written at its own size (under 150 dpi in its column): encoded again at the
    web PDF's quality, optimized, as WeasyPrint encodes it as it makes it."""
    root = _issue_with_a_photo(tmp_path / "numero", 3, (240, 180))
    engine = Engine()
    first = _web(root, engine)
    assert _web(root, engine).pdf == first.pdf  # (the second, lent the album's encoding)
    data, width, height = _picture_in(first.pdf)
    with Image.open(root / "images" / "photo.jpg") as photo:
        assert (width, height) == photo.size
        assert data == _jpeg(photo, quality=80, optimize=True)
    assert data != (root / "images" / "photo.jpg").read_bytes()


def test_a_jpeg_turned_by_its_orientation_is_written_as_weasyprint_writes_it(
    tmp_path: Path,
) -> None:
    """A JPEG whose EXIF orientation turns it (image-orientation: from-image) is made as
    WeasyPrint makes it: turned, then encoded at the web PDF's quality, once."""
    root = _issue_with_a_photo(tmp_path / "numero", 4, (240, 180))
    with Image.open(root / "images" / "photo.jpg") as upright:
        upright.load()
        exif = Image.Exif()
        exif[0x0112] = 6  # Orientation: turn 90° clockwise to show it
        upright.save(root / "images" / "photo.jpg", format="JPEG", exif=exif.tobytes())
    data, width, height = _picture_in(_web(root, Engine()).pdf)
    with Image.open(root / "images" / "photo.jpg") as photo:
        turned = ImageOps.exif_transpose(photo)
    assert (width, height) == turned.size == (180, 240)
    assert data == _jpeg(turned, quality=80, optimize=True)


def test_a_picture_replaced_under_its_name_is_decoded_again(
    issue: Path, decoded: list[int]
) -> None:
    """Another photo of the same size, at the same modification time: its inode tells it."""
    engine = Engine()
    before = _web(issue, engine)
    photo = issue / "images" / "photo.jpg"
    other = issue / "autre.jpg"
    _photo(other, 2, (1400, 1050))  # a smaller file, made as long (read to its end marker)
    moved_over(photo, other.read_bytes().ljust(photo.stat().st_size, b"\0"))
    after = _web(issue, engine)
    assert len(decoded) == 2 and after.pdf != before.pdf
    assert after.pdf == _web(issue, Engine()).pdf


def test_a_picture_that_fails_is_said_at_every_layout(tmp_path: Path) -> None:
    """(A picture the sources name is decoded before any layout, and refused; this one
    is named by the HTML alone.)"""
    (tmp_path / "abimee.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    engine = Engine()
    html = '<html lang="fr"><body><p>Texte.</p><img src="abimee.png" alt="x"></body></html>'

    def said() -> list[str]:
        options: dict[str, Any] = {"language": "fr-CA", "epoch": 0}
        warnings = engine.render(html, base_url=tmp_path, variant="web", **options).warnings
        return [warning for warning in warnings if "abimee.png" in warning]

    assert said()
    assert said()


def test_pictures_decoded_before_forking_are_those_the_layouts_use(
    issue: Path, decoded: list[int]
) -> None:
    """What copyfitting does before laying trials out side by side in forked processes."""
    engine = Engine()
    composed = pipeline.compose(issue)
    files = composed.composition.resources
    engine.decode_pictures(files, base_url=composed.issue.root, variant="web")
    assert len(decoded) == 1
    layout: Callable[[], Any] = lambda: engine.lay_out(  # noqa: E731
        composed.composition.html, base_url=composed.issue.root, files=files
    )
    assert len(layout().pages) >= 2
    assert len(decoded) == 1
