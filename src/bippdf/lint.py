"""Source lint: every fault of an issue's Markdown found before anything is rendered.

Each fault is a ``SourceError`` with the file and line; all of them are reported
at once, so that an editor fixes a whole issue in one pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

from . import bounds, markdown
from .contract import ALLOWED_ATTRIBUTES, ALLOWED_ELEMENTS, WEB_OR_MAIL
from .errors import SourceError
from .files import NOT_FOUND, missing, on_disk
from .images import MAX_PIXELS
from .markdown import ParsedArticle
from .resources import can_draw
from .source import ISSUE_FILE, Article, Issue, image_problem
from .sourcefile import key_line, read_source

# What the tags of raw HTML look like: a name, then anything up to the first ">" outside
# quotes. Found by ``tags``, in one pass.
_TAG = re.compile(r"<(/?)([A-Za-z][\w:-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
_TAG_START = re.compile(r"<(/?)([A-Za-z][\w:-]*)")
_ATTRIBUTE = re.compile(r"([^\s=/]+)(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?")
_URL_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


def lint(
    issue: Issue, parsed: list[tuple[Article, ParsedArticle | None, ParsedArticle]]
) -> list[SourceError]:
    """Every fault of the issue's articles, in reading order."""
    errors = list(_unlisted_articles(issue))
    if issue.source.name == ISSUE_FILE:
        errors += _issue_glyphs(issue)
    for article, lead, body in parsed:
        lines = Lines(article, body, lead)
        found = [
            *_headings(article, body, lines),
            *_notes(article, body, lead, lines),
            *_images(article, body, lead, issue.root, lines),
            *_links(article, body, lead, lines),
            *_raw_html(article, body, lead, lines),
            *_glyphs(article, body, lead, lines),
            *bounds.faults(article, body, lead),
        ]
        errors += sorted(found, key=lambda error: error.line or 0)
    # The same fault at the same place is said once (an image used twice on a line).
    return list({(e.location, e.message): e for e in errors}.values())


class Lines:
    """The file line of every token of an article (its lead, body and note texts), from
    the parser's positions (``markdown.token_lines``), never from searching the text."""

    def __init__(self, article: Article, body: ParsedArticle, lead: ParsedArticle | None):
        self.lines: dict[int, int] = {}
        self._add(body.tokens, article.body_line)
        for versions in body.definitions.values():
            for definition in versions:
                self._add(definition.tokens, article.body_line + definition.line - 1)
        if lead is not None:
            self._add(lead.tokens, article.lead_line - 1)

    def _add(self, tokens: list[markdown.Token], before: int) -> None:
        for key, line in markdown.token_lines(tokens).items():
            self.lines[key] = before + line

    def of(self, token: markdown.Token) -> int | None:
        """The file line of a token of the article."""
        return self.lines.get(id(token))


def _unlisted_articles(issue: Issue) -> Iterator[SourceError]:
    """A Markdown file in ``articles/`` that ``issue.toml`` does not list."""
    if issue.source.name != ISSUE_FILE:
        return
    listed = {article.path.resolve() for article in issue.articles}
    listed |= {fault.path.resolve() for fault in issue.faults if fault.path}  # unreadable
    for path in sorted((issue.root / "articles").glob("*.md")):
        if path.resolve() not in listed:
            yield SourceError(
                f"articles/{path.name} n'est pas listé dans issue.toml",
                path=path,
                line=1,
                hint="ajoutez-le à « articles » dans issue.toml, ou sortez-le du dossier articles/",
            )


def _headings(article: Article, body: ParsedArticle, lines: Lines) -> Iterator[SourceError]:
    """Sections start at ``##`` and never skip a level; none is empty."""
    previous = 1
    for token in body.tokens:
        if token["type"] != "heading":
            continue
        level = token["attrs"]["level"]
        text = markdown.plain_text(token["children"])
        line = lines.of(token)
        if level == 1:
            yield SourceError(
                "le texte d'un article ne peut pas avoir d'intertitre de niveau 1 (#)",
                path=article.path,
                line=line,
                hint="le titre est dans l'en-tête; commencez les sections par ##",
            )
        elif level > previous + 1:
            yield SourceError(
                f"intertitre de niveau {level} après un niveau {previous} : un niveau est sauté",
                path=article.path,
                line=line,
                hint="utilisez " + "#" * (previous + 1) + " pour cet intertitre",
            )
        if not text:
            yield SourceError(
                "un intertitre n'a pas de texte",
                path=article.path,
                line=line,
                hint="écrivez son texte après les #, ou supprimez la ligne",
            )
        previous = level


