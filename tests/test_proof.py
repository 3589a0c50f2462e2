"""Proofs: page images, contact sheets, and the visual regression test of the layout.

The visual test builds the small issue in tests/fixtures/visual/issue/, renders
its pages at a low resolution and compares each with the approved image in
tests/fixtures/visual/reference/. Then it finds, in the text the PDF gives back,
the places where a glyph matters (a note call, an ordinal, a contents leader and
its page number, the folios), draws them at 300 dpi and compares them with the
approved crops in tests/fixtures/visual/crops/, where they stand and how they
look. After a deliberate change of the look, run ``make approve-proofs`` and
commit the new reference pages and crops with the change.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest
from PIL import Image, ImageChops, ImageStat

from bippdf.cli import main
from bippdf.errors import CheckError
from bippdf.proof import GAP, SPINE, compare, contact_sheet, render_pages

from .conftest import ROOT

pytestmark = pytest.mark.pdf  # every test here lays out PDFs

# Measured with this fixture at 40 dpi (mean absolute difference per channel, 0–255):
#   two builds and renders of the same sources on one machine: exactly 0.0 on every page
#     (pypdfium2 ships its own pdfium and FreeType, so rendering is deterministic);
#   pdfium's path anti-aliasing turned off, a stand-in for a different rasteriser: 0.005–0.13;
#   one word changed in a paragraph (its line reflows): 0.137 on that page;
#   one letter changed: 0.0007; the whole page shifted by one pixel: 0.5–4.6.
# 0.05 fails on any reflowed line or shifted block, at almost three times below the
# smallest such change measured, and still lets minor anti-aliasing jitter through.
# (2.0 would let a one-pixel shift of the Annexe or the colophon pass unseen.) A single
# changed letter is below it: the words themselves are the other tests' business.
TOLERANCE = 0.05

# A page at 40 dpi cannot see a superscript dropped to the baseline (0.0065 and 0.0037 on
# its pages): the crops can. Measured at 300 dpi on this fixture's crops, as the worst
# 8×8-pixel square (its mean absolute difference per channel, 0–255):
#   two builds and renders of the same sources: exactly 0.0;
#   pdfium's anti-aliasing of text and paths turned off, a stand-in for another
#     rasteriser: 18–31;
#   what the crop shows one pixel (0.24 pt) across or down: 46–73; two pixels: 84–112;
#   `sup { vertical-align: baseline }`: 95 on the note call, 129 on the ordinal.
# 40 lets another rasteriser's edges through and fails on a glyph moved by a pixel.
CROP_TOLERANCE = 40.0
SQUARE = 8  # pixels: about 2 points, a stroke and the paper on either side of it
# Where a crop is taken (its character's baseline origin) may move this far, in points:
# a pixel at 300 dpi. A folio or a page number moved on its page fails here.
POSITION_TOLERANCE = 0.25


def _load_script(name: str) -> ModuleType:
    """A script of scripts/ imported as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # where its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


approve_proofs = _load_script("approve_proofs")  # one recipe for the references and the test


@dataclass
class Rendered:
    pdf: Path
    pages: list[Path]


