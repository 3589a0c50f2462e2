"""The arguments of the ``bippdf`` command: each subcommand's options, help and examples,
all in French, argparse's own sentences included (``catalogue.ARGPARSE``)."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .catalogue import DEBUG_HELP, VERSION_HELP, argparse_plural, argparse_text
from .variants import CHOICES, VARIANTS

BUILD_EXAMPLES = """\
exemples :
  bippdf build issues/2019-08-numero-06
      produit un numéro dans build/2019-08-numero-06/ : BIP-06-2019-08-impression.pdf
      (pour l'imprimeur), BIP-06-2019-08-web.pdf (pour le site), BIP-06-2019-08-couverture.png
  bippdf build --all
      produit tous les numéros de issues/, côte à côte sur les cœurs de la machine ; un
      numéro dont ni les sources, ni les styles, ni les options n'ont changé est sauté
  bippdf build issues/2019-08-numero-06 --no-cache
      le produit de nouveau, même si rien n'a changé
  bippdf build issues/2019-08-numero-06 --variant web -o autre/bip6.pdf
      le PDF web seul, écrit ailleurs (-o demande --variant print ou --variant web)
  bippdf build notes.md --variant print -o notes.pdf
      un seul fichier Markdown, produit comme un numéro d'un article
"""

CHECK_EXAMPLES = """\
exemples :
  bippdf check build/2019-08-numero-06/BIP-06-2019-08-impression.pdf
      vérifie un PDF produit, seul
  bippdf check build/2019-08-numero-06/BIP-06-2019-08-impression.pdf \\
         --issue issues/2019-08-numero-06
      le compare aussi aux sources du numéro (intertitres, notes, métadonnées), et nomme
      l'article et la ligne de chaque problème
  bippdf check build/2019-08-numero-06/BIP-06-2019-08-web.pdf --json > rapport.json
      un rapport lisible par une machine, pour l'intégration continue
      (docs/check-report.schema.json)

code de sortie : 0 quand tout tient, 1 quand une vérification échoue, 2 quand le fichier
est illisible
"""

NEW_EXAMPLES = """\
exemples :
  bippdf new --date 2026-12 --theme "La prévention auprès des aînés"
      commence le numéro qui suit le dernier de issues/ : issues/2026-12-numero-07/, son
      issue.toml (titre, éditeur, ISSN, contact, coordination repris) et
      articles/01-exemple.md, un article qui montre chaque construction et se produit tel quel
  bippdf new
      la même chose, en demandant la date et le thème
"""

WATCH_EXAMPLES = """\
exemples :
  bippdf watch issues/2019-08-numero-06
      produit le numéro, puis le produit de nouveau à chaque enregistrement d'un fichier
      du numéro ou de styles/ ; gardez build/2019-08-numero-06/BIP-06-2019-08-web.pdf
      ouvert dans un lecteur qui le recharge. Ctrl-C arrête.
  bippdf watch issues/2019-08-numero-06 --variant web
      le PDF web seul : chaque reproduction prend deux fois moins de temps
  bippdf watch issues/2019-08-numero-06 --variant web --draft
      en brouillon : le PDF n'est ni vérifié ni compressé à chaque enregistrement (plus
      rapide) ; make pdf produit ensuite les fichiers définitifs, compressés et vérifiés
"""

IMPORT_EXAMPLES = """\
exemples :
  bippdf import bip-05-2019-02.txt -o issues/2019-02-numero-05
      convertit le texte d'un ancien BIP imprimé (extrait de son PDF) en dossier de
      numéro : issue.toml et un fichier Markdown par article, les notes rattachées à leur
      article ; ensuite : bippdf build issues/2019-02-numero-05
  bippdf import bip-05-2019-02.txt -o issues/2019-02-numero-05 --force
      importe de nouveau dans un dossier déjà importé (ses articles sont remplacés)
"""

IMPOSE_EXAMPLES = """\
exemples :
  bippdf impose build/2019-08-numero-06/BIP-06-2019-08-impression.pdf
      écrit build/2019-08-numero-06/BIP-06-2019-08-livret.pdf : imprimez-le recto verso
      (retournement sur le petit côté), pliez la pile et agrafez-la au milieu
