"""The ``bippdf`` command: a thin layer over ``bippdf.build``.

Errors print one ``erreur : fichier:ligne: message`` line, in French like every
message an editor reads (``bippdf.messages``), and exit non-zero; the traceback
is shown only with ``--debug``. The help stays in English.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from . import __version__, messages
from .build import BuildResult, IssueBuild, build_issues
from .errors import BippdfError, UnreadablePdfError

BUILD_EXAMPLES = """\
examples:
  bippdf build issues/2019-08-numero-06
      build one issue into build/2019-08-numero-06/: BIP-06-2019-08-impression.pdf
      (the printer's), BIP-06-2019-08-web.pdf (the website's), BIP-06-2019-08-couverture.png
  bippdf build --all
      build every issue under issues/, side by side on the machine's cores; an issue
      whose sources, styles and options have not changed since its last build is skipped
  bippdf build issues/2019-08-numero-06 --no-cache
      build it again even if nothing changed
  bippdf build issues/2019-08-numero-06 --variant web -o /tmp/bip6.pdf
      only the web PDF, written elsewhere
  bippdf build notes.md --variant print -o notes.pdf
      build a single Markdown file as a one-article issue
"""

CHECK_EXAMPLES = """\
examples:
  bippdf check build/2019-08-numero-06/BIP-06-2019-08-impression.pdf
      check a built PDF on its own
  bippdf check build/2019-08-numero-06/BIP-06-2019-08-impression.pdf \\
         --issue issues/2019-08-numero-06
      also compare it with the issue's sources (headings, notes, metadata)
  bippdf check build/2019-08-numero-06/BIP-06-2019-08-web.pdf --json > report.json
      a machine-readable report for CI (docs/check-report.schema.json)

exit status: 0 when every check holds, 1 when one fails, 2 when the file cannot be read
"""

NEW_EXAMPLES = """\
examples:
  bippdf new --date 2026-12 --theme "La prévention auprès des aînés"
      start the issue after the latest one under issues/: issues/2026-12-numero-07/,
      its issue.toml (title, publisher, ISSN, contact, coordination carried over) and
      articles/01-exemple.md, an article showing every construct, which builds as it is
  bippdf new
      the same, asking for the date and the theme
"""

WATCH_EXAMPLES = """\
examples:
  bippdf watch issues/2019-08-numero-06
      build the issue, then build it again each time a file of the issue or of styles/
      is saved; keep build/2019-08-numero-06/BIP-06-2019-08-web.pdf open in a PDF
      viewer that reloads it. Ctrl-C stops.
  bippdf watch issues/2019-08-numero-06 --variant web
      only the web PDF: a rebuild takes half the processor time
"""

IMPORT_EXAMPLES = """\
examples:
  bippdf import bip-05-2019-02.txt -o issues/2019-02-numero-05
      convert the text of an old printed BIP (as extracted from its PDF) into an issue
      folder: issue.toml and one Markdown file per article, notes scoped to their
      article; then build it with: bippdf build issues/2019-02-numero-05
  bippdf import bip-05-2019-02.txt -o issues/2019-02-numero-05 --force
      import again over a folder imported before (its articles are replaced)
"""

IMPOSE_EXAMPLES = """\
examples:
  bippdf impose build/2019-08-numero-06/BIP-06-2019-08-impression.pdf
      writes build/2019-08-numero-06/BIP-06-2019-08-livret.pdf: print it on both sides
      (flip on the short edge), fold the stack and staple it in the middle
"""

PROOF_EXAMPLES = """\
examples:
  bippdf proof build/2019-08-numero-06/BIP-06-2019-08-web.pdf
      render every page to build/proof/BIP-06-2019-08-web/page-001.png… and a contact sheet
  bippdf proof build/2019-08-numero-06/BIP-06-2019-08-web.pdf -o /tmp/proof-06 --dpi 200
      sharper pages, in another folder
  make proof
      build every issue and proof each PDF into build/proof/<issue folder>/
