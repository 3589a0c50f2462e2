"""The print and web variants of No. 6, and the cover image, read back."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import NameObject, NumberObject

from bippdf import build_pdf, messages
from bippdf.cache import FOLDER
from bippdf.check import check_pdf
from bippdf.check.readback import read_pdf
from bippdf.errors import CheckError

from .conftest import BuiltIssue, WebIssue, article, copy_of, write_issue, written

BLEED = 9.0  # points: 0.125 in


def _edited(pdf: Path, change: object) -> bytes:
    writer = copy_of(pdf)
    change(writer)  # type: ignore[operator]
    return written(writer)


def _problems(pdf: bytes | Path, check: str) -> list[str]:
    return [str(p) for c in check_pdf(pdf).checks if c.name == check for p in c.problems]


# ---- print -------------------------------------------------------------------------


def test_print_boxes_bleed_and_marks(issue6: BuiltIssue) -> None:
    for boxes in issue6.pdf.boxes:
        trim, bleed, media = boxes["TrimBox"], boxes["BleedBox"], boxes["MediaBox"]
        assert trim == (0.0, 0.0, 612.0, 792.0)
        assert bleed == (-BLEED, -BLEED, 612 + BLEED, 792 + BLEED)
        assert media[0] < bleed[0] and media[2] > bleed[2]
    assert issue6.pdf.structure.conformance == "PDF/X-4"
    assert issue6.pdf.structure.output_intents == ["GTS_PDFX"]
    for page, marks in enumerate(issue6.pdf.marks):
        assert len(marks) >= 8, f"page {page + 1} has no crop marks"
        for left, bottom, right, top in marks:  # all of them outside the bleed
            assert right <= -BLEED or left >= 612 + BLEED or top <= -BLEED or bottom >= 792 + BLEED


def test_no6_needs_no_padding(issue6: BuiltIssue) -> None:
    """Copyfitting puts No. 6 on whole sheets: the build line mentions no blank page."""
    assert issue6.result.padding == 0 and issue6.pdf.page_count % 4 == 0
    assert "pages blanches" not in messages.made(issue6.result)


def test_cover_band_runs_into_the_bleed(issue6: BuiltIssue) -> None:
    """The band's colour fills the bleed above the cover and beside the band on both
    sides, up to the BleedBox, and no further: the crop marks stand in white."""
    import pypdfium2

    scale = 4  # 4 pixels a point: the 9-point bleed is 36 pixels wide
    document = pypdfium2.PdfDocument(issue6.result.output)
    try:
        image = document[0].render(scale=scale, crop=(0, 0, 0, 0)).to_pil().convert("RGB")
    finally:
        document.close()
    media = issue6.pdf.boxes[0]["MediaBox"]
    band = 1.25 * 72  # points: its height below the trim (bulletin.css)

    def pixels(left: float, top: float, right: float, bottom: float) -> list[tuple[int, int]]:
        """The extrema of each channel inside a box in trim points (y upwards), a pixel in
        from its edges (anti-aliased)."""
        box = (
            round((left - media[0]) * scale) + 1,
            round((media[3] - top) * scale) + 1,
            round((right - media[0]) * scale) - 1,
            round((media[3] - bottom) * scale) - 1,
        )
        return list(image.crop(box).getextrema())  # type: ignore[arg-type]

    # The band's colour inside the trim, where no text stands: a dark blue (in print, the
    # palette's navy in CMYK, which pdfium shows converted its own way).
    navy = tuple(low for low, _ in pixels(4, 788, 8, 784))
    assert navy[2] > navy[0] and sum(navy) < 3 * 128, navy
    near = [(c - 3, c + 3) for c in navy]
    bleed = {
        "top": (-BLEED, 792 + BLEED, 612 + BLEED, 792),
        "left": (-BLEED, 792, 0, 792 - band),
        "right": (612, 792, 612 + BLEED, 792 - band),
    }
    for side, box in bleed.items():
        extrema = pixels(*box)
        assert all(
            low >= a and high <= b for (low, high), (a, b) in zip(extrema, near, strict=True)
        ), f"the {side} bleed is not the band's colour {navy}: {extrema}"
    beyond = {
        "top": (-BLEED, 792 + BLEED + 4, 612 + BLEED, 792 + BLEED),
        "left": (-BLEED - 4, 792, -BLEED, 792 - band),
        "right": (612 + BLEED, 792, 612 + BLEED + 4, 792 - band),
        "left, below the band": (-BLEED, 792 - band - 1, 0, 792 - band - 10),
    }
    for side, box in beyond.items():
        assert pixels(*box) == [(255, 255)] * 3, f"{side}: the band runs past the bleed"


def test_print_check_catches_faults(issue6: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        del writer.root_object["/OutputIntents"]
        writer.pages[3].bleedbox.lower_left = (-20, -20)
        writer.add_blank_page()

    problems = _problems(_edited(issue6.result.output, change), "print")
    assert "le PDF n'a pas d'intention de sortie PDF/X (profil CMJN)" in problems
    pages = issue6.pdf.page_count + 1
    assert f"{pages} pages : un bulletin piqué à cheval en demande un multiple de 4" in problems
    assert any(p.startswith("page 4: la BleedBox [-20 -20") for p in problems)


@pytest.fixture(scope="module")
def photo_issue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("photos")
    body = "\n\n".join(
        f"![Photo {name}](../images/{name}.jpg)" for name in ("basse", "moyenne", "haute")
    )
    write_issue(root, {"01-a.md": article("A", body + "\n\nTexte.\n")})
    (root / "images").mkdir()
    # A column is 3.235 in wide: 600 px give 185 ppi, 900 px 278 ppi, 1200 px 371 ppi.
    for name, width in (("basse", 600), ("moyenne", 900), ("haute", 1200)):
        Image.new("RGB", (width, width * 2 // 3), (90, 120, 160)).save(
            root / "images" / f"{name}.jpg"
        )
    return root


@pytest.mark.pdf
def test_low_resolution_image_is_an_error_and_a_medium_one_a_warning(
    photo_issue: Path, tmp_path: Path
) -> None:
    with pytest.raises(CheckError) as info:
        build_pdf(photo_issue, tmp_path / "x.pdf")
    assert "une image de 600 × 400 px est imprimée à 185 ppp ; il en faut 200 au moins" in str(
        info.value
    )
    result = build_pdf(photo_issue, tmp_path / "x.pdf", check=False)
    report = check_pdf(result.output)
    printing = next(c for c in report.checks if c.name == "print")
    assert [str(w) for w in printing.warnings] == [
        "page 3: une image de 900 × 600 px est imprimée à 278 ppp ; 300 vaut mieux"
    ]
    assert len(printing.problems) == 1


@pytest.mark.slow
@pytest.mark.pdf
def test_page_count_padded_before_the_colophon(tmp_path: Path) -> None:
    root = write_issue(tmp_path / "i", {"01-a.md": article("A", "Texte.\n")})
    result = build_pdf(root, tmp_path / "x.pdf")
    pdf = check_pdf(result.output)
    assert pdf.ok
    assert (result.pages, result.padding) == (4, 0)
    # An article of a page and a half: cover, contents, two pages, back cover. No fit
    # fills whole sheets; blank pages go before the back cover, and the build says so.
    text = "\n\n".join(["Un paragraphe de texte courant, assez long pour remplir. " * 6] * 14)
    long = write_issue(tmp_path / "j", {"01-a.md": article("A", text + "\n")})
    web = build_pdf(long, tmp_path / "y-web.pdf", variant="web")
    result = build_pdf(long, tmp_path / "y.pdf")
    assert web.pages % 4 and result.pages % 4 == 0
    assert result.padding == result.pages - web.pages > 0
    blank = f"(dont {result.padding} pages blanches ajoutées pour la reliure)"
    assert blank.replace("1 pages blanches ajoutées", "1 page blanche ajoutée") in messages.made(
        result
    ) or blank in messages.made(result)


# ---- web ---------------------------------------------------------------------------


def test_web_pdf_is_tagged_small_and_passes_the_pdf_ua_checks(issue6_web: WebIssue) -> None:
    web = issue6_web.results[0]
    assert web.output.name == "BIP-06-2019-08-web.pdf"
    assert web.output.stat().st_size < 2_000_000
    found = issue6_web.pdf.structure
    assert found.tagged and found.marked and found.display_title and not found.encrypted
    assert "pdfuaid:part" in found.xmp and "<dc:title" in found.xmp
    assert len(found.figures) == 5 and all(found.figures)
    assert issue6_web.pdf.language == "fr-CA"
    assert max(p.ppi for page in issue6_web.pdf.images for p in page) < 160  # downsampled
    report = check_pdf(web.output)
    assert report.ok and report.checks[-1].name == "web"


def _flate_streams(pdf: Path) -> list[tuple[bytes, bytes]]:
    """A PDF's Flate streams of 512 bytes or more: their data and how they are written."""
    import pikepdf

    streams = []
    with pikepdf.open(pdf) as document:
        for found in document.objects:
            if isinstance(found, pikepdf.Stream) and found.get("/Filter") == "/FlateDecode":
                data = found.read_bytes()
                if len(data) >= 512:
                    streams.append((data, found.read_raw_bytes()))
    return streams


