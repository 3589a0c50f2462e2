"""What a paste from Word leaves in an article, read as the editor meant it or said.

Word's bulleted lists arrive as lines opening with "•" (or "◦", "▪", "·", "–") and a
tab, often indented by tabs: Markdown would merge them into one paragraph, or make a
code block of them. Such lines become Markdown list items, line for line (the line
numbers stay those of the file), and a warning says so. An emphasis left open (``**``,
``*``, ``_`` without its end), which Markdown prints as it is, is a warning with its
line, found in the parsed text, as are quotation marks that do not pair up. The quotes
and no-break spaces of a paste are the typography's (``typography``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .markdown import Token, walk

# A bullet Word writes, then a tab or spaces; "–" only with a tab, or on two lines in a
# row (alone, it opens a quotation's attribution or an aside).
_BULLET = re.compile(r"^(?P<indent>[ \t]*)(?P<bullet>[•◦▪·●○■–])(?P<gap>\t+| +)(?=\S)")
# A Markdown list item indented by a tab: Markdown reads it as a code block.
_TABBED_ITEM = re.compile(r"^(?P<indent>\t+ *)(?P<marker>[-*+]|\d{1,3}[.)])(?P<gap>\t+| +)(?=\S)")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")


@dataclass(frozen=True)
class Pasted:
    """A line of the text that was read otherwise than written, or left wrong: its line
    (1 for the text's first), what happened and what to do."""

    line: int
    message: str
    hint: str


def clean(text: str) -> tuple[str, list[Pasted]]:
    """The text with Word's list lines as Markdown list items, and a warning for each run."""
    lines = text.split("\n")
    written = list(lines)
    notes: list[Pasted] = []
    fenced = False
    run_start: int | None = None
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
        item = None if fenced else _as_item(line, written, index)
        if item is None:
            run_start = None
            continue
        lines[index] = item
        if run_start is None:  # one warning for a run of items
            run_start = index
            notes.append(
                Pasted(
                    index + 1,
                    f"liste collée de Word (« {_shown(line)} ») : lue comme une liste",
                    "écrivez chaque élément sur une ligne qui commence par « - » ou « 1. », "
                    "sans tabulation",
                )
            )
    return "\n".join(lines), notes


def _as_item(line: str, lines: list[str], index: int) -> str | None:
    """A line of a pasted list as a Markdown list item, or None for any other line."""
    bullet = _BULLET.match(line)
    if bullet:
        dash = bullet["bullet"] == "–"
        if dash and "\t" not in bullet["gap"] and not _dash_run(lines, index):
            return None
        return "- " + line[bullet.end() :]
    tabbed = _TABBED_ITEM.match(line)
    if tabbed:
        return f"{tabbed['marker']} " + line[tabbed.end() :]
    return None


def _dash_run(lines: list[str], index: int) -> bool:
    """Whether the line before or after also opens with "– ": a list, not an aside."""
    around = [lines[i] for i in (index - 1, index + 1) if 0 <= i < len(lines)]
    return any(re.match(r"^[ \t]*–[ \t]+\S", line) for line in around)


def _shown(line: str) -> str:
    """The start of a line as the editor sees it, a tab shown as ⇥."""
    return line.strip(" ")[:12].replace("\t", "⇥")


_OPEN_STRONG = re.compile(r"\*\*|__")
_OPEN_SINGLE = re.compile(r"(?<![\w*\\])\*(?=\w)|(?<!\w)_(?=\w)|(?<=\w)_(?!\w)")
_UNESCAPE = re.compile(r"\\[*_]")


def _open_mark(text: str) -> re.Match[str] | None:
    return _OPEN_STRONG.search(text) or _OPEN_SINGLE.search(text)


def unclosed_emphasis(tokens: list[Token], text: str) -> Iterator[Pasted]:
    """Every ``**``, ``*`` or ``_`` Markdown left as text: an emphasis never closed (or
    never opened), at the line of the text it stands in (``text``, the text parsed, says
    whether it was escaped: a backslash before it means the character itself)."""
    lines = text.split("\n")
    for block in walk(tokens):
        if "line" not in block or not block.get("children"):
            continue
        line = block["line"]
        for token in block["children"]:
            kind = token["type"]
            if kind in {"softbreak", "linebreak"}:
                line += 1
            elif kind == "text" and (mark := _open_mark(token["raw"])):
                written = _UNESCAPE.sub("", lines[line - 1]) if line <= len(lines) else ""
                if mark[0] not in written:
                    continue
                yield Pasted(
                    line,
                    f"« {mark[0]} » sans sa fin : il s'imprimera tel quel",
                    f"fermez-le, « {mark[0]}texte{mark[0]} », ou retirez-le; un « {mark[0][0]} » "
                    f"voulu s'écrit « \\{mark[0][0]} »",
                )
            elif kind in {"emphasis", "strong", "link"}:
                line += sum(1 for t in walk(token.get("children", [])) if t["type"] == "softbreak")


def unbalanced_quotes(tokens: list[Token]) -> Iterator[Pasted]:
    """Every block whose quotation marks do not pair up: an odd number of straight
    quotes, or not as many « as », or “ as ” (the typography pairs them in turn, and
    one left open turns every quote after it around)."""
    for block in walk(tokens):
        if "line" not in block or not block.get("children") or block["type"] == "list":
            continue
        text = "".join(_texts(block["children"]))
        straight = text.count('"')
        pairs = [("«", "»"), ("“", "”")]
        if straight % 2:
            found = f'un nombre impair de guillemets droits (") : {straight}'
        elif opened := next(((a, b) for a, b in pairs if text.count(a) != text.count(b)), None):
            found = (
                f"{text.count(opened[0])} « {opened[0]} » pour {text.count(opened[1])} "
                f"« {opened[1]} »"
            )
        else:
            continue
        yield Pasted(
            block["line"],
            f"guillemets qui ne se ferment pas : {found}",
            "fermez chaque citation; une citation dans une citation s'écrit entre "
            '“ ” (ou "…" à l\'intérieur de "…")',
        )


def _texts(tokens: list[Token]) -> Iterator[str]:
    """The text of inline tokens, emphasis included; not code, not an address."""
    for token in tokens:
        if token["type"] == "text":
            yield token["raw"]
        elif token["type"] in {"emphasis", "strong", "link"}:
            yield from _texts(token.get("children", []))
