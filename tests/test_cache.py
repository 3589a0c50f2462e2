"""The build cache: nothing changed, nothing built; any one input changed, built again."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Callable
from io import BufferedReader
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from bippdf import cache, relayout
from bippdf.check.readback import read_pdf
from bippdf.cli import main
from bippdf.copyfit import RECORD
from bippdf.errors import SourceError
from bippdf.pipeline import Options
from bippdf.schedule import build_issues

from .conftest import article, moved_over, write_issue


@pytest.fixture
def issue(tmp_path: Path) -> Path:
    root = write_issue(
        tmp_path / "2020-03-numero-01",
        {
            "01-a.md": article(
                "A", "Un texte[^n].\n\n![Un carré bleu.](../images/a.png)\n\n[^n]: Note.\n"
            )
        },
    )
    (root / "images").mkdir()
    Image.new("RGB", (900, 600), "#2f6f9f").save(root / "images" / "a.png", dpi=(300, 300))
    return root


def _build(issue: Path, build_dir: Path, **options: object) -> list[bool]:
    settings = Options(variants=("web",), cover=False, build_dir=build_dir, **options)  # type: ignore[arg-type]
    (done,) = build_issues([issue], settings)
    if done.error is not None:
        raise done.error
    return [result.cached for result in done.results]


@pytest.mark.pdf
def test_a_second_build_with_nothing_changed_is_skipped_and_touches_nothing(
    issue: Path, tmp_path: Path
) -> None:
    build_dir = tmp_path / "build"
    assert _build(issue, build_dir) == [False]
    pdf = next((build_dir / issue.name).glob("*.pdf"))
    before = (pdf.read_bytes(), pdf.stat().st_mtime_ns)
    os.utime(issue / "articles" / "01-a.md")  # saved again, same content
    assert _build(issue, build_dir) == [True]
    assert (pdf.read_bytes(), pdf.stat().st_mtime_ns) == before


@pytest.mark.parametrize(
    "change",
    [
        "article",
        "issue.toml",
        "image",
        "new article file",
        "output edited",
        "output deleted",
        "options",
        "recorded fit deleted",
    ],
)
@pytest.mark.pdf
def test_changing_any_one_input_builds_again(issue: Path, tmp_path: Path, change: str) -> None:
    build_dir = tmp_path / "build"
    assert _build(issue, build_dir) == [False]
    options: dict[str, object] = {}
    pdf = next((build_dir / issue.name).glob("*.pdf"))
    if change == "article":
        path = issue / "articles" / "01-a.md"
        path.write_text(path.read_text("utf-8").replace("Un texte", "Un autre texte"), "utf-8")
    elif change == "issue.toml":
        path = issue / "issue.toml"
        path.write_text(path.read_text("utf-8").replace("de test", "d'essai"), "utf-8")
    elif change == "image":
        Image.new("RGB", (900, 600), "#1c3557").save(issue / "images" / "a.png", dpi=(300, 300))
    elif change == "new article file":  # lint refuses an article left out of issue.toml
        (issue / "articles" / "02-b.md").write_text(article("B", "Texte.\n"), "utf-8")
        with pytest.raises(SourceError, match=r"articles/02-b\.md n'est pas listé"):
            _build(issue, build_dir)
        return
    elif change == "output edited":
        pdf.write_bytes(pdf.read_bytes() + b"\n")
    elif change == "output deleted":
        pdf.unlink()
    elif change == "options":
        options = {"check": False}
    elif change == "recorded fit deleted":  # (to be fitted anew, with the build folder)
        (issue / RECORD).unlink()
    assert _build(issue, build_dir, **options) == [False]
    assert pdf.is_file() and (issue / RECORD).is_file()


# What a build found up to date has no use for: reading the sources (TOML, dates),
# writing files, laying out or checking a PDF. Importing them was most of its time.
_NOT_FOR_AN_UP_TO_DATE_BUILD = {
    "bippdf.source",
    "bippdf.sourcefile",
    "bippdf.files",
    "bippdf.contract",
    "bippdf.render",
    "bippdf.check",
    "weasyprint",
    "tomllib",
    "tempfile",
    "datetime",  # (a PDF's dates)
    "shutil",  # (argparse reads the terminal's width with it)
    "queue",  # (the thread of the copies for screens)
    "threading",
}


@pytest.mark.pdf
def test_an_up_to_date_build_imports_only_what_the_cache_needs(issue: Path, tmp_path: Path) -> None:
    """``make pdf`` with nothing changed: a new process that imports no more than it
    needs to find every file up to date."""
    build_dir = tmp_path / "build"
    assert _build(issue, build_dir) == [False]
    arguments = ["build", str(issue), "--variant", "web", "--build-dir", str(build_dir)]
    script = (
        "import sys\nfrom bippdf.cli import main\n"
        f"try:\n    main({arguments!r})\n"
        "finally:\n    print(' '.join(sorted(sys.modules)))\n"
    )
    # Twice: the digests of the files settled (styles, bippdf's code) are kept, then used.
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
        assert "à jour, rien n'a changé" in done.stdout + done.stderr
        imported = set(done.stdout.splitlines()[-1].split())
        assert "bippdf.schedule" in imported
        assert not imported & _NOT_FOR_AN_UP_TO_DATE_BUILD
        assert (build_dir / cache.FOLDER / cache.DIGESTS).is_file()


def _filters(pdf: Path) -> set[object]:
    """The filters of the pages' content streams (none: written as they are)."""
    reader = PdfReader(pdf)
    return {page["/Contents"].get_object().get("/Filter") for page in reader.pages}


