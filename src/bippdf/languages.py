"""Words in another language than the issue's: a sentence that looks English in a
French issue is warned of at its line, so that the editor marks it ``[…]{lang=en}``
(a screen reader then reads it with English rules).

The rule is cheap and stated: in a paragraph's or a note's text outside language marks
and web addresses, a sentence with at least two of the commonest English words
(``_ENGLISH_WORDS``) and more than twice as many of them as of the commonest French ones.
"""

from __future__ import annotations

import re

from . import markdown
from .errors import SourceError
from .lint import Lines
from .markdown import ParsedArticle
from .source import Article

# Words that are frequent in English and never French ones, and the reverse: a block of
# text whose words are mostly of the first kind is likely English. "on", "as" and "a"
# are left out, being words of both.
_ENGLISH_WORDS = frozenset(
    [
        "the",
        "and",
        "of",
        "to",
        "in",
        "for",
        "with",
        "is",
        "are",
        "was",
        "were",
        "by",
        "from",
        "this",
        "that",
        "which",
        "an",
        "at",
        "or",
        "be",
        "it",
        "its",
        "their",
        "our",
        "these",
        "those",
        "have",
        "has",
        "not",
    ]
)
_FRENCH_WORDS = frozenset(
    [
        "le",
        "la",
        "les",
        "des",
        "et",
        "de",
        "du",
        "un",
        "une",
        "pour",
        "dans",
        "par",
        "sur",
        "est",
        "sont",
        "au",
        "aux",
        "que",
        "qui",
        "ce",
        "cette",
        "il",
        "elle",
        "avec",
        "ou",
        "pas",
        "ne",
        "se",
        "sa",
        "son",
        "ses",
        "leur",
    ]
)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
ENGLISH_AT_LEAST = 2  # English words in a sentence, and more than twice its French ones
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+")
_ADDRESS = re.compile(r"\b(?:https?://|mailto:|www\.)\S*")  # its words are no language


def english_warnings(
    article: Article, body: ParsedArticle, lead: ParsedArticle | None, language: str
) -> list[SourceError]:
    """In a French issue, each paragraph or note with a sentence that looks English (in
    its words outside ``[…]{lang=…}``, at least two of the commonest English words, and
    more than twice as many as the commonest French ones), with its line: a screen
    reader would read it with French rules."""
    if not language.lower().startswith("fr"):
        return []
    lines = Lines(article, body, lead)
    blocks = [t for t in markdown.walk(body.tokens) if t["type"] in ("paragraph", "block_text")]
    for versions in body.definitions.values():
        blocks += [t for t in versions[0].tokens if t["type"] in ("paragraph", "block_text")]
    found = []
    for block in blocks:
        text = _ADDRESS.sub(" ", _unmarked_text(block["children"]))
        for sentence in _SENTENCE_END.split(text):
            words = [w.lower() for w in _WORD.findall(sentence)]
            english = sum(w in _ENGLISH_WORDS for w in words)
            french = sum(w in _FRENCH_WORDS for w in words)
            if english >= ENGLISH_AT_LEAST and english > 2 * french:
                found.append(
                    SourceError(
                        f"« {_excerpt(sentence)} » semble en anglais : un lecteur d'écran le "
                        "lira avec la prononciation française",
                        path=article.path,
                        line=lines.of(block),
                        hint="marquez les mots anglais ainsi : [words in English]{lang=en}",
                    )
                )
                break  # once per paragraph or note
    return found


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:59] + "…"


def _unmarked_text(tokens: list[markdown.Token]) -> str:
    """The text of these tokens, but what ``[…]{lang=…}`` already marks."""
    parts = []
    for token in tokens:
        if token["type"] == "language_span":
            continue
        if token["type"] in ("text", "codespan"):
            parts.append(token["raw"])
        elif token["type"] in ("softbreak", "linebreak"):
            parts.append(" ")
        if "children" in token:
            parts.append(_unmarked_text(token["children"]))
        parts.append(" " if token["type"] not in ("text",) else "")
    return "".join(parts)
