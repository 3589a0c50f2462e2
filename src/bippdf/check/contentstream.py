"""A PDF content stream read as a sequence of operators, fast.

Only numbers and names are kept as operands: the operators that set colours,
matrices and resources take nothing else. Strings, arrays and dictionaries are
skipped whole (literal strings with their nested parentheses and escapes), which
makes this several times faster than a general parser on pages of text, where
nearly every operand is a string. An array or dictionary holding no literal string,
no other array or dictionary and no comment is taken in one match of the pattern: a
line of WeasyPrint's text is one such array of glyphs and spacings (``[<0055>0<0058>…]
TJ``), which token by token cost three times as long. Inline images come with their
settings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

_TOKEN = re.compile(
    rb"""\s*(?:%[^\r\n]*|\s+
    | (?P<name>/[^\s/\[\]()<>{}%]*)
    | (?P<number>[-+]?(?:\d+\.?\d*|\.\d+))
    | (?P<hex><[0-9A-Fa-f\s]*>)
    | (?P<array>\[[^\[\]()<>%]*(?:<[0-9A-Fa-f\s]*>[^\[\]()<>%]*)*\])
    | (?P<dict><<(?:[^<>()\[\]%]|<[0-9A-Fa-f\s]*>)*>>)
    | (?P<open><<|\[)
    | (?P<close>>>|\])
    | (?P<string>\()
    | (?P<word>[^\s/\[\]()<>{}%]+))""",
    re.X,
)
_END_OF_INLINE_IMAGE = re.compile(rb"\sEI(?=[\s]|$)")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def operations(data: bytes, *, properties: bool = False) -> Iterator[tuple[list[Any], bytes]]:
    """A content stream's operators with their number and name operands (others are
    None); an inline image comes as ``([settings], b"INLINE IMAGE")``. With
    ``properties``, a dictionary operand comes as its bytes (a marked content's
    property list holds its MCID)."""
    operands: list[Any] = []
    depth, position, end = 0, 0, len(data)
    opened = 0
    while position < end:
        match = _TOKEN.match(data, position)
        if match is None:  # a stray delimiter: skipped, as viewers do
            position += 1
            continue
        position, kind = match.end(), match.lastgroup
        if kind is None:
            continue
        if kind in ("array", "dict"):  # whole, in one match: a TJ's array of glyphs
            if not depth:
                opened = match.start(kind)
                operands.append(match[kind] if properties and kind == "dict" else None)
            continue
        if kind == "string":
            position = _after_string(data, match.start(kind))
        elif kind == "open":
            if not depth:
                opened = match.start(kind)
            depth += 1
            continue
        elif kind == "close":
            depth = max(0, depth - 1)
        if depth:
            continue
        if kind == "close" and properties and match[kind] == b">>":
            operands.append(data[opened:position])
        elif kind == "number":
            operands.append(float(match[kind]))
        elif kind == "name":
            operands.append(_name(match[kind]))
        elif kind == "word" and match[kind] == b"BI":
            settings, position = _inline_image(data, position)
            yield [settings], b"INLINE IMAGE"
            operands = []
        elif kind == "word" and match[kind] not in (b"true", b"false", b"null"):
            yield operands, match[kind]
            operands = []
        else:
            operands.append(None)


def _after_string(data: bytes, start: int) -> int:
    """The position after the literal string opening at ``start`` (parentheses nest)."""
    depth, position = 0, start
    while position < len(data):
        byte = data[position]
        if byte == 0x5C:  # a backslash escapes the next byte
            position += 2
            continue
        if byte == 0x28:
            depth += 1
        elif byte == 0x29:
            depth -= 1
            if depth == 0:
                return position + 1
        position += 1
    return position


def _name(token: bytes) -> str:
    return _NAME_ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), token).decode("latin-1")


def _inline_image(data: bytes, position: int) -> tuple[dict[str, Any], int]:
    """An inline image's settings (names and numbers) and the position after its EI."""
    settings: dict[str, Any] = {}
    key: str | None = None
    depth = 0
    while position < len(data):
        match = _TOKEN.match(data, position)
        if match is None:
            position += 1
            continue
        position, kind = match.end(), match.lastgroup
        if kind == "word" and match[kind] == b"ID" and not depth:
            break
        if kind in ("array", "dict"):  # read piece by piece, as a value is
            position, kind = match.start(kind) + (1 if kind == "array" else 2), "open"
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth -= 1
        if depth or kind in (None, "open", "close"):
            if kind == "close" and not depth and key is not None:
                settings[key], key = None, None
            continue
        value = _name(match[kind]) if kind == "name" else match[kind].decode("latin-1")
        if key is None:
            key = value
        else:
            settings[key], key = value, None
    found = _END_OF_INLINE_IMAGE.search(data, position + 1)
    return settings, (found.end() if found else len(data))
