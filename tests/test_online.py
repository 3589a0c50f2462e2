"""The online edition (bippdf build --variant html): a folder made from the composition.

The page is read back with html.parser and compared with the composition the PDFs are
made from; ``bippdf check`` of the folder is shown to pass on a good folder and to fail
on one broken on purpose. (What only a browser can tell is not tested here.)
"""

from __future__ import annotations

import io
import math
import os
import re
import threading
import time
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from bippdf import online, resources, source, webfonts
from bippdf.check.online import check_online
from bippdf.cli import main
from bippdf.compose import compose
from bippdf.pipeline import BuildResult, Options, build
from bippdf.recent import Recent
from bippdf.variants import Selection

from .conftest import ISSUE_6, BuiltIssue, WebIssue, article, write_issue

ONLINE = Options(variants=(), cover=False, online=True)


@dataclass
class _Read(HTMLParser):
    """The parts of the page the tests compare: links, ids, notes, the contents."""

    elements: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    contents: list[tuple[str, str]] = field(default_factory=list)  # href, text
    notes: dict[str, str] = field(default_factory=dict)  # id, text
    _stack: list[str] = field(default_factory=list)
    _link: str | None = None
    _text: list[str] = field(default_factory=list)
    _note: str | None = None
    _depth: int = 0

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.elements.append((tag, values))
        if tag == "nav":
            self._stack.append("nav")
        if tag == "a" and "nav" in self._stack:
            self._link, self._text = values["href"], []
        if tag == "li" and "note" in values.get("class", "").split():
            self._note, self._depth, self._text = values["id"], 0, []
        elif self._note is not None and tag == "li":
            self._depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav" and self._stack:
            self._stack.pop()
        if tag == "a" and self._link is not None:
            self.contents.append((self._link, "".join(self._text).strip()))
            self._link = None
        if tag == "li" and self._note is not None:
            if self._depth == 0:
                self.notes[self._note] = " ".join("".join(self._text).split())
                self._note = None
            else:
                self._depth -= 1

    def handle_data(self, data: str) -> None:
        self._text.append(data)


def _read(folder: Path) -> _Read:
    parser = _Read()
    parser.feed((folder / "index.html").read_text(encoding="utf-8"))
    return parser