def test_the_print_pdf_is_compressed_at_zlibs_default_and_the_web_pdf_at_level_7(
    issue6: BuiltIssue, issue6_web: WebIssue
) -> None:
    """The print PDF's streams at level 6 (0.2 s less of its writing, 0.35 % more
    bytes); the web PDF's, which the public downloads, at 7 (0.05 s less, 1 % more
    bytes), not pydyf's 9. Each stream is compressed again from its data: the bytes are
    the level's, and the levels are told apart by the streams where they differ."""
    import zlib

    for pdf, level, other in ((issue6.result.output, 6, 9), (issue6_web.results[0].output, 7, 9)):
        streams = _flate_streams(pdf)
        assert len(streams) > 20
        assert all(zlib.compress(data, level) == raw for data, raw in streams), pdf.name
        assert sum(zlib.compress(data, other) != raw for data, raw in streams) > 10, pdf.name


def test_cover_image_600_pixels_wide(issue6_web: WebIssue) -> None:
    cover = issue6_web.results[1].output
    assert cover.name == "BIP-06-2019-08-couverture.png"
    with Image.open(cover) as image:
        assert image.size == (600, 777)  # 612 × 792 pt
        assert image.getpixel((300, 30))[:3] == (28, 53, 87)  # the navy band


def test_web_check_catches_faults(issue6_web: WebIssue) -> None:
    def change(writer: PdfWriter) -> None:
        root = writer.root_object
        del root["/MarkInfo"]
        del root["/Lang"]
        root["/ViewerPreferences"][NameObject("/DisplayDocTitle")] = NumberObject(0)

    problems = _problems(_edited(issue6_web.results[0].output, change), "web")
    assert problems == [
        "Matterhorn 07-002 : /ViewerPreferences /DisplayDocTitle vaut false",
        "Matterhorn 01-007 : le catalogue n'a pas /MarkInfo /Marked true",
        "Matterhorn 11-001 : le catalogue ne déclare pas la langue du document (/Lang)",
    ]


