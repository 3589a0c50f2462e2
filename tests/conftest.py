"""Shared fixtures: No. 6 is built once per test session and read back.

A test that lays out a PDF is marked ``pdf`` (those using No. 6's fixtures are marked
here), so that ``make test-fast`` can leave it out. The mark is enforced: a test
without it that starts WeasyPrint in this process fails, saying to mark it."""

from __future__ import annotations

import fcntl
import io
import os
import pickle
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, Phase, settings
from pypdf import PdfReader, PdfWriter

from bippdf import copyfit, resources, source
from bippdf.check import Expectations
from bippdf.check.readback import PdfReadback, read_pdf
from bippdf.compose import compose
from bippdf.composition import Composition, expectations
from bippdf.pipeline import BuildResult
from bippdf.render import Engine

_T = TypeVar("_T")
_BUILT_ONCE = {"issue6", "issue6_web"}  # fixtures that build No. 6 for the session
_lays_out = False  # whether the test being run is marked pdf


# The files whose tests take longest (seconds of their tests in one run of make test-slow,
# then of make test, on two cores, --junitxml): run before the others, make test-slow's
# longest first, then make test's. Each run hands each worker a whole file at a time
# (pytest-xdist's --dist loadfile, so that a module's fixtures, a build or a browser, are
# made once rather than once per worker), the next as it runs short; a long file handed
# out last would leave the other core idle to the end.
LONGEST_FIRST = (
    "test_relayout.py",  # 58 s, 8 s
    "test_browser.py",  # 50 s, 0 s
    "test_watch.py",  # 22 s, 0 s
    "test_copyfit.py",  # 21 s, 23 s
    "test_linebreaking.py",  # 15 s, 1 s
    "test_limits.py",  # 14 s, 0 s
    "importer/test_seed.py",  # 12 s, 0 s
    "test_online.py",  # 10 s, 10 s
    "check/test_matterhorn.py",  # 0 s, 13 s
    "test_cache.py",  # 1 s, 9 s
    "test_sandbox.py",  # 9 s, 4 s
    "check/test_prepress.py",  # 2 s, 7 s
    "check/test_structure.py",  # 7 s, 3 s
    "check/test_typesetting.py",  # 1 s, 5 s
    "test_render.py",  # 0 s, 4 s
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that use a built No. 6 lay out PDFs; the longest files run first."""
    for item in items:
        if _BUILT_ONCE & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.pdf)
    here = Path(__file__).resolve().parent
    rank = {}
    for order, name in enumerate(LONGEST_FIRST):
        if not (here / name).is_file():  # renamed or removed: the list says so
            raise pytest.UsageError(f"conftest.py, LONGEST_FIRST : {name} n'existe plus")
        rank[here / name] = order
    items.sort(key=lambda item: rank.get(item.path, len(rank)))  # (stable: the rest as found)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before any fixture of the test is made: may it lay out a PDF?"""
    global _lays_out
    _lays_out = item.get_closest_marker("pdf") is not None


@pytest.fixture(scope="session", autouse=True)
def _only_pdf_tests_lay_out_pdfs() -> Iterator[None]:
    """Holds the ``pdf`` mark true, ``make test-fast`` trusting it: a test without it
    that starts WeasyPrint in this process, or whose fixtures do, fails. (A build in a
    child process is not seen: such a test is marked by hand.)"""
    start = Engine.__init__

    def guarded(engine: Engine, **options: bool) -> None:
        if not _lays_out:
            # pytest.fail: a BaseException, which no ``except Exception`` of bippdf's hides.
            pytest.fail("ce test met un PDF en pages : marquez-le @pytest.mark.pdf")
        start(engine, **options)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Engine, "__init__", guarded)
        yield


