"""The palette in sRGB and CMYK, and pictures separated for the press (colour.py)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from PIL import Image, ImageCms, ImageMath

from bippdf import colour
from bippdf.cache import separations
from bippdf.check.inks import read_inks
from bippdf.check.separation import heaviest_pixel
from bippdf.colour import PROFILE, Separator, palette_css, read_palette, separate
from bippdf.contract import INK_LIMIT
from bippdf.errors import BuildError
from bippdf.pipeline import Options
from bippdf.resources import styles_dir
from bippdf.schedule import build_issues

from .conftest import BuiltIssue, WebIssue, article, write_issue


def _lab(mode: str, pixel: tuple[int, ...]) -> tuple[float, float, float]:
    """A colour (sRGB, or CMYK of the output profile) in CIE L*a*b*."""
    source = (
        ImageCms.createProfile("sRGB")
        if mode == "RGB"
        else ImageCms.getOpenProfile(str(styles_dir() / PROFILE))
    )
    transform = ImageCms.buildTransform(
        source, ImageCms.createProfile("LAB"), mode, "LAB", renderingIntent=1
    )
    lab = ImageCms.applyTransform(Image.new(mode, (1, 1), pixel), transform)
    assert lab is not None
    value = lab.getpixel((0, 0))
    assert isinstance(value, tuple)
    lightness, a, b = value
    return lightness * 100 / 255, a - 128, b - 128  # Pillow stores a* and b* offset by 128


def _delta_e(one: tuple[float, ...], other: tuple[float, ...]) -> float:
    return float(sum((x - y) ** 2 for x, y in zip(one, other, strict=True)) ** 0.5)


def test_print_palette_matches_the_screen_through_the_profile() -> None:
    """Each colour separated "through the profile" looks, printed on FOGRA39, like its sRGB
    (ΔE76 under 3, about what an eye tells apart side by side); text is black ink alone;
    "black" greys are as light as their sRGB."""
    colours = {colour.name: colour for colour in read_palette(styles_dir() / "palette.toml")}
    assert colours["ink"].cmyk == (0, 0, 0, 1)
    assert colours["paper"].cmyk == (0, 0, 0, 0)
    for name in ("navy", "accent", "rule", "tint"):
        colour = colours[name]
        rgb = tuple(int(colour.srgb[i : i + 2], 16) for i in (1, 3, 5))
        cmyk = tuple(round(v * 255) for v in colour.cmyk)
        assert _delta_e(_lab("RGB", rgb), _lab("CMYK", cmyk)) < 3, name
    muted = colours["muted"]
    assert muted.cmyk[:3] == (0, 0, 0) and 0.5 < muted.cmyk[3] < 0.9
    rgb = tuple(int(muted.srgb[i : i + 2], 16) for i in (1, 3, 5))
    k = round(muted.cmyk[3] * 255)
    assert abs(_lab("RGB", rgb)[0] - _lab("CMYK", (0, 0, 0, k))[0]) < 1.5


def test_palette_css_of_each_variant() -> None:
    srgb, cmyk = palette_css("srgb"), palette_css("cmyk")
    assert "  --navy: #1c3557;" in srgb and "device-cmyk" not in srgb
    assert "  --ink: device-cmyk(0.00 0.00 0.00 1.00);" in cmyk and "#" not in cmyk


def test_the_screen_palette_is_read_without_the_press_s_inks(
    own_styles: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The web PDF and the online edition take the palette's sRGB values alone: the same
    as the full palette's, read without working an ink out through the output profile
    (0.04 s). A print value the press would refuse is said by the print palette, at its
    line; a sRGB value that cannot be read, by both."""
    colour.forget()
    full = {entry.name: entry.srgb for entry in colour.load_palette()}
    colour.forget()
    with monkeypatch.context() as inks:
        for working in ("_through_profile", "_matching_black"):
            inks.setattr(colour, working, lambda rgb: pytest.fail("an ink worked out"))
        assert colour.screen_palette() == full and len(full) >= 6
        assert "  --navy: #1c3557;" in palette_css("srgb")
    path = own_styles / "palette.toml"
    text = path.read_text(encoding="utf-8")
    heavy = 'heavy = { srgb = "#000000", print = "100 100 100 100" }\n'
    path.write_text(text + heavy, encoding="utf-8")
    colour.forget()
    assert colour.screen_palette()["heavy"] == "#000000"
    with pytest.raises(BuildError) as caught:
        palette_css("cmyk")
    assert "d'encre" in caught.value.message
    assert caught.value.line == text.count("\n") + 1 and caught.value.path == path
    path.write_text(text + 'heavy = { srgb = "noir" }\n', encoding="utf-8")
    colour.forget()
    with pytest.raises(BuildError, match="sRGB") as caught:
        palette_css("srgb")
    assert caught.value.line == text.count("\n") + 1
    colour.forget()