"""


def _command(
    commands: Any, name: str, *, run: Callable[[argparse.Namespace], int], **texts: str
) -> argparse.ArgumentParser:
    """A subcommand with its help, description and examples; ``--debug`` is accepted
    after its name too."""
    command: argparse.ArgumentParser = commands.add_parser(
        name, formatter_class=argparse.RawDescriptionHelpFormatter, **texts
    )
    command.set_defaults(run=run)
    command.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    return command


def _build_dir_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--build-dir",
        type=Path,
        default=Path("build"),
        metavar="DIR",
        help="folder for outputs (default: build)",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bippdf",
        description="Print-ready PDFs of the Bulletin d'information en prévention, from Markdown.",
        epilog="example: bippdf build issues/2019-08-numero-06",
    )
    parser.add_argument("--version", action="version", version=f"bippdf {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show the full traceback when something fails"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    build_cmd = _command(
        commands,
        "build",
        run=_build,
        help="build issues into PDFs",
        description="Build each ISSUE (a folder holding issue.toml, or a Markdown file) into "
        "a PDF, check it, and print one summary line per PDF.",
        epilog=BUILD_EXAMPLES,
    )
    build_cmd.add_argument(
        "issues",
        nargs="*",
        type=Path,
        metavar="ISSUE",
        help="issue folder, issue.toml or Markdown file",
    )
    build_cmd.add_argument(
        "--all", action="store_true", help="build every issue folder under issues/"
    )
    build_cmd.add_argument(
        "--no-cache",
        dest="cache",
        action="store_false",
        help="build even if nothing changed since the last build",
    )
    build_cmd.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="PDF",
        help="where to write the PDF (one ISSUE only); default build/<issue>/<BIP-NN-YYYY-MM>.pdf",
    )
    _build_dir_option(build_cmd)
    build_cmd.add_argument(
        "--html", type=Path, metavar="FILE", help="also write the composed HTML (one ISSUE only)"
    )
    build_cmd.add_argument(
        "--no-check",
        dest="check",
        action="store_false",
        help="write the PDF without checking it first",
    )
    build_cmd.add_argument(
        "--variant",
        choices=["print", "web", "all"],
        default="all",
        help="print: PDF/X-4 with bleed and crop marks, for the printer; web: tagged PDF/UA-1 "
        "for the website; all (default): both, and the cover image",
    )

    check_cmd = _command(
        commands,
        "check",
        run=_check,
        help="check a built PDF's pages, contents, notes, links and fonts",
        description="Read a PDF back and report every problem as one line naming the page: "
        "pages and folios, table of contents and bookmarks, notes and their links, links, "
        "fonts, text outside the text block, metadata.",
        epilog=CHECK_EXAMPLES,
    )
    check_cmd.add_argument("pdf", type=Path, metavar="PDF", help="the PDF to check")
    check_cmd.add_argument(
        "--issue",
        type=Path,
        metavar="ISSUE",
        help="the issue's sources, to compare headings, notes and metadata",
    )
    check_cmd.add_argument(
        "--json", action="store_true", help="print the report as JSON instead of lines"
    )
    check_cmd.add_argument(
        "--variant",
        choices=["print", "web"],
        help="check it as this variant (default: as the PDF shows itself: a bleed or a PDF/X "
        "output intent for print, a structure tree for web)",
    )

    new_cmd = _command(
        commands,
        "new",
        run=_new,
        help="start the next issue from the latest one",
        description="Make the folder of the next issue under issues/: the number follows "
        "the latest issue's, what belongs to the bulletin (title, publisher, ISSN, contact, "
        "coordination, rights) is carried over, and an example article shows every "
        "construct. Asks for the date and the theme when they are not given.",
        epilog=NEW_EXAMPLES,
    )
    new_cmd.add_argument("--date", metavar="YYYY-MM[-DD]", help="the issue's date")
    new_cmd.add_argument("--theme", metavar="TEXT", help="the issue's theme, for the cover")
    new_cmd.add_argument(
        "--number", type=int, metavar="N", help="its number (default: the latest one's + 1)"
    )
    new_cmd.add_argument(
        "--issues-dir",
        type=Path,
        default=Path("issues"),
        metavar="DIR",
        help="where the issues are (default: issues)",
    )

    watch_cmd = _command(
        commands,
        "watch",
        run=_watch,
        help="build an issue again each time one of its files is saved",
        description="Build ISSUE, then watch its folder and styles/ and build it again "
        "after every save. Errors are printed and watching goes on; the last good PDF "
        "stays in place. WeasyPrint, the fonts and the stylesheets are loaded once.",
        epilog=WATCH_EXAMPLES,
    )
    watch_cmd.add_argument(
        "issue", type=Path, metavar="ISSUE", help="issue folder, issue.toml or Markdown file"
    )
    watch_cmd.add_argument(
        "--variant",
        choices=["print", "web", "all"],
        default="all",
        help="which PDF to rebuild (default: all, with the cover image)",
    )
    _build_dir_option(watch_cmd)

    import_cmd = _command(
        commands,
        "import",
        run=_import,
        help="convert the text of an old printed bulletin into an issue folder",
        description="Read LEGACY, the text of a printed BIP as extracted from its PDF "
        "(static table of contents, <sup>N</sup> note calls, an Annexe of numbered notes), "
        "and write an issue folder in bippdf's format. What could not be settled is listed "
        "with its line in LEGACY, to finish by hand.",
        epilog=IMPORT_EXAMPLES,
    )
    import_cmd.add_argument("legacy", type=Path, metavar="LEGACY", help="the extracted text")
    import_cmd.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        metavar="DIR",
        help="the issue folder to write, e.g. issues/2019-02-numero-05 (new or empty)",
    )
    import_cmd.add_argument(
        "--force", action="store_true", help="replace the articles of a folder imported before"
    )

    proof_cmd = _command(
        commands,
        "proof",
        run=_proof,
        help="render a PDF's pages to PNG images and a contact sheet",
        description="Render every page of PDF to DIR/page-001.png… and lay them out as "
        "spreads on DIR/contact-sheet.png, to look the whole issue over at a glance.",
        epilog=PROOF_EXAMPLES,
    )
    proof_cmd.add_argument("pdf", type=Path, metavar="PDF", help="the PDF to render")
    proof_cmd.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="DIR",
        help="folder for the images, emptied of older pages (default: build/proof/<PDF name>)",
    )
    proof_cmd.add_argument(
        "--dpi", type=int, default=110, metavar="N", help="resolution of the pages (default: 110)"
    )
    impose_cmd = _command(
        commands,
        "impose",
        run=_impose,
        help="make a booklet of a print PDF: two pages a side on tabloid sheets",
        description="Put the pages of a print PDF two by two on 11 × 17 in landscape "
        "sides, in the order that, printed on both sides and folded, gives back the "
        "bulletin (saddle stitching on a desktop printer). Bleed and marks are trimmed.",
        epilog=IMPOSE_EXAMPLES,
    )
    impose_cmd.add_argument("pdf", type=Path, metavar="PDF", help="the print PDF")
    impose_cmd.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="PDF",
        help="where to write the booklet (default: beside it, <name>-livret.pdf)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        status: int = args.run(args)
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
        messages.error(
            f"erreur interne de bippdf : {type(exc).__name__}: {exc}",
            hint="relancez la commande avec --debug pour voir la trace, et signalez le problème",
        )
        return 3


def _build(args: argparse.Namespace) -> int:
    issues: list[Path] = list(args.issues)
    if args.all:
        issues += sorted(path.parent for path in Path("issues").glob("*/issue.toml"))
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
    if args.output and args.variant == "all":
        messages.error("-o écrit un seul PDF", hint="choisissez --variant print ou --variant web")
        return 2
    builds = build_issues(
        issues,
        variants=("print", "web") if args.variant == "all" else (args.variant,),
        cover=args.variant == "all",
        output=args.output,
        build_dir=args.build_dir,
        html_output=args.html,
        check=args.check,
        cache=args.cache,
        on_file=_progress,
    )
    failed = [build.error for build in builds if build.error is not None]
    if failed and (args.debug or len(builds) == 1):
        raise failed[0]
    for error in failed:
        messages.errors(error)
    return 1 if failed else 0


def _new(args: argparse.Namespace) -> int:
    from .scaffold import new_issue, parse_date

    date = args.date or _ask("Date du numéro (AAAA-MM ou AAAA-MM-JJ) : ", "--date")
    theme = args.theme or _ask("Thème du numéro : ", "--theme")
    made = new_issue(args.issues_dir, date=parse_date(date), theme=theme, number=args.number)
    origin = f", à partir de {made.previous}" if made.previous else ""
    messages.done(made.folder, f"numéro {made.number}{origin}")
    print(f"ensuite : modifiez {made.example}, puis lancez bippdf build {made.folder}")
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

    watcher = Watcher(
        args.issue,
        variants=("print", "web") if args.variant == "all" else (args.variant,),
        cover=args.variant == "all",
        build_dir=args.build_dir,
        on_file=_progress,
    )
    if not args.issue.exists():
        messages.error(
            "fichier ou dossier introuvable",
            location=str(args.issue),
            hint="donnez le dossier d'un numéro, son issue.toml ou un fichier .md",
        )
        return 2

    def report(done: IssueBuild) -> None:
        if done.error is not None:
            messages.errors(done.error)
        print(
            f"surveillance de {args.issue} et de styles/ : chaque enregistrement relance "
            "la production (Ctrl-C pour arrêter)",
            flush=True,
        )

    watcher.run(report)
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
    print(f"ensuite : bippdf build {report.folder}")
    return 0


def _progress(issue: Path, result: BuildResult) -> None:
    """A line as each file is written, after what its build had to say."""
    for warning in result.warnings:  # WeasyPrint's, in its own words
        messages.warning(f"WeasyPrint : {warning}", location=str(issue))
    for problem in result.check_warnings:  # said again when the file is up to date
        messages.warning(problem, location=str(result.output))
    messages.done(result.output, result.details())


def _check(args: argparse.Namespace) -> int:
    from .check import Expectations, check_pdf
    from .source import load_issue

    expected = None
    if args.issue is not None:
        from .compose import compose, expectations  # jinja2, babel, PIL: only with the sources

        expected = expectations(compose(load_issue(args.issue)), variant=args.variant)
    elif args.variant:
        expected = Expectations(variant=args.variant)
    report = check_pdf(args.pdf, expected)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        for problem in report.problems:
            print(f"{args.pdf}: {problem}")
        print(report.summary())
    return 0 if report.ok else 1


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