def _notes(
    article: Article, body: ParsedArticle, lead: ParsedArticle | None, lines: Lines
) -> Iterator[SourceError]:
    """Every call has one definition in its article, and every definition is called."""
    called: dict[str, markdown.Token] = {}  # normalised key: its first call
    for parsed in (lead, body):
        if parsed is not None:
            for token in markdown.walk(parsed.tokens):
                if token["type"] == "note_ref":
                    called.setdefault(token["raw"], token)
    if lead is not None and lead.definitions:
        yield SourceError(
            "une note ne peut pas être définie dans le chapeau",
            path=article.path,
            line=key_line(read_source(article.path)[0], "lead"),
            hint="définissez-la à la fin de l'article, pas dans lead",
        )
    for key, call in called.items():
        label = call["label"]
        if key not in body.definitions:
            yield SourceError(
                f"la note [^{label}] est appelée mais jamais définie",
                path=article.path,
                line=lines.of(call),
                hint=f"ajoutez une ligne « [^{label}]: texte de la note » à la fin de l'article",
            )
    for definitions in body.definitions.values():
        if any(t["type"] == "note_ref" for t in markdown.walk(definitions[0].tokens)):
            yield SourceError(
                "une note ne peut pas appeler une autre note",
                path=article.path,
                line=article.body_line + definitions[0].line,
                hint="écrivez le renvoi en toutes lettres dans la note",
            )
    for key, definitions in body.definitions.items():
        label = definitions[0].label
        if len(definitions) > 1:
            yield SourceError(
                f"la note [^{label}] est définie {len(definitions)} fois",
                path=article.path,
                line=article.body_line + definitions[1].line,
                hint="gardez une seule définition par note",
            )
        nested = any(t["type"] == "note_ref" for t in markdown.walk(definitions[0].tokens))
        if key not in called and not nested:
            yield SourceError(
                f"la note [^{label}] est définie mais jamais appelée",
                path=article.path,
                line=article.body_line + definitions[0].line,
                hint=f"appelez-la avec [^{label}] dans le texte, ou supprimez-la",
            )


def source_line(article: Article, pattern: re.Pattern[str]) -> int | None:
    """The file line of the first match of ``pattern`` in the body."""
    match = pattern.search(article.body)
    return (
        None
        if match is None
        else article.body_line + article.body.count("\n", 0, match.start()) + 1
    )


def _images(
    article: Article, body: ParsedArticle, lead: ParsedArticle | None, root: Path, lines: Lines
) -> Iterator[SourceError]:
    """Every image is a file of the issue that exists and can be read."""
    for token in markdown.article_tokens(body, lead):
        if token["type"] not in {"image", "figure"}:
            continue
        src = token["attrs"]["src" if token["type"] == "figure" else "url"]
        line = lines.of(token)
        path = on_disk(article.path.parent / unquote(src))
        alt = (
            token["attrs"]["alt"]
            if token["type"] == "figure"
            else markdown.plain_text(token.get("children", []))
        )
        if token["type"] == "image" and alt.strip().lower() == markdown.DECORATIVE:
            yield SourceError(
                f"l'image décorative « {unquote(src)} » est dans une ligne de texte",
                path=article.path,
                line=line,
                hint="une image qui ne fait que décorer doit être seule dans son paragraphe",
            )
        if not alt.strip():
            yield SourceError(
                f"l'image « {unquote(src)} » n'a pas de texte de remplacement",
                path=article.path,
                line=line,
                hint="décrivez-la entre les crochets, ![Une rue de Sherbrooke](…), ou écrivez "
                f"![{markdown.DECORATIVE}](…) pour une image qui ne fait que décorer",
            )
        if _URL_SCHEME.match(src):
            yield SourceError(
                f"l'image « {src} » n'est pas un fichier du numéro",
                path=article.path,
                line=line,
                hint="mettez l'image dans le dossier images/ du numéro et donnez son chemin",
            )
        elif not path.resolve().is_relative_to(root.resolve()):
            yield SourceError(
                f"l'image « {unquote(src)} » est hors du dossier du numéro",
                path=article.path,
                line=line,
                hint="copiez-la dans le dossier images/ du numéro",
            )
        elif (why := missing(path)) == NOT_FOUND:
            yield SourceError(
                f"l'image « {unquote(src)} » n'existe pas",
                path=article.path,
                line=line,
                hint=_missing_image_hint(path),
            )
        elif (problem := why or image_problem(path)) is not None:
            yield SourceError(
                f"l'image « {unquote(src)} » est illisible : {problem}",
                path=article.path,
                line=line,
                hint="enregistrez-la de nouveau en JPEG ou en PNG, 8 bits par couche, au plus "
                f"{MAX_PIXELS // 1_000_000} millions de pixels",
            )