@pytest.mark.pdf
def test_decorative_image_is_left_out_of_the_tags(tmp_path: Path) -> None:
    root = write_issue(
        tmp_path / "i", {"01-a.md": article("A", "![décoratif](../images/d.jpg)\n\nTexte.\n")}
    )
    (root / "images").mkdir()
    Image.new("RGB", (1500, 1000), (90, 120, 160)).save(root / "images" / "d.jpg")
    result = build_pdf(root, tmp_path / "x.pdf", variant="web")
    report = check_pdf(result.output)
    assert report.ok
    assert read_pdf(result.output).structure.figures == []


@pytest.mark.pdf
def test_variants_built_side_by_side_report_a_failure_whole(
    photo_issue: Path, tmp_path: Path
) -> None:
    """Print and web are made in parallel processes; an error comes back with its file."""
    from bippdf.pipeline import Options
    from bippdf.schedule import build_issues

    (done,) = build_issues([photo_issue], Options(build_dir=tmp_path / "build", cache=False))
    error = done.error
    assert isinstance(error, CheckError)
    assert error.path == photo_issue / "issue.toml"
    assert error.message.startswith("le PDF ne passe pas ses vérifications : ")
    assert "imprimée à 185 ppp" in error.message
    # Nothing is written when one variant fails, but for the print PDF's pictures
    # separated to CMYK, kept in the cache for the next build (colour.Separator).
    build = tmp_path / "build"
    written = [p.relative_to(build) for p in build.rglob("*") if p.is_file()]
    assert all(p.parts[:2] == (FOLDER, "cmyk") for p in written), written


