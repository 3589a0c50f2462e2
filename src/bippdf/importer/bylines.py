"""Bylines and signatures: names, roles and organisations, and the usual case of the
words of a byline printed in capitals."""

from __future__ import annotations

import re
from collections import Counter

from ..source import Author
from .model import Line
from .text import strip_emphasis

NAME = r"[A-ZÀ-ÖØ-Þ][\w'’-]+(?:\s+[A-ZÀ-ÖØ-Þ][\w'’-]+){1,3}"
_PARTICLES = {"de", "du", "des", "la", "le", "d'", "van", "von", "di", "da"}


# Words that open an organisation's name; the first tier is preferred when a role and
# an organisation are run together ("professeure à l'École de … à l'Université de …").
_ORGANISATIONS = (
    "service",
    "sûreté",
    "ministère",
    "centre",
    "université",
    "direction",
    "gendarmerie",
    "ciusss",
    "cisss",
    "organisme",
    "institut",
    "association",
    "bureau",
    "secrétariat",
    "régie",
    "commission",
    "fondation",
    "calacs",
    "cavac",
)
_MINOR_ORGANISATIONS = ("école", "ville", "municipalité", "conseil", "maison", "corps")


def read_byline(text: str, forms: dict[str, str], *, any_case: bool = False) -> list[Author]:
    """The authors of a byline ("NAME, ROLE, ORGANISATION [, ET NAME, …]"), or none when
    the paragraph is not one."""
    original = strip_emphasis(text).strip()
    text = original.rstrip(".")
    letters = [char for char in text if char.isalpha()]
    capitals = bool(letters) and sum(char.isupper() for char in letters) / len(letters) > 0.9
    if not any_case:
        if len(text.split()) > 80 or "<sup>" in text:
            return []
        if not capitals and (
            not re.match(rf"^{NAME},", text) or original.endswith((".", "!", "?", ":"))
        ):
            return []  # a sentence, not a byline
        if capitals and len(text.split()) > 4 and "," not in text:
            return []
    authors = []
    for person in _people(text, forms if capitals else None):
        name, _, rest = person.partition(",")
        name = _name_case(name.strip()) if capitals else name.strip()
        if not name:
            continue
        role, affiliation = _role_and_affiliation(rest.strip(), forms if capitals else None)
        authors.append(Author(name=name, role=role, affiliation=affiliation))
    return authors


def _people(text: str, forms: dict[str, str] | None) -> list[str]:
    """A byline cut into one part per person, at each ", et NAME," (in capitals, a NAME
    whose first word is a common word of the text, "DES AFFAIRES", is no name)."""
    people = [text]
    for match in reversed(list(re.finditer(rf",\s+(?:et|ET)\s+(?=({NAME})\s*,)", text))):
        first = match.group(1).split()[0].lower()
        if forms is not None and forms.get(first, "x").islower():
            continue
        head, tail = people[0][: match.start()], people[0][match.end() :]
        people[0:1] = [head, tail]
    return people


def _name_case(name: str) -> str:
    """A name in capitals written as a name: "MARIE-MICHÈLE D'AMOUR" -> "Marie-Michèle D'Amour"."""

    def word(part: str, first: bool) -> str:
        """One word of the name: a particle in lower case, else capitalised by parts."""
        lower = part.lower()
        if not first and lower in _PARTICLES:
            return lower
        return re.sub(r"(^|[-'’])(\w)", lambda m: m.group(1) + m.group(2).upper(), lower)

    return " ".join(word(part, i == 0) for i, part in enumerate(name.split()))


def _role_and_affiliation(text: str, forms: dict[str, str] | None) -> tuple[str | None, str | None]:
    """Split what follows a name into the role and the organisation."""
    if not text:
        return None, None
    roles: list[str] = []
    affiliations: list[str] = []
    every = "|".join(_ORGANISATIONS + _MINOR_ORGANISATIONS)
    for part in (part.strip() for part in re.split(r",\s+", text)):
        if affiliations or re.match(rf"(?:{every})\b", part, re.I):
            affiliations.append(part)  # once the organisation starts, the rest belongs to it
            continue
        split = None
        for tier in (_ORGANISATIONS, _MINOR_ORGANISATIONS):
            split = split or re.search(
                rf"\s+(?:au|aux|à la|à l['’]|du|de la|de l['’]|chez)\s*(?=(?:{'|'.join(tier)})\b)",
                part,
                re.I,
            )
        if split:
            roles.append(part[: split.start()])
            affiliations.append(part[split.end() :])
        else:
            roles.append(part)
    role = ", ".join(roles) or None
    affiliation = ", ".join(affiliations) or None
    if forms is not None:  # a byline in capitals: give the words their usual case
        role = _recase(role, forms) if role else None
        affiliation = _recase(affiliation, forms) if affiliation else None
    if role:
        role = role[0].lower() + role[1:]
    if affiliation and not affiliation.lower().startswith("ministère"):
        # "ministère" keeps its lower case (OQLF); other organisations are capitalised.
        affiliation = affiliation[0].upper() + affiliation[1:]
    return role, affiliation


def word_forms(lines: list[Line]) -> dict[str, str]:
    """The usual spelling of each word in the text's mixed-case lines ("québec" ->
    "Québec", "calacs" -> "CALACS"), to write bylines printed in capitals."""
    counts: dict[str, Counter[str]] = {}
    for _, text in lines:
        letters = [char for char in text if char.isalpha()]
        if not letters or sum(char.isupper() for char in letters) / len(letters) > 0.5:
            continue  # a line in capitals says nothing of the usual case
        for index, match in enumerate(re.finditer(r"[^\W\d_]+", text)):
            word = match.group(0)
            start = match.start()
            if index == 0 or re.search(r"[.!?«:]\s*$", text[:start]):
                continue  # a capital after a full stop is the sentence's, not the word's
            counts.setdefault(word.lower(), Counter())[word] += 1
    return {key: counter.most_common(1)[0][0] for key, counter in counts.items()}


def _recase(text: str, forms: dict[str, str]) -> str:
    """Text in capitals in its usual case, word by word."""
    return re.sub(
        r"[^\W\d_]+", lambda match: forms.get(match.group(0).lower(), match.group(0).lower()), text
    )