def _missing_image_hint(path: Path) -> str:
    """What to check of a missing image: the file of its folder it was meant to be."""
    import difflib

    usual = "vérifiez le chemin, écrit à partir du fichier de l'article : ../images/…"
    if not path.parent.is_dir():
        return usual
    names = [p.name for p in path.parent.iterdir() if p.is_file()]
    same_stem = [n for n in names if Path(n).stem.lower() == path.stem.lower()]
    close = same_stem or difflib.get_close_matches(path.name, names, n=1, cutoff=0.75)
    return f"vouliez-vous écrire « {close[0]} » ? {usual}" if close else usual


def _links(
    article: Article, body: ParsedArticle, lead: ParsedArticle | None, lines: Lines
) -> Iterator[SourceError]:
    """Links go to the web (http, https), to an address (mailto) or inside the issue (#id)."""
    for token in markdown.article_tokens(body, lead):
        if token["type"] != "link":
            continue
        url = token["attrs"]["url"]
        if url.startswith("#") or WEB_OR_MAIL.match(url):
            continue
        yield SourceError(
            f"le lien vers « {url} » ne mène ni à une adresse web, ni à une adresse courriel, "
            "ni à un intertitre",
            path=article.path,
            line=lines.of(token),
            hint="écrivez https://… en entier, mailto:…, ou #id d'un intertitre",
        )


def tags(raw: str) -> Iterator[tuple[str, str, str]]:
    """Each ``(slash, name, attributes)`` that ``_TAG.finditer`` finds, in linear time:
    tried from every "<" of a long text that never closes, the pattern would scan to its
    end from each (quadratic). Where a tag started at ``i`` in each quoting state ends is
    computed once, from the end of the text back."""
    if "<" not in raw:
        return
    ends = _tag_ends(raw)
    position = 0
    for start in _TAG_START.finditer(raw):
        if start.start() < position:
            continue
        end = ends[start.end()][0]
        if end >= 0:
            yield start[1], start[2], raw[start.end() : end]
            position = end + 1


def _tag_ends(raw: str) -> list[tuple[int, int, int]]:
    """For each index: where the first ">" outside quotes is when reading from there
    outside quotes, inside "…", inside '…' (or -1: none, or a quote never closed)."""
    ends = [(-1, -1, -1)] * (len(raw) + 1)
    for index in range(len(raw) - 1, -1, -1):
        char, (outside, double, single) = raw[index], ends[index + 1]
        after = ends[index + 1]
        ends[index] = (
            index
            if char == ">"
            else after[1]
            if char == '"'
            else after[2]
            if char == "'"
            else outside,
            after[0] if char == '"' else double,
            after[0] if char == "'" else single,
        )
    return ends


def _without_comments(raw: str) -> str:
    """``raw`` without its closed HTML comments, found by hand: a lazy pattern would scan
    to the end from each of many unclosed ones (quadratic)."""
    kept, position = [], 0
    while (start := raw.find("<!--", position)) >= 0:
        end = raw.find("-->", start + 4)
        if end < 0:
            break
        kept.append(raw[position:start])
        position = end + 3
    kept.append(raw[position:])
    return "".join(kept)