@pytest.fixture(scope="session", autouse=True)
def _each_worker_its_share_of_the_cores() -> Iterator[None]:
    """Several runs of the tests at once (make test's workers, pytest-xdist; the faults
    of benchmarks/mutants.py, which says how many) each take their share of the cores,
    as ``bippdf build --all`` gives each PDF its own: a build in a test lays out, fits
    and checks as on a machine of that many cores, rather than fork trials, lanes and
    readers onto cores the other runs keep busy. A test of the forked paths sets its
    cores itself (``on_cores``)."""
    from bippdf.resources import usable_cores

    runs = os.environ.get("PYTEST_XDIST_WORKER_COUNT") or os.environ.get("BIPPDF_TEST_RUNS")
    workers = int(runs or 1)
    with pytest.MonkeyPatch.context() as patch:
        if workers > 1:
            on_cores(patch, max(1, usable_cores() // workers))
        yield


def on_cores(monkeypatch: pytest.MonkeyPatch, cores: int) -> None:
    """Builds lay out, fit and check as on a machine of ``cores`` cores, whatever this
    one has (the forked paths on any machine)."""
    from bippdf import check, pipeline, schedule

    for module in (check, pipeline, schedule):
        monkeypatch.setattr(module, "usable_cores", lambda: cores)


ROOT = Path(__file__).resolve().parent.parent
ISSUE_6 = ROOT / "issues" / "2019-08-numero-06"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Random tests: in CI few examples, always the same ones, so that a run is short and
# repeatable; make fuzz chooses "fuzz" (many examples from the seed it prints).
_RANDOM = {"deadline": None, "database": None, "suppress_health_check": [HealthCheck.too_slow]}
# CI reports the failing example as found: shrinking it can take minutes.
settings.register_profile(
    "ci", max_examples=20, derandomize=True, phases=set(Phase) - {Phase.shrink}, **_RANDOM
)
settings.register_profile("fuzz", max_examples=200, print_blob=True, **_RANDOM)
PROFILE = os.environ.get("BIPPDF_HYPOTHESIS_PROFILE", "ci")
settings.load_profile(PROFILE)
# make fuzz: many more random edits and documents, from the seed it prints.
FUZZ = PROFILE != "ci"
SEED = int(os.environ.get("BIPPDF_SEED", "0"))


def _without_local_constants() -> None:
    """Hypothesis draws some values from the literals of every project module loaded so
    far: CI's examples would then depend on which tests ran before (and change with any
    literal added to the code). In CI they must depend on the test alone, so that pool
    is kept empty. (A private hook of Hypothesis: without it, nothing is changed.)"""
    from hypothesis.internal.conjecture import providers

    if hasattr(providers, "_get_local_constants") and hasattr(providers, "Constants"):
        providers._get_local_constants = providers.Constants  # type: ignore[attr-defined]


if not FUZZ:
    _without_local_constants()


@dataclass
class BuiltIssue:
    result: BuildResult
    pdf: PdfReadback
    composition: Composition
    html: str
    expected: Expectations


def built_once(factory: pytest.TempPathFactory, name: str, make: Callable[[Path], _T]) -> _T:
    """What ``make`` builds into a new folder, made once for the whole run: with several
    workers (pytest-xdist, make test), by the first that asks, while the others wait
    for it and read what it kept, with the fits it found (copyfit), so that their own
    builds of the same sources lay out no more than its would."""
    shared = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the run's folder, above each worker's own
    kept = shared / f"{name}.pickle"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        if kept.exists():
            made, fits = pickle.loads(kept.read_bytes())
            copyfit._MEMORY.update(fits)
            return made  # type: ignore[no-any-return]
        folder = shared / name
        folder.mkdir(exist_ok=True)  # left by a worker whose build failed: try again
        made = make(folder)
        kept.write_bytes(pickle.dumps((made, dict(copyfit._MEMORY))))
        return made


def _no6(factory: pytest.TempPathFactory) -> list[BuildResult]:
    """No. 6 as ``make pdf`` makes it (print and web PDFs, cover image, online edition),
    with its composed HTML: built and fitted once for the whole run, whichever of the
    fixtures below asks first."""
    from bippdf.pipeline import Options, build

    def make(out: Path) -> list[BuildResult]:
        # As a new process builds it, whatever this worker built before: fitted as
        # recorded with the issue (mise-en-page.json), as on a fresh checkout.
        copyfit._LAST.clear()
        copyfit._FORGOTTEN.clear()
        options = Options.choose("all", build_dir=out, html_output=out / "issue.html")
        return build(ISSUE_6, options)

    return built_once(factory, "no6", make)


@pytest.fixture(scope="session")
def issue6(tmp_path_factory: pytest.TempPathFactory) -> BuiltIssue:
    """BIP No. 6's print PDF, built by the real pipeline into a temporary folder."""
    result = _no6(tmp_path_factory)[0]
    assert result.variant == "print"
    html = result.output.parent.parent / "issue.html"
    issue = source.load_issue(ISSUE_6)
    composition = compose(issue)
    return BuiltIssue(
        result=result,
        pdf=read_pdf(result.output),
        composition=composition,
        html=html.read_text(encoding="utf-8"),
        expected=expectations(composition),
    )


@dataclass
class Stopped:
    """What ``bippdf watch`` said, in a process of its own stopped with Ctrl-C."""

    said: list[str]  # its lines until its first build was done
    out: str  # its output after that
    err: str
    returncode: int


def stopped_watch(root: Path, build: Path, *options: str, wait: float = 120) -> Stopped:
    """``bippdf watch`` of the issue's web PDF (and ``options``) in a process of its own,
    sent Ctrl-C (SIGINT) once its first build is done: what it said."""
    command = [sys.executable, "-m", "bippdf", "watch", str(root), "--variant", "web"]
    command += [*options, "--build-dir", str(build)]
    env = {**os.environ, "NO_COLOR": "1"}
    with subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=_hears_ctrl_c,
    ) as watch:
        assert watch.stdout is not None
        said = []
        for line in watch.stdout:  # the first build is done: watching
            said.append(line)
            if line.startswith("surveillance de "):
                break
        watch.send_signal(signal.SIGINT)
        try:
            out, err = watch.communicate(timeout=wait)
        except subprocess.TimeoutExpired:
            watch.kill()  # not left waiting for it on leaving
            raise
    return Stopped(said, out, err, watch.returncode)


def _hears_ctrl_c() -> None:
    """Run in the child before it starts: Ctrl-C (SIGINT) heard as at a terminal, though
    the tests may run where it is ignored (a job started in the background), which a
    child inherits."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def write_issue(root: Path, articles: dict[str, str], **overrides: str) -> Path:
    """A small issue folder for tests: issue.toml plus the given article files."""
    fields = {
        "title": '"Bulletin de test"',
        "number": "1",
        "date": "2020-03-01",
        "language": '"fr-CA"',
        "publisher": '"Ministère de la Sécurité publique"',
    }
    fields.update(overrides)
    lines = [f"{key} = {value}" for key, value in fields.items()]
    lines.append("articles = [" + ", ".join(f'"{name}"' for name in articles) + "]")
    (root / "articles").mkdir(parents=True, exist_ok=True)
    (root / "issue.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for name, text in articles.items():
        (root / "articles" / name).write_text(text, encoding="utf-8")
    return root


# Three of No. 6's articles, flowing from one to the next: a dozen pages with pictures,
# subheads, a table, notes in the Annexe and the contents' page numbers.
EXCERPT = (
    "03-exploitation-sexuelle-de-quoi-parle-t-on.md",
    "04-exploitation-sexuelle-en-estrie.md",
    "05-formation-prevenir-exploitation-sexuelle.md",
)


def no6_excerpt(root: Path) -> Path:
    """A copy of No. 6 in ``root`` with the articles of ``EXCERPT`` only."""
    folder = Path(shutil.copytree(ISSUE_6, root / ISSUE_6.name))
    toml = folder / "issue.toml"
    listed = "articles = [" + ", ".join(f'"{name}"' for name in EXCERPT) + "]"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(re.sub(r"^articles = \[.*?\]", listed, text, flags=re.M | re.S), "utf-8")
    for path in (folder / "articles").iterdir():
        if path.name not in EXCERPT:
            path.unlink()
    return folder


# Each PDF ``copy_of`` was asked for, read once by this process (a worker of the run),
# with its bytes, by its path, size and modification time.
_READ: dict[tuple[str, int, int], tuple[PdfReader, bytes]] = {}


def copy_of(pdf: Path) -> PdfWriter:
    """A copy of a PDF the run built (No. 6's), for a test to edit: cloned from one reader
    of the file, which parses it once per worker rather than at each copy (a third of
    the time of a copy; the check tests make a hundred)."""
    status = pdf.stat()
    key = (str(pdf), status.st_size, status.st_mtime_ns)
    if key not in _READ:
        data = pdf.read_bytes()
        _READ[key] = PdfReader(io.BytesIO(data)), data
    return PdfWriter(clone_from=_READ[key][0])


def written(writer: PdfWriter) -> bytes:
    """The bytes of the PDF ``writer`` holds."""
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="session", autouse=True)
def _copies_leave_what_they_were_copied_from() -> Iterator[None]:
    """A copy edited must not change the reader it was cloned from, which the next copy is
    cloned from too: once the run is done, a copy of each is still the file's."""
    yield
    changed = [
        key[0]
        for key, (reader, data) in _READ.items()
        if written(PdfWriter(clone_from=reader)) != written(PdfWriter(clone_from=io.BytesIO(data)))
    ]
    assert not changed, f"une copie modifiée a changé le lecteur d'où elle vient : {changed}"


def moved_over(path: Path, data: bytes) -> None:
    """Another file of ``data`` (as long as ``path``'s) moved over ``path``, at its
    modification time: only its inode tells it from the file it replaces."""
    status = path.stat()
    assert len(data) == status.st_size
    other = path.with_name(path.name + ".autre")
    other.write_bytes(data)
    os.utime(other, ns=(status.st_atime_ns, status.st_mtime_ns))
    shutil.move(other, path)
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (status.st_size, status.st_mtime_ns)


def article(title: str, body: str, extra: str = "") -> str:
    """An article file with front matter."""
    return f'+++\ntitle = "{title}"\n{extra}+++\n\n{body}'


@dataclass
class WebIssue:
    results: list[BuildResult]
    pdf: PdfReadback


@pytest.fixture(scope="session")
def issue6_web(tmp_path_factory: pytest.TempPathFactory) -> WebIssue:
    """BIP No. 6's web PDF, cover image and online edition, as make pdf writes them."""
    results = [result for result in _no6(tmp_path_factory) if result.variant != "print"]
    assert results[0].variant == "web"
    return WebIssue(results=results, pdf=read_pdf(results[0].output))


@pytest.fixture
def own_styles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of styles/ that bippdf uses instead of its own, for a test to break."""
    styles = tmp_path / "styles"
    shutil.copytree(resources.styles_dir(), styles)
    original = resources.styles_dir
    for module in list(sys.modules.values()):  # each module that imported it by name
        if str(getattr(module, "__name__", "")).startswith("bippdf") and (
            vars(module).get("styles_dir") is original
        ):
            monkeypatch.setattr(module, "styles_dir", lambda: styles)
    # Each watcher has an engine of its own: nothing parsed from the real styles is kept.
    yield styles
