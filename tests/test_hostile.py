"""Hostile and careless inputs, one family per section: each must end in a clear error
naming its file (and line, where there is one) or in a correct PDF, within seconds, with
no source file changed. A new case found goes here, beside its family."""

from __future__ import annotations

import hashlib
import os
import resource
import signal
import stat
import struct
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bippdf import lint, markdown, pipeline, source
from bippdf.bounds import MAX_HTML_DEPTH, MAX_PARAGRAPH, MAX_TABLE_COLUMNS, MAX_TABLE_ROWS
from bippdf.check.readback import read_pdf
from bippdf.cli import main
from bippdf.dates import repair_toml
from bippdf.errors import SourceError
from bippdf.files import MAX_SOURCE_BYTES, STALE_SECONDS, write_file
from bippdf.images import MAX_ISSUE_PIXELS
from bippdf.sourcefile import key_line
from bippdf.typography import RULES, typeset_text

from .conftest import article, write_issue


def _fingerprint(root: Path) -> dict[str, str]:
    """Every file under ``root`` with the digest of its bytes."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def issue(tmp_path: Path) -> Path:
    """A small issue folder with an image its article shows."""
    from PIL import Image

    root = write_issue(
        tmp_path / "numero",
        {"01-a.md": article("Premier", "Du texte.\n\n![Une image](../images/g.png)\n")},
    )
    (root / "images").mkdir()
    Image.new("RGB", (40, 30), "white").save(root / "images" / "g.png")
    return root


# Outputs never land on an input ------------------------------------------------------


@pytest.mark.parametrize(
    "option, target",
    [
        ("-o", "articles/01-a.md"),
        ("-o", "issue.toml"),
        ("-o", "images/g.png"),
        ("--html", "articles/01-a.md"),
        ("--html", "images/../articles/01-a.md"),
    ],
)
def test_an_output_over_a_source_is_refused_before_building(
    issue: Path, option: str, target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _fingerprint(issue)
    status = main(
        ["build", str(issue), "--variant", "web", "--no-cache", option, str(issue / target)]
    )
    err = capsys.readouterr().err
    assert status == 1
    assert "un fichier que la production lit" in err and "rien n'a été écrit" in err
    assert _fingerprint(issue) == before


def test_an_output_through_a_link_or_hard_link_to_a_source_is_refused(
    issue: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _fingerprint(issue)
    (tmp_path / "lien.pdf").symlink_to(issue / "articles" / "01-a.md")
    os.link(issue / "issue.toml", tmp_path / "dur.pdf")
    for name in ("lien.pdf", "dur.pdf"):
        status = main(["build", str(issue), "--variant", "web", "-o", str(tmp_path / name)])
        assert status == 1
        assert "un fichier que la production lit" in capsys.readouterr().err
    assert _fingerprint(issue) == before


def test_a_single_markdown_file_is_never_its_own_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("# Notes\n\nDu texte.\n", encoding="utf-8")
    status = main(["build", str(notes), "--variant", "web", "-o", str(notes)])
    assert status == 1
    assert "notes.md" in capsys.readouterr().err
    assert notes.read_text(encoding="utf-8") == "# Notes\n\nDu texte.\n"


def test_an_output_that_is_a_device_pipe_or_folder_is_refused(
    issue: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "tube.pdf"
    os.mkfifo(fifo)
    (tmp_path / "dossier.pdf").mkdir()
    for target in (Path(os.devnull), fifo, tmp_path / "dossier.pdf"):
        status = main(["build", str(issue), "--variant", "web", "-o", str(target)])
        assert status == 1
        assert "pas un fichier ordinaire" in capsys.readouterr().err
    assert stat.S_ISCHR(Path(os.devnull).stat().st_mode)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


# Every pattern applied to source text runs in linear time ------------------------------
# Each input is long enough that a quadratic pattern would take hours (10 000 characters
# took half a second): the alarm stops the test long before, whatever the machine.

BIG = 1_000_000


@contextmanager
def _stopped_after(seconds: int) -> Iterator[None]:
    """Fail the test, rather than hang it, past ``seconds`` (a quadratic pattern)."""

    def stop(signum: int, frame: object) -> None:
        raise TimeoutError(f"plus de {seconds} s : un motif quadratique?")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "a" * BIG,  # a word: the e-mail pattern once scanned it from each of its letters
        "1" * BIG + ".",
        "a" + " " * BIG + "b",  # spaces before no guillemet, no « ; ! ? »
        "x@" * (BIG // 2),
        "a." * (BIG // 2) + "@",
    ],
    ids=["word", "digits", "spaces", "at-signs", "dotted"],
)
def test_typography_is_linear(text: str) -> None:
    with _stopped_after(30):
        for rules in (RULES["fr-CA"], replace(RULES["fr-CA"], tight="")):
            assert len(typeset_text(text, rules)) >= len(text) // 2


def test_an_address_is_still_protected_after_a_long_word() -> None:
    text = "x" * 50 + " écrire à jean.dupont@msp.gouv.qc.ca : merci"
    assert "jean.dupont@msp.gouv.qc.ca" in typeset_text(text, RULES["fr-CA"])


def test_markdown_with_a_long_run_of_spaces_is_linear() -> None:
    md = markdown.create_markdown()
    with _stopped_after(30):
        parsed = markdown.parse(md, "Un" + " " * BIG + "texte.\n")
    assert markdown.plain_text(parsed.tokens) == "Un texte."


@pytest.mark.slow
def test_source_lines_are_found_in_linear_time() -> None:
    with _stopped_after(30):
        assert key_line("\n" * BIG + "title = 1\n", "title") == BIG + 1
        assert repair_toml("date = 2026-1" + " " * BIG + "2", 1) is not None
        title, _ = source._title_from_body("# Titre" + " " * BIG + "fin ##", Path("a.md"))
        assert title.startswith("Titre") and title.endswith("fin")
        assert lint._without_comments("<!-- a -->b" + "<!-- " * BIG).startswith("b<!-- ")
        assert list(lint.tags("<em>" + "<a " * BIG)) == [("", "em", "")]
        assert list(lint.tags('<em x="' * BIG)) == []


@given(st.text(alphabet="<a/>\"' b=-\n", max_size=40))
def test_tags_are_those_the_pattern_finds(raw: str) -> None:
    expected = [(m[1], m[2], m[3]) for m in lint._TAG.finditer(raw)]
    assert list(lint.tags(raw)) == expected


def test_an_issue_with_a_huge_title_composes_in_seconds(issue: Path) -> None:
    toml = issue / "issue.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace("Bulletin de test", "Bulletin" * 100_000),
        encoding="utf-8",
    )
    with _stopped_after(60):
        composed = pipeline.compose(issue)
    assert composed.issue.title.startswith("Bulletin")


# Images decoded whole before use -------------------------------------------------------


def _damaged_images(folder: Path) -> dict[str, str]:
    """Broken images WeasyPrint would draw grey, black or not at all, with what the error
    must say of each."""
    from PIL import Image

    gradient = Image.radial_gradient("L").resize((300, 200)).convert("RGB")
    gradient.save(folder / "entiere.jpg")
    whole = (folder / "entiere.jpg").read_bytes()
    (folder / "coupee.jpg").write_bytes(whole[: len(whole) // 2])
    gradient.save(folder / "entiere.png")
    data = bytearray((folder / "entiere.png").read_bytes())
    chunk = data.index(b"IDAT")
    size = struct.unpack(">I", data[chunk - 4 : chunk])[0]
    for index in range(chunk + 4 + size // 2, chunk + 24 + size // 2):
        data[index] ^= 0x55
    crc = struct.pack(">I", zlib.crc32(bytes(data[chunk : chunk + 4 + size])))
    data[chunk + 4 + size : chunk + 8 + size] = crc  # the checksum agrees: only decoding tells
    (folder / "abimee.png").write_bytes(bytes(data))
    Image.new("I;16", (50, 40), 30000).save(folder / "gris16.png")
    Image.new("1", (8000, 7000)).save(folder / "immense.png")  # 56 MP in 7 kB
    return {
        "coupee.jpg": "tronqué",
        "abimee.png": "endommagé",
        "gris16.png": "« I;16 »",
        "immense.png": "trop de pixels (8000 × 7000 pixels)",
    }


def test_every_broken_image_is_a_source_error_at_its_line(issue: Path) -> None:
    import weasyprint  # noqa: F401  (it lets Pillow load truncated files: not here)

    broken = _damaged_images(issue / "images")
    body = "Du texte.\n\n" + "".join(f"![Image {name}](../images/{name})\n\n" for name in broken)
    (issue / "articles" / "01-a.md").write_text(article("Premier", body), encoding="utf-8")
    with pytest.raises(SourceError) as raised:
        pipeline.compose(issue)
    errors = getattr(raised.value, "errors", [raised.value])
    assert len(errors) == len(broken)
    for error, (name, said) in zip(errors, broken.items(), strict=True):
        assert error.path == issue / "articles" / "01-a.md" and error.line is not None
        text = (issue / "articles" / "01-a.md").read_text(encoding="utf-8").split("\n")
        assert name in text[error.line - 1] and name in error.message and said in error.message


def test_a_broken_cover_image_is_refused_at_its_line(issue: Path) -> None:
    _damaged_images(issue / "images")
    toml = issue / "issue.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8") + 'cover_image = "images/coupee.jpg"\n', encoding="utf-8"
    )
    with pytest.raises(SourceError, match="tronqué") as raised:
        pipeline.compose(issue)
    assert raised.value.path == toml and raised.value.line == 7


def test_the_images_of_an_issue_have_a_pixel_budget(issue: Path) -> None:
    from PIL import Image

    Image.new("1", (7000, 7000)).save(issue / "images" / "grande.png")  # 49 MP: allowed
    count = MAX_ISSUE_PIXELS // 49_000_000 + 1
    body = "".join(f"![Image {n}](../images/grande-{n}.png)\n\n" for n in range(count))
    for n in range(count):
        os.link(issue / "images" / "grande.png", issue / "images" / f"grande-{n}.png")
    (issue / "articles" / "01-a.md").write_text(article("Premier", body), encoding="utf-8")
    with pytest.raises(SourceError, match="ensemble") as raised:
        pipeline.compose(issue)
    assert raised.value.path == issue / "issue.toml"


# Special files, long names, sizes ------------------------------------------------------


def test_a_pipe_as_issue_toml_is_refused_at_once(issue: Path) -> None:
    (issue / "issue.toml").unlink()
    os.mkfifo(issue / "issue.toml")
    with _stopped_after(20), pytest.raises(SourceError, match="pas un fichier ordinaire"):
        pipeline.compose(issue)


def _make_special(target: Path, special: str) -> None:
    """At ``target``, what is not a regular file: a FIFO, an endless device, a folder."""
    if special == "fifo":
        os.mkfifo(target)
    elif special == "zero":
        target.symlink_to("/dev/zero")
    else:
        target.mkdir()


@pytest.mark.parametrize("special", ["fifo", "zero", "folder"])
def test_an_article_that_is_not_a_regular_file_is_refused(issue: Path, special: str) -> None:
    target = issue / "articles" / "01-a.md"
    target.unlink()
    _make_special(target, special)
    with _stopped_after(20), pytest.raises(SourceError) as raised:
        pipeline.compose(issue)
    # A link out of the folder is refused for that, before it is even opened.
    said = "hors du dossier" if special == "zero" else "pas un fichier ordinaire"
    assert said in raised.value.message
    assert raised.value.path == issue / "issue.toml" and raised.value.line == 6


def test_a_single_markdown_pipe_is_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "notes.md")
    with _stopped_after(20), pytest.raises(SourceError, match="pas un fichier ordinaire"):
        pipeline.compose(tmp_path / "notes.md")


def test_a_source_file_over_the_size_limit_is_refused(issue: Path) -> None:
    target = issue / "articles" / "01-a.md"
    target.write_text(article("Premier", "Du texte. " * (MAX_SOURCE_BYTES // 10)), "utf-8")
    with pytest.raises(SourceError, match="dépasse 2 Mo") as raised:
        pipeline.compose(issue)
    assert raised.value.path == target


def test_names_too_long_for_the_file_system_are_source_errors(
    issue: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    long = "x" * 300
    toml = issue / "issue.toml"
    toml.write_text(toml.read_text("utf-8").replace("01-a.md", f"{long}.md"), "utf-8")
    assert main(["build", str(issue), "--variant", "web"]) == 1
    err = capsys.readouterr().err
    assert "issue.toml:6:" in err and "nom est trop long" in err and "interne" not in err
    toml.write_text(toml.read_text("utf-8").replace(f"{long}.md", "01-a.md"), "utf-8")
    (issue / "articles" / "01-a.md").write_text(
        article("Premier", f"Texte.\n\n![Image](../images/{long}.png)\n"), "utf-8"
    )
    assert main(["build", str(issue), "--variant", "web"]) == 1
    err = capsys.readouterr().err
    assert "01-a.md:7:" in err and "nom est trop long" in err and "interne" not in err


@pytest.mark.parametrize("special", ["fifo", "zero", "folder"])
def test_check_refuses_what_is_not_a_regular_file(
    tmp_path: Path, special: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "bulletin.pdf"
    _make_special(target, special)
    with _stopped_after(20):
        assert main(["check", str(target)]) == 2
    assert "pas un fichier ordinaire" in capsys.readouterr().err


# Unicode as editors' machines write it -------------------------------------------------

NFD_ETE = "E\u0301te\u0301"  # « Été » as macOS writes it


def test_sources_are_read_in_nfc_without_zero_width_characters(issue: Path) -> None:
    toml = issue / "issue.toml"
    toml.write_text(
        toml.read_text("utf-8").replace("Bulletin de test", f"{NFD_ETE} \u200bsûr"), "utf-8"
    )
    (issue / "articles" / "01-a.md").write_text(
        article(f"Un\u200d titre {NFD_ETE}", "## Inter\u2060titre\n\nDu texte.\n"), "utf-8"
    )
    loaded = source.load_issue(issue)
    assert loaded.title == "Été sûr"
    assert loaded.articles[0].title == "Un titre Été"
    assert "## Intertitre" in loaded.articles[0].body


@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\u200f", "\U000e0041"])
def test_an_invisible_control_character_is_refused_at_its_line(issue: Path, char: str) -> None:
    target = issue / "articles" / "01-a.md"
    target.write_text(article("Premier", f"Du texte.\n\n## Un {char}intertitre\n"), "utf-8")
    with pytest.raises(SourceError, match=f"U\\+{ord(char):04X}") as raised:
        source.load_issue(issue)
    assert (raised.value.path, raised.value.line, raised.value.column) == (target, 7, 7)


# The list of articles ------------------------------------------------------------------


@pytest.mark.parametrize("again", ["./01-a.md", "sous/../01-a.md", "01-a.md"])
def test_an_article_listed_twice_under_two_spellings_is_refused(issue: Path, again: str) -> None:
    toml = issue / "issue.toml"
    toml.write_text(toml.read_text("utf-8").replace('"01-a.md"', f'"01-a.md", "{again}"'), "utf-8")
    with pytest.raises(SourceError, match="listé deux fois") as raised:
        source.load_issue(issue)
    assert (raised.value.path, raised.value.line) == (toml, 6)


def test_an_article_named_in_nfd_on_disk_is_found_from_its_nfc_name(issue: Path) -> None:
    (issue / "articles" / "01-a.md").rename(issue / "articles" / f"{NFD_ETE}.md")
    toml = issue / "issue.toml"
    toml.write_text(toml.read_text("utf-8").replace("01-a.md", "Été.md"), "utf-8")
    (loaded,) = source.load_issue(issue).articles
    assert loaded.path.name == f"{NFD_ETE}.md"
    (issue / "images" / "g.png").rename(issue / "images" / f"{NFD_ETE}.png")
    (issue / "articles" / f"{NFD_ETE}.md").write_text(
        article("Premier", "Texte.\n\n![Une image](../images/Été.png)\n"), "utf-8"
    )
    assert pipeline.compose(issue).composition.resources == [issue / "images" / f"{NFD_ETE}.png"]
    with pytest.raises(SourceError, match="listé deux fois"):
        toml.write_text(
            toml.read_text("utf-8").replace('"Été.md"', f'"Été.md", "{NFD_ETE}.md"'), "utf-8"
        )
        source.load_issue(issue)


@pytest.mark.pdf
def test_nfd_and_zero_width_text_builds_a_pdf_that_passes_its_checks(
    issue: Path, tmp_path: Path
) -> None:
    toml = issue / "issue.toml"
    toml.write_text(toml.read_text("utf-8").replace("Bulletin de test", NFD_ETE), "utf-8")
    (issue / "images" / "g.png").rename(issue / "images" / f"{NFD_ETE}.png")
    (issue / "articles" / "01-a.md").write_text(
        article(
            f"{NFD_ETE}\u200b chaud",
            f"## Un\u200b {NFD_ETE}\n\nDu texte.\n\n![Une image](../images/Été.png)\n",
        ),
        "utf-8",
    )
    result = pipeline.build_pdf(issue, tmp_path / "ete.pdf", variant="web")
    assert result.check is not None and result.check.ok
    assert read_pdf(result.output).images != [[]] * result.pages  # the picture is drawn


# Leftovers -----------------------------------------------------------------------------


def test_a_write_removes_the_temporary_files_a_killed_write_left(tmp_path: Path) -> None:
    target = tmp_path / "BIP-01[web].pdf"
    stale = tmp_path / ".BIP-01[web].pdf.k1ll3d.tmp"
    fresh = tmp_path / ".BIP-01[web].pdf.wr1t1ng.tmp"  # another build's, being written
    other = tmp_path / ".autre.pdf.k1ll3d.tmp"
    for leftover in (stale, fresh, other):
        leftover.write_bytes(b"%PDF-")
    old = time.time() - STALE_SECONDS - 60
    for leftover in (stale, other):
        os.utime(leftover, (old, old))
    write_file(target, b"%PDF-1.6")
    assert target.read_bytes() == b"%PDF-1.6"
    assert not stale.exists() and fresh.exists() and other.exists()


# Sizes WeasyPrint would take minutes over ----------------------------------------------


def _table(rows: int, columns: int) -> str:
    head = "| " + " | ".join(f"Col {c}" for c in range(columns)) + " |\n"
    rule = "|" + "---|" * columns + "\n"
    return head + rule + "".join("| " + " | ".join(["x"] * columns) + " |\n" for _ in range(rows))


@pytest.mark.parametrize(
    "body, said",
    [
        ("Début " + "mot " * (MAX_PARAGRAPH // 4), "un paragraphe de"),
        (_table(MAX_TABLE_ROWS + 1, 2), "lignes et 2 colonnes"),
        (_table(2, MAX_TABLE_COLUMNS + 1), "13 colonnes"),
        ("Début " + "<span>" * (MAX_HTML_DEPTH + 1) + "x" + "</span>" * 9, "balises HTML"),
        ("Début " + "<span>" * 5000 + "x" + "</span>" * 5000, "5000 balises HTML"),
    ],
    ids=["paragraph", "rows", "columns", "nesting", "deep-nesting"],
)
def test_sizes_over_their_limit_are_source_errors_at_their_line(
    issue: Path, body: str, said: str
) -> None:
    target = issue / "articles" / "01-a.md"
    target.write_text(article("Premier", "Un paragraphe.\n\n" + body + "\n"), "utf-8")
    with _stopped_after(30), pytest.raises(SourceError, match=said) as raised:
        pipeline.compose(issue)
    assert (raised.value.path, raised.value.line) == (target, 7)


def test_sizes_at_their_limit_are_allowed(issue: Path) -> None:
    body = (
        "mot " * (MAX_PARAGRAPH // 4 - 1)
        + "\n\n"
        + _table(MAX_TABLE_ROWS - 1, MAX_TABLE_COLUMNS)
        + "\n"
        + "<span>" * MAX_HTML_DEPTH
        + "x"
        + "</span>" * MAX_HTML_DEPTH
    )
    (issue / "articles" / "01-a.md").write_text(article("Premier", body + "\n"), "utf-8")
    pipeline.compose(issue)


@pytest.mark.pdf  # lays out in a child process, which the mark's guard does not see
def test_a_file_size_limit_is_blamed_on_the_write_not_on_the_stylesheet(
    issue: Path, tmp_path: Path
) -> None:
    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))

    # A fresh temporary folder: the fonts are written there, whatever the machine's.
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    command = [sys.executable, "-m", "bippdf", "build", str(issue), "--variant", "web"]
    command += ["-o", str(tmp_path / "sortie.pdf")]
    done = subprocess.run(
        command, preexec_fn=limited, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1
    assert "ulimit -f" in done.stderr and "url(" not in done.stderr and "interne" not in done.stderr


def test_impose_never_writes_the_booklet_over_its_pdf_nor_reads_a_pipe(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = tmp_path / "bulletin.pdf"
    pdf.write_bytes(b"%PDF-1.6 contenu")
    assert main(["impose", str(pdf), "-o", str(pdf)]) == 1
    assert "un fichier que la production lit" in capsys.readouterr().err
    assert pdf.read_bytes() == b"%PDF-1.6 contenu"
    os.mkfifo(tmp_path / "tube.pdf")
    with _stopped_after(20):
        assert main(["impose", str(tmp_path / "tube.pdf")]) == 2
    assert "pas un fichier ordinaire" in capsys.readouterr().err
