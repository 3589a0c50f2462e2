"""Importing a back issue of the BIP from the text extracted from its printed PDF.

The old bulletins exist only as PDFs. Their text, extracted to a Markdown-ish
file, keeps the traces of the printed page: a static table of contents with
page numbers, articles whose title is a heading of any level, note calls
written ``<sup>N</sup>`` and numbered across the issue, an ``# Annexe`` with the
numbered notes, paragraphs cut at page breaks, tables as tab-separated lines,
bylines in capitals, photo credits without photos and a colophon.

``import_legacy`` turns such a file into an issue folder in the format of
``docs/format.md``: ``issue.toml`` and one ``articles/NN-slug.md`` per article,
notes scoped to their article. Whatever it cannot settle is listed as a
``Problem`` with the line of the legacy text, for an editor to finish by hand.

The work is done in memory first; files are written only once the whole issue
has been converted.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher
from pathlib import Path
from urllib.parse import unquote

from .errors import SourceError
from .markdown import slugify
from .source import DEFAULT_PUBLISHER, ISSUE_FILE, Author, image_problem, toml_value

# ---------------------------------------------------------------------------
# Public API


@dataclass
class Problem:
    """Something the importer could not resolve, for an editor to finish by hand."""

    line: int  # 1-based line in the legacy text file
    message: str  # in French, for an editor: what could not be resolved and what to do


@dataclass
class ImportReport:
    """What an import wrote, and what is left to do."""

    folder: Path  # the issue folder written
    articles: list[Path]  # article files written, in order
    notes: int  # notes converted
    problems: list[Problem]  # what could not be resolved, with legacy line numbers


def import_legacy(legacy: Path, output: Path, *, force: bool = False) -> ImportReport:
    """Convert the extracted text of a printed BIP into an issue folder at ``output``.

    Raises ``SourceError`` when ``output`` is not empty (unless ``force``), or when the
    legacy text cannot be read or is not a bulletin (no edition line, no table of
    contents). Everything else that cannot be resolved is reported as a ``Problem``.
    """
    legacy, output = Path(legacy), Path(output)
    _check_output(output, force=force)
    lines = _read_legacy(legacy)
    problems: list[Problem] = []
    issue = _convert(lines, legacy, problems)
    try:
        paths = _write(issue, output, force=force)
    except OSError as exc:
        raise SourceError(
            f"impossible d'écrire le numéro importé : {exc.strerror}",
            path=Path(exc.filename) if exc.filename else output,
            hint="vérifiez que le dossier de destination est accessible en écriture",
        ) from None
    problems.sort(key=lambda problem: problem.line)
    return ImportReport(folder=output, articles=paths, notes=issue.note_count, problems=problems)


# ---------------------------------------------------------------------------
# The intermediate model

MONTHS = {
    "janvier": 1,
    "février": 2,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "août": 8,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "décembre": 12,
    "decembre": 12,
}

Line = tuple[int, str]  # (1-based line number in the legacy file, text)


@dataclass
class Block:
    """A block of the legacy text: a paragraph, heading, list item or table."""

    kind: str  # "paragraph", "heading", "item", "table", "quote"; "comment", "figure" later
    lines: list[Line]
    level: int = 0  # heading level
    marker: str = ""  # list item marker: "-" or "1."

    @property
    def line(self) -> int:
        """The legacy line the block starts on."""
        return self.lines[0][0]

    @property
    def text(self) -> str:
        """The block's text on one line (tables excepted)."""
        return " ".join(text.strip() for _, text in self.lines if text.strip())

    def line_of(self, needle: str) -> int:
        """The legacy line of the block holding ``needle`` (else the block's first)."""
        return next((number for number, text in self.lines if needle in text), self.line)


@dataclass
class TocEntry:
    """One entry of the printed table of contents."""

    title: str
    level: int  # 1: an article (bold), 2: a section (italic)
    line: int


@dataclass
class ArticleOut:
    """One converted article, ready to be written."""

    title: str
    line: int
    body: str = ""
    lead: str | None = None
    authors: list[Author] = field(default_factory=list)
    signature: bool = False
    images: list[tuple[Path, str]] = field(default_factory=list)  # (legacy file, new name)


@dataclass
class IssueOut:
    """The converted issue, ready to be written."""

    fields: dict[str, object]
    contact: dict[str, str]
    articles: list[ArticleOut]
    note_count: int


# ---------------------------------------------------------------------------
# Reading and writing


def _check_output(output: Path, *, force: bool) -> None:
    """Refuse a file, or a non-empty folder unless asked to overwrite it."""
    if output.exists() and not output.is_dir():
        raise SourceError(
            "la destination existe et n'est pas un dossier",
            path=output,
            hint="donnez le chemin d'un dossier, nouveau ou vide",
        )
    if output.is_dir() and any(output.iterdir()) and not force:
        raise SourceError(
            "le dossier de destination n'est pas vide : l'importation ne l'écrase pas",
            path=output,
            hint="choisissez un dossier nouveau ou vide, ou relancez l'importation en "
            "demandant l'écrasement (--force)",
        )


