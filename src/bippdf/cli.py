"""The ``bippdf`` command: a thin layer over the library (``pipeline``, ``schedule``, …).

Errors print one ``erreur : fichier:ligne: message`` line, in French like every
message an editor reads (``bippdf.messages``), and exit non-zero; the traceback
is shown only with ``--debug``. The help is French too (``arguments``), and so are the
sentences of its own (``catalogue``).
"""

from __future__ import annotations

import argparse
import atexit
import dataclasses
import gc
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from . import catalogue, messages
from .arguments import parser
from .errors import BippdfError, UnreadablePdfError, internal
from .pipeline import BuildResult, Options
from .schedule import IssueBuild, build_issues, find_issues

if TYPE_CHECKING:
    from .check import Problem


def run() -> NoReturn:
    """The ``bippdf`` program and ``python -m bippdf``: ``main``, then the end of the
    process. What the command loaded is set aside from the collector of cycles first
    (gc.freeze): Python's last collection at exit would walk it all once more
    (WeasyPrint, the layouts kept, the PDFs read back), 0.15 to 0.3 s at the end of a
    build of No. 6, once its files are written. What cycles hold is then not finalised:
    memory, which the system takes back whole, and WeasyPrint's temporary folder of
    fonts, which an exit handler removes instead (``render._fonts_removed_at_the_end``).
    A caller that goes on (the tests) calls ``main``, which collects as usual."""
    status = main()
    gc.freeze()
    _end(status)


def _end(status: int) -> NoReturn:
    """The process ended as ``sys.exit`` ends it (its threads waited for, its exit
    handlers run, its output flushed), less what Python does after: finalising the
    interpreter (sys.modules emptied, the objects of the modules a build loads freed
    one by one), memory that the system takes back whole at once. After a build of
    No. 6, from ``main``'s return to the end of the process: 0.037 s with it, 0.016 s
    without (8 runs each). The two functions of Python's own end it calls are not
    public: without them, ``sys.exit``."""
    # A process that never imported threading has no thread of its own to wait for (a
    # build found up to date does not import it).
    threading = sys.modules.get("threading")
    threads_joined = getattr(threading, "_shutdown", None) if threading else lambda: None
    handlers_run = getattr(atexit, "_run_exitfuncs", None)
    if threads_joined is None or handlers_run is None:
        sys.exit(status)
    try:
        threads_joined()
    except KeyboardInterrupt:  # Ctrl-C while it waits for them: it ends now, told once
        messages.error("interrompu (Ctrl-C) en fin de programme")
        status = 130
    handlers_run()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # closed, or its reader gone: as Python's end does
            status = status or 120
    os._exit(status)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = parser().parse_args(argv)
    try:
        status: int = _RUN[args.command](args)
        return status
    except BippdfError as exc:
        if args.debug:
            raise
        messages.errors(exc)
        return 2 if isinstance(exc, UnreadablePdfError) else 1
    except BrokenPipeError:  # the reader of our output went away (… | head)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        if args.debug:
            raise
        messages.error("interrompu (Ctrl-C) : le PDF précédent n'a pas été modifié")
        return 130
    except Exception as exc:  # a bug of bippdf's: say so, in one line
        if args.debug:
            raise
        messages.errors(internal(exc))
        return 3


def _build(args: argparse.Namespace) -> int:
    issues: list[Path] = list(args.issues)
    if args.all:
        issues += find_issues()
    if not issues:
        messages.error(
            "aucun numéro à produire", hint="nommez le dossier d'un numéro, ou ajoutez --all"
        )
        return 2
    if len(issues) > 1 and (args.output or args.html):
        messages.error(
            "-o et --html ne s'emploient qu'avec un seul numéro",
            hint="produisez les numéros un à la fois",
        )
        return 2
    if args.output and args.variant in {"all", "html"}:
        messages.error("-o écrit un seul PDF", hint="choisissez --variant print ou --variant web")
        return 2
    options = Options.choose(
        args.variant,
        output=args.output,
        build_dir=args.build_dir,
        html_output=args.html,
        check=args.check,
        cache=args.cache,
    )
    builds = build_issues(issues, options, on_file=_progress)
    _say_subsetter(builds)
    failed = [build.error for build in builds if build.error is not None]
    if failed and (args.debug or len(builds) == 1):
        raise failed[0]
    for error in failed:
        messages.errors(error)
    return 1 if failed else 0


def _say_subsetter(builds: list[IssueBuild]) -> None:
    """Once, after a build that laid out PDFs: the fonts were subset by fontTools
    because HarfBuzz's subsetter is missing (what to install to build faster)."""
    laid_out = any(not result.cached for build in builds for result in build.results)
    if not laid_out:  # nothing laid out: WeasyPrint is not even imported
        return
    from . import render

    if render.subsetter() == "fontTools":
        messages.note(catalogue.NO_HARFBUZZ_SUBSET)


def _new(args: argparse.Namespace) -> int:
    from .scaffold import new_issue, parse_date

    date = args.date or _ask("Date du numéro (AAAA-MM ou AAAA-MM-JJ) : ", "--date")
    theme = args.theme or _ask("Thème du numéro : ", "--theme")
    made = new_issue(args.issues_dir, date=parse_date(date), theme=theme, number=args.number)
    origin = f", à partir de {made.previous}" if made.previous else ""
    for warning in made.warnings:
        messages.warning(warning, location=str(made.folder / "issue.toml"))
    messages.done(made.folder, f"numéro {made.number}{origin}")
    print(f"ensuite : modifiez {made.example}, puis lancez make watch ISSUE={made.folder}")
    return 0


