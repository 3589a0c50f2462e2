"""The ``bippdf`` command: a thin layer over ``bippdf.build``.

Errors print one ``error: file:line: message`` line and exit non-zero; the
traceback is shown only with ``--debug``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .build import build
from .errors import BippdfError

BUILD_EXAMPLES = """\
examples:
  bippdf build issues/2019-08-numero-06
      build one issue into build/2019-08-numero-06/BIP-06-2019-08.pdf
  bippdf build issues/*/
      build every issue
  bippdf build notes.md -o notes.pdf
      build a single Markdown file as a one-article issue
"""


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

    build_cmd = commands.add_parser(
        "build",
        help="build issues into PDFs",
        description="Build each ISSUE (a folder holding issue.toml, or a Markdown file) into "
        "a PDF, verify it, and print one summary line per PDF.",
        epilog=BUILD_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    build_cmd.add_argument(
        "issues",
        nargs="+",
        type=Path,
        metavar="ISSUE",
        help="issue folder, issue.toml or Markdown file",
    )
    build_cmd.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="PDF",
        help="where to write the PDF (one ISSUE only); default build/<issue>/<BIP-NN-YYYY-MM>.pdf",
    )
    build_cmd.add_argument(
        "--build-dir",
        type=Path,
        default=Path("build"),
        metavar="DIR",
        help="folder for outputs (default: build)",
    )
    build_cmd.add_argument(
        "--html", type=Path, metavar="FILE", help="also write the composed HTML (one ISSUE only)"
    )
    build_cmd.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        return _build(args)
    except BippdfError as exc:
        if args.debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        if args.debug:
            raise
        print("error: interrupted; the previous PDF is untouched", file=sys.stderr)
        return 130


def _build(args: argparse.Namespace) -> int:
    if len(args.issues) > 1 and (args.output or args.html):
        print("error: -o and --html take a single ISSUE", file=sys.stderr)
        return 2
    failed = 0
    for issue in args.issues:
        try:
            result = build(issue, args.output, build_dir=args.build_dir, html_output=args.html)
        except BippdfError as exc:
            if args.debug or len(args.issues) == 1:
                raise
            print(f"error: {exc}", file=sys.stderr)
            failed += 1
            continue
        for warning in result.warnings:
            print(f"warning: {issue}: {warning}", file=sys.stderr)
        print(
            f"{result.output}: {result.pages} pages, {result.notes} notes, {result.seconds:.1f} s"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
