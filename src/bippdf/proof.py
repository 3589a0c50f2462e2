"""Proofs: the pages of a built PDF as images, to look at and to test against.

``render_pages`` draws every page of a PDF to a PNG file, ``contact_sheet`` lays
those pages out on one image as the printed spreads, for a look at a whole issue
at a glance, and ``compare`` measures how far a page image has drifted from an
approved reference, which is what the visual regression test does.

Pillow draws the images; it comes with the ``test`` extra of bippdf.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pypdfium2
from PIL import Image, ImageChops, ImageDraw, ImageFont, ImageStat
from pypdfium2 import PdfiumError

from .errors import BippdfError, BuildError, CheckError, UnreadablePdfError
from .pipeline import build_pdf
from .resources import styles_dir

PAGE_GLOB = "page-*.png"
CONTACT_SHEET = "contact-sheet.png"
BACKGROUND = (232, 232, 232)  # the light grey around the pages of a contact sheet
BORDER = (120, 120, 120)  # the thin line around each page
LABEL = (60, 60, 60)  # the page numbers
GAP = 16  # pixels between spreads and around the sheet
SPINE = 2  # pixels between the two pages of a spread


def render_pages(pdf: Path, out_dir: Path, *, dpi: int = 110) -> list[Path]:
    """Render every page of ``pdf`` to ``out_dir/page-001.png``…, replacing older pages."""
    if dpi < 1:
        raise BuildError(
            f"la résolution doit être d'au moins 1 dpi, pas {dpi}",
            path=pdf,
            hint="donnez par exemple --dpi 110",
        )
    document = _open_pdf(pdf)
    try:
        _prepare(out_dir)
        paths = []
        for index in range(len(document)):
            page = document[index]
            try:
                image = page.render(scale=dpi / 72).to_pil()
            finally:
                page.close()
            paths.append(_save(image, out_dir / f"page-{index + 1:03d}.png"))
        return paths
    finally:
        document.close()


def contact_sheet(
    pages: list[Path], target: Path, *, columns: int = 6, thumb_width: int = 300
) -> Path:
    """Write ``pages`` as numbered thumbnails on one PNG, as spreads when ``columns`` is even.

    With an even number of columns the sheet shows the printed spreads: page 1
    (the cover, a right-hand page) alone at the right of the first spread, then
    2–3, 4–5 and so on. With an odd number it is a plain grid in reading order.
    """
    if not pages:
        raise BuildError("aucune page à mettre sur la planche contact", path=target)
    if columns < 1 or thumb_width < 16:
        raise BuildError(
            "une planche contact demande au moins 1 colonne et 16 pixels par page, "
            f"pas {columns} et {thumb_width}",
            path=target,
        )
    thumbs = [_thumbnail(page, thumb_width) for page in pages]
    font_size = max(10, thumb_width // 20)
    font = _font(font_size)
    label_height = 2 * font_size
    thumb_height = max(thumb.height for thumb in thumbs)
    first = 1 if columns % 2 == 0 else 0  # slot of page 1: the right half of the first spread
    rows = (first + len(thumbs) + columns - 1) // columns
    cell_height = thumb_height + label_height
    width = _column_x(columns - 1, thumb_width, spreads=bool(first)) + thumb_width + GAP
    sheet = Image.new("RGB", (width, GAP + rows * (cell_height + GAP)), BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    for number, thumb in enumerate(thumbs, start=1):
        slot = first + number - 1
        x = _column_x(slot % columns, thumb_width, spreads=bool(first))
        y = GAP + (slot // columns) * (cell_height + GAP)
        sheet.paste(thumb, (x, y))
        draw.rectangle((x - 1, y - 1, x + thumb.width, y + thumb.height), outline=BORDER)
        draw.text(
            (x + thumb.width / 2, y + thumb.height + label_height / 2),
            str(number),
            fill=LABEL,
            font=font,
            anchor="mm",
        )
    _prepare(target.parent, clean=False)
    return _save(sheet, target)


def compare(image: Path, reference: Path) -> float:
    """Mean absolute difference per channel, 0–255, between two images of the same size."""
    with _open_image(image, CheckError) as ours, _open_image(reference, CheckError) as theirs:
        if ours.size != theirs.size:
            raise CheckError(
                f"l'image fait {ours.width}×{ours.height} pixels, mais sa référence "
                f"{reference} fait {theirs.width}×{theirs.height}",
                path=image,
                hint="rendez les deux à la même résolution, ou approuvez les nouvelles pages",
            )
        difference = ImageChops.difference(ours.convert("RGB"), theirs.convert("RGB"))
    means = ImageStat.Stat(difference).mean
    return sum(means) / len(means)


def render_issue(issue: Path, out_dir: Path, *, dpi: int, pdf: Path | None = None) -> list[Path]:
    """Build ``issue``'s web PDF (the pages as designed, without bleed and marks) into
    ``pdf``, else a temporary file, and render its pages to ``out_dir``."""
    if pdf is not None:
        return render_pages(build_pdf(issue, pdf, variant="web").output, out_dir, dpi=dpi)
    with tempfile.TemporaryDirectory(prefix="bippdf-proof-") as temp:
        built = build_pdf(issue, Path(temp) / "issue.pdf", variant="web")
        return render_pages(built.output, out_dir, dpi=dpi)


def _open_pdf(pdf: Path) -> pypdfium2.PdfDocument:
    """The PDF opened with pdfium, or an ``UnreadablePdfError`` naming it."""
    if not pdf.is_file():
        raise UnreadablePdfError(
            "fichier PDF introuvable", path=pdf, hint="produisez-le d'abord avec bippdf build"
        )
    try:
        return pypdfium2.PdfDocument(pdf)
    except (OSError, PdfiumError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise UnreadablePdfError(
            f"impossible de lire le PDF : {reason}",
            path=pdf,
            hint="donnez un PDF produit par bippdf",
        ) from None


def _prepare(folder: Path, *, clean: bool = True) -> None:
    """Create ``folder``, and unless ``clean`` is false remove the page images left in it."""
    if folder.exists() and not folder.is_dir():
        raise BuildError(
            "c'est un fichier, pas un dossier", path=folder, hint="choisissez un autre dossier"
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if clean:
            for stale in folder.glob(PAGE_GLOB):
                stale.unlink()
    except OSError as exc:
        raise BuildError(
            f"impossible d'écrire ici : {exc.strerror}",
            path=folder,
            hint="choisissez un dossier où vous avez le droit d'écrire",
        ) from None


def _save(image: Image.Image, path: Path) -> Path:
    """Write ``image`` as a PNG at ``path`` and return the path."""
    try:
        image.save(path, format="PNG", optimize=True)
    except OSError as exc:
        raise BuildError(
            f"impossible d'écrire l'image : {exc.strerror or exc}",
            path=path,
            hint="vérifiez que ce n'est pas un dossier et que vous avez le droit de l'écrire",
        ) from None
    return path


def _open_image(path: Path, error: type[BippdfError]) -> Image.Image:
    """The image at ``path``, fully loaded, or ``error`` naming the file."""
    try:
        image = Image.open(path)
    except FileNotFoundError:
        raise error("l'image n'existe pas", path=path) from None
    except OSError as exc:  # also UnidentifiedImageError: not an image
        raise error(f"impossible de lire l'image : {exc}", path=path) from None
    try:
        image.load()
    except OSError as exc:  # a truncated or damaged file
        image.close()
        raise error(f"impossible de lire l'image : {exc}", path=path) from None
    return image


def _thumbnail(page: Path, width: int) -> Image.Image:
    """The page image scaled to ``width`` pixels, in RGB."""
    with _open_image(page, BuildError) as image:
        height = max(1, round(image.height * width / image.width))
        return image.convert("RGB").resize((width, height), Image.Resampling.LANCZOS)


def _font(size: int) -> ImageFont.FreeTypeFont:
    """Inter Regular at ``size`` pixels, from bippdf's own fonts."""
    path = styles_dir() / "fonts" / "inter" / "Inter-Regular.otf"
    try:
        return ImageFont.truetype(str(path), size)
    except OSError as exc:
        raise BuildError(
            f"impossible de charger la police : {exc}",
            path=path,
            hint="réinstallez bippdf depuis son dépôt (make install)",
        ) from None


def _column_x(column: int, thumb_width: int, *, spreads: bool) -> int:
    """Left edge of a column: a full gap between spreads, a narrow spine inside one."""
    if not spreads:
        return GAP + column * (thumb_width + GAP)
    spread, side = divmod(column, 2)
    return GAP + spread * (2 * thumb_width + SPINE + GAP) + side * (thumb_width + SPINE)
