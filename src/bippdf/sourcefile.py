"""The source files of an issue, read and written in one place: ``issue.toml`` and the
article files (TOML front matter between ``+++`` lines, then Markdown).

Reading gives the text with the SHA-256 of the very bytes read, the TOML's keys checked
against a schema, or an error in French with the file and line. Writing lays the keys
out the same way whoever writes them (``bippdf new``, ``bippdf import``) and goes
through ``files.write_file``: a failure never leaves half a file, and the previous one
stays as it was.
"""

from __future__ import annotations

import ast
import datetime as dt
import difflib
import hashlib
import json
import re
import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from .dates import repair_toml
from .errors import SourceError
from .files import MAX_SOURCE_BYTES, Unreadable, read_regular, write_file
from .resources import ISSUE_FILE as ISSUE_FILE


class Byline(Protocol):
    """What an article file says of one author (``source.Author`` is one)."""

    @property
    def name(self) -> str: ...
    @property
    def role(self) -> str | None: ...
    @property
    def affiliation(self) -> str | None: ...
    @property
    def collaboration(self) -> bool: ...


FRONT_MATTER_FENCE = "+++"
_ENCODING_HINT = "enregistrez le fichier en UTF-8 dans votre éditeur"

# issue.toml: its keys in this order, in three groups, each under its comment; a key
# no group names goes with the bulletin's.
_ISSUE_KEYS = "# Le numéro : ce qui change d'un numéro à l'autre est en tête."
_ISSUE_GROUP = ("number", "date", "theme", "keywords", "cover_image", "cover_image_alt")
_ARTICLES_NOTE = "# Les articles, dans l'ordre du bulletin (fichiers du dossier articles/)."
BULLETIN_CARRIED = "# Le bulletin : repris du numéro précédent."
# The bulletin's keys that the next issue keeps as they are (``bippdf new``).
CARRIED = (
    "title",
    "short_title",
    "language",
    "publisher",
    "coordination",
    "issn",
    "rights",
    "punctuation_space",
    "notes",
)
_BULLETIN_GROUP = (*CARRIED, "legal_deposit_year", "copyright")
_KEY_NOTES = {"keywords": 'mots-clés du PDF, par exemple ["prévention", "jeunes"]'}


def read_source(
    path: Path, *, read_hint: str | None = None, encoding_hint: str = _ENCODING_HINT
) -> tuple[str, str]:
    """A source file as text, with a clear error when it is not UTF-8, and the SHA-256 of
    the very bytes read: a file saved again during the build is then seen as changed by the
    next one."""
    try:
        data = read_regular(path, MAX_SOURCE_BYTES)
    except Unreadable as exc:
        raise SourceError(
            f"impossible de lire le fichier : {exc}",
            path=path,
            hint=read_hint or "un numéro se compose de fichiers texte ordinaires",
        ) from None
    except OSError as exc:
        raise SourceError(
            f"impossible de lire le fichier : {exc.strerror}", path=path, hint=read_hint
        ) from None
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
        text = text.replace("\r\n", "\n").replace("\r", "\n")  # files saved on Windows
        return source_text(text, path), hashlib.sha256(data).hexdigest()
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SourceError(
            f"le fichier n'est pas en UTF-8 (octet {exc.start} : 0x{data[exc.start]:02x})",
            path=path,
            line=line,
            hint=encoding_hint,
        ) from None


# Characters that show nothing and change nothing on a printed page, pasted with a text:
# taken out. (A zero-width joiner only joins emoji, which the fonts do not have.)
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
# The other invisible format characters (Unicode's Cf, but the soft hyphen, a hyphenation
# point): bidirectional controls reorder what is shown, the rest have no use in French.
_FORMAT = re.compile(
    "[\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200e\u200f"
    "\u202a-\u202e\u2061-\u2064\u2066-\u206f\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f]"
)


def source_text(text: str, path: Path) -> str:
    """A source's text as bippdf reads it: in NFC (macOS writes é as e and U+0301, which
    the fonts and the check would see as two characters), without zero-width characters,
    and refused where an invisible control character stands."""
    text = unicodedata.normalize("NFC", text).translate(_ZERO_WIDTH)
    if (found := _FORMAT.search(text)) is not None:
        char = found.group()
        line = text.count("\n", 0, found.start()) + 1
        column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
        raise SourceError(
            f"caractère invisible U+{ord(char):04X} "
            f"({unicodedata.name(char, 'contrôle de format')}) dans le texte",
            path=path,
            line=line,
            column=column,
            hint="supprimez-le : il change l'ordre ou l'aspect du texte sans se voir "
            "(effacez et retapez les caractères autour)",
        )
    return text


_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)")


_TOML_END = " (at end of document)"