"""

PROOF_EXAMPLES = """\
exemples :
  bippdf proof build/2019-08-numero-06/BIP-06-2019-08-web.pdf
      rend chaque page en build/proof/BIP-06-2019-08-web/page-001.png… et une planche contact
  bippdf proof build/2019-08-numero-06/BIP-06-2019-08-web.pdf -o epreuves-06 --dpi 200
      des pages plus nettes, dans un autre dossier
  make proof
      produit chaque numéro et les épreuves de chaque PDF dans build/proof/<dossier du numéro>/
"""


@contextlib.contextmanager
def _in_french() -> Iterator[None]:
    """argparse's own sentences taken from the catalogue while it writes or parses."""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = argparse_text, argparse_plural  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


def _columns() -> int:
    """The terminal's width as ``shutil.get_terminal_size`` reads it: ``$COLUMNS``, else
    the standard output's terminal, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    stdout = sys.__stdout__  # (None without one)
    if columns <= 0 and stdout is not None:
        try:
            columns = os.get_terminal_size(stdout.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


class _Formatter(argparse.HelpFormatter):
    """argparse's help, as wide as the terminal, without importing ``shutil`` to read its
    width: argparse makes a formatter for each argument added, and the first imports
    ``shutil`` (with zlib, bz2 and lzma), a thirtieth of a build found up to date."""

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        # Less 2, as argparse does with the width it reads.
        width = _columns() - 2 if width is None else width
        super().__init__(prog, indent_increment, max_help_position, width)


class _RawFormatter(_Formatter, argparse.RawDescriptionHelpFormatter):
    """The same, with descriptions and examples as written (line for line)."""


class FrenchParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose usage, section titles and errors are in French; its
    subcommands' parsers are of this class too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        with _in_french():
            super().__init__(*args, **kwargs)

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: Any = None
    ) -> argparse.Namespace:
        with _in_french():
            parsed: argparse.Namespace = super().parse_args(args, namespace)
            return parsed

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: Any = None
    ) -> tuple[argparse.Namespace, list[str]]:
        with _in_french():
            return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        with _in_french():
            return super().format_usage()

    def format_help(self) -> str:
        with _in_french():
            return super().format_help()

    def error(self, message: str) -> Any:
        with _in_french():
            super().error(message)


def whole_number(text: str) -> int:
    """An option's whole number; argparse names the type in its error by this name."""
    return int(text)


whole_number.__name__ = "nombre entier"


def _command(commands: Any, name: str, **texts: str) -> argparse.ArgumentParser:
    """A subcommand with its help, description and examples; ``--debug`` is accepted
    after its name too."""
    command: argparse.ArgumentParser = commands.add_parser(
        name, formatter_class=_RawFormatter, **texts
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
        metavar="DOSSIER",
        help="dossier des fichiers produits (par défaut : build)",
    )


