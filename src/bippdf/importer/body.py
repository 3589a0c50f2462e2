"""An article's Markdown body: headings at the levels of the contents, pipe tables,
lists, quotations and testimonies."""

from __future__ import annotations

import re

from .blocks import merge_split_heading, row_cells
from .inline import clean_text
from .model import Block, Problem, TocEntry
from .text import clean_heading, matches_title


def write_body(blocks: list[Block], sections: list[TocEntry], problems: list[Problem]) -> str:
    """The article's Markdown body, headings set to the levels of the contents."""
    pending = list(sections)
    chunks: list[str] = []
    has_section = False
    index = 0
    while index < len(blocks):
        block = blocks[index]
        if block.kind == "heading" and pending:
            merge_split_heading(blocks, index, pending[0].title)
            block = blocks[index]
        section = next((entry for entry in pending if matches_title(block.text, entry.title)), None)
        if block.kind == "heading" or (
            section is not None and block.kind == "paragraph" and len(block.text) < 200
        ):
            text = clean_heading(block.text)
            if text:
                if section is not None:
                    pending.remove(section)
                level = 2 if section is not None or not has_section else 3
                has_section = has_section or level == 2
                chunks.append(f"{'#' * level} {text}")
        elif block.kind == "table" and len(block.lines) > 1:
            chunks.append(_table(block))
        elif block.kind == "table":  # one line with tabs: a paragraph, not a table
            chunks.append(clean_text(" ".join(row_cells(block.text)), block, problems))
        elif block.kind == "item":
            item = f"{block.marker} {clean_text(block.text, block, problems)}"
            if index > 0 and blocks[index - 1].kind == "item":
                chunks[-1] += "\n" + item  # one list, even across a page break
            else:
                chunks.append(item)
        elif block.kind == "comment":
            chunks.append(f"<!-- {block.text} -->")
        elif block.kind == "quote":
            chunks.append("> " + clean_text(block.text, block, problems))
        elif block.kind == "figure":
            chunks.append(block.text)
        else:
            text = clean_text(block.text, block, problems)
            chunks.extend([f"> {text}"] if _is_quotation(text) else _testimony(text))
        index += 1
    for entry in pending:
        problems.append(
            Problem(
                entry.line,
                f"la section « {entry.title} » de la table des matières est introuvable dans "
                "l'article : vérifiez son titre dans le texte et ajoutez « ## » devant",
            )
        )
    return "\n\n".join(chunks)


def _table(block: Block) -> str:
    """A tab-separated table as a GFM pipe table; numeric columns right-aligned."""
    rows = [row_cells(text) for _, text in block.lines]
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    header, body = rows[0], rows[1:]
    numeric = [
        bool(body) and all(re.fullmatch(r"[\d\s.,%$€+−-]*", row[col]) for row in body)
        for col in range(width)
    ]
    align = ["--:" if right else "---" for right in numeric]

    def line(cells: list[str]) -> str:
        """One row of the pipe table."""
        return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"

    return "\n".join([line(header), "|" + "|".join(align) + "|", *(line(row) for row in body)])


def _closing_guillemet(text: str, start: int) -> int | None:
    """The index of the » closing the « at ``start`` (nested quotations allowed)."""
    depth = 0
    for position in range(start, len(text)):
        depth += {"«": 1, "»": -1}.get(text[position], 0)
        if depth == 0:
            return position
    return None


def _is_quotation(text: str) -> bool:
    """A paragraph that is a quotation, at most followed by who says it: « … », explique X."""
    if not text.startswith("«"):
        return False
    end = _closing_guillemet(text, 0)
    if end is None:
        return False
    rest = text[end + 1 :].strip()
    return not rest or ("«" not in rest and bool(re.match(r"^,\s+[a-zàâçéèêëîïôûù]+\s", rest)))


def _testimony(text: str) -> list[str]:
    """A paragraph ending in a quotation signed with initials, « … » (MP), is set as the
    paragraph then the quotation, its initials as attribution."""
    match = re.search(r"»\s*(\([A-ZÀ-Ý]{1,4}\))$", text)
    if not match:
        return [text]
    depth = 0
    for position in range(match.start(), -1, -1):  # the « that opens the final »
        depth += {"»": 1, "«": -1}.get(text[position], 0)
        if depth == 0:
            break
    else:
        return [text]
    intro = text[:position].rstrip()
    quote = text[position : match.start() + 1]
    if len(quote.split()) < 8:
        return [text]  # a short quotation stays in its sentence
    block = f"> {quote}\n>\n> {match.group(1)}"
    return [intro, block] if intro else [block]
