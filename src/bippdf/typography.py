"""French typography on the text of an issue: spaces, apostrophes, quotes, dashes, ordinals.

Rules of the Office québécois de la langue française for ``fr-CA`` and of the
Imprimerie nationale for ``fr-FR``. Only text is touched: never code, URLs,
e-mail addresses, HTML, attributes or note labels. Every rule is idempotent, so
running the pass twice changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from html import unescape

from .markdown import Token

NBSP = "\u00a0"  # espace insécable
NNBSP = "\u202f"  # espace fine insécable
SPACES = " \u00a0\u202f"


@dataclass(frozen=True)
class Rules:
    """Which space goes where, for one language.

    The spaces that hold a sign to its word are fine no-break spaces (U+202F), of a
    fixed width: a justified line stretches a no-break space (U+00A0) as it does a
    word space, and « 79 % » or « : » would float away from their word."""

    colon: str = NNBSP  # before « : »
    guillemets: str = NNBSP  # inside « »
    tight: str = NNBSP  # before « ; ! ? », or "" for none
    thousands: str = NNBSP  # between groups of three digits
    unit: str = NNBSP  # between a number and its unit or sign: « 79 % », « 50 km »


RULES = {
    "fr-CA": Rules(),
    "fr-FR": Rules(),
}


def rules_for(language: str, punctuation_space: str = "fine") -> Rules | None:
    """The rules of a language (None for a language without French rules)."""
    rules = RULES.get(language) or (RULES["fr-CA"] if language.startswith("fr") else None)
    if rules is not None and punctuation_space == "none":
        rules = replace(rules, tight="")
    return rules


_MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
# An address's local part starts where its run of characters does: tried from inside
# the run, it would scan the run again at each character (quadratic in a long word).
_PROTECTED = re.compile(
    r"(?:https?|ftp)://\S+|\bwww\.\S+|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+|mailto:\S+",
    re.I,
)
_ORDINAL = re.compile(r"\b(\d+)(er|re|ers|res|es|e)\b(?![-\d])")
_CIVILITY = re.compile(rf"\bM(mes?|lles?)(?=[{SPACES}]+[A-ZÀ-Ý])")
_SUPERSCRIPT_AFTER_M = re.compile(r"\bM<sup>(?:mes?|lles?)</sup>$")
_DASH = re.compile(rf"(?<=\S)[{SPACES}][-–][{SPACES}](?=\S)")
_THOUSANDS = re.compile(
    rf"(?<![\d.,])(\d{{1,3}}(?:[{SPACES}]\d{{3}})+|\d{{5,}})(?![\d.,]|[-–]\d|[{SPACES}]\d)"
)


def typeset_text(text: str, rules: Rules) -> str:
    """A plain string (a title, a byline) with the rules applied; ordinals stay as written."""
    return "".join(
        part if protected else _segment(part, rules, _Quotes())
        for part, protected in _split_protected(text)
    )


def typeset_tokens(tokens: list[Token], rules: Rules) -> None:
    """Apply the rules in place to the text of parsed Markdown."""
    for token in tokens:
        attrs = token.get("attrs") or {}
        if token.get("type") == "figure" and attrs.get("credit"):
            # A figure's credit (its image's title) is printed under it: "Photo : …".
            attrs["credit"] = typeset_text(attrs["credit"], rules)
        children = token.get("children")
        if not children:
            continue
        if token["type"] in {"link"} and _is_address(token):
            continue
        if any(child.get("type") in _INLINE for child in children):
            token["children"] = _inline(children, rules, _Quotes())
        else:
            typeset_tokens(children, rules)


_INLINE = {
    "text",
    "emphasis",
    "strong",
    "link",
    "inline_html",
    "note_ref",
    "codespan",
    "softbreak",
    "linebreak",
    "image",
}


class _Quotes:
    """How deep straight double quotes are open, across the tokens of a block; and
    which curly quotes pasted from Word are open (each: made guillemets or kept)."""

    def __init__(self) -> None:
        self.depth = 0  # straight quotes open: « at the first level, “ inside it
        self.before = ""  # the last character typeset, for a quote at a token's start
        self.curly: list[str] = []


def _inline(children: list[Token], rules: Rules, quotes: _Quotes) -> list[Token]:
    """The inline tokens of a block, typeset, with ordinals split into superscripts."""
    result: list[Token] = []
    for token in children:
        kind = token["type"]
        if kind == "text":
            raw = unescape(token["raw"])  # &amp; &eacute; are characters here (escaped again)
            written = "".join(t.get("raw", "") for t in result[-4:])  # M, <sup>, me, </sup>
            if raw[:1] == " " and _SUPERSCRIPT_AFTER_M.search(written):
                raw = NBSP + raw[1:]  # « M<sup>me</sup> Gauthier »
            if raw[:1] in ":;!?»" and result and result[-1]["type"] == "text":
                result[-1]["raw"] = result[-1]["raw"].rstrip(SPACES)
            result.extend(_split_superscripts(_typeset(raw, rules, quotes)))
        elif kind in {"emphasis", "strong"}:
            token["children"] = _inline(token.get("children", []), rules, quotes)
            result.append(token)
        elif kind == "link":
            if not _is_address(token):
                token["children"] = _inline(token.get("children", []), rules, quotes)
            result.append(token)
        else:  # code, HTML, note calls, images: as written
            result.append(token)
    return result


def _is_address(link: Token) -> bool:
    """An autolink, whose text is the URL or address itself."""
    url = link.get("attrs", {}).get("url", "")
    text = "".join(c.get("raw", "") for c in link.get("children", []))
    return text in {url, url.removeprefix("mailto:")}


def _typeset(text: str, rules: Rules, quotes: _Quotes) -> str:
    return "".join(
        part if protected else _segment(part, rules, quotes)
        for part, protected in _split_protected(text)
    )


def _split_protected(text: str) -> Iterator[tuple[str, bool]]:
    """The text cut into (part, is an address) pieces."""
    position = 0
    for match in _PROTECTED.finditer(text):
        yield text[position : match.start()], False
        yield match.group(0), True
        position = match.end()
    yield text[position:], False


def _segment(text: str, rules: Rules, quotes: _Quotes) -> str:
    """Every rule, in an order where none undoes another."""
    text = text.replace("...", "…").replace("'", "’")
    text = _NO_BREAK_RUN.sub(_one_no_break_space, text)
    text = _curly_quotes(text, quotes)
    text = _straight_quotes(text, rules, quotes)
    text = re.sub(rf"«[{SPACES}]*", "«" + rules.guillemets, text)
    # A run of spaces is taken from its start only: linear in a long run (so below).
    text = re.sub(rf"(?<![{SPACES}])[{SPACES}]*»", rules.guillemets + "»", text)
    text = re.sub(rf"(?:(?<=\S)|^)[{SPACES}]*:(?=\s|$)", rules.colon + ":", text)
    if rules.tight:
        text = re.sub(rf"(?:(?<=[^\s;!?])|^)[{SPACES}]*([;!?])", rules.tight + r"\1", text)
    else:
        text = re.sub(rf"(?<![{SPACES}])[{SPACES}]+([;!?])", r"\1", text)
    text = re.sub(rf"(\d)[{SPACES}]?(%|\$|€)", r"\1" + rules.unit + r"\2", text)
    text = re.sub(
        rf"(\d)[{SPACES}](km/h|km|kg|mg|g|cm|mm|ml|m|L|°C)(?![\w/])",
        r"\1" + rules.unit + r"\2",
        text,
    )
    text = re.sub(
        rf"\b(\d{{1,2}})[{SPACES}]h(?:[{SPACES}](\d{{2}}))?\b",
        lambda m: m[1] + NBSP + "h" + (NBSP + m[2] if m[2] else ""),
        text,
    )
    text = re.sub(
        rf"\b(\d{{1,2}}|1er)[{SPACES}]({_MONTHS})(?:[{SPACES}](\d{{4}}))?\b",
        lambda m: m[1] + NBSP + m[2] + (NBSP + m[3] if m[3] else ""),
        text,
    )
    text = re.sub(rf"\bM\.[{SPACES}]+(?=[A-ZÀ-Ý])", "M." + NBSP, text)
    text = _CIVILITY.sub(lambda m: "M" + m[1] + NBSP, text)
    text = re.sub(rf"(\bM(?:mes?|lles?)){NBSP}[{SPACES}]+", r"\1" + NBSP, text)
    text = _THOUSANDS.sub(lambda m: _group(m[1], rules.thousands), text)
    return _dashes(text)


# A run of spaces, taken whole from its start (linear in a long run); one holding a
# no-break space, pasted from Word ("10  %"), becomes one no-break space.
_NO_BREAK_RUN = re.compile(rf"(?<![ {NBSP}{NNBSP}])[ {NBSP}{NNBSP}]{{2,}}")


def _one_no_break_space(run: re.Match[str]) -> str:
    """A run of spaces as it was, or as one no-break space when it holds one (the wider
    kind if both)."""
    if NBSP in run[0]:
        return NBSP
    return NNBSP if NNBSP in run[0] else run[0]


_CURLY = re.compile(r"[“”‘«»]|(?<!\w)’|’(?!\w)")


def _curly_quotes(text: str, quotes: _Quotes) -> str:
    """English quotes pasted from Word as French writes them: “ ” and ‘ ’ as « »
    (spaced by the rules after), or as the inner “ ” inside « ». A ’ that a letter
    follows is an apostrophe, as is one no ‘ opened."""

    def one(match: re.Match[str]) -> str:
        mark, open_ = match[0], quotes.curly
        if mark in "«“‘":
            made = "“" if open_ and mark != "«" else "«"
            open_.append(made + mark)
            return made
        if mark in "»”" or (open_ and open_[-1][1] == "‘"):
            closed = open_.pop()[0] if open_ else "«"
            return "»" if closed == "«" else "”"
        return mark  # an apostrophe, at the end of an elided word

    return _CURLY.sub(one, text)


def _straight_quotes(text: str, rules: Rules, quotes: _Quotes) -> str:
    """Straight double quotes to « », and to “ ” inside them (OQLF): a quote opens
    where none is open, or where it stands before a word after a space or an opening
    sign; otherwise it closes the innermost."""
    if '"' not in text:
        quotes.before = text[-1:] or quotes.before
        return text
    out: list[str] = []
    parts = text.split('"')
    out.append(parts[0])
    for part in parts[1:]:
        before = out[-1][-1:] if out[-1] else quotes.before
        # Before a word, or at the end of the text after a space (emphasis follows).
        after_space = not before or before.isspace() or before in "([«“—–"
        nested = after_space and (part[:1].strip() or (not part and before.isspace()))
        if quotes.depth == 0 or nested:
            if quotes.depth == 0:
                out.append("«" + rules.guillemets + part.lstrip(SPACES))
            else:
                out.append("“" + part)
            quotes.depth += 1
        else:
            if quotes.depth == 1:
                out[-1] = out[-1].rstrip(SPACES)
                out.append(rules.guillemets + "»" + part)
            else:
                out.append("”" + part)
            quotes.depth -= 1
    typeset = "".join(out)
    quotes.before = typeset[-1:] or quotes.before
    return typeset


def _group(number: str, space: str) -> str:
    """``2600000`` or ``2 600 000`` as ``2 600 000`` with the given space."""
    digits = re.sub(rf"[{SPACES}]", "", number)
    if len(digits) < 5:
        return number
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return space.join(groups)


def _dashes(text: str) -> str:
    """Spaced hyphens and dashes to an en dash: a pair encloses an aside (no-break
    spaces inside), a single one is tied to the word before it."""
    matches = list(_DASH.finditer(text))
    if not matches:
        return text
    out, position = [], 0
    paired = len(matches) >= 2
    for index, match in enumerate(matches):
        out.append(text[position : match.start()])
        if paired and index % 2 == 0 and index + 1 < len(matches):
            out.append(" –" + NBSP)
        else:
            out.append(NBSP + "– ")
        position = match.end()
    out.append(text[position:])
    return "".join(out)


def _split_superscripts(text: str) -> list[Token]:
    """Ordinals (6e, 1er, 2es) and civilities (Mme, Mmes) with superscript letters."""
    tokens: list[Token] = []
    position = 0
    pattern = re.compile(rf"{_ORDINAL.pattern}|\bM(mes?|lles?)(?={NBSP})")
    for match in pattern.finditer(text):
        if match[1] is not None:
            lead, letters = match[1], match[2]
        else:
            lead, letters = "M", match[3]
        if match.start() > position or lead:
            tokens.append({"type": "text", "raw": text[position : match.start()] + lead})
        tokens.append({"type": "inline_html", "raw": f"<sup>{letters}</sup>"})
        position = match.end()
    if position < len(text) or not tokens:
        tokens.append({"type": "text", "raw": text[position:]})
    return tokens