def parser() -> argparse.ArgumentParser:
    """The command line: ``bippdf COMMANDE …``; the chosen command is ``args.command``."""
    parser = FrenchParser(
        prog="bippdf",
        description="Les PDF du Bulletin d'information en prévention, à partir de Markdown.",
        epilog="exemple : bippdf build issues/2019-08-numero-06",
    )
    parser.add_argument(
        "--version", action="version", version=f"bippdf {__version__}", help=VERSION_HELP
    )
    parser.add_argument("--debug", action="store_true", help=DEBUG_HELP)
    commands = parser.add_subparsers(dest="command", metavar="COMMANDE")
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
        help="produire les PDF de numéros",
        description="Produit chaque NUMÉRO (un dossier qui contient issue.toml, ou un fichier "
        "Markdown) en PDF, le vérifie, et écrit une ligne par fichier produit.",
        epilog=BUILD_EXAMPLES,
    )
    build_cmd.add_argument(
        "issues",
        nargs="*",
        type=Path,
        metavar="NUMÉRO",
        help="dossier d'un numéro, son issue.toml ou un fichier Markdown",
    )
    build_cmd.add_argument(
        "--all", action="store_true", help="produire tous les numéros du dossier issues/"
    )
    build_cmd.add_argument(
        "--no-cache",
        dest="cache",
        action="store_false",
        help="produire même si rien n'a changé depuis la dernière fois",
    )
    _output_option(
        build_cmd,
        "PDF",
        "où écrire le PDF : un seul NUMÉRO, et --variant print ou --variant web ; par défaut "
        "build/<dossier du numéro>/BIP-<NN>-<AAAA>-<MM>-impression.pdf (ou -web.pdf)",
    )
    _build_dir_option(build_cmd)
    build_cmd.add_argument(
        "--html",
        type=Path,
        metavar="FICHIER",
        help="écrire aussi le HTML composé (un seul NUMÉRO)",
    )
    build_cmd.add_argument(
        "--no-check",
        dest="check",
        action="store_false",
        help="écrire le PDF sans le vérifier d'abord",
    )
    build_cmd.add_argument(
        "--variant",
        choices=CHOICES,
        default="all",
        help="print : PDF/X-4 avec fond perdu et traits de coupe, pour l'imprimeur ; web : "
        "PDF/UA-1 balisé, pour le site ; html : l'édition en ligne, un dossier à copier sur le "
        "site ; all (par défaut) : les deux PDF, l'image de couverture et l'édition en ligne",
    )


def _check_command(commands: Any) -> None:
    """``bippdf check``: its arguments, help and examples."""
    check_cmd = _command(
        commands,
        "check",
        help="vérifier un PDF produit : pages, sommaire, notes, liens, polices",
        description="Relit un PDF et écrit chaque problème sur une ligne qui nomme la page "
        "(et, avec --issue, l'article et la ligne) : pages et folios, sommaire et signets, "
        "notes et leurs liens, liens, polices, texte hors de la zone de texte, métadonnées.",
        epilog=CHECK_EXAMPLES,
    )
    check_cmd.add_argument(
        "pdf",
        type=Path,
        metavar="PDF",
        help="le PDF à vérifier, ou le dossier de l'édition en ligne (ou son index.html)",
    )
    check_cmd.add_argument(
        "--issue",
        type=Path,
        metavar="NUMÉRO",
        help="les sources du numéro, pour comparer intertitres, notes et métadonnées",
    )
    check_cmd.add_argument(
        "--json", action="store_true", help="écrire le rapport en JSON plutôt qu'en lignes"
    )
    check_cmd.add_argument(
        "--variant",
        choices=list(VARIANTS),
        help="le vérifier comme cette variante (par défaut : comme le PDF se présente : un "
        "fond perdu ou une intention de sortie PDF/X pour print, une arborescence de "
        "balises pour web)",
    )


def _new_command(commands: Any) -> None:
    """``bippdf new``: its arguments, help and examples."""
    new_cmd = _command(
        commands,
        "new",
        help="commencer le numéro suivant à partir du dernier",
        description="Crée le dossier du numéro suivant dans issues/ : son numéro suit celui "
        "du dernier, ce qui appartient au bulletin (titre, éditeur, ISSN, contact, "
        "coordination, droits) est repris, et un article d'exemple montre chaque "
        "construction. Demande la date et le thème s'ils ne sont pas donnés.",
        epilog=NEW_EXAMPLES,
    )
    new_cmd.add_argument("--date", metavar="AAAA-MM[-JJ]", help="la date du numéro")
    new_cmd.add_argument("--theme", metavar="TEXTE", help="le thème du numéro, pour la couverture")
    new_cmd.add_argument(
        "--number",
        type=whole_number,
        metavar="N",
        help="son numéro (par défaut : celui du dernier + 1)",
    )
    new_cmd.add_argument(
        "--issues-dir",
        type=Path,
        default=Path("issues"),
        metavar="DOSSIER",
        help="où sont les numéros (par défaut : issues)",
    )


