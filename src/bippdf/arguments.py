"""The arguments of the ``bippdf`` command: each subcommand's options, help and examples.

The help stays in English; what the commands print is French (``bippdf.messages``).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from . import __version__
from .variants import CHOICES, VARIANTS

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


def _command(commands: Any, name: str, **texts: str) -> argparse.ArgumentParser:
    """A subcommand with its help, description and examples; ``--debug`` is accepted
    after its name too."""
    command: argparse.ArgumentParser = commands.add_parser(
        name, formatter_class=argparse.RawDescriptionHelpFormatter, **texts
    )
    command.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    return command


def _output_option(
    command: argparse.ArgumentParser, metavar: str, help: str, *, required: bool = False
) -> None:
    """``-o``/``--output``: where the command writes what it makes."""
    command.add_argument("-o", "--output", type=Path, metavar=metavar, required=required, help=help)


def _build_dir_option(command: argparse.ArgumentParser) -> None:
    """``--build-dir``, shared by build and watch."""
    command.add_argument(
        "--build-dir",
        type=Path,
        default=Path("build"),
        metavar="DIR",
        help="folder for outputs (default: build)",
    )


def parser() -> argparse.ArgumentParser:
    """The command line: ``bippdf COMMAND …``; the chosen command is ``args.command``."""
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
    _build_command(commands)
    _check_command(commands)
    _new_command(commands)
    _watch_command(commands)
    _import_command(commands)
    _proof_command(commands)
    _impose_command(commands)
    return parser


def _build_command(commands: Any) -> None:
    """``bippdf build``: its arguments, help and examples."""
    build_cmd = _command(
        commands,
        "build",
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
    _output_option(
        build_cmd,
        "PDF",
        "where to write the PDF (one ISSUE only); default build/<issue>/<BIP-NN-YYYY-MM>.pdf",
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
        choices=CHOICES,
        default="all",
        help="print: PDF/X-4 with bleed and crop marks, for the printer; web: tagged PDF/UA-1 "
        "for the website; all (default): both, and the cover image",
    )


def _check_command(commands: Any) -> None:
    """``bippdf check``: its arguments, help and examples."""
    check_cmd = _command(
        commands,
        "check",
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
        choices=list(VARIANTS),
        help="check it as this variant (default: as the PDF shows itself: a bleed or a PDF/X "
        "output intent for print, a structure tree for web)",
    )


def _new_command(commands: Any) -> None:
    """``bippdf new``: its arguments, help and examples."""
    new_cmd = _command(
        commands,
        "new",
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


def _watch_command(commands: Any) -> None:
    """``bippdf watch``: its arguments, help and examples."""
    watch_cmd = _command(
        commands,
        "watch",
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
        choices=CHOICES,
        default="all",
        help="which PDF to rebuild (default: all, with the cover image)",
    )
    _build_dir_option(watch_cmd)


def _import_command(commands: Any) -> None:
    """``bippdf import``: its arguments, help and examples."""
    import_cmd = _command(
        commands,
        "import",
        help="convert the text of an old printed bulletin into an issue folder",
        description="Read LEGACY, the text of a printed BIP as extracted from its PDF "
        "(static table of contents, <sup>N</sup> note calls, an Annexe of numbered notes), "
        "and write an issue folder in bippdf's format. What could not be settled is listed "
        "with its line in LEGACY, to finish by hand.",
        epilog=IMPORT_EXAMPLES,
    )
    import_cmd.add_argument("legacy", type=Path, metavar="LEGACY", help="the extracted text")
    _output_option(
        import_cmd,
        "DIR",
        "the issue folder to write, e.g. issues/2019-02-numero-05 (new or empty)",
        required=True,
    )
    import_cmd.add_argument(
        "--force", action="store_true", help="replace the articles of a folder imported before"
    )


def _proof_command(commands: Any) -> None:
    """``bippdf proof``: its arguments, help and examples."""
    proof_cmd = _command(
        commands,
        "proof",
        help="render a PDF's pages to PNG images and a contact sheet",
        description="Render every page of PDF to DIR/page-001.png… and lay them out as "
        "spreads on DIR/contact-sheet.png, to look the whole issue over at a glance.",
        epilog=PROOF_EXAMPLES,
    )
    proof_cmd.add_argument("pdf", type=Path, metavar="PDF", help="the PDF to render")
    _output_option(
        proof_cmd,
        "DIR",
        "folder for the images, emptied of older pages (default: build/proof/<PDF name>)",
    )
    proof_cmd.add_argument(
        "--dpi", type=int, default=110, metavar="N", help="resolution of the pages (default: 110)"
    )


def _impose_command(commands: Any) -> None:
    """``bippdf impose``: its arguments, help and examples."""
    impose_cmd = _command(
        commands,
        "impose",
        help="make a booklet of a print PDF: two pages a side on tabloid sheets",
        description="Put the pages of a print PDF two by two on 11 × 17 in landscape "
        "sides, in the order that, printed on both sides and folded, gives back the "
        "bulletin (saddle stitching on a desktop printer). Bleed and marks are trimmed.",
        epilog=IMPOSE_EXAMPLES,
    )
    impose_cmd.add_argument("pdf", type=Path, metavar="PDF", help="the print PDF")
    _output_option(
        impose_cmd, "PDF", "where to write the booklet (default: beside it, <name>-livret.pdf)"
    )
