"""A pseudo-element's style computed once for the elements styled alike.

WeasyPrint 70's stylesheet for HTML gives every element six pseudo-elements
(``::marker``, ``::footnote-call``, ``::footnote-marker``, ``::note-call``,
``::note-marker``, ``::note-callback``), and WeasyPrint computes a style for each, for
every element, with the declarations that reach it (its cascade, a dict of its own): No. 6
× 16 has 11,417 elements and 68,502 such styles, made before its layout and held to its
end, when it peaked at 491 MB (432 MB with this module). An element's own style it
computes once for the elements whose parents share a style and that match the same
rules (``StyleFor``), but not their pseudo-elements', each computed anew, equal to the
first's.

Here, while WeasyPrint computes a document's styles, an element given the style of an
element before it gets the pseudo-elements' styles of the first element given that
style, where the declarations reaching both are equal: a style is computed from its
parent's (the element's, the same), the document's root and the declarations, so the
two would be equal. (The same rules matched may reach two elements' pseudo-elements
otherwise: a rule for ``.a::before, .b::after`` is one block of declarations.) Not a
note's ``::note-call`` (``position: note()``), into which WeasyPrint writes the note's
anchor as it lays the note out; elements styled alike are all notes, or none. The PDF
is the same, byte for byte (tests/test_pseudoelements.py).

Only for WeasyPrint 70 (``SUPPORTED``), whose computing of styles this knows; another
version computes them as it does.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

SUPPORTED = "70."  # the version whose StyleFor this knows (pyproject.toml pins it)
# The pseudo-element whose style WeasyPrint changes for each note while laying it out.
NOTE_CALL = "note-call"
_FIRST = "_bippdf_first"  # on a StyleFor: the first element given each style, by its id


def install(weasyprint: Any) -> None:
    """Have this WeasyPrint compute pseudo-elements' styles as this module does (once
    per process; another version than ``SUPPORTED`` is left as it is)."""
    from weasyprint.css import StyleFor

    computing = StyleFor.set_computed_styles
    if str(weasyprint.__version__).startswith(SUPPORTED) and not hasattr(computing, "__wrapped__"):
        StyleFor.set_computed_styles = _shared(computing)


def _shared(computing: Callable[..., None]) -> Callable[..., None]:
    """WeasyPrint's ``StyleFor.set_computed_styles``, giving an element's pseudo-element
    the style of the same pseudo-element of the first element styled alike, where the
    same declarations reach both."""

    @functools.wraps(computing)
    def set_computed_styles(
        self: Any,
        element: Any,
        parent: Any,
        root: Any = None,
        pseudo_type: str | None = None,
        base_url: str | None = None,
        target_collector: Any = None,
    ) -> None:
        styles = self._computed_styles
        first: dict[int, Any] = vars(self).setdefault(_FIRST, {})
        own = styles.get((element, None))
        if pseudo_type is not None and not (pseudo_type == NOTE_CALL and _is_note(own)):
            # (Each element's style is held by ``styles`` as long as its id is.)
            leader = first.get(id(own), element)
            theirs = None if leader is element else styles.get((leader, pseudo_type))
            if (
                theirs is not None
                and theirs.base_url == base_url
                and theirs.cascaded == self._cascaded_styles.get((element, pseudo_type), {})
            ):
                styles[element, pseudo_type] = theirs
                if target_collector and theirs["anchor"]:  # (said twice, as WeasyPrint does)
                    target_collector.collect_anchor(theirs["anchor"])
                return
        computing(self, element, parent, root, pseudo_type, base_url, target_collector)
        if pseudo_type is None:
            first.setdefault(id(styles[element, None]), element)

    return set_computed_styles


def _is_note(style: Any) -> bool:
    """Whether an element of this style is laid out as a note (``position: note()``)."""
    return style is not None and style["position"][0] == "note()"
