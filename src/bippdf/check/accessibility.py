"""The accessibility checks of the web variant: what PDF/UA-1 asks that a program can
verify, the Matterhorn protocol's machine-testable conditions (``matterhorn``), each
problem named by its condition's number."""

from __future__ import annotations

from collections import Counter

from .readback import PdfReadback
from .report import CheckResult, Problem


def check_web(pdf: PdfReadback) -> CheckResult:
    """The automatically testable conditions of PDF/UA-1 (Matterhorn protocol)."""
    found = pdf.structure
    result = CheckResult("web", figures={"figures": len(found.figures)})
    tagging = found.tagging
    if tagging is None:
        result.problems.append(
            Problem(
                "Matterhorn 01-005 : le PDF n'a pas d'arborescence de balises "
                "(/StructTreeRoot) ; rien n'y est balisé"
            )
        )
        return result
    result.figures["conditions"] = sorted(Counter(f.checkpoint for f in tagging.failures))
    result.figures["tags"] = {
        kind: tagging.counts.get(kind, 0) for kind in ("Art", "P", "Note", "TOC", "TOCI", "Link")
    }
    if found.encrypted:
        # Beyond the protocol, which allows encryption that leaves assistive technology its
        # access: bippdf encrypts nothing, so an encrypted web PDF is not the one it made.
        result.problems.append(
            Problem(
                "le PDF est chiffré : les aides techniques (lecteurs d'écran) pourraient ne "
                "pas le lire, et bippdf n'en chiffre aucun"
            )
        )
    for failure in tagging.failures:
        page = pdf.page_labels[failure.page] if failure.page is not None else None
        result.problems.append(
            Problem(f"Matterhorn {failure.checkpoint} : {failure.message}", page=page)
        )
    return result