def _read_legacy(path: Path) -> list[Line]:
    """The legacy text as numbered lines; a clear error when it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(
            f"impossible de lire le fichier : {exc.strerror}",
            path=path,
            hint="donnez le fichier texte extrait du PDF imprimé",
        ) from None
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"le fichier n'est pas en UTF-8 (octet {exc.start} : 0x{data[exc.start]:02x})",
            path=path,
            line=data.count(b"\n", 0, exc.start) + 1,
            hint="enregistrez le texte en UTF-8 avant de l'importer",
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise SourceError(
            "le fichier est vide", path=path, line=1, hint="donnez le texte extrait du PDF"
        )
    return list(enumerate(text.split("\n"), start=1))


def _write(issue: IssueOut, output: Path, *, force: bool) -> list[Path]:
    """Write issue.toml, the articles and their images; return the article paths."""
    articles_dir = output / "articles"
    if force and articles_dir.is_dir():
        # Articles of a previous import would be "not listed" in the new issue.toml.
        for stale in articles_dir.glob("*.md"):
            stale.unlink()
    articles_dir.mkdir(parents=True, exist_ok=True)
    names = _file_names(issue.articles)
    paths = []
    for article, name in zip(issue.articles, names, strict=True):
        path = articles_dir / name
        path.write_text(_article_file(article), encoding="utf-8")
        paths.append(path)
        for legacy_image, new_name in article.images:
            (output / "images").mkdir(exist_ok=True)
            shutil.copyfile(legacy_image, output / "images" / new_name)
    toml = _issue_file(issue, names)
    (output / ISSUE_FILE).write_text(toml, encoding="utf-8")
    return paths


def _file_names(articles: list[ArticleOut]) -> list[str]:
    """``NN-slug.md`` for each article, the slug cut to a few words."""
    names = []
    for index, article in enumerate(articles, start=1):
        words = slugify(article.title).split("-")
        if len(words) > 1 and words[0] == "l":
            words = words[1:]  # "L'exploitation…": the elided article says nothing
        kept: list[str] = []
        for word in words:  # whole words, about 40 characters at most
            if kept and len("-".join([*kept, word])) > 40:
                break
            kept.append(word)
        while len(kept) > 1 and kept[-1] in _SLUG_STOPWORDS:
            kept.pop()  # "…-en-estrie-une" reads better as "…-en-estrie"
        names.append(f"{index:02d}-{'-'.join(kept) or 'article'}.md")
    return names


_SLUG_STOPWORDS = {"a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les"}
_SLUG_STOPWORDS |= {"par", "pour", "sur", "un", "une"}


def _toml_multiline(text: str) -> str:
    """A multi-line TOML string, for a lead."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"""\n{escaped}\n"""'


def _article_file(article: ArticleOut) -> str:
    """An article file: TOML front matter between +++ lines, then the Markdown body."""
    front = [f"title = {toml_value(article.title)}"]
    if article.lead:
        front.append(f"lead = {_toml_multiline(article.lead)}")
    if article.signature:
        front.append("signature = true")
    for author in article.authors:
        front += ["", "[[authors]]", f"name = {toml_value(author.name)}"]
        if author.role:
            front.append(f"role = {toml_value(author.role)}")
        if author.affiliation:
            front.append(f"affiliation = {toml_value(author.affiliation)}")
        if author.collaboration:
            front.append("collaboration = true")
    return "+++\n" + "\n".join(front) + "\n+++\n\n" + article.body.strip() + "\n"


def _issue_file(issue: IssueOut, names: list[str]) -> str:
    """issue.toml: the issue's keys, the article list, then [contact] last."""
    lines = [f"{key} = {toml_value(value)}" for key, value in issue.fields.items()]
    lines.append("articles = [")
    lines += [f"  {toml_value(name)}," for name in names]
    lines.append("]")
    if issue.contact:
        lines += ["", "[contact]"]
        lines += [f"{key} = {toml_value(value)}" for key, value in issue.contact.items()]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# The conversion, top to bottom


_CONTENTS_HEADING = re.compile(r"^\s*#*\s*(?:\*\*)?\s*(?:table des mati[èe]res|sommaire)\b", re.I)
_ANNEXE_HEADING = re.compile(r"^\s*#{1,6}\s*(?:\*\*)?\s*annexes?\s*(?:\*\*)?\s*$", re.I)


def _convert(lines: list[Line], legacy: Path, problems: list[Problem]) -> IssueOut:
    """The whole conversion, in memory."""
    contents_at = next(
        (i for i, (_, text) in enumerate(lines) if _CONTENTS_HEADING.match(text)), None
    )
    if contents_at is None:
        raise SourceError(
            "aucune table des matières : ce texte n'a pas la forme d'un BIP imprimé",
            path=legacy,
            line=1,
            hint="le texte doit contenir la ligne « TABLE DES MATIÈRES » suivie des titres "
            "et de leurs pages",
        )
    fields = _cover(lines[:contents_at], legacy, problems)
    short = _acronym(str(fields["title"]))
    if short and any(re.search(rf"\b{short}\b", text) for _, text in lines):
        fields = {"title": fields.pop("title"), "short_title": short, **fields}  # "le BIP"
    toc, body_at = _contents(lines, contents_at)
    if not any(entry.level == 1 for entry in toc):
        raise SourceError(
            "la table des matières ne donne aucun titre d'article",
            path=legacy,
            line=lines[contents_at][0],
            hint="chaque ligne de la table doit finir par son numéro de page",
        )
    annexe_at = _annexe_start(lines, body_at)
    body_lines = lines[body_at:annexe_at]
    tail = lines[annexe_at + 1 :] if annexe_at < len(lines) else []
    body_lines, colophon = _split_colophon(body_lines)
    tail, colophon_after = _split_colophon(tail)
    colophon += colophon_after
    notes = _annexe_notes(tail, problems)
    fields.update(_colophon_fields(colophon, fields, problems))
    contact = _contact(colophon)
    blocks = _rejoin(list(_blocks(body_lines, fields)))
    forms = _word_forms(lines)
    articles = []
    called: set[int] = set()
    for entry, sections, article_blocks in _split_articles(blocks, toc, problems):
        article = _article(entry, sections, article_blocks, notes, forms, legacy, problems)
        articles.append(article)
        called |= set(_call_lines(article_blocks))
    for number, (line, _) in sorted(notes.items()):
        if number not in called:
            problems.append(
                Problem(
                    line,
                    f"la note {number} de l'annexe n'est appelée nulle part dans le texte : "
                    "elle est laissée de côté; ajoutez son appel [^n] dans l'article concerné "
                    "et sa définition à la fin de cet article",
                )
            )
    if not articles:
        raise SourceError(
            "aucun article de la table des matières n'a été trouvé dans le texte",
            path=legacy,
            line=lines[contents_at][0],
            hint="les titres des articles doivent figurer dans le texte tels que dans la table",
        )
    return IssueOut(
        fields=fields,
        contact=contact,
        articles=articles,
        note_count=sum(_note_count(article) for article in articles),
    )