def _web_first(
    monkeypatch: pytest.MonkeyPatch, events: list[str], print_fails: bool = False
) -> None:
    """The issue's PDFs handed over web first (as when the print PDF takes longer), each
    said in ``events``, and each cover image made; the print PDF's replaced by an error
    with ``print_fails``."""
    from bippdf import pipeline, schedule
    from bippdf.errors import BuildError

    run, cover = schedule._run, pipeline._cover

    def web_first(*arguments: object) -> object:
        outcomes = list(run(*arguments))  # type: ignore[arg-type]
        for job, outcome in sorted(outcomes, key=lambda given: given[0].variant != "web"):
            events.append(job.variant)
            failed = print_fails and job.variant == "print"
            yield job, BuildError("le PDF d'impression a échoué") if failed else outcome

    def counted(*arguments: object) -> object:
        events.append("cover")
        return cover(*arguments)  # type: ignore[arg-type]

    monkeypatch.setattr(schedule, "_run", web_first)
    monkeypatch.setattr(pipeline, "_cover", counted)


@pytest.mark.pdf
def test_the_cover_is_made_from_the_web_pdf_as_soon_as_it_is_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the print PDF is still being made, once, and written as it is made from the
    web PDF written."""
    from bippdf import pipeline
    from bippdf.pipeline import Options
    from bippdf.schedule import build_issues
    from bippdf.source import load_issue

    cover = pipeline._cover
    root = write_issue(tmp_path / "issue", {"01-a.md": article("A", "Texte.\n")})
    events: list[str] = []
    _web_first(monkeypatch, events)
    build = tmp_path / "build"
    (done,) = build_issues([root], Options(build_dir=build, cache=False, online=False))
    assert done.error is None, done.error
    assert events == ["web", "cover", "print"]
    made = {result.variant: result.output for result in done.results}
    _, expected = cover(load_issue(root), made["web"].read_bytes(), build)
    assert made["cover"].read_bytes() == expected


@pytest.mark.pdf
def test_a_cover_made_before_the_print_pdf_failed_is_not_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bippdf.pipeline import Options
    from bippdf.schedule import build_issues

    root = write_issue(tmp_path / "issue", {"01-a.md": article("A", "Texte.\n")})
    events: list[str] = []
    _web_first(monkeypatch, events, print_fails=True)
    build = tmp_path / "build"
    (done,) = build_issues([root], Options(build_dir=build, cache=False, online=False))
    assert events == ["web", "cover", "print"]
    assert done.error is not None and done.error.message == "le PDF d'impression a échoué"
    assert not [path for path in build.rglob("*") if path.suffix in (".png", ".pdf")]