def _ask(question: str, option: str) -> str:
    """An answer typed at the terminal; without one, the option is required."""
    if not sys.stdin.isatty():
        raise BippdfError(
            f"{option} est obligatoire hors d'un terminal",
            hint=f"ajoutez {option} à la commande",
        )
    answer = input(question).strip()
    if not answer:
        raise BippdfError("aucune réponse", hint=f"répondez à la question, ou ajoutez {option}")
    return answer


def _watch(args: argparse.Namespace) -> int:
    from .watch import Watcher

    final = not args.draft  # a draft's files are neither checked nor compressed
    options = Options.choose(args.variant, build_dir=args.build_dir, check=final, compress=final)
    watcher = Watcher(args.issue, options, on_file=_progress)
    if not args.issue.exists():
        messages.error(
            "fichier ou dossier introuvable",
            location=str(args.issue),
            hint="donnez le dossier d'un numéro, son issue.toml ou un fichier .md",
        )
        return 2
    if args.draft:  # said once: what the final build does that these do not
        messages.note(catalogue.WATCH_DRAFT)

    def report(done: IssueBuild) -> None:
        if done.error is not None:
            messages.errors(done.error)
        print(catalogue.WATCHING.format(issue=args.issue), flush=True)

    try:
        watcher.run(report)
    except KeyboardInterrupt:  # how watching is meant to end
        print(catalogue.WATCH_STOPPED, flush=True)
    return 0


def _import(args: argparse.Namespace) -> int:
    from .importer import import_legacy

    report = import_legacy(args.legacy, args.output, force=args.force)
    for problem in report.problems:
        messages.warning(problem.message, location=f"{args.legacy}:{problem.line}")
    to_check = messages.count(len(report.problems), "point")
    messages.done(
        report.folder,
        f"{messages.count(len(report.articles), 'article')}, "
        f"{messages.count(report.notes, 'note')}, {to_check} à vérifier à la main",
    )
    print(f"ensuite : make pdf ISSUE={report.folder}")
    return 0


def _progress(issue: Path, result: BuildResult) -> None:
    """A line as each file is written, after what its build had to say."""
    for location, text in result.source_warnings:  # what may not print as meant
        messages.warning(text, location=location)
    for warning in result.warnings:  # WeasyPrint's, in its own words
        messages.warning(f"WeasyPrint : {warning}", location=str(issue))
    for problem in result.check_warnings:  # said again when the file is up to date
        messages.warning(problem, location=str(result.output))
    for location, text in result.remarks:  # what the file lacks, not a fault
        messages.note(text, location=location)
    messages.done(result.output, messages.made(result))


def _check(args: argparse.Namespace) -> int:
    from .check import check_pdf
    from .contract import ONLINE_PAGE
    from .pipeline import expected_of

    # An online edition: its index.html, or a folder holding one (any other folder is
    # refused as a PDF would be).
    if (args.pdf / ONLINE_PAGE).is_file() or args.pdf.suffix.lower() in {".html", ".htm"}:
        return _check_online(args.pdf)
    report = check_pdf(args.pdf, expected_of(args.issue, args.variant))
    said: list[list[str]] = []
    if args.issue is not None:
        from .pipeline import compose, said_of

        said = said_of(compose(args.issue).composition.warnings)
    if args.issue is not None and not report.ok:
        from .pipeline import locate_problems

        locate_problems(report, args.issue)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        root = args.issue if args.issue is None or args.issue.is_dir() else args.issue.parent
        for problem in report.problems:
            print(_at_issue(problem, root, args.pdf))
        for problem in report.warnings:
            print(f"{messages.WARNING} : {_at_issue(problem, root, args.pdf)}")
        for location, text in said:
            print(messages.fault_line(messages.WARNING, text, location=location))
        print(report.summary())
    return 0 if report.ok else 1


def _check_online(path: Path) -> int:
    """``bippdf check`` of an online edition: its folder or its index.html."""
    from .check.online import check_online

    report = check_online(path)
    for problem in report.problems:
        print(problem)
    for warning in report.warnings:
        print(f"{messages.WARNING} : {warning}")
    if report.problems:
        print(f"{messages.count(len(report.problems), 'problème')} dans l'édition en ligne")
        return 1
    print("édition en ligne : liens, notes, images et adresses vérifiés, aucun problème")
    return 0


def _at_issue(problem: Problem, root: Path | None, pdf: Path) -> str:
    """A problem's line: at its article's file and line (named from where the command
    was run) when it is known, else at the PDF."""
    if root is None or problem.source is None:
        return f"{pdf}: {problem}"
    return str(dataclasses.replace(problem, source=str(root / problem.source)))


def _impose(args: argparse.Namespace) -> int:
    from .impose import impose

    output = args.output or args.pdf.with_name(
        args.pdf.stem.removesuffix("-impression") + "-livret.pdf"
    )
    sides = impose(args.pdf, output)
    messages.done(
        output,
        f"{messages.count(sides, 'face')} sur {messages.count(sides // 2, 'feuille')} "
        "tabloïd, à imprimer recto verso",
    )
    return 0


def _proof(args: argparse.Namespace) -> int:
    from .proof import CONTACT_SHEET, contact_sheet, render_pages

    out_dir = args.output or Path("build") / "proof" / args.pdf.stem
    pages = render_pages(args.pdf, out_dir, dpi=args.dpi)
    sheet = contact_sheet(pages, out_dir / CONTACT_SHEET)
    messages.done(out_dir, f"{messages.count(len(pages), 'page')}, planche contact {sheet}")
    return 0


_RUN: dict[str, Callable[[argparse.Namespace], int]] = {
    "build": _build,
    "check": _check,
    "new": _new,
    "watch": _watch,
    "import": _import,
    "proof": _proof,
    "impose": _impose,
}
