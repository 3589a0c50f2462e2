"""Inline text: links the bulletin accepts, and only the raw HTML it allows."""

from __future__ import annotations

import re

from ..contract import ALLOWED_ELEMENTS
from .model import Block, Problem

_LINK = re.compile(r"(?<!!)\[(?P<text>(?:\\.|[^\[\]\\])*)\]\((?P<url>[^()\s]*)\)")


def clean_text(text: str, block: Block, problems: list[Problem]) -> str:
    """A paragraph's text: links the bulletin accepts, only the HTML it allows."""
    text = fix_links(text, block.line, problems)

    def tag(match: re.Match[str]) -> str:
        """Keep an allowed tag; drop another and report it."""
        if match.group(1).lower() in ALLOWED_ELEMENTS:
            return match.group(0)
        problems.append(
            Problem(
                block.line_of(match.group(0)),
                f"balise HTML <{match.group(1)}> retirée (le bulletin ne l'accepte pas) : "
                "vérifiez la mise en forme du passage",
            )
        )
        return ""

    return re.sub(r"</?([A-Za-z][\w-]*)(?:\s[^<>]*)?/?>", tag, text)


def fix_links(text: str, line: int, problems: list[Problem]) -> str:
    """Links as the bulletin accepts them: a URL shown as its own text becomes an autolink,
    ``www.`` gets its https://, and a link going nowhere keeps only its text."""

    def link(match: re.Match[str]) -> str:
        """One Markdown link, rewritten as the bulletin accepts it."""
        label, url = match.group("text"), match.group("url")
        if url.lower().startswith("www."):
            url = "https://" + url
        shown = re.sub(r"[\\\[\]<>]", "", label)
        if re.match(r"^(https?://|mailto:)", url, re.I):
            if shown == url and not url.lower().startswith("mailto:"):
                return f"<{url}>"  # an autolink shows the same URL, without the escapes
            return f"[{label}]({url})"
        problems.append(
            Problem(
                line,
                f"le lien « {shown} » ne mène à aucune adresse web ({url or 'vide'}) : seul son "
                "texte est gardé; ajoutez l'adresse https://… si elle est connue",
            )
        )
        return label

    text = _LINK.sub(link, text)
    return re.sub(r"\[(<(?:https?|mailto):[^<>\s]+>)\]", r"\1", text)  # [<url>] -> <url>