@pytest.fixture(scope="module")
def visual(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """The visual fixture issue built and rendered exactly as its references were."""
    out = tmp_path_factory.mktemp("visual")
    pdf = out / "visual.pdf"
    pages = approve_proofs.render_fixture(out / "pages", pdf)
    return Rendered(pdf=pdf, pages=pages)


def test_pages_match_the_approved_references(visual: Rendered) -> None:
    references = sorted(approve_proofs.REFERENCE.glob("page-*.png"))
    again = "run `make approve-proofs` if the change is deliberate, and commit the new pages"
    if len(visual.pages) != len(references):
        pytest.fail(
            f"the visual fixture has {len(visual.pages)} pages but {len(references)} "
            f"reference pages are approved in {approve_proofs.REFERENCE}; new pages in "
            f"{visual.pages[0].parent}; {again}",
            pytrace=False,
        )
    failures = []
    for page, reference in zip(visual.pages, references, strict=True):
        try:
            difference = compare(page, reference)
        except CheckError as exc:
            failures.append(f"{page.name}: {exc}")
            continue
        if difference > TOLERANCE:
            failures.append(
                f"{page.name} differs from its reference by {difference:.4f} "
                f"(tolerance {TOLERANCE}): see {page}"
            )
    if failures:
        pytest.fail("\n".join([*failures, again]), pytrace=False)


@dataclass
class Crops:
    folder: Path
    boxes: dict[str, tuple[int, list[float]]]  # name: page index, box in points


@pytest.fixture(scope="module")
def crops(visual: Rendered, tmp_path_factory: pytest.TempPathFactory) -> Crops:
    """The places of ``approve_proofs.PLACES`` in the visual PDF, drawn as their references."""
    folder = tmp_path_factory.mktemp("crops")
    return Crops(folder, approve_proofs.render_crops(visual.pdf, folder))


def _worst_square(image: Path, reference: Path) -> float:
    """The largest mean difference (0–255) over the ``SQUARE``-pixel squares of two images of
    one size, each square overlapping the next by half: a glyph moved by a pixel shows in
    the squares along its edges, where the mean of a whole crop drowns it in paper."""
    with Image.open(image) as ours, Image.open(reference) as theirs:
        difference = ImageChops.difference(ours.convert("RGB"), theirs.convert("RGB"))
    step = SQUARE // 2
    worst = 0.0
    for top in range(0, max(difference.height - SQUARE, 0) + 1, step):
        for left in range(0, max(difference.width - SQUARE, 0) + 1, step):
            square = difference.crop((left, top, left + SQUARE, top + SQUARE))
            worst = max(worst, sum(means := ImageStat.Stat(square).mean) / len(means))
    return worst


def test_the_approved_crops_are_those_of_the_places() -> None:
    names = sorted(place.name for place in approve_proofs.PLACES)
    assert sorted(path.stem for path in approve_proofs.CROPS.glob("*.png")) == names
    approved = json.loads((approve_proofs.CROPS / approve_proofs.BOXES).read_text("utf-8"))
    assert sorted(approved) == names


@pytest.mark.parametrize("name", [place.name for place in approve_proofs.PLACES])
def test_glyphs_match_the_approved_crops(crops: Crops, name: str) -> None:
    again = "run `make approve-proofs` if the change is deliberate, and commit the new crops"
    approved = json.loads((approve_proofs.CROPS / approve_proofs.BOXES).read_text("utf-8"))
    page, box = crops.boxes[name]
    approved_page, approved_box = approved[name]
    moved = max(abs(a - b) for a, b in zip(box, approved_box, strict=True))
    if page != approved_page or moved > POSITION_TOLERANCE:
        pytest.fail(
            f"{name} stands on page {page + 1} at {box}, approved on page "
            f"{approved_page + 1} at {approved_box} (moved {moved:.2f} pt, tolerance "
            f"{POSITION_TOLERANCE}); {again}",
            pytrace=False,
        )
    crop, reference = crops.folder / f"{name}.png", approve_proofs.CROPS / f"{name}.png"
    try:
        compare(crop, reference)  # the same size, or says which
    except CheckError as exc:
        pytest.fail(f"{name}: {exc}; {again}", pytrace=False)
    worst = _worst_square(crop, reference)
    if worst > CROP_TOLERANCE:
        pytest.fail(
            f"{name} differs from its approved crop by {worst:.1f} in its worst "
            f"{SQUARE}×{SQUARE}-pixel square (tolerance {CROP_TOLERANCE}): see {crop} "
            f"and {reference}; {again}",
            pytrace=False,
        )


def test_worst_square_sees_a_moved_dot(tmp_path: Path) -> None:
    """One dark pixel moved on a white crop: small in the crop's mean, whole in a square."""
    for x, name in ((10, "a.png"), (30, "b.png")):
        image = Image.new("RGB", (64, 64), (255, 255, 255))
        image.putpixel((x, 10), (0, 0, 0))
        image.save(tmp_path / name)
    assert compare(tmp_path / "a.png", tmp_path / "b.png") == pytest.approx(2 * 255 / 64**2)
    assert _worst_square(tmp_path / "a.png", tmp_path / "b.png") == pytest.approx(255 / 64)
    assert _worst_square(tmp_path / "a.png", tmp_path / "a.png") == 0.0


def test_render_pages_numbers_pages_and_removes_stale_ones(
    visual: Rendered, tmp_path: Path
) -> None:
    stale = tmp_path / "page-099.png"
    stale.write_bytes(b"old")
    pages = render_pages(visual.pdf, tmp_path, dpi=18)
    assert [page.name for page in pages] == [
        f"page-{n:03d}.png" for n in range(1, len(visual.pages) + 1)
    ]
    assert not stale.exists()
    with Image.open(pages[0]) as image:
        assert image.size == (153, 198)  # US Letter, 8.5 × 11 in at 18 dpi


def test_contact_sheet_shows_spreads(visual: Rendered, tmp_path: Path) -> None:
    sheet = contact_sheet(visual.pages, tmp_path / "sheet.png", columns=6, thumb_width=100)
    assert len(visual.pages) == 6, "the sizes below are for six pages"
    with Image.open(sheet) as image:
        # 3 spreads of 2 pages a row; page 1 alone on the right of the first spread,
        # so 6 pages take 2 rows; a page is 100 × 129 px with a 20 px label below.
        assert image.size == (4 * GAP + 3 * (200 + SPINE), GAP + 2 * (129 + 20 + GAP))
        left_of_cover = image.crop((GAP, GAP, GAP + 100, GAP + 129))
        assert ImageStat.Stat(left_of_cover).extrema == [(232, 232)] * 3, "left of page 1"
        cover = image.crop((GAP + 100 + SPINE, GAP, GAP + 200 + SPINE, GAP + 129))
        assert max(ImageStat.Stat(cover).stddev) > 20, "page 1 is drawn, not blank"


def test_contact_sheet_grid_with_odd_columns(visual: Rendered, tmp_path: Path) -> None:
    sheet = contact_sheet(visual.pages[:3], tmp_path / "sheet.png", columns=3, thumb_width=60)
    with Image.open(sheet) as image:
        assert image.size == (4 * GAP + 3 * 60, GAP + round(440 * 60 / 340) + 20 + GAP)
        first = image.crop((GAP, GAP, GAP + 60, GAP + 60))
        assert max(ImageStat.Stat(first).stddev) > 20, "page 1 comes first in a grid"


def test_compare_measures_the_mean_difference(tmp_path: Path) -> None:
    black = tmp_path / "black.png"
    Image.new("RGB", (10, 10), (0, 0, 0)).save(black)
    dot = Image.new("RGB", (10, 10), (0, 0, 0))
    dot.putpixel((4, 4), (255, 255, 255))
    dot.save(tmp_path / "dot.png")
    assert compare(black, black) == 0.0
    assert compare(tmp_path / "dot.png", black) == pytest.approx(2.55)  # 255 over 100 pixels


def test_compare_refuses_images_of_different_sizes(tmp_path: Path) -> None:
    Image.new("RGB", (10, 10)).save(tmp_path / "a.png")
    Image.new("RGB", (10, 12)).save(tmp_path / "b.png")
    with pytest.raises(CheckError, match=r"10×10 pixels, mais sa référence .* fait 10×12") as info:
        compare(tmp_path / "a.png", tmp_path / "b.png")
    assert info.value.path == tmp_path / "a.png"
    with pytest.raises(CheckError, match=r"missing\.png: l'image n'existe pas$"):
        compare(tmp_path / "a.png", tmp_path / "missing.png")


def test_proof_command(
    visual: Rendered, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "proof"
    assert main(["proof", str(visual.pdf), "-o", str(out), "--dpi", "20"]) == 0
    sheet = out / "contact-sheet.png"
    assert capsys.readouterr().out == f"{out}: 6 pages, planche contact {sheet}\n"
    assert sheet.is_file()
    assert sorted(path.name for path in out.glob("page-*.png")) == [
        f"page-{n:03d}.png" for n in range(1, 7)
    ]


def test_proof_command_default_folder(
    visual: Rendered,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["proof", str(visual.pdf), "--dpi", "10"]) == 0
    out = Path("build") / "proof" / "visual"
    assert capsys.readouterr().out.startswith(f"{out}: 6 pages, ")
    assert (tmp_path / out / "contact-sheet.png").is_file()


def test_proof_command_on_a_file_that_is_not_a_pdf(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = tmp_path / "notes.pdf"
    text.write_text("pas un PDF", encoding="utf-8")
    assert main(["proof", str(text), "-o", str(tmp_path / "out")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"erreur : {text}: impossible de lire le PDF : ")
    assert len(captured.err.strip().splitlines()) == 1