def _raw_html(
    article: Article, body: ParsedArticle, lead: ParsedArticle | None, lines: Lines
) -> Iterator[SourceError]:
    """Raw HTML is limited to the inline elements editors use, without scripts, styles
    or event attributes; a comment must be closed (an open one hides what follows)."""
    for token in markdown.article_tokens(body, lead):
        if token["type"] not in {"inline_html", "block_html"}:
            continue
        raw = token.get("raw", "")
        line = lines.of(token)
        if raw.lstrip().startswith("<!--") and "-->" not in raw:
            yield SourceError(
                "un commentaire HTML n'est jamais fermé",
                path=article.path,
                line=line,
                hint="terminez-le par -->",
            )
            continue
        raw = _without_comments(raw)  # what follows a comment counts
        for match in (
            tags(raw) if raw.strip().startswith("<") or token["type"] == "block_html" else ()
        ):
            if match[0]:  # a closing tag: its opening one says it all
                continue
            name = match[1].lower()
            if name not in ALLOWED_ELEMENTS:
                yield SourceError(
                    f"la balise HTML <{name}> n'est pas permise",
                    path=article.path,
                    line=line,
                    hint="utilisez Markdown; seules ces balises HTML sont permises : "
                    + ", ".join(f"<{e}>" for e in ALLOWED_ELEMENTS),
                )
                continue
            for attribute in _ATTRIBUTE.findall(match[2]):
                if attribute.lower() not in ALLOWED_ATTRIBUTES:
                    yield SourceError(
                        f"l'attribut {attribute} de <{name}> n'est pas permis",
                        path=article.path,
                        line=line,
                        hint="seuls ces attributs sont permis : " + ", ".join(ALLOWED_ATTRIBUTES),
                    )


def _glyphs(
    article: Article, body: ParsedArticle, lead: ParsedArticle | None, lines: Lines
) -> Iterator[SourceError]:
    """Every character of the text can be drawn with the bulletin's own fonts: said at
    the line of the text it first stands in (the front matter's: searched in the file)."""
    bylines = [part for a in article.authors for part in (a.name, a.role, a.affiliation) if part]
    texts: list[tuple[str, int | None]] = [(text, None) for text in [article.title, *bylines]]
    texts += [
        (token["raw"], lines.of(token))
        for token in markdown.article_tokens(body, lead)
        if token["type"] in {"text", "codespan"}
    ]
    judged = set("\n\t\r")
    for text, line in texts:
        # Each character judged once: a text is thousands of characters, of a few dozen.
        characters = set(text) - judged
        judged |= characters
        missing = {char for char in characters if not can_draw(char)}
        for index, char in enumerate(text if missing else ""):
            if char not in missing:
                continue
            missing.discard(char)  # said at its first place only
            fault = _no_glyph(char, article.path, read_source(article.path)[0])
            if line is not None:
                fault.line = line + text.count("\n", 0, index)
            yield fault


def _issue_glyphs(issue: Issue) -> Iterator[SourceError]:
    """The strings of issue.toml that get printed can be drawn with the bulletin's fonts."""
    values = [
        issue.title,
        issue.theme,
        issue.publisher,
        issue.coordination,
        issue.copyright,
        issue.rights,
        issue.contact_email,
        issue.contact_phone,
        issue.issn,
        *issue.keywords,
    ]
    seen: set[str] = set()
    for char in "".join(v for v in values if v):
        if char not in seen and char not in "\n\t\r" and not can_draw(char):
            seen.add(char)
            yield _no_glyph(char, issue.source, read_source(issue.source)[0])


def _no_glyph(char: str, path: Path, text: str) -> SourceError:
    index = text.find(char)
    return SourceError(
        f"le caractère {char} (U+{ord(char):04X}) n'existe pas dans les polices du bulletin",
        path=path,
        line=None if index < 0 else text.count("\n", 0, index) + 1,
        hint="écrivez-le autrement, ou retirez-le",
    )
