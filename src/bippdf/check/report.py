"""What checking a PDF finds: its problems, each check's result, the report of a PDF,
and what the sources expect of it (``composition.expectations`` fills those in)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..catalogue import CHECK_NAMES, CHECKS_FAIL, CHECKS_HOLD
from ..contract import LETTER, PageGeometry, SourceBox

if TYPE_CHECKING:
    from .readback import PdfReadback

TOLERANCE = 2.0  # points: what anti-aliasing and glyph overhang may stick out


@dataclass
class Problem:
    """One thing wrong, on a page (its printed label) when there is one.

    ``at`` is the point it was found at (page index, then x and y in points from the
    trim corner); when the build tells where each block of the articles was laid out,
    ``source`` names the block's file and line (``articles/x.md:12``) and ``hint``
    what to do about it (``check.sources``)."""

    message: str
    page: str | None = None
    at: tuple[int, float, float] | None = field(default=None, compare=False, repr=False)
    source: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        """``articles/x.md:12: page 7: ce qui ne va pas (que faire)``, as far as known."""
        text = f"page {self.page}: {self.message}" if self.page else self.message
        if self.source:
            text = f"{self.source}: {text}"
        return f"{text} ({self.hint})" if self.hint else text

    def to_json(self) -> dict[str, Any]:
        """As the JSON report gives it: its source and hint only when known."""
        found: dict[str, Any] = {"page": self.page, "message": self.message}
        if self.source:
            found["source"] = self.source
        if self.hint:
            found["hint"] = self.hint
        return found


@dataclass
class CheckResult:
    """One check: its problems and the figures it measured."""

    name: str
    problems: list[Problem] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)  # worth a look, not a failure

    @property
    def status(self) -> str:
        """Whether it found a problem: "fail", or "pass"."""
        return "fail" if self.problems else "pass"


@dataclass
class Report:
    """Every check of one PDF."""

    pdf: str
    checks: list[CheckResult]

    @property
    def ok(self) -> bool:
        """Whether every check passed."""
        return all(check.status == "pass" for check in self.checks)

    @property
    def problems(self) -> list[Problem]:
        """Every check's problems, in the order of the checks."""
        return [problem for check in self.checks for problem in check.problems]

    @property
    def warnings(self) -> list[Problem]:
        """Every check's warnings, in the order of the checks."""
        return [warning for check in self.checks for warning in check.warnings]

    def summary(self) -> str:
        """One line: what was checked and how it went."""
        pages = self.checks[0].figures.get("pages", "?")
        failed = [CHECK_NAMES.get(c.name, c.name) for c in self.checks if c.status == "fail"]
        line = CHECKS_FAIL if failed else CHECKS_HOLD
        verdict = line.format(
            pages=pages,
            checks=_count(len(self.checks), "vérification"),
            problems=_count(len(self.problems), "problème"),
            failed=", ".join(failed),
        )
        return f"{self.pdf}: {verdict}"

    def to_json(self) -> dict[str, Any]:
        """The report as documented in docs/check-report.schema.json."""
        return {
            "pdf": self.pdf,
            "ok": self.ok,
            "checks": [
                {
                    "name": check.name,
                    "status": check.status,
                    "figures": check.figures,
                    "problems": [p.to_json() for p in check.problems],
                    "warnings": [p.to_json() for p in check.warnings],
                }
                for check in self.checks
            ],
        }


def _count(number: int, noun: str) -> str:
    """``1 problème``, ``3 problèmes``: French takes the singular below 2."""
    return f"{number} {noun}{'s' if number > 1 else ''}"


@dataclass
class Expectations:
    """What the sources call for, when they are known."""

    headings: list[tuple[int, str]] | None = None  # (level, text) in reading order
    notes: int | None = None
    metadata: dict[str, str] = field(default_factory=dict)  # Title, Author, Subject, Lang
    geometry: PageGeometry = LETTER
    warnings: list[str] = field(default_factory=list)  # what WeasyPrint said while rendering
    variant: str | None = None  # "print" or "web"; None: as the PDF shows itself
    sources: list[SourceBox] = field(default_factory=list)  # where the build laid out blocks


def page_label(pdf: PdfReadback, page: int | None) -> str | None:
    """The label printed on a page (its number when the PDF labels fewer pages)."""
    if page is None:
        return None
    return pdf.page_labels[page] if page < len(pdf.page_labels) else str(page + 1)
