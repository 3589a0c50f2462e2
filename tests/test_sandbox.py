"""Only the issue's own files are read; outputs are atomic and reproducible."""

from __future__ import annotations

import hashlib
import http.server
import io
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from bippdf import sandbox
from bippdf.check import check_pdf
from bippdf.check.readback import read_pdf
from bippdf.compose import compose
from bippdf.errors import BuildError, SourceError
from bippdf.pipeline import build_pdf
from bippdf.render import render_pdf
from bippdf.resources import styles_dir
from bippdf.source import load_issue

from .conftest import ISSUE_6, BuiltIssue, article, write_issue


class _Server(http.server.ThreadingHTTPServer):
    hits: list[str]


@pytest.fixture
def server() -> Iterator[_Server]:
    """A web server on 127.0.0.1 that counts the requests it receives."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.server.hits.append(self.path)  # type: ignore[attr-defined]
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    httpd = _Server(("127.0.0.1", 0), Handler)
    httpd.hits = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _errors(root: Path) -> list[SourceError]:
    with pytest.raises(SourceError) as info:
        compose(load_issue(root))
    return list(getattr(info.value, "errors", [info.value]))


def test_raw_img_to_a_local_file_is_refused_with_its_line(tmp_path: Path) -> None:
    body = 'Texte.\n\nUne image <img src="file:///etc/hostname"> ici.\n'
    root = write_issue(tmp_path, {"01-a.md": article("A", body)})
    [error] = _errors(root)
    assert (error.line, error.message) == (7, "la balise HTML <img> n'est pas permise")


def test_script_block_is_refused(tmp_path: Path) -> None:
    body = "Texte.\n\n<script>\nfetch('https://example.org/?' + document.title)\n</script>\n"
    root = write_issue(tmp_path, {"01-a.md": article("A", body)})
    assert [(e.line, e.message) for e in _errors(root)] == [
        (7, "la balise HTML <script> n'est pas permise")
    ]


def test_event_attributes_and_styles_are_refused(tmp_path: Path) -> None:
    body = (
        'Un <span onclick="x()" style="display:none">mot</span>'
        ' et <abbr title="Ministère">MSP</abbr>.\n'
    )
    root = write_issue(tmp_path, {"01-a.md": article("A", body)})
    assert [e.message for e in _errors(root)] == [
        "l'attribut onclick de <span> n'est pas permis",
        "l'attribut style de <span> n'est pas permis",
    ]


def test_remote_image_is_refused_and_never_requested(tmp_path: Path, server: _Server) -> None:
    url = f"http://127.0.0.1:{server.server_address[1]}/photo.png"
    root = write_issue(tmp_path, {"01-a.md": article("A", f"Texte.\n\n![Photo]({url})\n")})
    [error] = _errors(root)
    assert (error.line, error.message) == (7, f"l'image « {url} » n'est pas un fichier du numéro")
    assert server.hits == []


def test_parent_path_and_symlink_out_of_the_folder_are_refused(tmp_path: Path) -> None:
    outside = tmp_path / "ailleurs.png"
    Image.new("RGB", (40, 30)).save(outside)
    root = write_issue(
        tmp_path / "issue",
        {"01-a.md": article("A", "![Une](../../ailleurs.png)\n\n![Deux](../images/lien.png)\n")},
    )
    (root / "images").mkdir()
    (root / "images" / "lien.png").symlink_to(outside)
    assert [(e.line, e.message) for e in _errors(root)] == [
        (5, "l'image « ../../ailleurs.png » est hors du dossier du numéro"),
        (7, "l'image « ../images/lien.png » est hors du dossier du numéro"),
    ]


@pytest.mark.pdf
def test_the_fetcher_refuses_what_slips_past_lint(tmp_path: Path, server: _Server) -> None:
    """The renderer itself reads nothing outside the issue and styles, nor the web."""
    root = write_issue(tmp_path, {"01-a.md": article("A", "Texte.\n")})
    html = compose(load_issue(root)).html
    port = server.server_address[1]
    for bad in ("file:///etc/hostname", f"http://127.0.0.1:{port}/x.png", "../../etc/hostname"):
        with pytest.raises(BuildError) as info:
            render_pdf(
                html.replace("</body>", f'<img src="{bad}" alt="x"></body>'),
                base_url=root,
                language="fr-CA",
            )
        assert info.value.message.startswith("lecture refusée : « ")
        assert info.value.hint == "un numéro ne peut utiliser que ses propres fichiers"
    assert server.hits == []


# What an image address of the issue (its virtual URL, below .../issue/) resolves to once
# the fetcher has decoded it once; the secret lies next to the issue, outside it.
_TRAVERSALS = {
    "images/..%2F..%2Fsecret.png": "« images/../../secret.png » sort du dossier du numéro",
    "images/%2E%2E/%2E%2E/secret.png": "« images/../../secret.png » sort du dossier du numéro",
    "images/%2e%2e%2f%2e%2e%2fsecret.png": "« images/../../secret.png » sort du dossier du numéro",
    "..%2Fsecret.png": "« ../secret.png » sort du dossier du numéro",
    "images/lien.png": "« images/lien.png » sort du dossier du numéro",
    # Not a separator on POSIX, and decoded once it is a plain name: no such file.
    "images/..%5C..%5Csecret.png": "« images/..\\..\\secret.png » n'existe pas",
    # A link that leads back to itself, a NUL in the name: no file at all.
    "images/boucle.png": (
        "« images/boucle.png » ne mène à aucun fichier (un lien en boucle, ou un nom invalide)"
    ),
    "images/a%00.png": (
        "« images/a\N{REPLACEMENT CHARACTER}.png » ne mène à aucun fichier (un lien en "
        "boucle, ou un nom invalide)"
    ),
    "images/%252E%252E%252F%252E%252E%252Fsecret.png": (
        "« images/%2E%2E%2F%2E%2E%2Fsecret.png » n'existe pas"
    ),
}
# Addresses that leave the issue before any file is looked for.
_ELSEWHERE = {
    "/etc/hostname": "« https://bippdf.invalid/etc/hostname » est hors du numéro",
    "file:///etc/hostname": (
        "« file:///etc/hostname » est hors du numéro (seuls ses propres fichiers sont lus)"
    ),
    # An article reads the issue's files only, not bippdf's styles/ (fonts, profile).
    "../styles/print.css": "« https://bippdf.invalid/styles/print.css » est hors du numéro",
    "https://bippdf.invalid/styles/icc/coated-fogra39-bippdf.icc": (
        "« https://bippdf.invalid/styles/icc/coated-fogra39-bippdf.icc » est hors du numéro"
    ),
}

_REFUSALS = {**_TRAVERSALS, **_ELSEWHERE}


@pytest.fixture
def walled_issue(tmp_path: Path) -> Path:
    """A tiny issue with one image of its own, a PNG beside it (outside) and a symbolic
    link in its images/ pointing at that PNG."""
    Image.new("RGB", (40, 30), "red").save(tmp_path / "secret.png")
    root = write_issue(tmp_path / "issue", {"01-a.md": article("A", "Texte.\n")})
    (root / "images").mkdir()
    Image.new("RGB", (40, 30), "blue").save(root / "images" / "dedans.png")
    (root / "images" / "lien.png").symlink_to(tmp_path / "secret.png")
    (root / "images" / "boucle.png").symlink_to(root / "images" / "boucle.png")
    return root


def _fetcher(root: Path) -> object:
    """The fetcher a document of the issue is rendered with, on the real WeasyPrint."""
    import weasyprint

    return sandbox.make_fetcher(weasyprint, {sandbox.ISSUE: root})


def test_the_real_fetcher_serves_a_file_of_the_issue(walled_issue: Path) -> None:
    url = sandbox.base_url(sandbox.ISSUE) + "images/dedans.png"
    response = _fetcher(walled_issue).fetch(url)  # type: ignore[attr-defined]
    assert response.read() == (walled_issue / "images" / "dedans.png").read_bytes()


@pytest.mark.parametrize("src", _REFUSALS)
def test_the_real_fetcher_refuses_what_leaves_the_issue(walled_issue: Path, src: str) -> None:
    from weasyprint.urls import FatalURLFetchingError, url_join

    url = url_join(sandbox.base_url(sandbox.ISSUE), src, allow_relative=False, context=src)
    with pytest.raises(FatalURLFetchingError) as info:
        _fetcher(walled_issue).fetch(url)  # type: ignore[attr-defined]
    assert str(info.value) == _REFUSALS[src]


def _render_with_image(root: Path, src: str, variant: str = "web") -> bytes:
    """The tiny issue rendered with one more image, as if it had slipped past lint."""
    html = compose(load_issue(root)).html
    html = html.replace("</body>", f'<img src="{src}" alt="x"></body>')
    return render_pdf(html, base_url=root, language="fr-CA", variant=variant).pdf


@pytest.mark.pdf
def test_a_render_draws_an_image_of_the_issue(walled_issue: Path) -> None:
    import pypdf

    pdf = pypdf.PdfReader(io.BytesIO(_render_with_image(walled_issue, "images/dedans.png")))
    drawn = {
        (image.image.size, image.image.convert("RGB").getpixel((0, 0)))
        for page in pdf.pages
        for image in page.images
        if image.image is not None
    }
    assert drawn == {((40, 30), (0, 0, 255))}


@pytest.mark.pdf
@pytest.mark.parametrize("src", _REFUSALS)
def test_a_render_stops_at_an_image_leaving_the_issue(walled_issue: Path, src: str) -> None:
    with pytest.raises(BuildError) as info:
        _render_with_image(walled_issue, src)
    assert info.value.message == f"lecture refusée : {_REFUSALS[src]}"
    assert info.value.hint == "un numéro ne peut utiliser que ses propres fichiers"


@pytest.mark.pdf
@pytest.mark.parametrize(
    "cause",
    [
        OSError("image tronquée"),
        struct.error("unpack requires a buffer of 4 bytes"),  # EXIF, as Pillow reads it
        IndexError("tuple index out of range"),
    ],
    ids=lambda cause: type(cause).__name__,
)
def test_a_picture_the_print_pdf_cannot_separate_is_said_as_such(
    walled_issue: Path, monkeypatch: pytest.MonkeyPatch, cause: Exception
) -> None:
    """A picture whose separation to CMYK fails as Pillow fails on a damaged file is not
    a read the sandbox refused: the error names the picture's file, what Pillow said and
    what to do, and keeps the cause."""
    from bippdf import colour

    def broken(data: bytes) -> bytes:
        raise cause

    monkeypatch.setattr(colour, "separate", broken)
    picture = walled_issue / "images" / "a-part.png"
    Image.new("RGB", (41, 29), (1, 2, 3)).save(picture)  # never separated by another test
    with pytest.raises(BuildError) as info:
        _render_with_image(walled_issue, "images/a-part.png", "print")
    assert info.value.path == picture
    assert info.value.message == (
        "l'image n'a pas pu être convertie en CMJN pour le PDF d'impression "
        f"({type(cause).__name__} : {cause})"
    )
    assert info.value.hint is not None and "--variant web" in info.value.hint
    assert "lecture refusée" not in str(info.value)
    assert info.value.__cause__ is cause


@pytest.mark.pdf
@pytest.mark.parametrize(
    ("cause", "said"),
    [
        (BuildError("la séparation a échoué"), "la séparation a échoué"),
        (
            RuntimeError("un défaut"),
            "WeasyPrint n'a pas pu mettre le numéro en pages : Error fetching "
            '"https://bippdf.invalid/issue/images/a-part.png" (RuntimeError : un défaut)',
        ),
    ],
    ids=["bippdf's error", "a fault"],
)
def test_a_failure_of_the_print_pdf_s_pictures_not_the_picture_s_is_not_blamed_on_it(
    walled_issue: Path, monkeypatch: pytest.MonkeyPatch, cause: Exception, said: str
) -> None:
    """bippdf's own error is said as it is; any other, as a failure to report."""
    from bippdf import colour

    def broken(data: bytes) -> bytes:
        raise cause

    monkeypatch.setattr(colour, "separate", broken)
    Image.new("RGB", (43, 29), (3, 2, 1)).save(walled_issue / "images" / "a-part.png")
    with pytest.raises(BuildError) as info:
        _render_with_image(walled_issue, "images/a-part.png", "print")
    assert info.value.message == said
    assert info.value.path is None
    assert info.value is cause or info.value.__cause__ is cause


