"""The body's lines grouped into blocks (paragraphs, headings, list items, quotes,
tables), without running headers and folios, and rejoined across page breaks."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .cover import EDITION
from .model import Block, Line
from .text import fold

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_ITEM = re.compile(r"^\s*(?P<marker>[-*+•]|\d{1,2}[.)])\s+(?P<text>\S.*)$")


def read_blocks(lines: list[Line], fields: dict[str, object]) -> Iterator[Block]:
    """Group the body's lines into blocks, leaving out running headers and folios."""
    current: Block | None = None
    for number, raw in lines:
        text = raw.rstrip()
        if text.strip() and _is_page_furniture(text, fields):
            continue  # a running header or folio: the paragraph around it goes on
        if not text.strip():
            if current is not None:
                yield current
                current = None
            continue
        if current is not None and current.kind == "table" and "\t" not in text:
            yield current
            current = None
        if "\t" in text:
            if current is None or current.kind != "table":
                if current is not None:
                    yield current
                current = Block("table", [])
            current.lines.append((number, text))
            continue
        if text.lstrip().startswith(">"):
            if current is None or current.kind != "quote":
                if current is not None:
                    yield current
                current = Block("quote", [])
            current.lines.append((number, text.lstrip()[1:].strip()))
            continue
        heading = _HEADING.match(text)
        item = _ITEM.match(text)
        if heading or item:
            if current is not None:
                yield current
            if heading:
                yield Block("heading", [(number, heading.group(2))], level=len(heading.group(1)))
                current = None
            elif item:
                marker = "-" if not item.group("marker")[0].isdigit() else "1."
                current = Block("item", [(number, item.group("text"))], marker=marker)
            continue
        if current is None:
            current = Block("paragraph", [])
        current.lines.append((number, text.strip()))
    if current is not None:
        yield current


def _is_page_furniture(text: str, fields: dict[str, object]) -> bool:
    """A folio, a running header or footer (the bulletin's title and/or its edition line,
    with or without the folio), or an empty bullet left by a page break."""
    if re.fullmatch(r"[-*+•]", text.strip()):
        return True
    plain = fold(text)
    if not plain or len(plain) > 150:
        return False  # a line of a lone autolink has no "plain" text, yet is text
    rest = plain
    title = fold(str(fields.get("title", "")))
    if title:
        rest = rest.replace(title, " ")
    edition = EDITION.search(rest)
    if edition and int(edition.group(1)) == fields.get("number"):
        rest = rest[: edition.start()] + " " + rest[edition.end() :]
    rest = re.sub(r"\b(?:page\s*)?\d{1,3}\b", " ", rest)  # the folio
    return not rest.strip(" |–—-·•,")


_CLOSED_END = re.compile(r"[.!?:…]$")
_CONTINUATION = re.compile(r"^(?:\*{1,2}|_{1,2})?[a-zàâäçéèêëîïôöùûüÿœæ]")


# No paragraph ends on these: a paragraph that does was cut by a page break.
_HANGING_END = re.compile(
    r"(?:,|\b(?:à|au|aux|avec|dans|de|des|du|en|et|la|le|les|ou|par|pour|que|qui|sur|un|une)"
    r"|\b[dl]['’])$",
    re.I,
)


def rejoin(blocks: list[Block]) -> list[Block]:
    """Join the paragraphs a page break cut in two, and tables a page break split."""
    out: list[Block] = []
    for block in blocks:
        previous = out[-1] if out else None
        if previous is not None and _is_cut(previous, block):
            previous.lines = _join_emphasis(previous.lines, block.lines)
            continue
        if (
            previous is not None
            and previous.kind == block.kind == "table"
            and _columns(previous) == _columns(block)
        ):
            rows = block.lines
            if row_cells(rows[0][1]) == row_cells(previous.lines[0][1]):
                rows = rows[1:]  # the header repeated at the top of the next page
            previous.lines += rows
            continue
        out.append(block)
    return out


def _is_cut(previous: Block, block: Block) -> bool:
    """A paragraph (or list item) left hanging, or left open and followed by a paragraph
    starting in lower case."""
    if previous.kind not in {"paragraph", "item"} or block.kind != "paragraph":
        return False
    end = re.sub(r"(<sup>\d+</sup>|\*+|_+)+$", "", previous.text.rstrip())
    if _HANGING_END.search(end):
        return True
    return not _CLOSED_END.search(end) and bool(_CONTINUATION.match(block.text))


def _join_emphasis(first: list[Line], second: list[Line]) -> list[Line]:
    """Join two halves of a paragraph, merging an emphasis closed and reopened at the cut."""
    head_line, head = first[-1]
    tail_line, tail = second[0]
    for marker in ("**", "*", "_"):
        if head.rstrip().endswith(marker) and tail.lstrip().startswith(marker):
            head = head.rstrip()[: -len(marker)]
            tail = tail.lstrip()[len(marker) :]
            break
    return [*first[:-1], (head_line, head.rstrip()), (tail_line, tail.lstrip()), *second[1:]]


def row_cells(row: str) -> list[str]:
    """The cells of a tab-separated row."""
    return [cell.strip() for cell in row.strip("\n").split("\t")]


def _columns(block: Block) -> int:
    """The number of columns of a table block."""
    return max(len(row_cells(text)) for _, text in block.lines)


def merge_split_heading(blocks: list[Block], index: int, title: str) -> bool:
    """Merge a heading set on two lines (two headings, or a heading and a line) if together
    they make ``title``; return whether they did."""
    text = blocks[index].text
    target = fold(title)
    if not fold(text) or not target.startswith(fold(text)) or fold(text) == target:
        return False
    following = index + 1
    while following < len(blocks) and blocks[following].kind in {"heading", "paragraph"}:
        text = f"{text} {blocks[following].text}"
        if not target.startswith(fold(text)):
            return False
        if fold(text) == target:
            lines = [line for block in blocks[index : following + 1] for line in block.lines]
            blocks[index] = Block("heading", lines, level=blocks[index].level)
            del blocks[index + 1 : following + 1]
            return True
        following += 1
    return False