def test_every_colour_of_the_stylesheets_is_the_palette() -> None:
    """A colour written in a stylesheet would stay RGB in the print PDF."""
    written = re.compile(
        r"(?:color|background|border[a-z-]*|outline|fill|stroke)\s*:[^;}]*"
        r"(?:#[0-9a-f]{3}|\b(?:rgba?|hsla?|hwb|lab|lch|oklab|oklch|color)\(|"
        r"(?<![-\w])(?:white|black|gray|grey|red|blue|navy|silver)\b)",
        re.I,
    )
    for name in ("bulletin.css", "print.css", "fonts.css"):
        text = (styles_dir() / name).read_text(encoding="utf-8")
        assert written.findall(text) == [], name


@pytest.mark.parametrize(
    ("line", "message", "hint"),
    [
        (
            'navy = { srgb = "1c3557" }',
            "la couleur « navy » n'a pas de valeur sRGB lisible",
            "srgb",
        ),
        (
            'navy = { srgb = "#1c3557", print = "cmjn" }',
            "la couleur « navy » dit print = « cmjn »",
            "quatre pourcentages",
        ),
        (
            'navy = { srgb = "#000000", print = "100 100 100 100" }',
            "la couleur « navy » porterait 400 % d'encre",
            "300 %",
        ),
    ],
)
def test_palette_fault_names_its_line(tmp_path: Path, line: str, message: str, hint: str) -> None:
    path = tmp_path / "palette.toml"
    path.write_text(f'[colours]\nink = {{ srgb = "#000000", print = "0 0 0 100" }}\n{line}\n')
    with pytest.raises(BuildError) as caught:
        read_palette(path)
    assert caught.value.message == message
    assert caught.value.line == 3 and caught.value.path == path
    assert hint in (caught.value.hint or "")


def _picture(mode: str, colour: tuple[int, ...] | int, kind: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (40, 30), colour).save(out, format=kind)
    return out.getvalue()


def test_rgb_black_is_separated_under_the_ink_limit() -> None:
    """Pure RGB black through FOGRA39 is 320 % of ink: limited to 300, black kept."""
    separated = Image.open(io.BytesIO(separate(_picture("RGB", (0, 0, 0)))))
    assert separated.mode == "CMYK" and separated.size == (40, 30)
    assert 295 <= heaviest_pixel(separated) <= 300
    pixel = separated.getpixel((10, 10))
    assert isinstance(pixel, tuple) and pixel[3] >= 245


@pytest.mark.parametrize("mode", ["RGB", "L"])
def test_a_picture_is_turned_as_its_camera_said_as_the_web_pdf_shows_it(mode: str) -> None:
    """A photo whose EXIF says to turn it (a telephone held upright) is separated turned,
    as WeasyPrint turns it in the web PDF (image-orientation: from-image): the separation
    carries no EXIF, so the print PDF would show it on its side, at another height, and
    the two PDFs' text would not be laid out alike (pipeline.trial_variant)."""
    picture = Image.new(mode, (200, 100), "white")
    picture.paste("black" if mode == "L" else (200, 0, 0), (0, 0, 100, 100))  # its left half
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: turn 90° clockwise to show it
    out = io.BytesIO()
    picture.save(out, format="JPEG", exif=exif.tobytes())
    separated = Image.open(io.BytesIO(separate(out.getvalue())))
    assert separated.size == (100, 200)
    assert separated.getexif().get(0x0112) in (None, 1)
    # turned clockwise, its left half is on top
    top, bottom = (separated.convert("CMYK").getpixel((50, y)) for y in (20, 180))
    assert isinstance(top, tuple) and isinstance(bottom, tuple)
    assert sum(top) > 150 > sum(bottom) + 100, (top, bottom)