def _hors(src: str) -> str:
    """Lint's refusal of an image whose file lies outside the issue."""
    return f"l'image « {src} » est hors du dossier du numéro"


@pytest.mark.parametrize(
    ("src", "message"),
    [
        ("../images/lien.png", _hors("../images/lien.png")),
        ("../images/..%2F..%2Fsecret.png", _hors("../images/../../secret.png")),
        ("../images/%2E%2E/%2E%2E/secret.png", _hors("../images/../../secret.png")),
        ("../images/%2e%2e%2f%2e%2e%2fsecret.png", _hors("../images/../../secret.png")),
        ("../images/..%5C..%5Csecret.png", "l'image « ../images/..\\..\\secret.png » n'existe pas"),
        (
            "../images/%252E%252E%252Fsecret.png",
            "l'image « ../images/%2E%2E%2Fsecret.png » n'existe pas",
        ),
        ("/etc/hostname", _hors("/etc/hostname")),
        ("file:///etc/hostname", "l'image « file:///etc/hostname » n'est pas un fichier du numéro"),
        ("../../../styles/print.css", _hors("../../../styles/print.css")),
        (
            "https://bippdf.invalid/styles/icc/coated-fogra39-bippdf.icc",
            "l'image « https://bippdf.invalid/styles/icc/coated-fogra39-bippdf.icc » "
            "n'est pas un fichier du numéro",
        ),
    ],
)
def test_a_build_refuses_an_image_leaving_the_issue_with_its_line(
    walled_issue: Path, src: str, message: str
) -> None:
    articles = walled_issue / "articles"
    (articles / "01-a.md").write_text(article("A", f"Texte.\n\n![Photo]({src})\n"), "utf-8")
    output = walled_issue.parent / "out.pdf"
    with pytest.raises(SourceError) as info:
        build_pdf(walled_issue, output, variant="web")
    [error] = getattr(info.value, "errors", [info.value])
    assert (error.path, error.line, error.message) == (articles / "01-a.md", 7, message)
    assert not output.exists()