def _note_count(article: ArticleOut) -> int:
    """The note definitions written in an article."""
    return len(re.findall(r"^\[\^[^\]]+\]:", article.body, re.M))


# ---------------------------------------------------------------------------
# Cover, contents, annexe, colophon


_EDITION = re.compile(r"\b(?:num[ée]ro|no|n°|nº)\s*(\d+)\s*[,–—-]?\s*([a-zéû]+)\s+(\d{4})", re.I)


def _cover(lines: list[Line], legacy: Path, problems: list[Problem]) -> dict[str, object]:
    """Title, number, date, publisher and theme, from the cover before the contents."""
    paragraphs = _paragraphs(lines)
    fields: dict[str, object] = {}
    edition = next(
        (
            (line, match)
            for line, text in paragraphs
            if (match := _EDITION.search(text)) and match.group(2).lower() in MONTHS
        ),
        None,
    )
    if edition is None:
        raise SourceError(
            "la ligne d'édition (« Numéro 6, août 2019 ») est introuvable avant la table "
            "des matières",
            path=legacy,
            line=1,
            hint="le numéro, le mois et l'année du bulletin sont nécessaires à issue.toml",
        )
    title_at = next((i for i, (_, text) in enumerate(paragraphs) if text.startswith("#")), None)
    if title_at is None:
        raise SourceError(
            "le titre du bulletin (un titre « # … » avant la table des matières) est introuvable",
            path=legacy,
            line=1,
            hint="ajoutez « # Bulletin d'information en prévention » en tête du texte",
        )
    title = _strip_emphasis(paragraphs[title_at][1].lstrip("#").strip())
    fields["title"] = title
    fields["number"] = int(edition[1].group(1))
    fields["date"] = dt.date(int(edition[1].group(3)), MONTHS[edition[1].group(2).lower()], 1)
    fields["language"] = "fr-CA"
    theme = [
        _strip_emphasis(text)
        for line, text in paragraphs[title_at + 1 :]
        if not text.startswith("#") and line != edition[0]
    ]
    if theme:
        fields["theme"] = " ".join(theme)
    publisher = next(
        (text for _, text in paragraphs if re.match(r"(minist[èe]re|gouvernement)\b", text, re.I)),
        None,
    )
    if publisher is None:
        problems.append(
            Problem(
                1,
                "l'éditeur (« Ministère de la Sécurité publique ») n'est pas sur la couverture : "
                "il a été mis par défaut dans issue.toml; vérifiez la clé publisher",
            )
        )
        publisher = DEFAULT_PUBLISHER
    fields["publisher"] = publisher
    return fields


def _acronym(title: str) -> str | None:
    """``BIP`` for "Bulletin d'information en prévention": the initials of its long words."""
    words = re.findall(r"[^\W\d_]+", title.replace("'", " ").replace("’", " "))
    initials = "".join(word[0].upper() for word in words if len(word) > 3)
    return initials if len(initials) >= 2 else None


def _paragraphs(lines: list[Line]) -> list[Line]:
    """Lines joined into paragraphs (blank lines between), each with its first line."""
    paragraphs: list[Line] = []
    current: list[Line] = []
    for number, text in [*lines, (0, "")]:
        if text.strip():
            current.append((number, text.strip()))
            continue
        if current:
            paragraphs.append((current[0][0], " ".join(part for _, part in current)))
            current = []
    return paragraphs


_TOC_LINE = re.compile(
    r"^\s*(?P<title>.+?)\s*(?:\.{2,}|…+)?\s*(?:<b>|\*\*)?\s*(?P<page>\d{1,3})\s*(?:</b>|\*\*)?\s*$"
)


def _contents(lines: list[Line], start: int) -> tuple[list[TocEntry], int]:
    """The table of contents' entries, and the index of the first line after it."""
    entries = []
    index = start + 1
    end = index
    while index < len(lines):
        number, text = lines[index]
        if not text.strip():
            index += 1
            continue
        match = _TOC_LINE.match(text)
        leaders = "\t" in text or "..." in text or "…" in text
        if match is None or not leaders:
            break  # the first line without leaders and page number: the contents are over
        raw = match.group("title").strip()
        italic = bool(re.match(r"^(<i>|\*(?!\*)|_)", raw)) or text[:1] in " \t"
        entries.append(TocEntry(_strip_emphasis(raw), 2 if italic else 1, number))
        index += 1
        end = index
    return entries, end