# tomllib's messages, in French; one it does not list is shown as tomllib words it.
_TOML_MESSAGES = {
    "Invalid value": "valeur non valide",
    "Invalid statement": "ligne non valide",
    "Cannot overwrite a value": "cette clé a déjà une valeur : est-elle écrite deux fois?",
    "Expected '=' after a key in a key/value pair": "il manque « = » après le nom de la clé",
    "Expected newline or end of document after a statement": (
        "la ligne continue après sa valeur : des guillemets manquent-ils?"
    ),
    "Invalid initial character for a key part": "caractère non valide au début d'un nom de clé",
    "Unclosed array": "liste jamais fermée par « ] »",
    "Unclosed inline table": "table jamais fermée par « } »",
    "Unterminated string": "texte jamais fermé par ses guillemets",
    "Invalid date or datetime": "date non valide",
    "Invalid hex value": "code hexadécimal non valide",
    "Unescaped '\\' in a string": "« \\ » seul dans un texte : écrivez « \\\\ »",
    "Escaped character is not a Unicode scalar value": "caractère échappé non valide",
    "Expected ']' at the end of a table declaration": "il manque « ] » au nom de la table",
    "Expected ']]' at the end of an array declaration": "il manque « ]] » au nom de la table",
}


_TOML_PATTERNS = [
    (re.compile(r"Illegal character '\\n'"), "texte jamais fermé par ses guillemets sur sa ligne"),
    (re.compile(r"Cannot declare (.+) twice"), "la table {} est déclarée deux fois"),
    (re.compile(r"Cannot (?:mutate immutable|redefine) namespace (.+)"), "la table {} existe déjà"),
    (re.compile(r"Duplicate inline table key (.+)"), "la clé {} est écrite deux fois"),
    (re.compile(r"(?:Found invalid|Illegal) character (.+)"), "caractère non valide : {}"),
    (re.compile(r"Expected (.+)"), "il manque {}"),
]


def _toml_message(message: str) -> str:
    """tomllib's English message in French."""
    if message in _TOML_MESSAGES:
        return _TOML_MESSAGES[message]
    for pattern, french in _TOML_PATTERNS:
        if match := pattern.fullmatch(message):
            return french.format(*(_toml_token(group) for group in match.groups()))
    return message


def _toml_token(text: str) -> str:
    """What tomllib writes as a Python repr (a key as a tuple, a character in quotes),
    as an editor would read it: « contact.email », « ' », U+0001."""
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text
    if isinstance(value, tuple):
        value = ".".join(str(part) for part in value)
    if not isinstance(value, str):
        return text
    if value.isprintable():
        return f"« {value} »"
    return " ".join(f"U+{ord(char):04X}" for char in value)


def parse_toml(text: str, path: Path, line_offset: int) -> dict[str, Any]:
    """Parse TOML, turning tomllib's message into one with our file and line."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _TOML_POSITION.search(message)
        line = column = None
        if match:
            # A date TOML cannot read (2026-12, 2026/12/01) is read as text, to be told
            # what to write instead, or taken if it is a month.
            repaired = repair_toml(text, int(match.group(1)))
            if repaired is not None:
                return parse_toml(repaired, path, line_offset)
            line, column = int(match.group(1)) + line_offset, int(match.group(2))
            message = _TOML_POSITION.sub("", message)
        elif message.endswith(_TOML_END):  # the fault shows at the last line
            line = text.rstrip("\n").count("\n") + 1 + line_offset
            message = message.removesuffix(_TOML_END)
        raise SourceError(
            f"TOML non valide : {_toml_message(message)}",
            path=path,
            line=line,
            column=column,
            hint='les textes s\'écrivent entre "guillemets"; voir docs/format.md',
        ) from None


def toml_value(value: object) -> str:
    """A value written in TOML: JSON's string escapes are TOML's basic-string escapes."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | dt.date):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


_TYPE_NAMES = {
    str: 'un texte entre "guillemets"',
    int: "un nombre entier",
    bool: "true ou false",
    list: "une liste",
    dict: "une table",
    dt.date: "une date (AAAA-MM-JJ)",
}


def validate(
    data: dict[str, Any],
    schema: dict[str, tuple[type | tuple[type, ...], bool]],
    path: Path,
    text: str,
    line_offset: int,
    *,
    table: str | None = None,
    occurrence: int = 0,
) -> None:
    """Check keys against a schema: unknown keys, missing required ones, wrong types."""
    where = f" dans [{table}]" if table else ""
    for key, value in data.items():
        if key not in schema:
            close = difflib.get_close_matches(key, list(schema), n=1)
            hint = (
                f"vouliez-vous écrire « {close[0]} »?"
                if close
                else "clés connues : " + ", ".join(schema)
            )
            raise SourceError(
                f"clé inconnue « {key} »{where}",
                path=path,
                line=_offset(key_line(text, key, occurrence), line_offset),
                hint=hint,
            )
        expected, _ = schema[key]
        # bool is an int in Python, and a datetime a date: refuse both where they do not belong.
        wrong = (
            not isinstance(value, expected)
            or (expected is int and isinstance(value, bool))
            or (expected is dt.date and isinstance(value, dt.datetime))
        )
        if wrong:
            name = _TYPE_NAMES.get(expected, str(expected)) if isinstance(expected, type) else ""
            raise SourceError(
                f"« {key} »{where} doit être {name}",
                path=path,
                line=_offset(key_line(text, key, occurrence), line_offset),
            )
    for key, (_, required) in schema.items():
        if required and key not in data:
            raise SourceError(
                f"la clé obligatoire « {key} » manque{where}",
                path=path,
                line=1 + line_offset if line_offset else None,
                hint=f"ajoutez une ligne {key} = … au fichier",
            )