@pytest.mark.pdf
def test_a_draft_is_written_uncompressed_and_never_taken_for_a_build(
    issue: Path, tmp_path: Path
) -> None:
    """``watch --draft`` writes its PDFs uncompressed, checked here to show they still
    pass; the build after it makes the compressed file, not "up to date"."""
    build_dir = tmp_path / "build"
    assert _build(issue, build_dir, compress=False) == [False]
    pdf = next((build_dir / issue.name).glob("*.pdf"))
    draft = pdf.read_bytes()
    assert _filters(pdf) == {None}
    assert _build(issue, build_dir) == [False]
    assert _filters(pdf) == {"/FlateDecode"}
    assert pdf.stat().st_size < len(draft) / 2
    assert _build(issue, build_dir) == [True]


def test_styles_code_and_libraries_are_inputs_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    styles = tmp_path / "styles"
    (styles / "fonts").mkdir(parents=True)
    (styles / "bulletin.css").write_text("p { color: black }", "utf-8")
    source = tmp_path / "a.md"
    source.write_text("# A\n", "utf-8")
    output = tmp_path / "a.pdf"
    output.write_bytes(b"%PDF-1.7")
    manifest = tmp_path / ".cache" / "entry.json"

    def record() -> None:
        cache.record(
            manifest,
            files={source: None},
            trees=[styles],
            listings=[tmp_path],
            results=[{"output": str(output)}],
        )

    record()
    assert cache.fresh(manifest) == [{"output": str(output), "sha256": cache._digest(output)}]
    (styles / "fonts" / "new.ttf").write_bytes(b"font")  # a font added
    assert cache.fresh(manifest) is None
    record()
    (styles / "bulletin.css").write_text("p { color: navy }", "utf-8")
    assert cache.fresh(manifest) is None
    record()
    monkeypatch.setattr(cache, "LIBRARIES", (*cache.LIBRARIES, "a-library-not-installed"))
    assert cache.fresh(manifest) is None  # another library version (here: now absent)
    record()
    monkeypatch.setattr(cache, "PACKAGE", styles)  # bippdf's own code changed
    assert cache.fresh(manifest) is None
    record()
    (tmp_path / "b.md").write_text("# B\n", "utf-8")  # a listed folder's Markdown files
    assert cache.fresh(manifest) is None
    manifest.write_text("{not json", "utf-8")
    assert cache.fresh(manifest) is None