def _annexe_start(lines: list[Line], start: int) -> int:
    """The index of the Annexe's heading (the last one), or the end of the text."""
    found = [i for i in range(start, len(lines)) if _ANNEXE_HEADING.match(lines[i][1])]
    return found[-1] if found else len(lines)


_NOTE_START = re.compile(r"^\s*(?:<sup>(\d+)</sup>|(\d+)[.)])\s+(.*)$")


def _annexe_notes(lines: list[Line], problems: list[Problem]) -> dict[int, tuple[int, str]]:
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
        n: (line, _fix_links(" ".join(parts), line, problems)) for n, (line, parts) in notes.items()
    }


_COLOPHON = re.compile(
    r"^(?:coordination\s*:|(?:adresse de )?(?:courriel|courrier [ée]lectronique)|t[ée]l[ée]phone"
    r"\s*:|d[ée]p[ôo]t l[ée]gal|biblioth[èe]que (?:et archives|nationale)|issn\b|isbn\b|©|\(c\)"
    r"|tous (?:les )?droits r[ée]serv[ée]s)",
    re.I,
)


def _split_colophon(lines: list[Line]) -> tuple[list[Line], list[Line]]:
    """Cut the colophon off the end of these lines: its lines are all of known kinds."""
    cut = len(lines)
    index = len(lines) - 1
    while index >= 0:
        text = _strip_emphasis(lines[index][1].strip())
        if text and not _COLOPHON.match(text):
            break
        if text:
            cut = index
        index -= 1
    return lines[:cut], lines[cut:]


def _colophon_fields(
    lines: list[Line], fields: dict[str, object], problems: list[Problem]
) -> dict[str, object]:
    """Coordination, legal deposit, ISSN, copyright and rights from the colophon."""
    found: dict[str, object] = {}
    for number, raw in lines:
        text = _strip_emphasis(raw.strip())
        if match := re.match(r"coordination\s*:\s*(.+)", text, re.I):
            found["coordination"] = match.group(1).strip()
        elif re.match(r"d[ée]p[ôo]t l[ée]gal", text, re.I):
            year = re.search(r"\b(\d{4})\b", text)
            date = fields["date"]
            assert isinstance(date, dt.date)
            if year:
                found["legal_deposit_year"] = int(year.group(1))
            else:
                found["legal_deposit_year"] = date.year
                problems.append(
                    Problem(
                        number,
                        f"l'année du dépôt légal manque dans le colophon : {date.year}, l'année "
                        "du numéro, a été mise dans issue.toml; vérifiez legal_deposit_year",
                    )
                )
        elif match := re.match(r"issn\b\s*:?\s*(.*)", text, re.I):
            found["issn"] = match.group(1).strip()
        elif text.startswith(("©", "(c)", "(C)")):
            found["copyright"] = text
        elif re.match(r"tous (les )?droits", text, re.I):
            found["rights"] = text
    return found