def test_cyan_magenta_and_yellow_are_lowered_in_proportion_black_kept() -> None:
    """Over the limit (here 600 % of the three inks and 100 % of black, in 255ths: 700
    against 612 for 240 %), the three inks are scaled by one factor; under it, a pixel
    is kept as it is."""
    picture = Image.new("CMYK", (2, 1))
    picture.putpixel((0, 0), (250, 200, 150, 100))
    picture.putpixel((1, 0), (90, 80, 70, 60))
    limited = colour.limit_ink(picture, 240)
    c, m, y, k = limited.getpixel((0, 0))  # type: ignore[misc]
    factor = (612 - 100) / 600
    assert (k, limited.getpixel((1, 0))) == (100, (90, 80, 70, 60))
    assert all(
        abs(ink - wanted * factor) <= 1
        for ink, wanted in zip((c, m, y), (250, 200, 150), strict=True)
    )
    assert c + m + y + k <= 612 + 3


def test_coloured_picture_keeps_its_colour() -> None:
    """A mid blue separates close to its sRGB look (the ink limit does not touch it)."""
    rgb = (47, 111, 159)
    separated = Image.open(io.BytesIO(separate(_picture("RGB", rgb, "JPEG"))))
    cmyk = separated.getpixel((20, 15))
    assert isinstance(cmyk, tuple)
    assert _delta_e(_lab("RGB", rgb), _lab("CMYK", cmyk)) < 4


def test_transparency_prints_as_paper() -> None:
    separated = Image.open(io.BytesIO(separate(_picture("RGBA", (200, 0, 0, 0)))))
    assert heaviest_pixel(separated) == 0


def test_gray_picture_stays_on_the_black_plate() -> None:
    separated = Image.open(io.BytesIO(separate(_picture("L", 100))))
    assert separated.mode == "L"
    pixel = separated.getpixel((5, 5))
    assert isinstance(pixel, int) and abs(pixel - 100) <= 2


def test_sixteen_bit_gray_is_not_printed_black() -> None:
    """A 16-bit grey PNG (mode I;16) at mid grey stays mid grey: a plain 8-bit
    conversion would clip it to white or black."""
    out = io.BytesIO()
    Image.new("I;16", (8, 8), 32768).save(out, format="PNG")
    separated = Image.open(io.BytesIO(separate(out.getvalue())))
    pixel = separated.getpixel((2, 2))
    assert isinstance(pixel, int) and 120 <= pixel <= 136


def test_web_pdf_stays_srgb(issue6_web: WebIssue) -> None:
    """The palette's CMYK and the separated photos are for print only."""
    with pikepdf.open(issue6_web.results[0].output) as pdf:
        spaces = {space for page in pdf.pages for _, space in read_inks(page.obj, None).uses}
    assert "DeviceRGB" in spaces
    assert not any("CMYK" in space or "Separation" in space for space in spaces)


def test_sharp_edges_stay_under_the_limit_once_compressed() -> None:
    """JPEG rings at a sharp edge between black and white: the file itself, decoded, holds
    the limit. (These stripes now stay at 300 % once first encoded: the checkerboard
    below goes over.)"""
    picture = Image.new("RGB", (120, 120), "white")
    for x in range(0, 120, 4):
        for y in range(120):
            picture.putpixel((x, y), (0, 0, 0))
            picture.putpixel((x + 1, y), (0, 0, 0))
    out = io.BytesIO()
    picture.save(out, format="PNG")
    assert heaviest_pixel(Image.open(io.BytesIO(separate(out.getvalue())))) <= 300


@pytest.mark.pdf
def test_the_output_intent_is_written_the_same_by_every_print_pdf_of_a_process(
    tmp_path: Path,
) -> None:
    """LittleCMS writes a profile anew once its tags have been read, and WeasyPrint reads
    its name while writing a PDF: a second print PDF made by the same engine (watch, or
    several issues on one core) wrote its profile otherwise than the first did."""
    from bippdf.render import Engine

    html = (
        '<html lang="fr-CA"><head><meta name="dcterms.created" content="2020-03-01">'
        '<meta name="dcterms.modified" content="2020-03-01"></head>'
        "<body><p>Le chat.</p></body></html>"
    )
    engine = Engine()
    first, second = (
        engine.render(html, base_url=tmp_path, language="fr-CA", variant="print", epoch=0).pdf
        for _ in range(2)
    )
    assert first == second


