"""The HTML parser WeasyPrint reads each document with (tinyhtml5), its patterns kept.

tinyhtml5 2.1's tokenizer reads a run of text up to the next of some characters (a
tag's ``<``, an attribute's closing quote) with a pattern made of those characters
(``HTMLUnicodeInputStream.chars_until``), which it means to keep by them in
``characters_until_regex``, but keeps by the pattern itself: its chained assignment
rebinds the name of the characters to the pattern first. So none is ever found, and
each run makes its pattern's text again and has ``re`` look it up in its own cache:
3,264 runs in No. 6's HTML. Every layout parses its HTML (each trial of a fit, each PDF,
each ``watch`` rebuild): No. 6's takes 0.020 s rather than 0.040 s with the patterns
kept by their characters (``install``), made as tinyhtml5 makes them, so that the
parse is the same (tests/test_htmlparsing.py).

Only for tinyhtml5 2.1 (``SUPPORTED``), whose tokenizer this knows; another version is
left as it is.
"""

from __future__ import annotations

import re
from typing import Any

SUPPORTED = "2.1."  # the version whose chars_until this knows (constraints.txt pins it)


def install() -> None:
    """Have tinyhtml5 keep its patterns by their characters (once per process)."""
    import tinyhtml5
    from tinyhtml5 import inputstream

    if str(tinyhtml5.__version__).startswith(SUPPORTED) and not isinstance(
        inputstream.characters_until_regex, _Patterns
    ):
        inputstream.characters_until_regex = _Patterns()


class _Patterns(dict[tuple[Any, bool], "re.Pattern[str]"]):
    """tinyhtml5's patterns by the characters a run stops at (or, ``opposite``, is made
    of), each made the first time it is asked for, as ``chars_until`` makes it."""

    def __missing__(self, key: tuple[Any, bool]) -> re.Pattern[str]:
        characters, opposite = key
        pattern = "".join([f"\\x{ord(character):02x}" for character in characters])
        if not opposite:
            pattern = f"^{pattern}"
        made = self[key] = re.compile(f"[{pattern}]+")
        return made
