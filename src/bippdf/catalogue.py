"""The French of bippdf's command line that no single fault carries: argparse's own
sentences, the check report's summary, what ``watch`` says, the warnings of the sources.

argparse writes its usage, its section titles and its errors in English through
``gettext``; ``ARGPARSE`` gives each of those sentences in French, and
``arguments.FrenchParser`` reads them from here while it writes. A test reads every
string of this module, every command's help and every message of ``check/`` for an
English word, so a sentence added in English anywhere an editor reads it fails.
"""

from __future__ import annotations

# argparse's sentences (Python 3.11 to 3.13), by their English text as gettext looks
# them up; an English sentence missing here is printed as it is, which the test catches.
ARGPARSE = {
    "usage: ": "utilisation : ",
    # argparse puts a colon straight after a section's title; French wants a space first.
    "positional arguments": "arguments ",
    "options": "options ",
    "optional arguments": "options ",
    "show this help message and exit": "affiche cette aide, puis s'arrête",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
    "unrecognized arguments: %s": "arguments inconnus : %s",
    "not allowed with argument %s": "incompatible avec l'argument %s",
    "ignored explicit argument %r": "valeur en trop ignorée : %r",
    "the following arguments are required: %s": "il manque : %s",
    "one of the arguments %s is required": "l'un des arguments %s est obligatoire",
    "expected one argument": "une valeur attendue",
    "expected at most one argument": "une valeur au plus attendue",
    "expected at least one argument": "au moins une valeur attendue",
    "expected %s argument": "%s valeur attendue",
    "expected %s arguments": "%s valeurs attendues",
    "ambiguous option: %(option)s could match %(matches)s": (
        "option ambiguë : %(option)s peut désigner %(matches)s"
    ),
    "unexpected option string: %s": "option inattendue : %s",
    "invalid %(type)s value: %(value)r": "valeur invalide (%(type)s attendu) : %(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "choix invalide : %(value)r (au choix : %(choices)s)"
    ),
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "commande inconnue : %(parser_name)r (au choix : %(choices)s)"
    ),
    "can't open '%(filename)s': %(error)s": "impossible d'ouvrir « %(filename)s » : %(error)s",
    "%r is not callable": "%r n'est pas appelable",
}

VERSION_HELP = "affiche la version de bippdf, puis s'arrête"
DEBUG_HELP = "affiche la trace complète quand quelque chose échoue"

# The check report's summary line; a check's name stays English in the JSON report.
CHECK_NAMES = {
    "pages": "pages",
    "contents": "sommaire",
    "notes": "notes",
    "links": "liens",
    "fonts": "polices",
    "overflow": "débordements",
    "layout": "mise en page",
    "fill": "remplissage",
    "lines": "lignes",
    "metadata": "métadonnées",
    "print": "impression",
    "web": "web",
}
CHECKS_HOLD = "{pages} pages, {checks}, toutes tenues"
CHECKS_FAIL = "{pages} pages, {checks}, {problems} dans {failed}"

# ``watch``.
WATCHING = (
    "surveillance de {issue} et de styles/ : chaque enregistrement relance la production "
    "(Ctrl-C pour arrêter)"
)
WATCH_STOPPED = "surveillance arrêtée (Ctrl-C)"
WATCH_DRAFT = (
    "brouillon : les PDF ne sont ni vérifiés ni compressés à chaque reproduction (ils "
    "sont plusieurs fois plus lourds) ; make pdf produit les fichiers définitifs, "
    "compressés et vérifiés"
)


def argparse_text(message: str) -> str:
    """argparse's sentence in French (as gettext would give it); unknown ones as they are."""
    return ARGPARSE.get(message, message)


def argparse_plural(singular: str, plural: str, number: int) -> str:
    """argparse's sentence with a number, in French (as ngettext would give it)."""
    return argparse_text(singular if number < 2 else plural)


# After a build, when WeasyPrint subsets the fonts with fontTools.
NO_HARFBUZZ_SUBSET = (
    "les polices ont été découpées par fontTools, faute du découpeur de HarfBuzz : "
    "installez libharfbuzz-subset0 (Debian, Ubuntu) pour produire plus vite"
)
