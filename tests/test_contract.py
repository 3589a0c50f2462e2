"""The contract between the HTML and the PDF: the stylesheets, the templates and the PDF
hold what ``contract`` says, so that the checks look for what is really there."""

from __future__ import annotations

import re

from bippdf.check.columns import HEADER_SPACE
from bippdf.contract import (
    ANNEXE_ID,
    CONTENTS_ID,
    CONTENTS_TITLE_ID,
    TEXT_FONT,
    TITLE_FONT,
    WEB_OR_MAIL,
    FontRole,
)

from .conftest import ROOT, BuiltIssue

_FONT_DECLARATION = re.compile(r"\bfont(?:-family)?\s*:\s*([^;}]+)")


def _css_families(css: str) -> set[str]:
    """Every family a stylesheet's ``font`` and ``font-family`` declarations name."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    return {
        name
        for declaration in _FONT_DECLARATION.findall(css)
        for name in re.findall(r"[\"']([^\"']+)[\"']", declaration)
    }


def test_the_stylesheet_names_exactly_the_fonts_of_the_contract() -> None:
    """A font changed in the stylesheet and not in the contract would silently switch
    off the checks that find running text and headings by their font."""
    css = (ROOT / "styles" / "bulletin.css").read_text(encoding="utf-8")
    assert _css_families(css) == {TEXT_FONT.family, TITLE_FONT.family}


def test_a_font_the_contract_does_not_name_is_seen() -> None:
    css = 'body { font-family: "Source Serif", "Inter"; } h1 { font: 700 9pt/1 "Inter"; }'
    assert _css_families(css) == {"Source Serif", "Inter"}
    assert _css_families(css) != {TEXT_FONT.family, TITLE_FONT.family}


def test_the_pdf_names_the_fonts_as_the_contract_says(issue6: BuiltIssue) -> None:
    fonts = {line.font for page in issue6.pdf.lines for line in page}
    assert TEXT_FONT.pdf_name == "Noto-Serif" and TEXT_FONT.pdf_name in fonts
    assert TITLE_FONT.pdf_name in fonts
    assert f"{TITLE_FONT.pdf_name}-Semi-Bold" in fonts  # the sections' headings
    assert FontRole("Source Serif 4").pdf_name == "Source-Serif-4"


def test_the_html_and_the_pdf_hold_the_contract_ids(issue6: BuiltIssue) -> None:
    for name in (CONTENTS_ID, CONTENTS_TITLE_ID, ANNEXE_ID):
        assert f'id="{name}"' in issue6.html
        assert issue6.pdf.page_of(name) is not None, name
    assert f'aria-labelledby="{CONTENTS_TITLE_ID}"' in issue6.html


def test_one_link_pattern_for_lint_and_check() -> None:
    for good in ("https://www.quebec.ca/", "HTTPS://WWW.QUEBEC.CA", "mailto:bip@msp.gouv.qc.ca"):
        assert WEB_OR_MAIL.match(good), good
    for bad in ("file:///etc/passwd", "https://", "mailto:personne", "www.quebec.ca"):
        assert not WEB_OR_MAIL.match(bad), bad


def test_the_space_under_an_article_header_is_what_the_column_check_expects() -> None:
    """The layout check tells the header from the columns by the space under it: a
    smaller space in the stylesheet would put a header's lines into a column."""
    css = (ROOT / "styles" / "bulletin.css").read_text(encoding="utf-8")
    rule = re.search(r"\.article-header\s*\{([^}]*)\}", css)
    assert rule is not None
    space = re.search(r"margin-bottom:\s*([\d.]+)pt", rule.group(1))
    assert space is not None and float(space.group(1)) >= HEADER_SPACE