def _contact(lines: list[Line]) -> dict[str, str]:
    """The contact e-mail and telephone of the colophon."""
    contact = {}
    for _, raw in lines:
        text = _strip_emphasis(raw.strip())
        if re.match(r"(adresse de )?(courriel|courrier)", text, re.I):
            email = re.search(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", text)
            if email:
                contact["email"] = email.group(0)
        elif match := re.match(r"t[ée]l[ée]phone\s*:\s*(.+)", text, re.I):
            contact["phone"] = match.group(1).strip()
    return contact


# ---------------------------------------------------------------------------
# Blocks: lines to paragraphs, headings, list items and tables


_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_ITEM = re.compile(r"^\s*(?P<marker>[-*+•]|\d{1,2}[.)])\s+(?P<text>\S.*)$")


def _blocks(lines: list[Line], fields: dict[str, object]) -> Iterator[Block]:
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
    plain = _key(text)
    if not plain or len(plain) > 150:
        return False  # a line of a lone autolink has no "plain" text, yet is text
    rest = plain
    title = _key(str(fields.get("title", "")))
    if title:
        rest = rest.replace(title, " ")
    edition = _EDITION.search(rest)
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


def _rejoin(blocks: list[Block]) -> list[Block]:
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
            if _cells(rows[0][1]) == _cells(previous.lines[0][1]):
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


def _cells(row: str) -> list[str]:
    """The cells of a tab-separated row."""
    return [cell.strip() for cell in row.strip("\n").split("\t")]


def _columns(block: Block) -> int:
    """The number of columns of a table block."""
    return max(len(_cells(text)) for _, text in block.lines)


# ---------------------------------------------------------------------------
# Articles


def _key(text: str) -> str:
    """Text folded for comparing titles: no markup, one case, single spaces."""
    text = re.sub(r"<[^>]+>", "", text)
    text = text.replace("’", "'").replace("…", "...").replace("\u00a0", " ").replace("\u202f", " ")
    text = re.sub(r"[*_\\#]", "", text)
    text = " ".join(text.split()).casefold()
    return text.rstrip(" .:")


def _matches(text: str, title: str) -> bool:
    """Whether a heading's text is this title (extraction may garble a letter or two)."""
    a, b = _key(text), _key(title)
    if not a or not b:
        return False
    return a == b or (min(len(a), len(b)) > 12 and SequenceMatcher(None, a, b).ratio() >= 0.92)


def _split_articles(
    blocks: list[Block], toc: list[TocEntry], problems: list[Problem]
) -> Iterator[tuple[TocEntry, list[TocEntry], list[Block]]]:
    """Each article of the contents with its sections and its blocks, title block first."""
    groups: list[tuple[TocEntry, list[TocEntry]]] = []
    for entry in toc:
        if entry.level == 1:
            if _key(entry.title) in {"annexe", "annexes"}:
                break
            groups.append((entry, []))
        elif groups:
            groups[-1][1].append(entry)
    starts: list[tuple[int, TocEntry, list[TocEntry]]] = []
    position = 0
    for entry, sections in groups:
        found = _find_title(blocks, position, entry.title)
        if found is None:
            problems.append(
                Problem(
                    entry.line,
                    f"l'article « {entry.title} » de la table des matières est introuvable dans "
                    "le texte : son texte, s'il existe, est resté dans l'article précédent; "
                    "séparez-le à la main",
                )
            )
            continue
        starts.append((found, entry, sections))
        position = found + 1
    if starts and starts[0][0] > 0:
        skipped = [block for block in blocks[: starts[0][0]] if block.text]
        if skipped:
            problems.append(
                Problem(
                    skipped[0].line,
                    "du texte précède le premier article de la table des matières : il est "
                    "laissé de côté; vérifiez s'il faut le garder",
                )
            )
    for index, (start, entry, sections) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else len(blocks)
        yield entry, sections, blocks[start:end]


def _find_title(blocks: list[Block], start: int, title: str) -> int | None:
    """The block where this title stands: a heading, a heading cut in two, or a lone line."""
    for kind in ("heading", "paragraph"):
        for index in range(start, len(blocks)):
            block = blocks[index]
            if block.kind != kind:
                continue
            if _matches(block.text, title):
                return index
            if kind == "heading" and _merge_split_heading(blocks, index, title):
                return index
    return None


def _merge_split_heading(blocks: list[Block], index: int, title: str) -> bool:
    """Merge a heading set on two lines (two headings, or a heading and a line) if together
    they make ``title``; return whether they did."""
    text = blocks[index].text
    target = _key(title)
    if not _key(text) or not target.startswith(_key(text)) or _key(text) == target:
        return False
    following = index + 1
    while following < len(blocks) and blocks[following].kind in {"heading", "paragraph"}:
        text = f"{text} {blocks[following].text}"
        if not target.startswith(_key(text)):
            return False
        if _key(text) == target:
            lines = [line for block in blocks[index : following + 1] for line in block.lines]
            blocks[index] = Block("heading", lines, level=blocks[index].level)
            del blocks[index + 1 : following + 1]
            return True
        following += 1
    return False


def _article(
    entry: TocEntry,
    sections: list[TocEntry],
    blocks: list[Block],
    notes: dict[int, tuple[int, str]],
    forms: dict[str, str],
    legacy: Path,
    problems: list[Problem],
) -> ArticleOut:
    """Convert one article's blocks: byline, lead, signature, body and notes."""
    title_block, rest = blocks[0], blocks[1:]
    for call in _CALL.finditer(title_block.text):
        problems.append(
            Problem(
                title_block.line,
                f"appel de note {call.group(1)} dans le titre de l'article : un titre ne peut "
                "pas appeler de note; l'appel est retiré, replacez-le dans le texte",
            )
        )
    title = _clean_heading(_CALL.sub("", title_block.text), plain=True)
    article = ArticleOut(title=title, line=title_block.line)
    rest = _images(rest, legacy, article, problems)
    rest = _front(rest, article, forms)
    rest = _signature(rest, article)
    body = _body(rest, sections, problems)
    if article.lead:
        article.lead = _fix_links(article.lead, title_block.line, problems)
    calls = _call_lines(blocks)
    article.lead, article.body = _scope_notes(article.lead, body, calls, notes, problems)
    if not article.body.strip():
        problems.append(
            Problem(
                title_block.line,
                f"l'article « {article.title} » n'a pas de texte : une ligne « À compléter » a "
                "été mise à sa place; ajoutez le texte de l'article",
            )
        )
        article.body = "À compléter."
    return article


_CREDIT = re.compile(
    r"^(?:photos?|illustrations?|images?|cr[ée]dits? photos?|source)\s*:\s*\S.{0,80}$", re.I
)
_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s]+)(?:\s+\"(?P<title>[^\"]*)\")?\)")


def _images(
    blocks: list[Block], legacy: Path, article: ArticleOut, problems: list[Problem]
) -> list[Block]:
    """Photos: keep those whose file is next to the legacy text, report the others."""
    out: list[Block] = []
    for index, block in enumerate(blocks):
        text = block.text
        if block.kind == "paragraph" and _CREDIT.match(_strip_emphasis(text)):
            if out and out[-1].kind == "figure":
                continue  # already the credit of the figure before it
            problems.append(
                Problem(
                    block.line,
                    f"image absente (« {_strip_emphasis(text)} ») : le texte imprimé n'a pas "
                    "le fichier de la photo; ajoutez-le dans images/ et insérez "
                    f'![description](../images/nom.jpg "{_strip_emphasis(text)}") à l\'endroit '
                    "marqué dans l'article, ou laissez la photo de côté",
                )
            )
            shown = _strip_emphasis(text).replace("--", "–")  # "--" would end the comment
            out.append(Block("comment", [(block.line, f"Image absente ({shown})")]))
            continue
        if block.kind != "paragraph" or not _IMAGE.search(text):
            out.append(block)
            continue
        credit = None
        if index + 1 < len(blocks) and _CREDIT.match(_strip_emphasis(blocks[index + 1].text)):
            credit = _strip_emphasis(blocks[index + 1].text)
        out.extend(_image_blocks(block, legacy, article, credit, problems))
    return out