class _Counted:
    """``colour.separate`` counting its calls: which separations were made, not reused."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, data: bytes) -> bytes:
        self.calls += 1
        return _real_separate(data)


_real_separate = separate


@pytest.fixture
def another_profile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[], None]]:
    """Call it to change the output profile, as an edit of styles/ would (read once
    colour.py forgets what it read: ``colour.forget``, ``Engine.reload``); forgotten
    again when the test ends, before the real one is back, so that no other test sees
    the changed one."""

    def change() -> None:
        styles = tmp_path / "styles"
        (styles / "icc").mkdir(parents=True)
        (styles / PROFILE).write_bytes((styles_dir() / PROFILE).read_bytes() + b"\0")
        monkeypatch.setattr(colour, "styles_dir", lambda: styles)

    yield change
    colour.forget()


def test_a_separation_is_kept_on_disk_for_the_next_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, another_profile: Callable[[], None]
) -> None:
    """A picture separated once is read back by another engine (another build), until
    the picture, the output profile or the ink limit changes."""
    counted = _Counted()
    monkeypatch.setattr(colour, "separate", counted)
    folder = tmp_path / "cmyk"
    blue, red = _picture("RGB", (40, 90, 160)), _picture("RGB", (200, 30, 30))
    first = Separator(folder).separate(blue)
    assert counted.calls == 1 and len(list(folder.iterdir())) == 1
    assert Separator(folder).separate(blue) == first
    assert counted.calls == 1  # read back, not made again
    Separator(folder).separate(red)
    assert counted.calls == 2
    monkeypatch.setattr(colour, "INK_LIMIT", 280)
    colour.forget()  # as a new process would read it
    Separator(folder).separate(blue)
    assert counted.calls == 3
    monkeypatch.setattr(colour, "INK_LIMIT", INK_LIMIT)
    another_profile()
    colour.forget()
    Separator(folder).separate(blue)
    assert counted.calls == 4
    assert len(list(folder.iterdir())) == 4


def test_a_damaged_or_unwritable_separation_is_made_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A kept file cut short (a full disk, a copy) is separated again and replaced, never
    printed; a folder that cannot be written keeps nothing, and the picture prints."""
    counted = _Counted()
    monkeypatch.setattr(colour, "separate", counted)
    folder = tmp_path / "cmyk"
    blue = _picture("RGB", (40, 90, 160))
    first = Separator(folder).separate(blue)
    (kept,) = folder.iterdir()
    kept.write_bytes(kept.read_bytes()[:-10])
    assert Separator(folder).separate(blue) == first
    assert counted.calls == 2
    assert Separator(folder).separate(blue) == first
    assert counted.calls == 2  # replaced whole: read back
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    assert Separator(blocked / "cmyk").separate(blue) == first
    assert counted.calls == 3


@pytest.mark.pdf  # an engine
def test_an_engine_separates_again_once_its_styles_are_reloaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, another_profile: Callable[[], None]
) -> None:
    """watch reloads the styles when one changes: a new output profile separates the
    pictures anew, rather than print the last profile's separations."""
    from bippdf.render import Engine

    counted = _Counted()
    monkeypatch.setattr(colour, "separate", counted)
    engine = Engine()
    engine.separator.folder = tmp_path / "cmyk"
    blue = _picture("RGB", (40, 90, 160))
    engine.separator.separate(blue)
    another_profile()
    engine.reload()
    engine.separator.separate(blue)
    assert counted.calls == 2
    assert engine.separator.folder == tmp_path / "cmyk"


