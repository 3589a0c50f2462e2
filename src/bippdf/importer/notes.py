"""Notes: the Annexe's numbered notes, the calls <sup>N</sup> in the text, and their
scoping to each article as [^n] footnotes."""

from __future__ import annotations

import re

from .inline import fix_links
from .model import ArticleOut, Block, Line, Problem


def count_notes(article: ArticleOut) -> int:
    """The note definitions written in an article."""
    return len(re.findall(r"^\[\^[^\]]+\]:", article.body, re.M))


_NOTE_START = re.compile(r"^\s*(?:<sup>(\d+)</sup>|(\d+)[.)])\s+(.*)$")


def annexe_notes(lines: list[Line], problems: list[Problem]) -> dict[int, tuple[int, str]]:
    """The Annexe's numbered notes: number -> (legacy line, text on one line)."""
    notes: dict[int, tuple[int, list[str]]] = {}
    last = 0
    for number, raw in lines:
        text = raw.strip()
        if not text or text.startswith("#") or re.fullmatch(r"[-*+]|-{3,}|\*{3,}|_{3,}", text):
            continue  # blank, a heading, a rule, or an empty bullet left by a page break
        match = _NOTE_START.match(text)
        if match:
            value = int(match.group(1) or match.group(2))
            # Notes run 1, 2, 3…: a line starting "2016. …" inside a note is not note 2016.
            if last < value <= last + 5:
                if value != last + 1:
                    problems.append(
                        Problem(
                            number,
                            f"la numérotation de l'annexe saute de la note {last} à la note "
                            f"{value} : vérifiez qu'aucune note n'a été perdue à l'extraction",
                        )
                    )
                notes[value] = (number, [match.group(3)])
                last = value
                continue
        if last:
            notes[last][1].append(text)  # a note cut by a page break, or its next line
        else:
            problems.append(
                Problem(
                    number,
                    "texte de l'annexe avant la première note numérotée : laissé de côté; "
                    "vérifiez s'il appartient à une note",
                )
            )
    return {
        n: (line, fix_links(" ".join(parts), line, problems)) for n, (line, parts) in notes.items()
    }


NOTE_CALL = re.compile(r"<sup>\s*(\d+(?:\s*,\s*\d+)*)\s*</sup>")


def note_call_lines(blocks: list[Block]) -> dict[int, int]:
    """The note numbers called in these blocks, each with the legacy line of its first call."""
    lines: dict[int, int] = {}
    for block in blocks:
        for number, text in block.lines:
            for match in NOTE_CALL.finditer(text):
                for value in re.findall(r"\d+", match.group(1)):
                    lines.setdefault(int(value), number)
    return lines


def scope_notes(
    lead: str | None,
    body: str,
    call_lines: dict[int, int],
    notes: dict[int, tuple[int, str]],
    problems: list[Problem],
) -> tuple[str | None, str]:
    """Turn the issue's <sup>N</sup> calls into this article's [^n] notes, numbered from 1
    in reading order, and write their definitions at the end of the body."""
    labels: dict[int, int] = {}

    def calls(match: re.Match[str]) -> str:
        """One <sup>N</sup> (or <sup>N, M</sup>) as this article's note calls."""
        out = []
        for value in (int(number) for number in re.findall(r"\d+", match.group(1))):
            if value not in notes:
                problems.append(
                    Problem(
                        call_lines.get(value, 0),
                        f"l'appel de note {value} n'a pas de note dans l'annexe : il est laissé "
                        f"tel quel (<sup>{value}</sup>); ajoutez la note [^n] ou retirez l'appel",
                    )
                )
                out.append(f"<sup>{value}</sup>")
                continue
            labels.setdefault(value, len(labels) + 1)
            out.append(f"[^{labels[value]}]")
        return "".join(out)

    lead = NOTE_CALL.sub(calls, lead) if lead else lead
    body = NOTE_CALL.sub(calls, body)
    if labels:
        definitions = [f"[^{label}]: {notes[value][1]}" for value, label in labels.items()]
        body = body.rstrip() + "\n\n" + "\n".join(definitions)
    return lead, body