def _image_blocks(
    block: Block, legacy: Path, article: ArticleOut, credit: str | None, problems: list[Problem]
) -> Iterator[Block]:
    """One paragraph holding images: figures for the files found, the rest reported."""
    text = block.text
    for match in _IMAGE.finditer(text):
        src = unquote(match.group("src").strip("<>"))
        found = (legacy.parent / src) if not re.match(r"^[a-z]+:", src, re.I) else None
        if found is None or not found.is_file() or image_problem(found):
            problems.append(
                Problem(
                    block.line_of(match.group(0)),
                    f"image « {src} » introuvable à côté du texte importé (ou illisible) : elle "
                    "est laissée de côté; ajoutez le fichier dans images/ et l'image à "
                    "l'article",
                )
            )
            continue
        alt = match.group("alt").strip()
        if not alt:
            alt = "Illustration"
            problems.append(
                Problem(
                    block.line_of(match.group(0)),
                    f"l'image « {src} » n'a pas de texte de remplacement : « Illustration » a été "
                    "mis; décrivez l'image entre les crochets",
                )
            )
        name = f"{len(article.images) + 1:02d}-{slugify(found.stem)}{found.suffix.lower()}"
        article.images.append((found, name))
        title = match.group("title") or credit
        suffix = f' "{title}"' if title else ""
        yield Block("figure", [(block.line, f"![{alt}](../images/{name}{suffix})")])
    rest = _IMAGE.sub("", text).strip()
    if rest:
        yield Block("paragraph", [(block.line, rest)])


def _front(blocks: list[Block], article: ArticleOut, forms: dict[str, str]) -> list[Block]:
    """Take the byline, the "en collaboration avec" line and the lead off the top."""
    index = _skip_comments(blocks, 0)
    if index < len(blocks) and blocks[index].kind == "paragraph":
        authors = _byline(blocks[index].text, forms)
        if authors:
            article.authors += authors
            del blocks[index]
            index = _skip_comments(blocks, index)
            collaboration = re.match(
                r"^en collaboration avec\s+(.+)$",
                blocks[index].text if index < len(blocks) else "",
                re.I,
            )
            if collaboration:
                helpers = _byline(collaboration.group(1), forms, any_case=True)
                article.authors += [replace(helper, collaboration=True) for helper in helpers]
                del blocks[index]
    index = _skip_comments(blocks, 0)
    lead = []
    while index < len(blocks) and blocks[index].kind == "paragraph":
        text = blocks[index].text
        match = re.fullmatch(r"\*(?!\*)(.+)(?<!\*)\*|_(?!_)(.+)(?<!_)_", text)
        if not match:
            break
        lead.append(match.group(1) or match.group(2))
        del blocks[index]
    if lead:
        article.lead = "\n\n".join(lead)
    return blocks


def _skip_comments(blocks: list[Block], index: int) -> int:
    """The index of the next block that is not a placeholder left for a missing image."""
    while index < len(blocks) and blocks[index].kind == "comment":
        index += 1
    return index


_NAME = r"[A-ZÀ-ÖØ-Þ][\w'’-]+(?:\s+[A-ZÀ-ÖØ-Þ][\w'’-]+){1,3}"
_PARTICLES = {"de", "du", "des", "la", "le", "d'", "van", "von", "di", "da"}
# Words that open an organisation's name; the first tier is preferred when a role and
# an organisation are run together ("professeure à l'École de … à l'Université de …").
_ORGANISATIONS = (
    "service",
    "sûreté",
    "ministère",
    "centre",
    "université",
    "direction",
    "gendarmerie",
    "ciusss",
    "cisss",
    "organisme",
    "institut",
    "association",
    "bureau",
    "secrétariat",
    "régie",
    "commission",
    "fondation",
    "calacs",
    "cavac",
)
_MINOR_ORGANISATIONS = ("école", "ville", "municipalité", "conseil", "maison", "corps")


def _byline(text: str, forms: dict[str, str], *, any_case: bool = False) -> list[Author]:
    """The authors of a byline ("NAME, ROLE, ORGANISATION [, ET NAME, …]"), or none when
    the paragraph is not one."""
    original = _strip_emphasis(text).strip()
    text = original.rstrip(".")
    letters = [char for char in text if char.isalpha()]
    capitals = bool(letters) and sum(char.isupper() for char in letters) / len(letters) > 0.9
    if not any_case:
        if len(text.split()) > 80 or "<sup>" in text:
            return []
        if not capitals and (
            not re.match(rf"^{_NAME},", text) or original.endswith((".", "!", "?", ":"))
        ):
            return []  # a sentence, not a byline
        if capitals and len(text.split()) > 4 and "," not in text:
            return []
    authors = []
    for person in _people(text, forms if capitals else None):
        name, _, rest = person.partition(",")
        name = _name_case(name.strip()) if capitals else name.strip()
        if not name:
            continue
        role, affiliation = _role_and_affiliation(rest.strip(), forms if capitals else None)
        authors.append(Author(name=name, role=role, affiliation=affiliation))
    return authors


def _people(text: str, forms: dict[str, str] | None) -> list[str]:
    """A byline cut into one part per person, at each ", et NAME," (in capitals, a NAME
    whose first word is a common word of the text, "DES AFFAIRES", is no name)."""
    people = [text]
    for match in reversed(list(re.finditer(rf",\s+(?:et|ET)\s+(?=({_NAME})\s*,)", text))):
        first = match.group(1).split()[0].lower()
        if forms is not None and forms.get(first, "x").islower():
            continue
        head, tail = people[0][: match.start()], people[0][match.end() :]
        people[0:1] = [head, tail]
    return people