@pytest.mark.slow
@pytest.mark.pdf
def test_a_build_reads_the_last_build_s_separations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second build of an issue (its text edited) separates none of its pictures:
    they are those the first build kept in the build folder, and the print PDF is the
    one a build separating them gives."""
    root = write_issue(
        tmp_path / "2020-03-numero-01",
        {"01-a.md": article("A", "Un texte.\n\n![Un carré bleu.](../images/a.png)\n")},
    )
    (root / "images").mkdir()
    Image.new("RGB", (900, 600), "#2f6f9f").save(root / "images" / "a.png", dpi=(300, 300))
    text = root / "articles" / "01-a.md"

    def build(folder: str, **options: Any) -> bytes:
        chosen = Options(variants=("print",), cover=False, build_dir=tmp_path / folder, **options)
        (done,) = build_issues([root], chosen)
        assert done.error is None, done.error
        return done.results[0].output.read_bytes()

    def kept(folder: str) -> list[str]:
        return sorted(p.name for p in separations(tmp_path / folder).iterdir())

    build("kept")
    text.write_text(text.read_text("utf-8").replace("Un texte", "Un autre texte"), "utf-8")
    fresh = build("fresh")
    assert kept("fresh") == kept("kept") and kept("fresh")
    # A build written elsewhere writes nothing else (-o), as without the cache.
    assert build("elsewhere", output=tmp_path / "o.pdf") == fresh
    assert build("uncached", cache=False) == fresh
    assert not (tmp_path / "elsewhere").exists()
    assert not separations(tmp_path / "uncached").exists()
    monkeypatch.setattr(colour, "separate", _refused)
    assert build("kept") == fresh


@pytest.mark.pdf
def test_a_picture_is_weighed_as_it_is_separated_for_the_check_of_its_pdf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The print PDF's check weighs each picture's heaviest pixel (check.separation); a
    picture bippdf separates is weighed as it is separated, from the JPEG's bytes: the
    check finds it weighed, under the key of the image it reads from the PDF, and the
    weight is the one it gives that image read from the PDF."""
    from bippdf.check import separation

    root = write_issue(
        tmp_path / "2020-03-numero-01",
        {"01-a.md": article("A", "Un texte.\n\n![Un dégradé.](../images/a.png)\n")},
    )
    (root / "images").mkdir()
    picture = Image.linear_gradient("L").resize((900, 600)).convert("RGB")
    picture.putpixel((10, 10), (20, 20, 20))  # a heavy pixel: near black, in four inks
    picture.save(root / "images" / "a.png", dpi=(300, 300))
    monkeypatch.setattr(separation, "_WEIGHED", {})
    weighed: list[object] = []
    image_ink = separation._image_ink

    def counted(image: Any, profile: bytes | None) -> float:
        weighed.append(image)
        return image_ink(image, profile)

    monkeypatch.setattr(separation, "_image_ink", counted)
    options = Options(variants=("print",), cover=False, build_dir=tmp_path / "b")
    (done,) = build_issues([root], options)
    assert done.error is None, done.error
    assert weighed == []  # found weighed
    with pikepdf.open(done.results[0].output) as pdf:
        profile = pdf.Root.OutputIntents[0].DestOutputProfile.read_bytes()
        images = {x.objgen: x for page in pdf.pages for x in page.get_images().values()}
        (image,) = images.values()
        kept = separation._WEIGHED[separation._known(image, profile)]  # type: ignore[index]
        assert kept == image_ink(image, profile) and kept > 250
    figures = {check.name: check.figures for check in done.results[0].check.checks}
    assert figures["print"]["heaviest_image_ink"] == round(kept)


def _refused(data: bytes) -> bytes:
    raise AssertionError("separated again")


