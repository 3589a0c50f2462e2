"""The actions of a PDF that run a script or a program (JavaScript, Launch), wherever
they stand: the document's opening and events, its names tree, its pages, annotations
and form fields, and the actions chained after any of them."""

from __future__ import annotations

from typing import Any

from .objects import identity, is_array, is_dictionary

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
    if is_dictionary(opening):
        add(opening, "à l'ouverture du document")
    for action in _values(root.get("/AA")):
        add(action, "à un événement du document")
    names = root.get("/Names")
    if is_dictionary(names) and "/JavaScript" in names:
        found.append("JavaScript nommé du document")
    for index, page in enumerate(reader.pages):
        for action in _values(page.obj.get("/AA")):
            add(action, f"à l'ouverture ou la fermeture de la page {index + 1}")
        annotations = page.obj.get("/Annots")
        for annot in annotations if is_array(annotations) else []:
            if not is_dictionary(annot):
                continue
            subtype = str(annot.get("/Subtype", "?")).lstrip("/")
            where = f"d'une annotation {subtype} de la page {index + 1}"
            add(annot.get("/A"), where, skip=subtype == "Link")
            for action in _values(annot.get("/AA")):
                add(action, where)
    form = root.get("/AcroForm")
    fields = _items(form.get("/Fields")) if is_dictionary(form) else []
    seen: set[Any] = set()
    while fields and len(seen) < 100_000:
        field_ = fields.pop()
        if not is_dictionary(field_) or identity(field_) in seen:
            continue
        seen.add(identity(field_))
        add(field_.get("/A"), "d'un champ de formulaire")
        for action in _values(field_.get("/AA")):
            add(action, "d'un champ de formulaire")
        fields.extend(_items(field_.get("/Kids")))
    return list(dict.fromkeys(found))


def _items(array: Any) -> list[Any]:
    """An array's items (none for anything else)."""
    return list(array) if is_array(array) else []


def _values(actions: Any) -> list[Any]:
    """The actions of an additional-actions (/AA) dictionary."""
    return list(actions.values()) if is_dictionary(actions) else []


def _chain(action: Any, *, skip: bool = False) -> list[str]:
    """The running kinds of an action and of those chained after it (/Next), the first
    left out with ``skip``."""
    kinds: list[str] = []
    pending: list[tuple[Any, bool]] = [(action, skip)]
    seen: set[Any] = set()
    while pending and len(seen) < _DEEPEST:
        current, skipped = pending.pop()
        if is_array(current):
            pending.extend((item, False) for item in current)
            continue
        if not is_dictionary(current) or identity(current) in seen:
            continue
        seen.add(identity(current))
        kind = str(current.get("/S", "")).lstrip("/")
        if kind in _ACTIVE and not skipped:
            kinds.append(kind)
        pending.append((current.get("/Next"), False))
    return kinds