def _watch_command(commands: Any) -> None:
    """``bippdf watch``: its arguments, help and examples."""
    watch_cmd = _command(
        commands,
        "watch",
        help="produire un numéro de nouveau à chaque enregistrement d'un de ses fichiers",
        description="Produit NUMÉRO, puis surveille son dossier et styles/ et le produit de "
        "nouveau après chaque enregistrement. Les erreurs sont écrites et la surveillance "
        "continue ; le dernier bon PDF reste en place. WeasyPrint, les polices et les "
        "feuilles de style ne sont chargés qu'une fois.",
        epilog=WATCH_EXAMPLES,
    )
    watch_cmd.add_argument(
        "issue",
        type=Path,
        metavar="NUMÉRO",
        help="dossier d'un numéro, son issue.toml ou un fichier Markdown",
    )
    watch_cmd.add_argument(
        "--variant",
        choices=CHOICES,
        default="all",
        help="quoi reproduire (par défaut : all, les deux PDF, l'image de couverture et "
        "l'édition en ligne; html : l'édition en ligne seule, sans mise en pages)",
    )
    watch_cmd.add_argument(
        "--draft",
        action="store_true",
        help="brouillon : ne pas vérifier (bippdf check) ni compresser les PDF à chaque "
        "reproduction, pour aller plus vite ; les fichiers définitifs sont ceux de make pdf, "
        "qui les compresse et les vérifie",
    )
    _build_dir_option(watch_cmd)


def _import_command(commands: Any) -> None:
    """``bippdf import``: its arguments, help and examples."""
    import_cmd = _command(
        commands,
        "import",
        help="convertir le texte d'un ancien bulletin imprimé en dossier de numéro",
        description="Lit ANCIEN, le texte d'un BIP imprimé tel qu'extrait de son PDF "
        "(sommaire statique, appels de note <sup>N</sup>, une Annexe de notes numérotées), "
        "et écrit un dossier de numéro au format de bippdf. Ce qui n'a pu être réglé est "
        "listé avec sa ligne dans ANCIEN, à finir à la main.",
        epilog=IMPORT_EXAMPLES,
    )
    import_cmd.add_argument("legacy", type=Path, metavar="ANCIEN", help="le texte extrait")
    _output_option(
        import_cmd,
        "DOSSIER",
        "le dossier du numéro à écrire, p. ex. issues/2019-02-numero-05 (nouveau ou vide)",
        required=True,
    )
    import_cmd.add_argument(
        "--force",
        action="store_true",
        help="remplacer les articles d'un dossier déjà importé",
    )


def _proof_command(commands: Any) -> None:
    """``bippdf proof``: its arguments, help and examples."""
    proof_cmd = _command(
        commands,
        "proof",
        help="rendre les pages d'un PDF en images PNG et en planche contact",
        description="Rend chaque page de PDF en DOSSIER/page-001.png… et les dispose en "
        "doubles pages sur DOSSIER/contact-sheet.png, pour voir tout le numéro d'un coup "
        "d'œil.",
        epilog=PROOF_EXAMPLES,
    )
    proof_cmd.add_argument("pdf", type=Path, metavar="PDF", help="le PDF à rendre")
    _output_option(
        proof_cmd,
        "DOSSIER",
        "dossier des images, vidé des pages plus anciennes (par défaut : build/proof/<nom du PDF>)",
    )
    proof_cmd.add_argument(
        "--dpi",
        type=whole_number,
        default=110,
        metavar="N",
        help="résolution des pages (par défaut : 110)",
    )


def _impose_command(commands: Any) -> None:
    """``bippdf impose``: its arguments, help and examples."""
    impose_cmd = _command(
        commands,
        "impose",
        help="faire un livret d'un PDF d'impression : deux pages par face sur du tabloïd",
        description="Place les pages d'un PDF d'impression deux par deux sur des faces "
        "11 × 17 po à l'italienne, dans l'ordre qui, imprimé recto verso et plié, redonne "
        "le bulletin (piqûre à cheval sur une imprimante de bureau). Fond perdu et repères "
        "sont rognés.",
        epilog=IMPOSE_EXAMPLES,
    )
    impose_cmd.add_argument("pdf", type=Path, metavar="PDF", help="le PDF d'impression")
    _output_option(
        impose_cmd,
        "PDF",
        "où écrire le livret (par défaut : à côté, <nom>-livret.pdf)",
    )