def _name_case(name: str) -> str:
    """A name in capitals written as a name: "MARIE-MICHÈLE D'AMOUR" -> "Marie-Michèle D'Amour"."""

    def word(part: str, first: bool) -> str:
        """One word of the name: a particle in lower case, else capitalised by parts."""
        lower = part.lower()
        if not first and lower in _PARTICLES:
            return lower
        return re.sub(r"(^|[-'’])(\w)", lambda m: m.group(1) + m.group(2).upper(), lower)

    return " ".join(word(part, i == 0) for i, part in enumerate(name.split()))


def _role_and_affiliation(text: str, forms: dict[str, str] | None) -> tuple[str | None, str | None]:
    """Split what follows a name into the role and the organisation."""
    if not text:
        return None, None
    roles: list[str] = []
    affiliations: list[str] = []
    every = "|".join(_ORGANISATIONS + _MINOR_ORGANISATIONS)
    for part in (part.strip() for part in re.split(r",\s+", text)):
        if affiliations or re.match(rf"(?:{every})\b", part, re.I):
            affiliations.append(part)  # once the organisation starts, the rest belongs to it
            continue
        split = None
        for tier in (_ORGANISATIONS, _MINOR_ORGANISATIONS):
            split = split or re.search(
                rf"\s+(?:au|aux|à la|à l['’]|du|de la|de l['’]|chez)\s*(?=(?:{'|'.join(tier)})\b)",
                part,
                re.I,
            )
        if split:
            roles.append(part[: split.start()])
            affiliations.append(part[split.end() :])
        else:
            roles.append(part)
    role = ", ".join(roles) or None
    affiliation = ", ".join(affiliations) or None
    if forms is not None:  # a byline in capitals: give the words their usual case
        role = _recase(role, forms) if role else None
        affiliation = _recase(affiliation, forms) if affiliation else None
    if role:
        role = role[0].lower() + role[1:]
    if affiliation and not affiliation.lower().startswith("ministère"):
        # "ministère" keeps its lower case (OQLF); other organisations are capitalised.
        affiliation = affiliation[0].upper() + affiliation[1:]
    return role, affiliation


def _word_forms(lines: list[Line]) -> dict[str, str]:
    """The usual spelling of each word in the text's mixed-case lines ("québec" ->
    "Québec", "calacs" -> "CALACS"), to write bylines printed in capitals."""
    counts: dict[str, Counter[str]] = {}
    for _, text in lines:
        letters = [char for char in text if char.isalpha()]
        if not letters or sum(char.isupper() for char in letters) / len(letters) > 0.5:
            continue  # a line in capitals says nothing of the usual case
        for index, match in enumerate(re.finditer(r"[^\W\d_]+", text)):
            word = match.group(0)
            start = match.start()
            if index == 0 or re.search(r"[.!?«:]\s*$", text[:start]):
                continue  # a capital after a full stop is the sentence's, not the word's
            counts.setdefault(word.lower(), Counter())[word] += 1
    return {key: counter.most_common(1)[0][0] for key, counter in counts.items()}


def _recase(text: str, forms: dict[str, str]) -> str:
    """Text in capitals in its usual case, word by word."""
    return re.sub(
        r"[^\W\d_]+", lambda match: forms.get(match.group(0).lower(), match.group(0).lower()), text
    )


def _signature(blocks: list[Block], article: ArticleOut) -> list[Block]:
    """A signature at the end ("**Name**", "**Function**"): the article is signed."""
    end = len(blocks)
    while end > 0 and blocks[end - 1].kind == "comment":
        end -= 1
    start = end
    while start > 0 and end - start < 3 and _is_bold_line(blocks[start - 1]):
        start -= 1
    signed = [_strip_emphasis(block.text).rstrip(".") for block in blocks[start:end]]
    if not signed or not re.fullmatch(_NAME, signed[0]) or article.authors:
        return blocks
    role = signed[1][0].lower() + signed[1][1:] if len(signed) > 1 else None
    affiliation = signed[2] if len(signed) > 2 else None
    article.authors.append(Author(name=signed[0], role=role, affiliation=affiliation))
    article.signature = True
    return blocks[:start] + blocks[end:]


def _is_bold_line(block: Block) -> bool:
    """A short paragraph all in bold."""
    return (
        block.kind == "paragraph"
        and bool(re.fullmatch(r"\*\*[^*]+\*\*|__[^_]+__|<b>[^<]+</b>", block.text))
        and len(block.text) < 150
    )