def _sha256s(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (the online edition's folder too), by its path in it."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _bippdf(*args: str, cwd: Path) -> subprocess.Popen[bytes]:
    env = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
    return subprocess.Popen(
        [sys.executable, "-m", "bippdf", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.mark.slow
@pytest.mark.pdf
def test_two_builds_in_separate_processes_and_places_give_the_same_bytes(
    tmp_path: Path, issue6: BuiltIssue
) -> None:
    """Same sources, same bytes, for every variant: dates come from the issue and
    identifiers from the content, not from the clock, a random generator or a path.
    One build is the run's No. 6 (``issue6``: every file of ``make pdf``, fitted as
    recorded with the issue); the other from a copy elsewhere, record included, in a
    process of its own."""
    elsewhere = tmp_path / "copie" / ISSUE_6.name
    shutil.copytree(ISSUE_6, elsewhere)
    second = _bippdf("build", str(elsewhere), "--build-dir", str(tmp_path / "deux"), cwd=tmp_path)
    _, err = second.communicate(timeout=240)
    assert second.returncode == 0, err.decode()
    one = _sha256s(issue6.result.output.parent)
    two = _sha256s(tmp_path / "deux" / ISSUE_6.name)
    edition = "BIP-06-2019-08-en-ligne/"
    assert len([name for name in one if not name.startswith(edition)]) == 3  # PDFs, cover
    assert f"{edition}index.html" in one and f"{edition}images/estrie-700w.jpg" in one
    assert one == two


@pytest.mark.pdf
@pytest.mark.parametrize("variant", ["print", "web"])
def test_one_issue_built_twice_in_two_places_gives_the_same_bytes(
    tmp_path: Path, variant: str
) -> None:
    """The quick one of the test above, which make test runs: a small issue and a copy
    of it elsewhere, each built in this process, give the same bytes (identifiers from
    the content, dates from the issue)."""
    root = write_issue(tmp_path / "un" / "issue", {"01-a.md": article("A", "Le texte.\n")})
    elsewhere = tmp_path / "deux" / "issue"
    shutil.copytree(root, elsewhere)
    one = build_pdf(root, tmp_path / "un.pdf", variant=variant).output.read_bytes()
    two = build_pdf(elsewhere, tmp_path / "deux.pdf", variant=variant).output.read_bytes()
    metadata = PdfReader(io.BytesIO(one)).trailer["/Root"]["/Metadata"].get_object()
    # PDF/X-4 asks for a document identifier, which WeasyPrint draws at random.
    assert (b"xmp.did:" in metadata.get_data()) == (variant == "print")
    assert one == two


# Run as a script: bippdf's command line, but the process kills itself (SIGKILL: no
# cleanup, as a power cut or the OOM killer) once it has written the first 4 KiB of a
# PDF, whichever way the file is opened (open, Path.write_bytes, os.fdopen).
_KILLED_WHILE_WRITING = """
import builtins, io, os, signal, sys

_open = io.open


class _Dying:
    def __init__(self, handle):
        self._handle = handle

    def write(self, data):
        if isinstance(data, (bytes, bytearray, memoryview)) and bytes(data[:5]) == b"%PDF-":
            self._handle.write(data[:4096])
            self._handle.flush()
            os.fsync(self._handle.fileno())
            sys.stderr.write("killed while writing a PDF\\n")
            sys.stderr.flush()
            os.kill(os.getpid(), signal.SIGKILL)
        return self._handle.write(data)

    def __enter__(self):
        self._handle.__enter__()
        return self

    def __exit__(self, *exc):
        return self._handle.__exit__(*exc)

    def __getattr__(self, name):
        return getattr(self._handle, name)


def _opening(file, mode="r", *args, **kwargs):
    handle = _open(file, mode, *args, **kwargs)
    return _Dying(handle) if any(m in mode for m in "wax+") and "b" in mode else handle


io.open = builtins.open = _opening
from bippdf.cli import main

sys.exit(main())
"""


@pytest.mark.slow
@pytest.mark.pdf
def test_a_build_killed_while_writing_leaves_the_previous_pdf_intact(tmp_path: Path) -> None:
    """Killed half-way through writing the new PDF's bytes, a build leaves the last good
    PDF whole; what it leaves besides is a hidden temporary file the next build ignores."""
    root = write_issue(tmp_path / "issue", {"01-a.md": article("A", "Texte.\n")})
    (tmp_path / "dying.py").write_text(_KILLED_WHILE_WRITING, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    output = out / "bip.pdf"
    output.write_bytes(b"%PDF- the last good one")
    env = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
    # Killed, the process leaves what it would have removed on its way out (WeasyPrint's
    # temporary folder of fonts): here, not in the machine's temporary folder.
    (tmp_path / "tmp").mkdir()
    env["TMPDIR"] = str(tmp_path / "tmp")
    killed = subprocess.run(
        [
            sys.executable,
            str(tmp_path / "dying.py"),
            "build",
            str(root),
            "--variant",
            "web",
            "-o",
            str(output),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        timeout=240,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()
    assert killed.stderr.decode().endswith("killed while writing a PDF\n")
    assert output.read_bytes() == b"%PDF- the last good one"
    strays = [p.name for p in out.iterdir() if p != output]
    assert all(re.fullmatch(r"\.bip\.pdf\.\w+\.tmp", name) for name in strays), strays
    again = _bippdf("build", str(root), "--variant", "web", "-o", str(output), cwd=tmp_path)
    _, err = again.communicate(timeout=240)
    assert again.returncode == 0, err.decode()
    assert check_pdf(output, workers=1).ok
    assert sorted(p.name for p in out.iterdir() if p.name not in strays) == ["bip.pdf"]


@pytest.mark.slow
@pytest.mark.pdf
def test_two_builds_of_one_issue_at_once(tmp_path: Path) -> None:
    """Two processes writing the same PDF at once: it is whole, one or the other's, and
    no temporary file is left beside it."""
    root = write_issue(
        tmp_path / "issue",
        {
            "01-a.md": article(
                "Premier",
                "Un paragraphe de texte courant. " * 60 + "Un appel[^a].\n\n[^a]: Une note.\n",
            ),
            "02-b.md": article("Second", "Un autre paragraphe de texte. " * 60 + "\n"),
        },
    )
    out = tmp_path / "out"
    out.mkdir()
    output = out / "bip.pdf"
    processes = [
        _bippdf("build", str(root), "--variant", "web", "-o", str(output), cwd=out)
        for _ in range(2)
    ]
    for process in processes:
        _, err = process.communicate(timeout=240)
        assert process.returncode == 0, err.decode()
    report = check_pdf(output, workers=1)
    assert report.ok, [str(problem) for problem in report.problems]
    assert read_pdf(output).page_of("note-1") is not None
    assert sorted(p.name for p in out.iterdir()) == ["bip.pdf"]


@pytest.mark.pdf
def test_a_stylesheet_naming_a_missing_font_is_a_build_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bippdf import render
    from bippdf.errors import BuildError

    (tmp_path / "bulletin.css").write_text(
        '@font-face { font-family: "X"; src: url(fonts/absente.ttf); }', encoding="utf-8"
    )
    monkeypatch.setattr(render, "styles_dir", lambda: tmp_path)
    engine = render.Engine()
    with pytest.raises(BuildError) as error:
        engine.stylesheet("bulletin.css", "a variant of this test only")
    assert error.value.path == tmp_path / "bulletin.css"
    assert ("bulletin.css", "a variant of this test only") not in engine.stylesheets


@pytest.mark.pdf
@pytest.mark.parametrize("subsetter", ["as installed", "fontTools"])
@pytest.mark.parametrize("variant", ["print", "web"])
def test_fonts_and_metadata_are_dated_by_the_issue_not_the_clock(
    tmp_path: Path, variant: str, subsetter: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every embedded font subset is stamped as modified on the issue's date (midnight
    UTC) by fontTools, or keeps the font file's own stamp with HarfBuzz's subsetter;
    never the moment of the build. So are the PDF's dates. Two builds in the same
    second could not tell. fontTools is also made to subset where HarfBuzz's subsetter
    is installed (as in CI), so that the date it stamps is tested on every machine."""
    import datetime as dt

    from fontTools.ttLib import TTFont
    from pypdf import PdfReader
    from weasyprint.pdf import fonts

    if subsetter == "fontTools":
        monkeypatch.setattr(fonts, "harfbuzz_subset", None)
    root = write_issue(tmp_path / "issue", {"01-a.md": article("A", "Le texte.\n")})
    pdf = build_pdf(root, tmp_path / "out.pdf", variant=variant).output
    issue_day = dt.datetime(2020, 3, 1, tzinfo=dt.UTC)  # write_issue's date
    since_1904 = int((issue_day - dt.datetime(1904, 1, 1, tzinfo=dt.UTC)).total_seconds())
    stamps = set()
    reader = PdfReader(pdf)
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            for descendant in font.get_object().get("/DescendantFonts", [font]):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                stream = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
                face = TTFont(io.BytesIO(stream.get_object().get_data()))
                stamps.add(face["head"].modified)
    own = {
        TTFont(path)["head"].modified
        for path in (styles_dir() / "fonts").rglob("*")
        if path.suffix in (".ttf", ".otf")
    }
    assert stamps and stamps <= {since_1904} | own, stamps
    if subsetter == "fontTools":
        assert stamps == {since_1904}
    assert str(reader.metadata["/CreationDate"]).startswith("D:20200301")