def _plain(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", "", html)).split())


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (47, 111, 159)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """A small issue with notes, sections, a table, an image and a decorative one."""
    body = (
        "Un texte avec une note[^a] et une autre[^b].\n\n"
        "## Une section\n\n"
        "![Un carré bleu](../images/carre.png)\n\n"
        "![décoratif](../images/carre.png)\n\n"
        "| Âge | Nombre |\n|---|--:|\n| 14 ans | 3 |\n\n"
        "Un [lien sûr](https://www.quebec.ca/) dans le texte.\n\n"
        "[^a]: Première note.\n[^b]: Seconde note, *en italique*.\n"
    )
    root = write_issue(
        tmp_path / "numero",
        {"01-un.md": article("Premier article", body), "02-deux.md": article("Second", "Fin.")},
    )
    (root / "images").mkdir()
    (root / "images" / "carre.png").write_bytes(_png())
    return root


def _online(issue: Path, build_dir: Path) -> BuildResult:
    results = build(issue, Options(**{**ONLINE.__dict__, "build_dir": build_dir}))
    (result,) = results
    return result


def test_html_alone_and_in_all() -> None:
    assert Selection.parse("html") == Selection((), cover=False, online=True)
    assert Selection.parse("all").online and not Selection.parse("web").online
    assert Options.choose("all").online and not Options.choose("print").online


def test_folder_named_like_the_pdfs(small: Path, tmp_path: Path) -> None:
    result = _online(small, tmp_path / "build")
    assert result.variant == "html"
    assert result.output == tmp_path / "build" / "numero" / "BIP-01-2020-03-en-ligne"
    names = {p.relative_to(result.output).as_posix() for p in result.output.rglob("*")}
    assert {"index.html", "online.css", "images/carre.png"} <= names
    assert "fonts/web/NotoSerif-Regular.woff2" in names
    assert "fonts/web/Inter-Bold.woff2" in names


def test_the_fonts_are_woff2_subsets_for_french_with_their_licences(
    small: Path, tmp_path: Path
) -> None:
    """Each face of styles/fonts.css as its WOFF2 subset: every character of
    ``CHARSET`` the face draws, its kerning and ligatures, its copyright; the licences
    beside them; a tenth of the faces' weight at most."""
    from fontTools.ttLib import TTFont

    styles = resources.styles_dir()
    faces = webfonts.sources((styles / "fonts.css").read_text(encoding="utf-8"))
    assert len(faces) == 10
    folder = _online(small, tmp_path / "build").output
    shipped = sorted(
        p.relative_to(folder).as_posix() for p in (folder / "fonts").rglob("*") if p.is_file()
    )
    assert shipped == sorted(
        [webfonts.web_name(face) for face in faces]
        + ["fonts/web/OFL-inter.txt", "fonts/web/OFL-noto-serif.txt"]
    )
    css = (folder / "online.css").read_text(encoding="utf-8")
    assert ".ttf" not in css and ".otf" not in css and css.count('format("woff2")') == 10
    for face in faces:
        data = (folder / webfonts.web_name(face)).read_bytes()
        font = TTFont(io.BytesIO(data))
        original = TTFont(styles / face)
        drawn = {chr(code) for code in original.getBestCmap()}
        assert webfonts.CHARSET & drawn <= webfonts.covered(data), face
        assert webfonts.CHARSET & drawn >= {"é", "œ", "«", "\u202f", "’", "€"}
        assert font.flavor == "woff2" and "GPOS" in font and "GSUB" in font
        assert font["name"].getDebugName(0) == original["name"].getDebugName(0)  # copyright
    weight = sum((folder / webfonts.web_name(face)).stat().st_size for face in faces)
    assert weight < 0.1 * sum((styles / face).stat().st_size for face in faces)
    licence = (folder / "fonts/web/OFL-inter.txt").read_text(encoding="utf-8")
    assert "SIL Open Font License" in licence


@pytest.mark.slow
@pytest.mark.parametrize("face", ["fonts/noto-serif/NotoSerif-Regular.ttf",
                                  "fonts/inter/Inter-Italic.otf"])  # fmt: skip
def test_the_shipped_subsets_are_what_make_web_fonts_writes(face: str) -> None:
    styles = resources.styles_dir()
    assert webfonts.subset(styles / face) == (styles / webfonts.web_name(face)).read_bytes()


def _size(path: Path) -> tuple[int, int]:
    with Image.open(path) as picture:
        return picture.size


def test_photos_come_in_two_widths_for_the_screen(tmp_path: Path) -> None:
    """A photo wider than the column twice over: copies 700 and 1400 px wide, named in
    ``srcset``, the narrower as ``src`` with its size; the original is not copied. A
    picture between the two widths keeps its own file as the wider one; a small one is
    left as it is."""
    from bippdf.online import SIZES

    body = "![Une photo](../images/photo.jpg)\n\n![Un schéma](../images/schéma.png)\n\n"
    body += "![Un carré](../images/carre.png)\n\n![Une palette](../images/palette.png)\n"
    root = write_issue(tmp_path / "numero", {"01-un.md": article("Premier", body)})
    (root / "images").mkdir()
    Image.new("RGB", (2000, 1000), (40, 90, 160)).save(root / "images" / "photo.jpg")
    Image.new("RGBA", (1000, 500), (200, 30, 30, 128)).save(root / "images" / "schéma.png")
    (root / "images" / "carre.png").write_bytes(_png())
    Image.new("RGB", (800, 200), (0, 120, 60)).convert("P").save(root / "images" / "palette.png")
    folder = _online(root, tmp_path / "build").output
    files = {p.name: _size(p) for p in (folder / "images").iterdir()}
    assert files == {
        "photo-700w.jpg": (700, 350),
        "photo-1400w.jpg": (1400, 700),
        "schéma-700w.png": (700, 350),
        "schéma.png": (1000, 500),
        "carre.png": _size(root / "images" / "carre.png"),
        "palette-700w.png": (700, 175),
        "palette.png": (800, 200),
    }
    with Image.open(folder / "images" / "schéma-700w.png") as copy:
        assert copy.mode == "RGBA"
    with Image.open(folder / "images" / "palette-700w.png") as copy:
        assert copy.mode == "RGBA"  # resized in full colour, not index by index
    images = {a["alt"]: a for t, a in _read(folder).elements if t == "img"}
    photo = images["Une photo"]
    assert photo["src"] == "images/photo-700w.jpg"
    assert photo["srcset"] == "images/photo-700w.jpg 700w, images/photo-1400w.jpg 1400w"
    assert (photo["width"], photo["height"], photo["sizes"]) == ("700", "350", SIZES)
    assert images["Un schéma"]["srcset"] == (
        "images/sch%C3%A9ma-700w.png 700w, images/sch%C3%A9ma.png 1000w"
    )
    assert "srcset" not in images["Un carré"]
    assert check_online(folder).ok, check_online(folder).problems


def test_the_copies_for_screens_are_made_ahead_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The images' copies for screens are made once for the same name and bytes: writing
    the edition after ``prepare`` resizes nothing more, and gives the same files. The
    same name with other bytes is made anew."""
    body = "![Une photo](../images/photo.jpg)\n"
    root = write_issue(tmp_path / "numero", {"01-un.md": article("Premier", body)})
    (root / "images").mkdir()
    Image.new("RGB", (2000, 1000), (40, 90, 160)).save(root / "images" / "photo.jpg")
    monkeypatch.setattr(online, "_SCREENS", Recent(256))
    made = _online(root, tmp_path / "avant").output
    html = compose(source.load_issue(root)).html
    resized: list[tuple[int, int]] = []
    resize = Image.Image.resize

    def counted(self: Image.Image, size: tuple[int, int], *args: Any, **kwargs: Any) -> Any:
        resized.append(size)
        return resize(self, size, *args, **kwargs)

    monkeypatch.setattr(Image.Image, "resize", counted)
    online.prepare(html, root)
    assert resized == []  # made once, by the build above
    monkeypatch.setattr(online, "_SCREENS", Recent(256))
    online.prepare(html, root)
    assert resized == [(700, 350), (1400, 700)]
    again = _online(root, tmp_path / "après").output
    assert resized == [(700, 350), (1400, 700)]  # found made
    assert {p.name: p.read_bytes() for p in (again / "images").iterdir()} == {
        p.name: p.read_bytes() for p in (made / "images").iterdir()
    }
    Image.new("RGB", (2000, 1000), (160, 90, 40)).save(root / "images" / "photo.jpg")
    _online(root, tmp_path / "autre")
    assert len(resized) == 4


def test_the_copies_for_screens_are_kept_in_the_build_folder_for_the_builds_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    """A build keeps the copies it made in its build folder's cache, as it keeps the print
    PDF's pictures separated: the next build, in a new process, makes none and writes the
    same files. A kept file damaged on disk is made again and kept anew; copies made
    otherwise (another quality) are not those kept. A build without the cache, or that
    writes a file elsewhere (--html), keeps nothing."""
    from bippdf import cache
    from bippdf.schedule import build_issues

    root = _an_article_with_a_photo(tmp_path)
    text = root / "articles" / "01-un.md"
    made = _screens_counted(monkeypatch)
    options = Options(variants=(), cover=False, online=True, build_dir=tmp_path / "build")

    def built(word: str, chosen: Options = options) -> dict[str, bytes]:
        """The edition's images, built after an edit (not found up to date), as by a new
        process: with none of the copies made so far kept in memory."""
        text.write_text(text.read_text(encoding="utf-8") + f"\n{word}\n", encoding="utf-8")
        monkeypatch.setattr(online, "_SCREENS", Recent(256))
        (done,) = build_issues([root], chosen)
        assert done.error is None, done.error
        folder = done.results[0].output
        return {p.name: p.read_bytes() for p in (folder / "images").iterdir()}

    first = built("Un.")
    assert made == ["images/photo.jpg"]
    assert set(first) == {"photo-700w.jpg", "photo-1400w.jpg"}
    (kept,) = cache.screens(options.build_dir).iterdir()
    whole = kept.read_bytes()
    assert built("Deux.") == first
    assert made == ["images/photo.jpg"]  # found kept
    kept.write_bytes(whole[:-1] + bytes([whole[-1] ^ 1]))  # the 1400 px copy's last byte
    assert built("Trois.") == first
    assert made == ["images/photo.jpg"] * 2
    assert kept.read_bytes() == whole
    request.addfinalizer(online._screens_recipe.cache_clear)
    monkeypatch.setattr(online, "JPEG_QUALITY", 50)
    online._screens_recipe.cache_clear()
    lower = built("Quatre.")
    assert made == ["images/photo.jpg"] * 3
    assert lower.keys() == first.keys() and lower != first
    for chosen in (
        Options(**{**options.__dict__, "build_dir": tmp_path / "sans", "cache": False}),
        Options(
            **{**options.__dict__, "build_dir": tmp_path / "html", "html_output": tmp_path / "n"}
        ),
    ):
        built("Cinq.", chosen)
        assert not cache.screens(chosen.build_dir).exists()
    assert made == ["images/photo.jpg"] * 5


def _screens_counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the images whose copies for screens this process makes from now on."""
    made: list[str] = []
    screens = online._screens

    def counted(name: str, data: bytes) -> Any:
        made.append(name)
        return screens(name, data)

    monkeypatch.setattr(online, "_screens", counted)
    return made


def _an_article_with_a_photo(tmp_path: Path) -> Path:
    """An issue of one article: a photo 2000 pixels wide, then running text."""
    body = "![Une photo](../images/photo.jpg)\n\n" + "Du texte courant, encore. " * 40
    root = write_issue(tmp_path / "numero", {"01-un.md": article("Premier", body)})
    (root / "images").mkdir()
    Image.new("RGB", (2000, 1000), (40, 90, 160)).save(root / "images" / "photo.jpg")
    return root


@pytest.mark.pdf
def test_a_build_given_an_engine_makes_the_copies_for_screens_in_a_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As watch does, whose engine is loaded: in a thread of its own, done before any
    process is forked (a process forked while a thread holds a lock could wait for it for
    ever)."""
    from bippdf import forked, pipeline, schedule
    from bippdf.render import Engine
    from bippdf.schedule import build_issues

    root = _an_article_with_a_photo(tmp_path)
    monkeypatch.setattr(online, "_SCREENS", Recent(256))
    prepared: list[str] = []
    prepare, fork = online.prepare, forked._fork
    forks: list[int] = []

    def noted(html: str, issue: Path, folder: Path | None = None, **given: Any) -> online.Prepared:
        prepared.append(threading.current_thread().name)
        return prepare(html, issue, folder, **given)

    def forking() -> int:
        assert "bippdf-screens" not in [t.name for t in threading.enumerate()]
        forks.append(1)
        return fork()

    monkeypatch.setattr(online, "prepare", noted)
    monkeypatch.setattr(forked, "_fork", forking)
    for module in (pipeline, schedule):  # whatever the machine: the fit's trials forked
        monkeypatch.setattr(module, "usable_cores", lambda: 2)
    options = Options(variants=("web",), cover=False, online=True, build_dir=tmp_path / "b")
    (done,) = build_issues([root], options, engine=Engine())
    assert done.error is None and prepared == ["bippdf-screens"]
    assert len(online._SCREENS.kept()) == 1
    assert forks  # the fit's trials laid out side by side


@pytest.mark.pdf
def test_a_build_that_loads_weasyprint_has_the_copies_for_screens_made_where_it_composes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build from the command line composes its issues in a forked process while it
    loads WeasyPrint (schedule.py), then makes their copies for screens there, while the
    issues are laid out here: this process takes them as made, and resizes nothing."""
    from bippdf import schedule
    from bippdf.schedule import build_issues

    root = _an_article_with_a_photo(tmp_path)
    monkeypatch.setattr(online, "_SCREENS", Recent(256))
    monkeypatch.setattr(schedule, "usable_cores", lambda: 2)
    said = tmp_path / "prepared-in"
    prepare, screens = online.prepare, online._screens
    resized: list[str] = []

    def noted(html: str, issue: Path, folder: Path | None = None, **given: Any) -> online.Prepared:
        said.write_text(str(os.getpid()), encoding="utf-8")
        return prepare(html, issue, folder, **given)

    def counted(name: str, data: bytes) -> Any:
        resized.append(name)  # this process's list: a forked one appends to its own
        return screens(name, data)

    monkeypatch.setattr(online, "prepare", noted)
    monkeypatch.setattr(online, "_screens", counted)
    options = Options(variants=("web",), cover=False, online=True, build_dir=tmp_path / "b")
    (done,) = build_issues([root], options)
    assert done.error is None, done.error
    assert int(said.read_text(encoding="utf-8")) != os.getpid()
    assert resized == []
    assert len(online._SCREENS.kept()) == 1
    folder = next(result.output for result in done.results if result.variant == "html")
    assert _size(folder / "images" / "photo-700w.jpg") == (700, 350)
    assert _size(folder / "images" / "photo-1400w.jpg") == (1400, 700)


def _photos(tmp_path: Path, count: int) -> Path:
    """An issue of one article: ``count`` photos 2000 pixels wide, then running text."""
    names = [f"photo-{n}.jpg" for n in range(1, count + 1)]
    body = "".join(f"![Photo {name}](../images/{name})\n\n" for name in names)
    body += "Du texte courant, encore. " * 40
    root = write_issue(tmp_path / "numero", {"01-un.md": article("Premier", body)})
    (root / "images").mkdir()
    for n, name in enumerate(names):
        Image.new("RGB", (2000, 1000), (40, 90, 40 * n)).save(root / "images" / name)
    return root


def test_the_copies_for_screens_stop_when_told_and_are_made_last_first_if_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two processes share an issue's copies for screens (schedule._ScreensAhead): the
    one that composed it makes them in order, asking before each image whether to stop;
    the other makes them last first, finding kept those the first made."""
    root = _photos(tmp_path, 3)
    html = compose(source.load_issue(root)).html
    made = _screens_counted(monkeypatch)
    monkeypatch.setattr(online, "_SCREENS", Recent(256))
    folder = tmp_path / "cache"
    first = online.prepare(html, root, folder, stop=lambda: len(made) == 2)
    assert made == ["images/photo-1.jpg", "images/photo-2.jpg"]
    assert [name for name, _ in first] == made
    monkeypatch.setattr(online, "_SCREENS", Recent(256))  # as another process
    rest = online.prepare(html, root, folder, last_first=True)
    assert made == ["images/photo-1.jpg", "images/photo-2.jpg", "images/photo-3.jpg"]
    assert [name for name, _ in rest] == [f"images/photo-{n}.jpg" for n in (3, 2, 1)]
    assert online.prepare(html, root, stop=lambda: True) == {}


@pytest.mark.pdf
@pytest.mark.parametrize("beside", ["made", pytest.param("lost", marks=pytest.mark.slow)])
def test_a_build_of_both_pdfs_has_the_print_pdf_s_process_make_the_copies_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, beside: str
) -> None:
    """A build of both PDFs from the command line: the process that composed the issue
    makes its copies for screens in order until the print PDF's process beside the fit
    starts; that one makes the rest, last first, before its layout, and keeps them in
    the build folder's cache, where this one finds them. Each is made once, none here,
    and the edition has them all. If that process makes none (``lost``: it failed),
    this one makes those left."""
    from bippdf import copyfit, schedule
    from bippdf.schedule import build_issues

    from .conftest import on_cores

    root = _photos(tmp_path, 4)
    log = tmp_path / "made"
    screens = online._screens

    def counted(name: str, data: bytes) -> Any:
        with log.open("a", encoding="utf-8") as out:  # from the forked processes too
            out.write(f"{os.getpid()} {name}\n")
        time.sleep(0.3)  # long enough for the print PDF's process to start meanwhile
        return screens(name, data)

    on_cores(monkeypatch, 2)
    for folder in ("first", "then"):  # then, as a fresh checkout: with the fit recorded
        copyfit._MEMORY.clear()
        copyfit._LAST.clear()
        monkeypatch.setattr(online, "_SCREENS", Recent(256))
        if folder == "then":
            monkeypatch.setattr(online, "_screens", counted)
            if beside == "lost":
                monkeypatch.setattr(schedule._ScreensAhead, "rest", lambda self: None)
        options = Options(("print", "web"), cover=False, online=True, build_dir=tmp_path / folder)
        (done,) = build_issues([root], options)
        assert done.error is None, done.error
    said = [line.split() for line in log.read_text(encoding="utf-8").splitlines()]
    names = [f"images/photo-{n}.jpg" for n in range(1, 5)]
    assert sorted(name for _, name in said) == names  # each once
    pids = list(dict.fromkeys(pid for pid, _ in said))
    composer = [name for pid, name in said if pid == pids[0]]
    assert composer == names[: len(composer)] and 0 < len(composer) < 4
    rest = [name for pid, name in said if pid != pids[0]]
    assert {pid for pid, _ in said if pid != pids[0]} == {
        str(os.getpid()) if beside == "lost" else pids[-1]
    }
    if beside == "made":  # last first
        assert pids[-1] != str(os.getpid()) and rest == names[len(composer) :][::-1]
    else:
        assert rest == names[len(composer) :]
    edition = next(r.output for r in done.results if r.variant == "html")
    expected: dict[str, bytes] = {}
    for name in names:
        files, _ = screens(name, (root / name).read_bytes())
        expected.update({Path(copy).name: data for copy, data in files.items()})
    assert {p.name: p.read_bytes() for p in (edition / "images").iterdir()} == expected
    assert len(list(schedule.build_cache.screens(options.build_dir).iterdir())) == 4


def test_an_issue_s_copies_for_screens_are_begun_as_soon_as_it_is_composed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the next issue is composed (and then the engine loaded), rather than once
    every issue is: the thread of the first has begun before the second is composed.
    One thread, done before any edition is written (the copies kept are not shared
    between threads)."""
    from bippdf import pipeline, schedule
    from bippdf.schedule import build_issues

    roots = []
    for name in ("un", "deux"):
        body = "![Une photo](../images/photo.jpg)\n\n" + "Du texte courant. " * 20
        root = write_issue(tmp_path / name, {"01-un.md": article(name, body)})
        (root / "images").mkdir()
        Image.new("RGB", (2000, 1000), (40, 90, len(roots))).save(root / "images" / "photo.jpg")
        roots.append(root)
    monkeypatch.setattr(online, "_SCREENS", Recent(256))
    begun = threading.Event()
    prepare, compose = online.prepare, pipeline.compose
    already: list[bool] = []

    def noted(html: str, issue: Path, folder: Path | None = None, **given: Any) -> None:
        begun.set()
        prepare(html, issue, folder, **given)

    def composing(path: Path) -> Any:
        if path == roots[1]:
            already.append(begun.wait(timeout=10))
        return compose(path)

    finish = schedule._finish

    def finishing(*arguments: Any) -> None:
        making = [t.name for t in threading.enumerate() if t.name == "bippdf-screens"]
        assert making == [], "une édition écrite pendant que ses copies se font"
        finish(*arguments)

    monkeypatch.setattr(online, "prepare", noted)
    monkeypatch.setattr(pipeline, "compose", composing)
    monkeypatch.setattr(schedule, "_finish", finishing)
    options = Options(variants=(), cover=False, online=True, build_dir=tmp_path / "b")
    built = build_issues(roots, options)
    assert [issue.error for issue in built] == [None, None]
    assert already == [True]
    assert len(online._SCREENS.kept()) == 2


def test_a_photo_turned_by_its_camera_is_resized_upright(tmp_path: Path) -> None:
    """EXIF orientation 6 (a phone held upright): the copies are turned, as the PDF and
    a browser show the original, and the page gives the upright size."""
    root = write_issue(
        tmp_path / "numero", {"01-un.md": article("Premier", "![Debout](../images/tel.jpg)\n")}
    )
    (root / "images").mkdir()
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: turned 90° clockwise to be seen upright
    Image.new("RGB", (2000, 1000), (40, 90, 160)).save(root / "images" / "tel.jpg", exif=exif)
    folder = _online(root, tmp_path / "build").output
    assert _size(folder / "images" / "tel-700w.jpg") == (700, 1400)
    (image,) = [a for t, a in _read(folder).elements if t == "img"]
    assert (image["width"], image["height"]) == ("700", "1400")
    assert image["srcset"] == "images/tel-700w.jpg 700w, images/tel.jpg 1000w"


def _psnr(one: Any, other: Any) -> float:
    """How near two pictures of one size are, in decibels (peak signal to noise)."""
    from PIL import ImageChops, ImageStat

    squares = ImageStat.Stat(ImageChops.difference(one, other)).sum2
    error = sum(squares) / (one.width * one.height * len(squares))
    return math.inf if error == 0 else 10 * math.log10(255**2 / error)


def _chirp(width: int, height: int) -> Any:
    """Stripes that run from wide apart, at the left, to a pixel apart, at the right
    (a zone plate in one direction): what shows a resizing that aliases, as moiré."""
    k = math.pi / (2 * width)
    row = bytes(round(127.5 + 127.5 * math.cos(k * x * x)) for x in range(width))
    stripes = Image.frombytes("L", (width, 1), row)
    return stripes.resize((width, height), Image.Resampling.NEAREST).convert("RGB")


# Orientation 6 (a quarter turn, the usual portrait) in make test, the others in make
# test-slow.
@pytest.mark.parametrize(
    "orientation", [n if n == 6 else pytest.param(n, marks=pytest.mark.slow) for n in range(1, 9)]
)
def test_a_photo_s_copies_are_the_whole_photo_resized_upright_without_moire(
    orientation: int,
) -> None:
    """Each copy for screens is the whole photo, turned as its camera said (EXIF, each
    of the eight orientations), resized with a filter that leaves no moiré: as near to
    the photo resized whole as that resized photo is once saved at the copies' JPEG
    quality (within 0.5 dB). A faster way that decoded a fraction of the photo (libjpeg's scaled
    decoding, as ``Image.draft``) gave these stripes moiré: 27 dB against 53."""
    from PIL import ImageOps

    exif = Image.Exif()
    exif[0x0112] = orientation
    out = io.BytesIO()
    _chirp(4000, 2000).save(out, "JPEG", quality=95, exif=exif)
    files, copies = online._screens("images/photo.jpg", out.getvalue())
    with Image.open(io.BytesIO(out.getvalue())) as photo:
        whole = ImageOps.exif_transpose(photo)
    turned = orientation >= 5  # a quarter turn: width and height trade places
    assert whole.size == ((2000, 4000) if turned else (4000, 2000))
    sizes = [(700, 1400), (1400, 2800)] if turned else [(700, 350), (1400, 700)]
    assert copies == [(f"images/photo-{w}w.jpg", w, h) for w, h in sizes]
    for name, wide, high in copies:
        reference = whole.resize((wide, high), Image.Resampling.LANCZOS)
        saved = io.BytesIO()
        reference.save(saved, "JPEG", quality=online.JPEG_QUALITY, progressive=True)
        with Image.open(saved) as as_saved, Image.open(io.BytesIO(files[name])) as copy:
            bound = _psnr(as_saved.convert("RGB"), reference) - 0.5
            assert _psnr(copy.convert("RGB"), reference) > bound, name
        # The stripes are such that a copy resized from a quarter of the photo (a box
        # filter, as libjpeg's scaled decoding nearly is) would fall far short.
        shortcut = whole.reduce(4).resize((wide, high), Image.Resampling.LANCZOS)
        assert _psnr(shortcut, reference) < bound - 10


def test_an_unreadable_font_is_a_problem_naming_it(small: Path, tmp_path: Path) -> None:
    folder = _online(small, tmp_path / "build").output
    broken = folder / "fonts" / "web" / "Inter-Bold.woff2"
    broken.write_bytes(b"pas une police")
    report = check_online(folder)
    assert f"{broken}: police illisible (remplacez-la : make pdf)" in report.problems


def test_a_character_the_fonts_lack_is_a_warning(tmp_path: Path) -> None:
    """Greek in a French issue: drawn by the reader's fonts, which the check says."""
    root = write_issue(
        tmp_path / "numero",
        {"01-un.md": article("Premier", "Le mot grec λόγος, et un texte en français.\n")},
    )
    report = check_online(_online(root, tmp_path / "build").output)
    assert report.ok
    (warning,) = [w for w in report.warnings if "polices" in w]
    listed = warning.split(" du lecteur : ")[1].split(" (")[0].split()
    assert sorted(listed) == sorted(set("λόγος"))  # not the French letters around them
    plain = write_issue(tmp_path / "autre", {"01-un.md": article("Premier", "Un texte.\n")})
    assert not [w for w in check_online(_online(plain, tmp_path / "b2").output).warnings]


def test_same_contents_and_notes_as_the_composition(small: Path, tmp_path: Path) -> None:
    composition = compose(source.load_issue(small))
    page = _read(_online(small, tmp_path / "build").output)
    wanted = [(f"#{e.id}", e.text) for e in composition.contents]
    wanted += [(f"#{c.id}", c.text) for e in composition.contents for c in e.children]
    assert sorted(page.contents) == sorted(wanted)
    assert [n.number for n in composition.notes] == [1, 2]
    for note in composition.notes:
        assert page.notes[note.id] == f"{note.number} {_plain(note.html)}"


def test_notes_link_both_ways(small: Path, tmp_path: Path) -> None:
    page = _read(_online(small, tmp_path / "build").output)
    by_id = {attrs["id"]: (tag, attrs) for tag, attrs in page.elements if "id" in attrs}
    calls = [a for tag, a in page.elements if a.get("role") == "doc-noteref"]
    backs = [a for tag, a in page.elements if a.get("role") == "doc-backlink"]
    assert len(calls) == len(backs) == 2
    for call, back in zip(calls, backs, strict=True):
        tag, note = by_id[call["href"][1:]]
        assert tag == "li" and note["class"] == "note" and "role" not in note
        assert back["href"] == f"#{call['id']}"
        assert call["aria-label"].startswith("Note ")


def test_notes_at_the_foot_of_the_page_go_to_the_end_of_their_article(tmp_path: Path) -> None:
    """With ``notes = "page"`` the PDFs set each note at the foot of its call's page,
    in the text after the call; the page has no foot, so each note goes to a section of
    notes at the end of its article, in order, linked both ways like the Annexe's."""
    body = (
        "Un texte avec une note[^a] et une autre[^b], puis la première encore[^a].\n\n"
        "## Une section\n\nSuite.\n\n"
        "[^a]: Première note.\n"
        "[^b]: Seconde, sur [Sexual exploitation]{lang=en} *en italique*.\n"
    )
    root = write_issue(
        tmp_path / "numero",
        {
            "01-un.md": article("Un", body),
            "02-deux.md": article("Deux", "Fin[^c].\n\n[^c]: Trois.\n"),
        },
        notes='"page"',
    )
    composition = compose(source.load_issue(root))
    assert 'role="doc-footnote"' in composition.html and 'class="annexe"' not in composition.html
    folder = _online(root, tmp_path / "build").output
    report = check_online(folder)
    assert report.ok, report.problems
    page = _read(folder)
    assert page.notes == {n.id: f"{n.number} {_plain(n.html)}" for n in composition.notes}
    html = (folder / "index.html").read_text(encoding="utf-8")
    first, second = html.split("</article>")[:2]
    assert "Suite.</p>" in first and first.index("Suite.</p>") < first.index('id="note-1"')
    assert first.index('id="note-1"') < first.index('id="note-2"') and 'id="note-3"' in second
    assert '<span lang="en">Sexual exploitation</span>' in first.split('id="note-2"')[1]
    assert html.count('class="article-notes"') == 2 and 'role="doc-footnote"' not in html
    paragraph = re.search(r"<p>Un texte.*?</p>", html, re.S)
    assert paragraph is not None and _plain(paragraph[0]) == (
        "Un texte avec une note1 et une autre2, puis la première encore1."
    )


def test_page_is_self_contained_and_accessible(small: Path, tmp_path: Path) -> None:
    folder = _online(small, tmp_path / "build").output
    html = (folder / "index.html").read_text(encoding="utf-8")
    page = _read(folder)
    tags = [tag for tag, _ in page.elements]
    assert "script" not in tags and "style" not in html.split("</head>")[0].replace(
        "stylesheet", ""
    )
    assert re.search(r'<html lang="fr-CA"', html)
    for landmark in ("header", "nav", "main", "footer"):
        assert landmark in tags
    skip = next(a for tag, a in page.elements if tag == "a")
    assert skip["href"] == "#contenu" and any(a.get("id") == "contenu" for _, a in page.elements)
    csp = next(a for t, a in page.elements if a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'self'" in csp["content"] and "script-src 'none'" in csp["content"]
    assert [a.get("scope") for t, a in page.elements if t == "th"] == ["col", "col"]
    assert "style=" not in html  # the policy would block it
    images = [a for t, a in page.elements if t == "img"]
    assert [a["alt"] for a in images] == ["Un carré bleu", ""]
    assert images[1]["role"] == "presentation"
    # Nothing the page loads leaves the folder: only links of the text may.
    css = (folder / "online.css").read_text(encoding="utf-8")
    loaded = [a["src"] for t, a in page.elements if "src" in a]
    loaded += [a["href"] for t, a in page.elements if t == "link"]
    loaded += re.findall(r"url\(([^)]+)\)", css)
    assert loaded
    for url in loaded:
        assert "://" not in url and not url.startswith("/") and (folder / url).is_file(), url
    leaving = [a["href"] for t, a in page.elements if t == "a" and "://" in a.get("href", "")]
    assert leaving == ["https://www.quebec.ca/"]
    assert "--navy: #1c3557;" in css and "@media print" in css
    # What the browser tests found (tests/test_browser.py): a note's long address widened
    # the page on a phone; the browser asked the server's root for an icon; axe-core
    # reads role="doc-endnote" as deprecated (notes are the items of a list instead).
    assert re.search(r"\.note-text \{ min-width: 0; \}", css)
    icons = [a["href"] for t, a in page.elements if t == "link" and a.get("rel") == "icon"]
    assert icons == ["icon.svg"] and b"#1c3557" in (folder / "icon.svg").read_bytes()
    assert 'role="doc-endnote"' not in html and '<ol class="notes">' in html
    assert '<section class="annexe" role="doc-endnotes"' in html


def test_byte_reproducible_and_replaced_whole(small: Path, tmp_path: Path) -> None:
    first = _online(small, tmp_path / "a").output
    second = _online(small, tmp_path / "b").output
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    (first / "vieux.txt").write_text("d'une production précédente", encoding="utf-8")
    again = _online(small, tmp_path / "a").output
    assert again == first and not (first / "vieux.txt").exists()
    assert sorted(p.name for p in first.parent.iterdir()) == [first.name]  # nothing left


def test_check_passes_a_good_folder_and_catches_breakage(
    small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _online(small, tmp_path / "build").output
    assert check_online(folder).ok
    assert main(["check", str(folder)]) == 0
    index = folder / "index.html"
    good = index.read_text(encoding="utf-8")
    assert 'href="#note-2"' in good and 'alt="Un carré bleu"' in good

    index.write_text(good.replace('href="#note-2"', 'href="#note-9"'), encoding="utf-8")
    problems = check_online(index).problems
    assert any("« #note-9 » mène à un identifiant absent" in p for p in problems)
    assert any("l'appel de note « #note-9 » ne mène à aucune note" in p for p in problems)
    assert any("« note-2 » n'est appelée nulle part" in p for p in problems)
    capsys.readouterr()
    assert main(["check", str(folder)]) == 1
    said = capsys.readouterr().out
    assert str(index) in said and "problèmes dans l'édition en ligne" in said

    index.write_text(good.replace(' alt="Un carré bleu"', ""), encoding="utf-8")
    (problem,) = check_online(folder).problems
    assert "l'image « images/carre.png » n'a pas de texte de remplacement" in problem

    outside = '<img src="https://exemple.org/suivi.png" alt="pixel"><a href="../autre.pdf">PDF</a>'
    index.write_text(good.replace("</main>", outside + "</main>"), encoding="utf-8")
    problems = check_online(folder).problems
    assert any("« https://exemple.org/suivi.png » est hors du dossier" in p for p in problems)
    assert any("« ../autre.pdf » sort du dossier" in p for p in problems)

    index.write_text(good, encoding="utf-8")
    (folder / "images" / "carre.png").unlink()
    problems = check_online(folder).problems
    assert len(problems) == 2  # the image and its decorative copy
    assert all(
        "le fichier « images/carre.png » n'existe pas dans le dossier" in p for p in problems
    )


def test_issue6_online_matches_its_composition(tmp_path: Path) -> None:
    composition = compose(source.load_issue(ISSUE_6))
    folder = _online(ISSUE_6, tmp_path).output
    report = check_online(folder)
    assert report.ok, report.problems
    page = _read(folder)
    wanted = [(f"#{e.id}", e.text) for e in composition.contents]
    wanted += [(f"#{c.id}", c.text) for e in composition.contents for c in e.children]
    assert sorted(page.contents) == sorted(wanted)
    assert len(composition.notes) == 31
    assert {n.id: f"{n.number} {_plain(n.html)}" for n in composition.notes} == page.notes
    names = {p.name for p in (folder / "images").iterdir()}
    assert {"couverture-700w.jpg", "couverture-1400w.jpg", "estrie-700w.jpg"} <= names


def test_issue6_online_is_part_of_all(
    issue6: BuiltIssue, issue6_web: WebIssue, tmp_path: Path
) -> None:
    """Built with the PDFs (after copyfitting) or alone, the page is the same but for the
    links to the PDFs and the cover as its preview, which only a build that made them
    carries, with the files."""
    online = next(r for r in issue6_web.results if r.variant == "html")
    made = {r.variant: r.output for r in [issue6.result, *issue6_web.results]}
    alone = _online(ISSUE_6, tmp_path).output
    assert online.output.name == "BIP-06-2019-08-en-ligne"
    page = (online.output / "index.html").read_text(encoding="utf-8")
    downloads = re.search(r'\n<ul class="downloads">.*?</ul>\n', page, re.S)
    assert downloads is not None
    preview = re.compile(r'<meta property="og:image[^>]*>\n')  # the cover, made with the PDFs
    assert len(preview.findall(page)) == 5
    without = preview.sub("", page.replace(downloads[0], ""))
    assert without == (alone / "index.html").read_text(encoding="utf-8")
    # Both PDFs and the cover image, as the build wrote them beside the folder.
    for variant in ("print", "web", "cover"):
        copy = online.output / made[variant].name
        assert copy.read_bytes() == made[variant].read_bytes(), variant
    web = downloads[0].index('href="BIP-06-2019-08-web.pdf"')
    assert web < downloads[0].index('href="BIP-06-2019-08-impression.pdf"')  # web first
    address = "https://www.securitepublique.gouv.qc.ca/police/publications-et-statistiques/bip/"
    assert f'content="{address}numeros/numero-6-aout-2019/BIP-06-2019-08-couverture.png"' in page
    report = check_online(online.output)
    assert report.ok, report.problems


SITE = "https://www.quebec.ca/bip/numero-1/"


def _published(pdf_size: int = 1_460_000) -> online.Published:
    return online.Published(
        pdfs=(
            ("web", "BIP-01-2020-03-web.pdf", b"%PDF-1.7 web"),
            ("print", "BIP-01-2020-03-impression.pdf", b"%PDF-1.7\n".ljust(pdf_size, b"%")),
        ),
        cover=("BIP-01-2020-03-couverture.png", _png()),
        url=SITE,
    )


def _published_folder(small: Path, tmp_path: Path) -> Path:
    """The small issue's online folder with its PDFs and cover (``_published``): its page."""
    html = compose(source.load_issue(small)).html
    folder = tmp_path / "en-ligne"
    online.write_folder(folder, online.files(html, small, _published(10)))
    return folder / "index.html"


def test_the_page_links_its_pdfs_and_is_previewed_by_its_cover(small: Path, tmp_path: Path) -> None:
    html = compose(source.load_issue(small)).html
    made = online.files(html, small, _published())
    folder = tmp_path / "en-ligne"
    online.write_folder(folder, made)
    assert (folder / "BIP-01-2020-03-impression.pdf").read_bytes() == _published().pdfs[1][2]
    assert (folder / "BIP-01-2020-03-couverture.png").read_bytes() == _png()
    page = _read(folder)
    links = [
        (a["href"], a.get("type")) for t, a in page.elements if t == "a" and ".pdf" in a["href"]
    ]
    assert links == [  # web first: the one most readers want
        ("BIP-01-2020-03-web.pdf", "application/pdf"),
        ("BIP-01-2020-03-impression.pdf", "application/pdf"),
    ]
    text = (folder / "index.html").read_text(encoding="utf-8")
    assert 'PDF accessible</a> <span class="download-size">(PDF, 1\u202fko)</span>' in text
    assert 'traits de coupe</a> <span class="download-size">(PDF/X-4, 1,5\u202fMo)' in text
    header = text[text.index('<header class="site-header">') : text.index("</header>")]
    assert 'class="downloads"' in header  # under the cover, before the contents
    meta = {a["property"]: a["content"] for t, a in page.elements if "property" in a}
    assert meta["og:url"] == SITE and meta["og:type"] == "article"
    assert meta["og:image"] == SITE + "BIP-01-2020-03-couverture.png"
    assert (meta["og:image:width"], meta["og:image:height"]) == ("8", "8")
    assert meta["og:title"] == "Bulletin de test – Numéro 1, mars 2020"
    assert meta["og:locale"] == "fr_CA"
    canonical = [a["href"] for t, a in page.elements if t == "link" and a.get("rel") == "canonical"]
    assert canonical == [SITE]
    report = check_online(folder)
    assert report.ok, report.problems


@pytest.mark.parametrize(
    ("wrong", "right", "said"),
    [
        (
            f'property="og:image" content="{SITE}',
            'property="og:image" content="',
            "n'est pas une adresse https entière",
        ),
        (
            'BIP-01-2020-03-couverture.png"',
            'autre.png"',
            "« https://www.quebec.ca/bip/numero-1/autre.png » n'est pas un fichier du dossier",
        ),
        (
            '<link rel="canonical" href="https:',
            '<link rel="canonical" href="http:',
            "n'est pas une adresse https entière",
        ),
        (
            f'property="og:url" content="{SITE}"',
            'property="og:url" content="https://www.quebec.ca/"',
            "la page a plusieurs adresses : « https://www.quebec.ca/ » et « https://www",
        ),
        (f'content="{SITE}"', f'content="{SITE}?"', "n'est pas une adresse https entière"),
        (
            '<h2 id="une-section">',
            '<h2 id="premier-article">',
            "l'identifiant « premier-article » est déjà celui d'un élément de la ligne ",
        ),
        (
            f'<link rel="canonical" href="{SITE}">\n',
            "",
            "",  # og:url alone says the page's address
        ),
        (
            'BIP-01-2020-03-couverture.png"',
            'index.html"',
            "l'image d'aperçu « index.html » n'est pas une image PNG ou JPEG lisible",
        ),
        (
            '<meta property="og:image:width" content="8">',
            '<meta property="og:image:width" content="1200">',
            "fait 8 × 8 pixels, la page en annonce 1200 × 8",
        ),
        (  # a second image, before the good one
            '<meta property="og:image" content',
            f'<meta property="og:image" content="{SITE}absente.png">\n'
            '<meta property="og:image" content',
            "« https://www.quebec.ca/bip/numero-1/absente.png » n'est pas un fichier du dossier",
        ),
        (
            'href="BIP-01-2020-03-web.pdf"',
            'href="BIP-01-2020-03-ecran.pdf"',
            "le fichier « BIP-01-2020-03-ecran.pdf » n'existe pas dans le dossier",
        ),
    ],
)
def test_check_catches_a_broken_preview_or_download(
    small: Path, tmp_path: Path, wrong: str, right: str, said: str
) -> None:
    index = _published_folder(small, tmp_path)
    folder = index.parent
    good = index.read_text(encoding="utf-8")
    assert wrong in good
    index.write_text(good.replace(wrong, right, 1), encoding="utf-8")
    problems = check_online(folder).problems
    if not said:
        assert problems == []
        return
    assert any(said in problem for problem in problems), problems
    assert all(problem.startswith(f"{index}:") for problem in problems)


def test_check_catches_a_preview_without_an_address_and_a_pdf_that_is_none(
    small: Path, tmp_path: Path
) -> None:
    index = _published_folder(small, tmp_path)
    folder = index.parent
    good = index.read_text(encoding="utf-8")
    for line in (
        f'<link rel="canonical" href="{SITE}">\n',
        f'<meta property="og:url" content="{SITE}">\n',
    ):
        assert line in good
        good = good.replace(line, "")
    index.write_text(good, encoding="utf-8")
    (problem,) = check_online(folder).problems
    assert problem.endswith(
        f"l'image d'aperçu « {SITE}BIP-01-2020-03-couverture.png » est là sans l'adresse de "
        "la page (og:url)"
    )
    (folder / "BIP-01-2020-03-impression.pdf").write_bytes(b"<html>pas un PDF</html>")
    problems = check_online(folder).problems
    assert problems[1:] == [
        f"{index}:{_line(index, 'impression.pdf')}: le fichier « BIP-01-2020-03-impression.pdf » "
        "n'est pas un PDF"
    ]


def _line(path: Path, text: str) -> int:
    """The number of the first line of ``path`` holding ``text``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def test_without_its_pdfs_or_address_the_build_says_what_the_page_lacks(
    small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build_dir = str(tmp_path / "cli")
    for _ in range(2):  # built, then up to date: said both times, as notes
        assert main(["build", str(small), "--variant", "html", "--build-dir", build_dir]) == 0
        said = [line for line in capsys.readouterr().err.splitlines() if "ISSN" not in line]
        assert [line.split(":")[0] for line in said] == ["note ", "note "], said
        assert "l'édition en ligne est écrite sans les PDF" in said[0]
        assert said[1].startswith(f"note : {small / 'issue.toml'}: sans online_url")
    single = tmp_path / "seul.md"  # no issue.toml to write online_url in: not asked
    single.write_text(article("Seul", "Un texte.\n"), encoding="utf-8")
    assert main(["build", str(single), "--variant", "html", "--build-dir", build_dir]) == 0
    said = capsys.readouterr().err.splitlines()
    assert len(said) == 1 and "écrite sans les PDF" in said[0], said
    result = _online(small, tmp_path / "build")
    said = dict(map(tuple, result.remarks))
    assert said[str(result.output)].startswith("l'édition en ligne est écrite sans les PDF")
    assert said[str(small / "issue.toml")].startswith("sans online_url, la page en ligne n'a pas")
    page = _read(result.output)
    meta = {a["property"] for t, a in page.elements if "property" in a}
    assert "og:title" in meta and not meta & {"og:url", "og:image"}
    assert not [a for t, a in page.elements if t == "link" and a.get("rel") == "canonical"]
    assert 'class="downloads"' not in (result.output / "index.html").read_text(encoding="utf-8")


def test_cached_until_the_folder_or_a_style_changes(small: Path, tmp_path: Path) -> None:
    from bippdf.schedule import build_issues

    options = Options.choose("html", build_dir=tmp_path / "build")
    (first,) = build_issues([small], options)
    (again,) = build_issues([small], options)
    assert first.error is None and not first.results[0].cached
    assert [r.cached for r in again.results] == [True]
    (again.results[0].output / "images" / "carre.png").unlink()  # the folder was touched
    (mended,) = build_issues([small], options)
    assert not mended.results[0].cached
    assert (mended.results[0].output / "images" / "carre.png").is_file()


def test_a_killed_build_s_temporary_folder_is_removed_later(small: Path, tmp_path: Path) -> None:
    import os

    from bippdf.files import STALE_SECONDS

    folder = _online(small, tmp_path / "build").output
    stale = folder.with_name(f".{folder.name}.abc123.tmp")
    fresh = folder.with_name(f".{folder.name}.def456.tmp")
    for temp in (stale, fresh):
        (temp / "images").mkdir(parents=True)
        (temp / "index.html").write_text("à moitié écrit", encoding="utf-8")
    old = stale.stat().st_mtime - STALE_SECONDS - 60
    os.utime(stale, (old, old))
    _online(small, tmp_path / "build")
    assert not stale.exists()
    assert fresh.is_dir()  # perhaps another build's, still being written


@pytest.mark.parametrize(
    ("size", "said"),
    [
        (12, "1\u202fko"),
        (480_400, "480\u202fko"),
        (999_600, "1,0\u202fMo"),
        (2_149_000, "2,1\u202fMo"),
    ],
)
def test_a_file_s_weight_is_said_as_a_french_reader_reads_it(size: int, said: str) -> None:
    assert online._weight(size) == said


@pytest.mark.slow
@pytest.mark.pdf
def test_make_pdf_s_folder_carries_both_pdfs_and_the_cover(small: Path, tmp_path: Path) -> None:
    """Built as make pdf builds it (print, web, cover and the online edition), the folder
    holds the files written beside it, byte for byte, the page links the PDFs web first
    and names the cover as its preview; the folder passes its check."""
    toml = small / "issue.toml"
    toml.write_text(toml.read_text("utf-8") + f'online_url = "{SITE}"\n', encoding="utf-8")
    # Large enough for the print PDF's check (200 ppi at the width it prints).
    Image.new("RGB", (800, 800), (47, 111, 159)).save(small / "images" / "carre.png")
    results = build(small, Options.choose("all", build_dir=tmp_path / "build"))
    by_variant = {result.variant: result.output for result in results}
    assert set(by_variant) == {"print", "web", "cover", "html"}
    folder = by_variant["html"]
    for variant in ("print", "web", "cover"):
        written = by_variant[variant]
        assert (folder / written.name).read_bytes() == written.read_bytes(), variant
    page = _read(folder)
    links = [a["href"] for t, a in page.elements if t == "a" and a.get("type") == "application/pdf"]
    assert links == [by_variant["web"].name, by_variant["print"].name]
    meta = {a["property"]: a["content"] for t, a in page.elements if "property" in a}
    assert meta["og:image"] == SITE + by_variant["cover"].name
    report = check_online(folder)
    assert report.ok, report.problems
    assert not any(result.remarks for result in results)  # nothing the page lacks