def _body(blocks: list[Block], sections: list[TocEntry], problems: list[Problem]) -> str:
    """The article's Markdown body, headings set to the levels of the contents."""
    pending = list(sections)
    chunks: list[str] = []
    has_section = False
    index = 0
    while index < len(blocks):
        block = blocks[index]
        if block.kind == "heading" and pending:
            _merge_split_heading(blocks, index, pending[0].title)
            block = blocks[index]
        section = next((entry for entry in pending if _matches(block.text, entry.title)), None)
        if block.kind == "heading" or (
            section is not None and block.kind == "paragraph" and len(block.text) < 200
        ):
            text = _clean_heading(block.text)
            if text:
                if section is not None:
                    pending.remove(section)
                level = 2 if section is not None or not has_section else 3
                has_section = has_section or level == 2
                chunks.append(f"{'#' * level} {text}")
        elif block.kind == "table" and len(block.lines) > 1:
            chunks.append(_table(block))
        elif block.kind == "table":  # one line with tabs: a paragraph, not a table
            chunks.append(_clean_text(" ".join(_cells(block.text)), block, problems))
        elif block.kind == "item":
            item = f"{block.marker} {_clean_text(block.text, block, problems)}"
            if index > 0 and blocks[index - 1].kind == "item":
                chunks[-1] += "\n" + item  # one list, even across a page break
            else:
                chunks.append(item)
        elif block.kind == "comment":
            chunks.append(f"<!-- {block.text} -->")
        elif block.kind == "quote":
            chunks.append("> " + _clean_text(block.text, block, problems))
        elif block.kind == "figure":
            chunks.append(block.text)
        else:
            text = _clean_text(block.text, block, problems)
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


def _clean_heading(text: str, *, plain: bool = False) -> str:
    """A heading's text: no bold around it, no final full stop (unless an ellipsis)."""
    text = text.strip()
    for marker in ("**", "__"):
        while text.startswith(marker) and text.endswith(marker) and len(text) > 2 * len(marker):
            text = text[len(marker) : -len(marker)].strip()
    text = re.sub(r"</?b>", "", text)
    text = re.sub(r"(?<!\.)\.$", "", text).strip()
    if plain:  # a title in the front matter is plain text
        text = re.sub(r"<[^>]+>|[*_]", "", text)
    return text


def _table(block: Block) -> str:
    """A tab-separated table as a GFM pipe table; numeric columns right-aligned."""
    rows = [_cells(text) for _, text in block.lines]
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


def _strip_emphasis(text: str) -> str:
    """Text without the bold or italic markers (or tags) wrapped around all of it."""
    text = text.strip()
    changed = True
    while changed:
        changed = False
        for opening, closing in (
            ("**", "**"),
            ("*", "*"),
            ("__", "__"),
            ("_", "_"),
            ("<b>", "</b>"),
            ("<i>", "</i>"),
        ):
            if text.startswith(opening) and text.endswith(closing) and len(text) > 2 * len(opening):
                inner = text[len(opening) : -len(closing)]
                if opening not in inner or opening.startswith("<"):
                    text, changed = inner.strip(), True
    return text


# ---------------------------------------------------------------------------
# Inline text: links, HTML, notes


_ALLOWED_TAGS = {"sup", "sub", "b", "i", "em", "strong", "br", "span", "abbr", "small"}
_LINK = re.compile(r"(?<!!)\[(?P<text>(?:\\.|[^\[\]\\])*)\]\((?P<url>[^()\s]*)\)")


def _clean_text(text: str, block: Block, problems: list[Problem]) -> str:
    """A paragraph's text: links the bulletin accepts, only the HTML it allows."""
    text = _fix_links(text, block.line, problems)

    def tag(match: re.Match[str]) -> str:
        """Keep an allowed tag; drop another and report it."""
        if match.group(1).lower() in _ALLOWED_TAGS:
            return match.group(0)
        problems.append(
            Problem(
                block.line_of(match.group(0)),
                f"balise HTML <{match.group(1)}> retirée (le bulletin ne l'accepte pas) : "
                "vérifiez la mise en forme du passage",
            )
        )
        return ""

    return re.sub(r"</?([A-Za-z][\w-]*)(?:\s[^<>]*)?/?>", tag, text)


def _fix_links(text: str, line: int, problems: list[Problem]) -> str:
    """Links as the bulletin accepts them: a URL shown as its own text becomes an autolink,
    ``www.`` gets its https://, and a link going nowhere keeps only its text."""

    def link(match: re.Match[str]) -> str:
        """One Markdown link, rewritten as the bulletin accepts it."""
        label, url = match.group("text"), match.group("url")
        if url.lower().startswith("www."):
            url = "https://" + url
        shown = re.sub(r"[\\\[\]<>]", "", label)
        if re.match(r"^(https?://|mailto:)", url, re.I):
            if shown == url and not url.lower().startswith("mailto:"):
                return f"<{url}>"  # an autolink shows the same URL, without the escapes
            return f"[{label}]({url})"
        problems.append(
            Problem(
                line,
                f"le lien « {shown} » ne mène à aucune adresse web ({url or 'vide'}) : seul son "
                "texte est gardé; ajoutez l'adresse https://… si elle est connue",
            )
        )
        return label

    text = _LINK.sub(link, text)
    return re.sub(r"\[(<(?:https?|mailto):[^<>\s]+>)\]", r"\1", text)  # [<url>] -> <url>


_CALL = re.compile(r"<sup>\s*(\d+(?:\s*,\s*\d+)*)\s*</sup>")


def _call_lines(blocks: list[Block]) -> dict[int, int]:
    """The note numbers called in these blocks, each with the legacy line of its first call."""
    lines: dict[int, int] = {}
    for block in blocks:
        for number, text in block.lines:
            for match in _CALL.finditer(text):
                for value in re.findall(r"\d+", match.group(1)):
                    lines.setdefault(int(value), number)
    return lines


def _scope_notes(
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

    lead = _CALL.sub(calls, lead) if lead else lead
    body = _CALL.sub(calls, body)
    if labels:
        definitions = [f"[^{label}]: {notes[value][1]}" for value, label in labels.items()]
        body = body.rstrip() + "\n\n" + "\n".join(definitions)
    return lead, body
