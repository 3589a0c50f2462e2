"""The HTML parser's patterns kept by their characters (htmlparsing.py): made once per
process, and the same document parsed as tinyhtml5 parses it."""

from __future__ import annotations

import re
from typing import Any
from xml.etree import ElementTree

import pytest

from bippdf import htmlparsing, pipeline

from .conftest import ISSUE_6

tinyhtml5 = pytest.importorskip("tinyhtml5")
inputstream = pytest.importorskip("tinyhtml5.inputstream")

# Every kind of run the tokenizer reads up to a character: text, character references,
# attributes unquoted and in both quotes, comments, a doctype, CDATA in SVG, script and
# style text, raw text, a NUL character and carriage returns.
TRICKY = (
    "<!DOCTYPE html><html lang=fr><head><title>Un &amp; deux</title>"
    "<style>p > a { color: red }</style><script>if (a < b && c) {}</script></head>"
    "<body><!-- un commentaire -- avec des tirets --><p class=x id='a\"b' title=\"c'd\">"
    "Texte &eacute;l&#233;gant &#x2014; <b>gras</b>\r\nligne\rsuivante\0fin</p>"
    "<svg><![CDATA[ a < b ]]></svg><textarea>a <b> c</textarea><pre>\n  espaces</pre>"
    "<p data-valeur=sans-guillemets>Fin.</body></html>"
)


def parsed(html: str) -> bytes:
    """The document tinyhtml5 makes of the HTML, written out."""
    return ElementTree.tostring(tinyhtml5.parse(html))


@pytest.fixture
def patterns_made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The patterns tinyhtml5's input stream makes meanwhile."""
    made: list[str] = []

    class Counting:
        def __getattr__(self, name: str) -> Any:
            return getattr(re, name)

        @staticmethod
        def compile(pattern: str, *flags: Any) -> re.Pattern[str]:
            made.append(pattern)
            return re.compile(pattern, *flags)

    monkeypatch.setattr(inputstream, "re", Counting())
    monkeypatch.setattr(htmlparsing, "re", Counting())
    return made


def test_each_pattern_is_made_once(
    monkeypatch: pytest.MonkeyPatch, patterns_made: list[str]
) -> None:
    """No. 6's HTML and the runs above, parsed twice: a pattern for each set of
    characters the first time, none the second."""
    monkeypatch.setattr(inputstream, "characters_until_regex", {})
    htmlparsing.install()
    html = pipeline.compose(ISSUE_6).composition.html
    parsed(html + TRICKY)
    first = len(patterns_made)
    assert 0 < first == len(set(patterns_made)) < 20, patterns_made
    parsed(html + TRICKY)
    assert len(patterns_made) == first


def test_a_document_is_parsed_as_tinyhtml5_parses_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The runs above: the tree tinyhtml5 makes with the patterns it makes itself."""
    monkeypatch.setattr(inputstream, "characters_until_regex", {})
    own = parsed(TRICKY)
    htmlparsing.install()
    assert isinstance(inputstream.characters_until_regex, htmlparsing._Patterns)
    assert parsed(TRICKY) == own
    assert b"a &lt;b&gt; c</" in own and b'title="c\'d"' in own  # (what the runs read)