def _offset(line: int | None, offset: int) -> int | None:
    """A line of a front matter as a line of its file."""
    return None if line is None else line + offset


def key_line(text: str, key: str, occurrence: int = 0) -> int | None:
    """The line where ``key =`` is written (its n-th time), for error messages."""
    # Blanks of one line only: \s would run on over every blank line that follows, from
    # each of them (quadratic in a run of blank lines).
    pattern = re.compile(rf"^[ \t]*(?:\"{re.escape(key)}\"|{re.escape(key)})[ \t]*=", re.M)
    matches = list(pattern.finditer(text))
    if not matches:
        return None
    match = matches[min(occurrence, len(matches) - 1)]
    return text.count("\n", 0, match.start()) + 1


def value_line(text: str, value: str, occurrence: int = 0) -> int | None:
    """The line where a quoted value is written (its n-th time), for error messages."""
    index = -1
    for _ in range(occurrence + 1):
        index = text.find(f'"{value}"', index + 1)
        if index < 0:
            return None
    return text.count("\n", 0, index) + 1


def split_front_matter(text: str, path: Path) -> tuple[str | None, int]:
    """An article's front matter (None without one) and the index of its body's first line."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != FRONT_MATTER_FENCE:
        return None, 0
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == FRONT_MATTER_FENCE), None)
    if end is None:
        raise SourceError(
            "l'en-tête ouvert par +++ n'est jamais fermé",
            path=path,
            line=1,
            hint="terminez l'en-tête par une ligne qui ne contient que +++",
        )
    return "\n".join(lines[1:end]), end + 1


def issue_text(
    fields: Mapping[str, object],
    articles: Sequence[str],
    contact: Mapping[str, str] | None = None,
    *,
    bulletin_note: str = BULLETIN_CARRIED,
) -> str:
    """issue.toml: the issue's own keys, the articles, the bulletin's keys, then [contact]."""
    rest = [key for key in fields if key not in _ISSUE_GROUP and key != "articles"]
    bulletin = [key for key in _BULLETIN_GROUP if key in rest]
    bulletin += [key for key in rest if key not in _BULLETIN_GROUP]
    lines = [_ISSUE_KEYS]
    lines += [_key_value(key, fields[key]) for key in _ISSUE_GROUP if key in fields]
    lines += ["", _ARTICLES_NOTE, *_article_list(articles), "", bulletin_note]
    lines += [_key_value(key, fields[key]) for key in bulletin]
    if contact:
        lines += ["", "[contact]", *(_key_value(k, v) for k, v in contact.items())]
    return "\n".join(lines) + "\n"


def _key_value(key: str, value: object) -> str:
    """One ``key = value`` line, with a word on what an empty key is for."""
    line = f"{key} = {toml_value(value)}"
    if key in _KEY_NOTES and not value:
        line += f"  # {_KEY_NOTES[key]}"
    return line


def _article_list(names: Sequence[str]) -> list[str]:
    """``articles = [...]``: on one line for one file, else one file a line."""
    if len(names) <= 1:
        return [f"articles = {toml_value(list(names))}"]
    return ["articles = [", *(f"  {toml_value(name)}," for name in names), "]"]


def article_text(
    title: str,
    body: str,
    *,
    lead: str | None = None,
    authors: Sequence[Byline] = (),
    signature: bool = False,
) -> str:
    """An article file: TOML front matter between +++ lines, then the Markdown body."""
    front = [f"title = {toml_value(title)}"]
    if lead:
        front.append(f"lead = {_toml_multiline(lead)}")
    if signature:
        front.append("signature = true")
    for author in authors:
        front += ["", "[[authors]]", f"name = {toml_value(author.name)}"]
        if author.role:
            front.append(f"role = {toml_value(author.role)}")
        if author.affiliation:
            front.append(f"affiliation = {toml_value(author.affiliation)}")
        if author.collaboration:
            front.append("collaboration = true")
    fence = FRONT_MATTER_FENCE
    return f"{fence}\n" + "\n".join(front) + f"\n{fence}\n\n" + body.strip() + "\n"


def _toml_multiline(text: str) -> str:
    """A multi-line TOML string, for a lead."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"""\n{escaped}\n"""'


def write_source(path: Path, text: str) -> None:
    """Write a source file in UTF-8, atomically (``files.write_file``)."""
    write_file(path, text.encode("utf-8"))
