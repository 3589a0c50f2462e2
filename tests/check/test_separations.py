"""An independent look at the print PDF's inks: Ghostscript's separations.

Ghostscript's ``tiffsep`` device writes each page as one grey image per plate, through
the output profile, as a printer's RIP would (here the file's own FOGRA39 profile, for
its output and for DeviceCMYK, so that CMYK values reach the plates unconverted). What
bippdf's preflight says of No. 6 is held against them: body text on the black plate
alone, crop marks on all four plates, no pixel above the ink limit.

Ghostscript is a Debian package (``ghostscript``) that ``.ci/run`` installs: in CI these
tests always run. Elsewhere, without it, they are skipped, and ``make test`` says which
and why in its summary.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from PIL import Image, ImageChops, ImageMath

from bippdf.colour import PROFILE
from bippdf.contract import INK_LIMIT
from bippdf.resources import styles_dir

from ..conftest import BuiltIssue

GHOSTSCRIPT = shutil.which("gs")
pytestmark = pytest.mark.skipif(
    GHOSTSCRIPT is None,
    reason="Ghostscript (gs) manque : apt-get install ghostscript pour voir les plaques",
)

DPI = 100
SCALE = DPI / 72
PLATES = ("Cyan", "Magenta", "Yellow", "Black")
MARGIN = 36  # points between the MediaBox and the TrimBox (print.css)
BLEED = 9  # points


@pytest.fixture(scope="module")
def plates(
    issue6: BuiltIssue, tmp_path_factory: pytest.TempPathFactory
) -> list[dict[str, Image.Image]]:
    """Every page of No. 6's print PDF as its four plates, each pixel the ink (0–255)."""
    out = tmp_path_factory.mktemp("plates")
    profile = str(styles_dir() / PROFILE)
    assert GHOSTSCRIPT is not None
    subprocess.run(
        [
            GHOSTSCRIPT,
            "-q",
            "-dNOPAUSE",
            "-dBATCH",
            "-dSAFER",
            "-sDEVICE=tiffsep",
            f"-r{DPI}",
            f"-sOutputICCProfile={profile}",
            f"-sDefaultCMYKProfile={profile}",
            f"-sOutputFile={out}/page-%03d.tif",
            str(issue6.result.output),
        ],
        check=True,
        capture_output=True,
    )
    pages = []
    for number in range(1, issue6.result.pages + 1):
        # tiffsep writes a plate's ink inverted (255: no ink): turned to ink here.
        pages.append(
            {
                plate: ImageChops.invert(Image.open(out / f"page-{number:03d}({plate}).tif"))
                for plate in PLATES
            }
        )
    return pages


def _box(left: float, bottom: float, right: float, top: float) -> tuple[int, int, int, int]:
    """A box in the trimmed page's points as pixels of a plate (y down from the top of
    the MediaBox)."""
    height = 792 + MARGIN
    return (
        round((left + MARGIN) * SCALE),
        round((height - top) * SCALE),
        round((right + MARGIN) * SCALE),
        round((height - bottom) * SCALE),
    )


def test_body_text_prints_on_the_black_plate_alone(
    issue6: BuiltIssue, plates: list[dict[str, Image.Image]]
) -> None:
    """Every line of body text (no note call, no address: those are in the accent
    colour) on four pages of articles has black ink and nothing on the other plates."""
    lines = 0
    for index in (5, 6, 8, 11):
        for line in issue6.pdf.lines[index]:
            if "Serif" not in line.font or abs(line.size - 13) > 0.1:  # 9.75 pt, in px
                continue
            if " " not in line.text.strip() or re.search(r"\d|http|www|@|/|\.\w{2,4}\b", line.text):
                continue
            box = _box(line.left, line.bottom, line.right, line.top)
            black = plates[index]["Black"].crop(box).getextrema()[1]
            others = {p: plates[index][p].crop(box).getextrema()[1] for p in PLATES[:3]}
            assert black > 200, (index, line.text)
            assert others == {"Cyan": 0, "Magenta": 0, "Yellow": 0}, (index, line.text)
            lines += 1
    assert lines > 100


def test_crop_marks_print_on_every_plate(plates: list[dict[str, Image.Image]]) -> None:
    """At each corner, the horizontal mark along the trim's edge, beyond the bleed, has
    full ink on all four plates; inside the bleed's corner nothing of them prints."""
    for page in plates:
        for x_trim, direction in ((0, -1), (612, 1)):
            for y_trim in (0, 792):
                near, far = x_trim + direction * (BLEED + 6), x_trim + direction * (BLEED + 18)
                mark = _box(min(near, far), y_trim - 1, max(near, far), y_trim + 1)
                for plate in PLATES:
                    assert page[plate].crop(mark).getextrema()[1] == 255, (plate, x_trim, y_trim)


def test_no_pixel_above_the_ink_limit(plates: list[dict[str, Image.Image]]) -> None:
    """Inside the bleed (the marks, in registration colour, are meant to be 400 %), the
    four plates never add up to more than the limit; the cover photo and band come close
    enough to show that the sum is measured."""
    bleed = _box(-BLEED, -BLEED, 612 + BLEED, 792 + BLEED)
    heaviest = 0.0
    for page in plates:
        c, m, y, k = (page[plate].crop(bleed) for plate in PLATES)
        total = ImageMath.lambda_eval(
            lambda e: e["c"] + e["m"] + e["y"] + e["k"], c=c, m=m, y=y, k=k
        )
        highest = total.getextrema()[1]
        assert isinstance(highest, (int, float))
        heaviest = max(heaviest, highest * 100 / 255)
    assert 150 < heaviest <= INK_LIMIT + 1  # +1: Ghostscript's rounding of each plate
