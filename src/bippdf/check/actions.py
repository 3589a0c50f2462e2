"""The actions of a PDF that run a script or a program (JavaScript, Launch), wherever
they stand: the document's opening and events, its names tree, its pages, annotations
and form fields, and the actions chained after any of them."""

from __future__ import annotations

from typing import Any

from pypdf.generic import DictionaryObject

_ACTIVE = {"JavaScript", "Launch"}  # the actions that run a script or a program
_DEEPEST = 64  # actions chained by /Next, or fields nested by /Kids, followed this far


def scripts(reader: Any, root: Any) -> list[str]:
    """Every JavaScript or Launch action of the PDF, as "<kind> <where>": at its opening,
    on its events, named, on a page, in an annotation (after the first action of a link,
    which the links check judges), chained after another, or in a form field."""
    found: list[str] = []

    def add(action: Any, where: str, skip: bool = False) -> None:
        found.extend(f"{kind} {where}" for kind in _chain(action, skip=skip))

    opening = root.get("/OpenAction")
    if isinstance(opening, DictionaryObject) or (
        opening is not None and isinstance(opening.get_object(), DictionaryObject)
    ):
        add(opening, "à l'ouverture du document")
    for action in _values(root.get("/AA")):
        add(action, "à un événement du document")
    if "/JavaScript" in (_resolved(root.get("/Names")) or {}):
        found.append("JavaScript nommé du document")
    for index, page in enumerate(reader.pages):
        for action in _values(page.get("/AA")):
            add(action, f"à l'ouverture ou la fermeture de la page {index + 1}")
        for ref in _resolved(page.get("/Annots")) or []:
            annot = _resolved(ref)
            if not isinstance(annot, DictionaryObject):
                continue
            subtype = str(annot.get("/Subtype", "?")).lstrip("/")
            where = f"d'une annotation {subtype} de la page {index + 1}"
            add(annot.get("/A"), where, skip=subtype == "Link")
            for action in _values(annot.get("/AA")):
                add(action, where)
    form = _resolved(root.get("/AcroForm"))
    fields = list(_resolved(form.get("/Fields")) or []) if isinstance(form, dict) else []
    seen: set[int] = set()
    while fields and len(seen) < 100_000:
        field_ = _resolved(fields.pop())
        if not isinstance(field_, DictionaryObject) or id(field_) in seen:
            continue
        seen.add(id(field_))
        add(field_.get("/A"), "d'un champ de formulaire")
        for action in _values(field_.get("/AA")):
            add(action, "d'un champ de formulaire")
        fields.extend(_resolved(field_.get("/Kids")) or [])
    return list(dict.fromkeys(found))


def _resolved(value: Any) -> Any:
    return value.get_object() if value is not None else None


def _values(actions: Any) -> list[Any]:
    """The actions of an additional-actions (/AA) dictionary."""
    actions = _resolved(actions)
    return list(actions.values()) if isinstance(actions, DictionaryObject) else []


def _chain(action: Any, *, skip: bool = False) -> list[str]:
    """The running kinds of an action and of those chained after it (/Next), the first
    left out with ``skip``."""
    kinds: list[str] = []
    pending: list[tuple[Any, bool]] = [(_resolved(action), skip)]
    seen: set[int] = set()
    while pending and len(seen) < _DEEPEST:
        current, skipped = pending.pop()
        if isinstance(current, list):
            pending.extend((_resolved(item), False) for item in current)
            continue
        if not isinstance(current, DictionaryObject) or id(current) in seen:
            continue
        seen.add(id(current))
        kind = str(current.get("/S", "")).lstrip("/")
        if kind in _ACTIVE and not skipped:
            kinds.append(kind)
        pending.append((_resolved(current.get("/Next")), False))
    return kinds