def test_a_folder_s_digest_is_over_its_files_names_and_contents(tmp_path: Path) -> None:
    """A folder's digest (styles/, bippdf's code, the online edition) is over each file
    below it, by its path from there and its content, in the order of their paths'
    names: in a subfolder, hidden or linked to; not in a folder linked to, nor in
    __pycache__, nor a link to nothing, that loops or that goes through a file (which
    Path.rglob, the walk before, left out too). Each change of one of those files
    changes it; what is left out does not."""
    folder = tmp_path / "styles"
    (folder / "a" / "b").mkdir(parents=True)
    (folder / "a-b").mkdir()
    (folder / "a" / "b" / "x.css").write_text("x", "utf-8")
    (folder / "a-b" / "x.css").write_text("y", "utf-8")  # '-' sorts before '/' as text
    (folder / ".hidden").write_text("h", "utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "font.otf").write_bytes(b"font")
    (folder / "linked-file").symlink_to(outside / "font.otf")
    (folder / "linked-folder").symlink_to(outside)
    (folder / "nowhere").symlink_to(tmp_path / "absent")
    (folder / "loop").symlink_to(folder / "loop")
    (folder / "through-a-file").symlink_to(folder / ".hidden" / "x")
    (folder / "a" / "__pycache__").mkdir()
    (folder / "a" / "__pycache__" / "x.pyc").write_bytes(b"compiled")
    names = ["a/b/x.css", "a-b/x.css", ".hidden", "linked-file"]
    named = sorted((tuple(name.split("/")), name) for name in names)
    expected = hashlib.sha256()
    for _, name in named:
        expected.update(
            f"{name}\0{hashlib.sha256((folder / name).read_bytes()).hexdigest()}\0".encode()
        )
    digest = cache._tree_digest(folder)
    assert digest == expected.hexdigest()
    (folder / "a" / "__pycache__" / "x.pyc").write_bytes(b"compiled again")
    (outside / "other.otf").write_bytes(b"in a folder linked to")
    assert cache._tree_digest(folder) == digest
    for name in names:
        before = (folder / name).read_bytes()
        (folder / name).write_bytes(before + b".")
        assert cache._tree_digest(folder) != digest, name
        (folder / name).write_bytes(before)
    (folder / "a" / "b" / "x.css").rename(folder / "a" / "b" / "y.css")
    assert cache._tree_digest(folder) != digest
    assert cache._tree_digest(tmp_path / "absent") is None


def test_library_versions_are_those_importlib_metadata_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The versions come from the names of the libraries' .dist-info folders, faster
    than importlib.metadata reads them; they must be the same, the first found on
    sys.path winning, and a library installed otherwise still found."""
    from importlib import metadata

    original = list(__import__("sys").path)
    environment = cache._environment()
    for name in cache.LIBRARIES:
        assert environment[name] == metadata.version(name), name
    assert set(cache._installed(cache.LIBRARIES)) == set(cache.LIBRARIES)
    # An older copy further down sys.path is shadowed, as an import would be.
    older = tmp_path / "older"
    (older / "Jinja2-0.1.dist-info").mkdir(parents=True)
    monkeypatch.setattr("sys.path", [*__import__("sys").path, str(older)])
    assert cache._installed(["jinja2"]) == {"jinja2": metadata.version("jinja2")}
    monkeypatch.setattr("sys.path", [str(older)])
    assert cache._installed(["jinja2"]) == {"jinja2": "0.1"}  # the name's case and form
    assert cache._installed(["a-library-not-installed"]) == {}
    # A checkout's egg-info first on sys.path is the one imported: importlib.metadata
    # reads its version, not the folder's name (which has none).
    checkout = tmp_path / "checkout"
    (checkout / "Jinja2.egg-info").mkdir(parents=True)
    (checkout / "Jinja2.egg-info" / "PKG-INFO").write_text(
        "Metadata-Version: 2.1\nName: Jinja2\nVersion: 3.9.0.dev0\n", "utf-8"
    )
    monkeypatch.setattr("sys.path", [str(checkout), *original])
    assert cache._installed(["jinja2"]) == {}
    assert cache._environment()["jinja2"] == "3.9.0.dev0"


@pytest.mark.pdf
def test_cli_says_up_to_date_and_no_cache_builds_again(
    issue: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["build", str(issue), "--variant", "web", "--build-dir", str(tmp_path / "b")]
    assert main(args) == 0
    assert "à jour" not in capsys.readouterr().out
    assert main(args) == 0
    assert capsys.readouterr().out.strip().endswith(": à jour, rien n'a changé")
    assert main([*args, "--no-cache"]) == 0
    assert "à jour" not in capsys.readouterr().out


@pytest.mark.pdf
def test_a_failed_build_leaves_the_cache_as_it_was(issue: Path, tmp_path: Path) -> None:
    build_dir = tmp_path / "build"
    assert _build(issue, build_dir) == [False]
    path = issue / "articles" / "01-a.md"
    good = path.read_text("utf-8")
    path.write_text(good + "Un appel[^absente].\n", "utf-8")
    with pytest.raises(Exception, match=r"la note \[\^absente\] est appelée"):
        _build(issue, build_dir)
    path.write_text(good, "utf-8")
    assert _build(issue, build_dir) == [True]  # back to the sources of the last good build


@pytest.mark.pdf
def test_a_save_during_the_build_is_built_next_time(
    issue: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib

    composer = importlib.import_module("bippdf.compose")
    path = issue / "articles" / "01-a.md"
    lay_out = composer.lay_out

    def saved_meanwhile(loaded: object, parsed: object) -> object:
        path.write_text(path.read_text("utf-8").replace("Un texte", "Un texte revu"), "utf-8")
        return lay_out(loaded, parsed)  # type: ignore[arg-type]

    monkeypatch.setattr(composer, "lay_out", saved_meanwhile)
    assert _build(issue, tmp_path / "build") == [False]
    monkeypatch.setattr(composer, "lay_out", lay_out)
    assert _build(issue, tmp_path / "build") == [False]  # not "up to date"
    pdf = next((tmp_path / "build" / issue.name).glob("*.pdf"))
    assert "Un texte revu" in " ".join(read_pdf(pdf).texts)


def _hashes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files the cache reads to hash them, from now on."""
    read: list[str] = []
    sha256 = cache._sha256

    def counted(stream: BufferedReader) -> str:
        read.append(os.path.abspath(stream.name))
        return sha256(stream)

    monkeypatch.setattr(cache, "_sha256", counted)
    return read


@pytest.mark.pdf
def test_an_up_to_date_build_reads_no_file_whose_state_it_kept(
    issue: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its inputs and outputs are known by their identity on disk once they have settled
    (here at once), and not read again while it is the same."""
    monkeypatch.setattr(cache, "SETTLED", -1)
    build_dir = tmp_path / "build"
    assert _build(issue, build_dir) == [False]
    read = _hashes(monkeypatch)
    assert _build(issue, build_dir) == [True]
    article = os.path.abspath(issue / "articles" / "01-a.md")
    assert article in read and (build_dir / cache.FOLDER / cache.DIGESTS).is_file()
    read.clear()
    assert _build(issue, build_dir) == [True]
    assert read == []


@pytest.mark.pdf
def test_a_file_rewritten_in_place_at_the_same_size_and_time_builds_again(
    issue: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its inode, size and modification time as they were (a tool that keeps the time,
    or two saves in one tick of the clock): its change time tells it."""
    monkeypatch.setattr(cache, "SETTLED", -1)
    build_dir = tmp_path / "build"
    assert _build(issue, build_dir) == [False]
    assert _build(issue, build_dir) == [True]  # the digests kept
    path = issue / "articles" / "01-a.md"
    before = path.stat()
    with path.open("r+b") as stream:
        text = stream.read().replace(b"Un texte", b"Un TEXTE")
        stream.seek(0)
        stream.write(text)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (
        before.st_ino,
        before.st_size,
        before.st_mtime_ns,
    )
    assert _build(issue, build_dir) == [False]
    pdf = next((build_dir / issue.name).glob("*.pdf"))
    assert "Un TEXTE" in " ".join(read_pdf(pdf).texts)


@pytest.mark.pdf
@pytest.mark.parametrize(
    "kept",
    [b"{not json", b"[1, 2]", b'{"%s": "a digest"}', b'{"%s": [1, 2, "a digest"]}'],
    ids=["not json", "a list", "not a list", "another file's identity"],
)
def test_digests_kept_that_make_no_sense_are_made_again(
    issue: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kept: bytes
) -> None:
    """Damaged, or written by something else: the files are read, the build is right."""
    monkeypatch.setattr(cache, "SETTLED", -1)
    build_dir = tmp_path / "build"
    assert _build(issue, build_dir) == [False]
    path = issue / "articles" / "01-a.md"
    digests = build_dir / cache.FOLDER / cache.DIGESTS
    digests.write_bytes(kept.replace(b"%s", os.path.abspath(path).encode()))
    path.write_text(path.read_text("utf-8").replace("Un texte", "Un autre texte"), "utf-8")
    assert _build(issue, build_dir) == [False]
    assert _build(issue, build_dir) == [True]
    assert os.path.abspath(path) in digests.read_text("utf-8")


@pytest.mark.pdf
def test_on_a_file_system_without_change_times_every_file_is_read(
    issue: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """FAT, exFAT, a network file system: no digest is kept by identity."""
    monkeypatch.setattr(cache, "SETTLED", -1)
    monkeypatch.setattr(cache, "CHANGE_TIMES", frozenset())
    build_dir = tmp_path / "build"
    assert _build(issue, build_dir) == [False]
    read = _hashes(monkeypatch)
    for _ in range(2):
        assert _build(issue, build_dir) == [True]
    assert read.count(os.path.abspath(issue / "articles" / "01-a.md")) == 2
    assert not (build_dir / cache.FOLDER / cache.DIGESTS).exists()


@pytest.mark.skipif(not Path("/proc/self/mountinfo").is_file(), reason="Linux's mount list")
def test_the_file_system_of_a_file_is_found(tmp_path: Path) -> None:
    """As /proc/self/mountinfo lists it (a Linux machine's temporary folder: a local file
    system, or tmpfs), and none for /proc."""
    assert cache._file_systems()[tmp_path.stat().st_dev] in cache.CHANGE_TIMES
    assert not cache._keeps_times(Path("/proc/self").stat().st_dev)


@pytest.mark.pdf
def test_a_pipe_in_a_source_s_place_is_no_source_and_never_waited_on(
    issue: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache sees a change (it opens nothing that could block), and the build refuses
    the pipe as no regular file."""
    import threading

    monkeypatch.setattr(cache, "SETTLED", -1)
    build_dir = tmp_path / "build"
    assert _build(issue, build_dir) == [False]
    assert _build(issue, build_dir) == [True]  # its digest kept
    path = issue / "articles" / "01-a.md"
    path.unlink()
    os.mkfifo(path)
    failed: list[BaseException] = []

    def build() -> None:
        try:
            _build(issue, build_dir)
        except BaseException as error:
            failed.append(error)

    building = threading.Thread(target=build, daemon=True)
    building.start()
    building.join(60)
    if building.is_alive():  # let it go before failing: a writer ends the wait
        with open(path, "wb"):
            pass
        pytest.fail("a build waited on a pipe")
    assert isinstance(failed[0], SourceError), failed
    assert "ce n'est pas un fichier ordinaire" in str(failed[0])


@pytest.mark.pdf
def test_a_file_changed_a_moment_ago_is_read_at_each_build(
    issue: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two writes in one tick of the file system's clock leave the same times: a file
    changed less than ``SETTLED`` ago is not known by them."""
    build_dir = tmp_path / "build"
    assert _build(issue, build_dir) == [False]
    path = issue / "articles" / "01-a.md"
    path.write_text(path.read_text("utf-8"), "utf-8")  # saved again: changed just now
    read = _hashes(monkeypatch)
    for _ in range(2):
        assert _build(issue, build_dir) == [True]
    assert read.count(os.path.abspath(path)) == 2


@pytest.mark.parametrize(
    "stamp",
    [
        # the inputs before and after a build: a build whose inputs moved is not entered
        lambda photo: cache.snapshot([photo], [photo.parent]),
        # what watch resumes from: the pages showing a picture replaced are laid out again
        lambda photo: relayout.stamp([photo]),
    ],
    ids=["cache", "watch"],
)
def test_a_picture_moved_over_another_is_told_from_it(
    tmp_path: Path, stamp: Callable[[Path], object]
) -> None:
    """Even one of the same size at the same modification time: by its inode."""
    photo = tmp_path / "images" / "photo.jpg"
    photo.parent.mkdir()
    photo.write_bytes(b"\xff\xd8" + bytes(100))
    before = stamp(photo)
    assert stamp(photo) == before
    moved_over(photo, b"\xff\xd8" + bytes(99) + b"\x01")
    assert stamp(photo) != before


@pytest.mark.slow
@pytest.mark.pdf
def test_html_output_a_linked_folder_and_a_markdown_file_s_date(
    issue: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_dir = tmp_path / "build"
    html = tmp_path / "issue.html"
    assert _build(issue, build_dir, html_output=html) == [False]
    html.unlink()
    assert _build(issue, build_dir, html_output=html) == [False] and html.is_file()

    assert _build(issue, build_dir) == [False]
    linked = tmp_path / "2020-04-numero-02"
    linked.symlink_to(issue)
    assert _build(linked, build_dir) == [False]  # its own outputs, not the other's
    assert (build_dir / linked.name).is_dir()

    single = tmp_path / "notes.md"
    single.write_text("# Notes\n\nTexte.\n", "utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1577836800")  # 2020-01-01: printed in the PDF
    assert _build(single, build_dir) == [False]
    assert _build(single, build_dir) == [True]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1609459200")  # 2021-01-01
    assert _build(single, build_dir) == [False]


@pytest.mark.pdf
def test_an_up_to_date_build_says_its_warnings_again(
    issue: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["build", str(issue), "--variant", "print", "--build-dir", str(tmp_path / "b")]
    assert main(args) == 0
    first = capsys.readouterr()
    assert "278 ppp" in first.err  # 900 px across a column
    assert main(args) == 0
    again = capsys.readouterr()
    assert "à jour" in again.out and again.err == first.err
