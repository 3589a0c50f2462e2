"""The command line, driven through ``main(argv)``."""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from PIL import Image

from bippdf import render
from bippdf.arguments import parser
from bippdf.check.readback import read_pdf
from bippdf.cli import main
from bippdf.errors import SourceError

from .conftest import article, write_issue


@pytest.mark.pdf
def test_build_single_markdown_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "notes.md"
    source.write_text(
        "# Notes de service\n\nUn texte[^a] court.\n\n## Suite\n\nFin.\n\n[^a]: Une note.\n",
        encoding="utf-8",
    )
    output = tmp_path / "notes.pdf"
    assert main(["build", str(source), "--variant", "print", "-o", str(output)]) == 0
    summary = capsys.readouterr().out.strip()
    assert summary.startswith(f"{output}: ")
    assert ", 1 note, " in summary
    assert re.search(r", \d+,\d s$", summary), "seconds with a decimal comma"
    pdf = read_pdf(output)
    assert f": {pdf.page_count} pages" in summary
    assert pdf.metadata["Title"] == "Notes de service"
    assert pdf.page_of("note-1") is not None and pdf.page_of("suite") is not None


@pytest.mark.pdf
def test_default_output_in_build_dir(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_issue(tmp_path / "2020-03-numero-01", {"01-a.md": article("A", "Texte.\n")})
    monkeypatch.chdir(tmp_path)
    assert main(["build", str(root)]) == 0
    folder = tmp_path / "build" / "2020-03-numero-01"
    names = [
        "BIP-01-2020-03-couverture.png",
        "BIP-01-2020-03-en-ligne",
        "BIP-01-2020-03-impression.pdf",
        "BIP-01-2020-03-web.pdf",
    ]
    assert sorted(p.name for p in folder.iterdir()) == names
    out = capsys.readouterr().out.splitlines()
    written = [Path(line.split(":")[0]).name for line in out]
    assert written == [names[2], names[3], names[0], names[1]]  # the online edition last
    assert (folder / names[1] / "index.html").is_file()
    with Image.open(folder / names[0]) as cover:
        assert cover.width == 600


def test_error_is_one_line_with_file_and_line_and_no_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_issue(tmp_path, {"01-a.md": article("A", "Appel[^x].\n")})
    assert main(["build", str(root), "--variant", "web", "-o", str(tmp_path / "x.pdf")]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert lines == [
        f"erreur : {root / 'articles' / '01-a.md'}:5: la note [^x] est appelée mais jamais "
        "définie (ajoutez une ligne « [^x]: texte de la note » à la fin de l'article)"
    ]


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    root = write_issue(tmp_path, {"01-a.md": article("A", "Appel[^x].\n")})
    with pytest.raises(SourceError):
        main(["--debug", "build", str(root)])


@pytest.mark.pdf
def test_failed_build_keeps_the_last_good_pdf(tmp_path: Path) -> None:
    root = write_issue(tmp_path / "issue", {"01-a.md": article("A", "Texte.\n")})
    output = tmp_path / "out.pdf"
    assert main(["build", str(root), "--variant", "print", "-o", str(output)]) == 0
    good = output.read_bytes()
    (root / "articles" / "01-a.md").write_text(article("A", "Texte[^oups].\n"), encoding="utf-8")
    assert main(["build", str(root), "--variant", "print", "-o", str(output)]) == 1
    assert output.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.pdf
def test_several_issues_go_on_after_a_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = write_issue(tmp_path / "bad", {"01-a.md": article("A", "Appel[^x].\n")})
    good = write_issue(
        tmp_path / "good",
        {"01-a.md": article("A", "Texte.\n")},
        issn='"1"',
        online_url='"https://www.quebec.ca/bip/"',  # no note about the page's preview
    )
    monkeypatch.chdir(tmp_path)
    assert main(["build", str(bad), str(good)]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith(f"erreur : {Path('bad', 'articles', '01-a.md')}:5: la note ")
    assert "BIP-01-2020-03-impression.pdf: " in captured.out


@pytest.mark.parametrize("command", ["build", "check", "new", "watch", "import", "proof", "impose"])
def test_every_command_has_help_with_a_real_example(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    examples = capsys.readouterr().out.split("exemples :\n", 1)[1].replace("\\\n", " ")
    commands = [shlex.split(line) for line in examples.splitlines() if line.startswith("  bippdf ")]
    assert commands and commands[0][:2] == ["bippdf", command]
    for line in commands:  # each example is a command line bippdf accepts
        words = line[: line.index(">")] if ">" in line else line  # less the shell's redirection
        arguments = parser().parse_args(words[1:])
        assert arguments.command == words[1]


def test_import_writes_an_issue_and_lists_what_to_check_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    legacy = Path(__file__).parent / "fixtures" / "legacy" / "bip-06-2019-08.txt"
    folder = tmp_path / "2019-08-numero-06"
    assert main(["import", str(legacy), "-o", str(folder)]) == 0
    captured = capsys.readouterr()
    assert (
        captured.out.splitlines()[0]
        == f"{folder}: 11 articles, 31 notes, 6 points à vérifier à la main"
    )
    assert captured.out.splitlines()[1] == f"ensuite : make pdf ISSUE={folder}"
    warnings = captured.err.splitlines()
    assert len(warnings) == 6
    assert warnings[0].startswith(f"avertissement : {legacy}:109: image absente")
    assert (folder / "issue.toml").is_file()
    assert main(["import", str(legacy), "-o", str(folder)]) == 1  # not over it, unless --force
    assert "--force" in capsys.readouterr().err
    assert main(["import", str(legacy), "-o", str(folder), "--force"]) == 0


@pytest.mark.pdf
def test_unwritable_output_is_an_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_issue(tmp_path / "issue", {"01-a.md": article("A", "Texte.\n")})
    assert main(["build", str(root), "--variant", "print", "-o", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    # A folder as the output is refused before anything is laid out.
    assert err.startswith(f"erreur : {tmp_path}: la sortie existe et c'est un dossier")
    assert "Traceback" not in err


@pytest.mark.pdf
def test_html_output_and_build_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_issue(tmp_path / "2020-03-numero-01", {"01-a.md": article("A", "Texte.\n")})
    html = tmp_path / "issue.html"
    assert (
        main(["build", str(root), "--build-dir", str(tmp_path / "out"), "--html", str(html)]) == 0
    )
    assert (tmp_path / "out" / "2020-03-numero-01" / "BIP-01-2020-03-web.pdf").is_file()
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    capsys.readouterr()
    assert main(["build", str(root), str(root), "-o", str(tmp_path / "x.pdf")]) == 2
    assert capsys.readouterr().err == (
        "erreur : -o et --html ne s'emploient qu'avec un seul numéro "
        "(produisez les numéros un à la fois)\n"
    )
    assert main(["build", str(root), "-o", str(tmp_path / "x.pdf")]) == 2  # which variant?
    assert capsys.readouterr().err == (
        "erreur : -o écrit un seul PDF (choisissez --variant print ou --variant web)\n"
    )


@pytest.mark.pdf
def test_all_builds_every_issue_with_a_line_per_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for number in (1, 2):
        write_issue(
            tmp_path / "issues" / f"2020-0{number}-numero-0{number}",
            {"01-a.md": article("A", f"Le numéro {number}.\n")},
            number=str(number),
            date=f"2020-0{number}-01",
        )
    (tmp_path / "issues" / "brouillons").mkdir()  # no issue.toml: not an issue
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--all"]) == 0
    lines = capsys.readouterr().out.splitlines()
    written = sorted(Path(line.split(": ")[0]) for line in lines)
    assert written == sorted(
        Path("build") / f"2020-0{n}-numero-0{n}" / f"BIP-0{n}-2020-0{n}-{kind}"
        for n in (1, 2)
        for kind in ("impression.pdf", "web.pdf", "couverture.png", "en-ligne")
    )
    assert all(path.is_file() or (path / "index.html").is_file() for path in written)
    assert main(["build", "--all"]) == 0
    assert capsys.readouterr().out.count(": à jour, rien n'a changé\n") == 8
    monkeypatch.chdir(tmp_path / "issues")
    assert main(["build", "--all"]) == 2
    assert capsys.readouterr().err == (
        "erreur : aucun numéro à produire (nommez le dossier d'un numéro, ou ajoutez --all)\n"
    )


@pytest.mark.pdf
def test_fonts_subset_by_fonttools_are_said_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without HarfBuzz's subsetter (here: as if it were missing), a build says once, as a
    note and not a warning, what to install; with it, nothing."""
    from bippdf import render

    source = tmp_path / "notes.md"
    source.write_text("# Notes\n\nUn texte court.\n", encoding="utf-8")
    output = tmp_path / "notes.pdf"
    assert main(["build", str(source), "--variant", "web", "-o", str(output)]) == 0
    said = capsys.readouterr().err
    assert ("libharfbuzz-subset0" in said) == (render.subsetter() == "fontTools")
    monkeypatch.setattr(render, "subsetter", lambda: "fontTools")
    assert main(["build", str(source), "--variant", "web", "-o", str(output)]) == 0
    notes = [line for line in capsys.readouterr().err.splitlines() if "fontTools" in line]
    assert len(notes) == 1 and notes[0].startswith("note : ")
    assert "installez libharfbuzz-subset0" in notes[0]


_ENDING = """
import sys
from bippdf import cli

class Held:
    def __del__(self):
        print("libéré par le ramasse-miettes", file=sys.stderr)

def command(argv=None):
    status = ORIGINAL(["build"])  # 2: no issue named
    held = Held()
    held.cycle = held  # garbage only a collection of cycles frees
    del held
    return status

ORIGINAL, cli.main = cli.main, command
{end}
"""


@pytest.mark.parametrize(
    ("end", "collected"), [("cli.run()", False), ("sys.exit(cli.main())", True)]
)
def test_the_program_ends_without_walking_what_the_command_left(end: str, collected: bool) -> None:
    """``bippdf`` (``cli.run``) sets what its command left aside from the collector of
    cycles before the process ends: Python's last collection would walk it all (a fifth
    of a second after a build of No. 6). A process that calls ``main`` and ends, as the
    program did before, collects it: the case that shows this test can fail."""
    ended = subprocess.run(
        [sys.executable, "-c", _ENDING.format(end=end)], capture_output=True, text=True
    )
    assert ended.returncode == 2, ended.stderr
    assert "aucun numéro à produire" in ended.stderr
    assert ("libéré par le ramasse-miettes" in ended.stderr) is collected


_ENDED = """
import atexit
import os
import sys
import threading
import time
from bippdf import cli

class Kept:
    def __del__(self, write=os.write):
        write(2, "interpréteur finalisé\\n".encode())

sys.modules["kept"] = Kept()  # freed as Python's end empties sys.modules

def late():
    time.sleep(0.2)
    sys.stdout.write("fil terminé\\n")

def command(argv=None):
    threading.Thread(target=late).start()
    atexit.register(lambda: sys.stdout.write("gestionnaire de sortie\\n"))
    sys.stdout.write("écrit, pas vidé\\n")  # (a pipe: kept in its buffer)
    return 5

cli.main = command
{end}
"""


@pytest.mark.parametrize(
    ("end", "finalised"), [("cli.run()", False), ("sys.exit(cli.main())", True)]
)
def test_the_program_ends_as_sys_exit_does_without_finalising_the_interpreter(
    end: str, finalised: bool
) -> None:
    """``cli.run`` ends the process as ``sys.exit`` does (its status, its threads waited
    for, its exit handlers run, its output flushed), without Python's finalisation of
    the interpreter after them; ``sys.exit`` finalises it: the case that shows this test
    can fail."""
    ended = subprocess.run(
        [sys.executable, "-c", _ENDED.format(end=end)], capture_output=True, text=True
    )
    assert ended.returncode == 5, ended.stderr
    assert ended.stdout == "écrit, pas vidé\nfil terminé\ngestionnaire de sortie\n"
    assert ("interpréteur finalisé" in ended.stderr) is finalised


_INTERRUPTED = """
import atexit
import sys
import threading
import time
from bippdf import cli

def waiting():
    # Says so once the program waits for this thread (Python's threading._shutdown).
    main = threading.main_thread().ident
    while getattr(sys._current_frames().get(main), "f_code", None) is not None:
        if sys._current_frames()[main].f_code.co_name == "_shutdown":
            break
        time.sleep(0.01)
    print("prêt", flush=True)
    time.sleep(60)

def command(argv=None):
    threading.Thread(target=waiting).start()
    atexit.register(lambda: print("gestionnaire de sortie", flush=True))
    return 0

cli.main = command
cli.run()
"""


def test_ctrl_c_while_the_program_waits_for_its_threads_ends_it_without_a_traceback() -> None:
    """The program waits for its threads as it ends; Ctrl-C then ends it at once, with
    one line and status 130, its exit handlers run, and no traceback."""
    ending = subprocess.Popen(
        [sys.executable, "-c", _INTERRUPTED],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert ending.stdout is not None
    assert ending.stdout.readline() == "prêt\n"
    ending.send_signal(signal.SIGINT)
    out, err = ending.communicate(timeout=30)
    assert ending.returncode == 130, err
    assert out == "gestionnaire de sortie\n"
    assert "Traceback" not in err
    assert err.strip() == "erreur : interrompu (Ctrl-C) en fin de programme"


def test_the_bippdf_command_and_python_m_bippdf_end_through_run() -> None:
    """Both ways of starting the program go through ``run``, not ``main`` alone."""
    (script,) = (
        script
        for script in entry_points(group="console_scripts", name="bippdf")
        if script.dist is not None and script.dist.name == "bippdf"
    )
    assert script.value == "bippdf.cli:run"
    started = subprocess.run(
        [sys.executable, "-c", _BY_RUN],
        capture_output=True,
        text=True,
    )
    assert started.returncode == 7, started.stderr
    assert started.stdout == "par run\n"


_BY_RUN = """
import runpy
import sys
from bippdf import cli

def run():
    print("par run")
    sys.exit(7)

cli.run = run
runpy.run_module("bippdf", run_name="__main__")
"""


@pytest.mark.slow
@pytest.mark.pdf
def test_a_build_leaves_no_folder_of_fonts_behind(tmp_path: Path) -> None:
    """WeasyPrint copies the fonts the stylesheets name into a temporary folder, which it
    removes only when a collection of cycles frees its font configuration; the program
    ends without that collection (``cli.run``), and removes the folder itself."""
    root = write_issue(tmp_path / "2020-03-numero-01", {"01-a.md": article("A", "Texte.\n")})
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    built = subprocess.run(
        [sys.executable, "-m", "bippdf", "build", str(root), "--variant", "print"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "TMPDIR": str(temporary)},
    )
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "build" / "2020-03-numero-01" / "BIP-01-2020-03-impression.pdf").is_file()
    assert sorted(path.name for path in temporary.iterdir()) == []


def test_the_folder_of_fonts_is_removed_by_the_process_that_made_it(tmp_path: Path) -> None:
    """A process forked from the one that made the folder (which inherits its exit
    handlers' list, not its ownership) leaves it."""
    folder = tmp_path / "weasyprint-test"
    (folder / "font").mkdir(parents=True)
    render._remove_folder(folder, os.getpid() + 1)
    assert (folder / "font").is_dir()
    render._remove_folder(folder, os.getpid())
    assert not folder.exists()