def test_a_picture_under_the_ink_limit_is_kept_as_it_is_unmeasured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where the heaviest pixels of its four bands add up to no more than the limit, no
    pixel can be over it: the picture is kept as it is, its inks not added up pixel by
    pixel (a twentieth of a second for each of No. 6's pictures); one over it is still
    limited."""
    under = Image.new("CMYK", (2, 1))
    under.putpixel((0, 0), (200, 0, 0, 100))  # 300 in 255ths: 117 %
    under.putpixel((1, 0), (0, 200, 200, 0))  # bands' heaviest: 200 + 200 + 200 + 100
    light = Image.new("CMYK", (2, 1), (100, 50, 50, 100))  # 300 in 255ths
    heavy = light.copy()
    heavy.putpixel((1, 0), (250, 200, 150, 100))

    def refused(*arguments: object, **keywords: object) -> object:
        raise AssertionError("the inks were added up pixel by pixel")

    with monkeypatch.context() as patch:
        patch.setattr(ImageMath, "lambda_eval", refused)
        assert colour.limit_ink(light, 240) is light
    # Under the limit pixel by pixel, over it band by band: measured, and kept.
    assert colour.limit_ink(under, 240).tobytes() == under.tobytes()
    assert heaviest_pixel(colour.limit_ink(heavy, 240)) <= 240 + 1


def test_the_most_ink_a_picture_can_carry_is_its_bands_heaviest_added_up() -> None:
    """The bound ``limit_ink`` spares a picture by, read from the bands' histograms: each
    band's heaviest pixel (no band of ink at all, a band at its fullest, gray), checked
    against the bands taken out one by one."""
    import random

    rng = random.Random(6)
    pictures = [Image.new("L", (3, 2), 17), Image.new("CMYK", (5, 4), (0, 255, 3, 0))]
    for _ in range(20):
        picture = Image.new("CMYK", (rng.randint(1, 40), rng.randint(1, 40)))
        heaviest = [rng.choice((0, 1, 90, 255)) for _ in range(4)]  # each band's, at most
        picture.putdata(
            [
                tuple(rng.randint(0, high) for high in heaviest)
                for _ in range(picture.width * picture.height)
            ]
        )
        if rng.random() < 0.5:
            picture = Image.merge("CMYK", [*picture.split()[:3], Image.new("L", picture.size)])
        pictures.append(picture)
    for picture in pictures:
        bands = [band.getextrema()[1] for band in picture.split()]
        assert colour._most_ink(picture) == sum(bands)


def test_a_separated_picture_carries_no_comment_of_its_file() -> None:
    """A CMYK JPEG under the limit is kept as it is, but not the comment its file carried,
    which the print PDF would show to whoever opens it."""
    picture = Image.new("CMYK", (40, 30), (50, 40, 30, 20))
    out = io.BytesIO()
    picture.save(out, format="JPEG", comment=b"note de la graphiste")
    separated = Image.open(io.BytesIO(separate(out.getvalue())))
    assert "comment" not in separated.info


def test_jpeg_ringing_over_the_ink_limit_is_limited_again() -> None:
    """A checkerboard of the heaviest ink allowed and paper: JPEG's ringing at its edges
    lifts some pixels over the limit once encoded, so the picture is limited again, lower,
    until the file itself holds (whatever a cheaper measure of the file said first)."""
    board = Image.new("CMYK", (64, 64))
    for x in range(64):
        for y in range(64):
            if (x // 4 + y // 4) % 2:
                board.putpixel((x, y), (200, 200, 200, 165))  # 765 in 255ths: 300 %
    assert heaviest_pixel(board) == INK_LIMIT
    once = Image.open(io.BytesIO(colour._jpeg(colour.limit_ink(board))))
    assert heaviest_pixel(once) > INK_LIMIT  # what this test is about: the overshoot
    tiff = io.BytesIO()
    board.save(tiff, format="TIFF")
    assert heaviest_pixel(Image.open(io.BytesIO(separate(tiff.getvalue())))) <= INK_LIMIT


def test_the_output_intent_carries_the_shipped_profile_as_it_is(issue6: BuiltIssue) -> None:
    """The print PDF's output intent embeds the output profile's file byte for byte, not
    what LittleCMS writes of it once read (500 KB against 247 KB)."""
    with pikepdf.open(issue6.result.output) as pdf:
        (intent,) = pdf.Root.OutputIntents
        embedded = intent.DestOutputProfile.read_bytes()
    assert embedded == (styles_dir() / PROFILE).read_bytes()


def test_a_profile_whose_file_is_not_the_one_read_is_embedded_as_littlecms_writes_it(
    tmp_path: Path,
) -> None:
    """The file at the profile's address is embedded only if it is the profile WeasyPrint
    read (changed since, it is not); and read once, its bytes do not change after."""
    from bippdf import render, sandbox

    shipped = (styles_dir() / PROFILE).read_bytes()
    styles = tmp_path / "styles"
    (styles / "icc").mkdir(parents=True)

    class Read:
        """A profile as WeasyPrint read it from the stylesheets (its ColorProfile)."""

        src = sandbox.base_url(sandbox.STYLES) + PROFILE

        def __init__(self) -> None:
            self._profile = ImageCms.ImageCmsProfile(io.BytesIO(shipped))

    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    (styles / PROFILE).write_bytes(srgb)  # another profile since
    changed = Read()
    written = changed._profile.tobytes()
    render._pin(changed, styles)
    assert changed._profile.tobytes() == written != shipped
    (styles / PROFILE).write_bytes(shipped)
    same = Read()
    render._pin(same, styles)
    (styles / PROFILE).write_bytes(srgb)
    render._pin(same, styles)  # pinned once: as it was
    assert same._profile.tobytes() == shipped
