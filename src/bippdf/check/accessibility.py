"""The accessibility checks of the web variant: what PDF/UA-1 asks that a program can
verify (the Matterhorn protocol's automatic checkpoints)."""

from __future__ import annotations

from .readback import PdfReadback
from .report import CheckResult, Problem


def check_web(pdf: PdfReadback) -> CheckResult:
    """The automatically testable checkpoints of PDF/UA-1 (Matterhorn protocol)."""
    found = pdf.structure
    result = CheckResult("web", figures={"figures": len(found.figures)})
    needs = [
        (found.marked, "/MarkInfo /Marked true (Matterhorn 01-001)"),
        (found.tagged, "une arborescence de balises (01-002)"),
        (bool(pdf.language), "une langue du document, /Lang (11-001)"),
        (found.display_title, "/ViewerPreferences /DisplayDocTitle true (07-001)"),
        ("<dc:title" in found.xmp, "des métadonnées XMP avec dc:title (06-003)"),
        ("pdfuaid:part" in found.xmp, "pdfuaid:part dans ses métadonnées XMP (06-002)"),
    ]
    for holds, what in needs:
        if not holds:
            result.problems.append(Problem(f"il manque au PDF {what}"))
    if found.encrypted:
        result.problems.append(
            Problem(
                "le PDF est chiffré : les aides techniques (lecteurs d'écran) ne pourraient "
                "pas le lire (Matterhorn 26-001)"
            )
        )
    for alt in found.figures:
        if not alt:
            result.problems.append(
                Problem("une Figure n'a pas de texte de remplacement, /Alt (13-004)")
            )
    return result
