"""Loading an issue's sources: ``issue.toml``, the articles' front matter and Markdown.

Everything is read and validated here, before any rendering, so that a fault in
the sources stops the build with the file and line where it stands.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .contract import whole_https
from .dates import parse_date
from .errors import SourceError, SourceErrors
from .files import missing, on_disk, why_missing
from .images import MAX_PIXELS
from .images import image_problem as image_problem
from .sourcefile import ISSUE_FILE as ISSUE_FILE
from .sourcefile import (
    key_line,
    parse_toml,
    read_source,
    split_front_matter,
    validate,
    value_line,
)

DEFAULT_PUBLISHER = "Ministère de la Sécurité publique"  # of a single Markdown file


@dataclass(frozen=True)
class Author:
    """One person of an article's byline."""

    name: str
    role: str | None = None
    affiliation: str | None = None
    collaboration: bool = False


@dataclass
class Article:
    """One article: its metadata and its Markdown body, with where the body starts."""

    path: Path
    title: str
    body: str
    body_line: int
    lead: str | None = None
    authors: list[Author] = field(default_factory=list)
    signature: bool = False
    digest: str = ""  # SHA-256 of the bytes the article was read from (the build cache)
    lead_line: int = 1  # the file line of the lead's first line


@dataclass
class Issue:
    """A whole issue of the bulletin, as its sources describe it."""

    source: Path
    root: Path
    title: str
    date: dt.date
    language: str
    articles: list[Article]
    number: int | None = None
    short_title: str | None = None
    theme: str | None = None
    publisher: str | None = None
    coordination: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    issn: str | None = None
    legal_deposit_year: int | None = None
    copyright: str | None = None
    rights: str | None = None
    keywords: list[str] = field(default_factory=list)
    cover_image: Path | None = None
    cover_image_alt: str | None = None
    punctuation_space: str = "fine"  # before ; ! ?: "fine" (U+202F) or "none"
    notes: str = "annexe"  # where notes go: "annexe" (at the end) or "page" (at the foot)
    # Where the online edition's folder is published (https, ending with /): its page's
    # canonical address and the base of its social preview's image, which must be absolute.
    online_url: str | None = None
    digest: str = ""  # SHA-256 of the bytes issue.toml was read from (the build cache)
    # The faults of articles that could not be read, when loaded to report every fault
    # at once (``load_issue(keep_going=True)``): the issue is then never built.
    faults: list[SourceError] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The folder name (or file stem) the issue is known by in ``build/``."""
        return self.root.name if self.source.name == ISSUE_FILE else self.source.stem

    @property
    def file_stem(self) -> str:
        """The base name of the issue's outputs, e.g. ``BIP-06-2019-08``."""
        if self.number is None:
            return self.name
        prefix = self.short_title or "BIP"
        return f"{prefix}-{self.number:02d}-{self.date:%Y-%m}"


# key: (expected type, required). Nested tables are described by their own dicts.
_ISSUE_KEYS: dict[str, tuple[type | tuple[type, ...], bool]] = {
    "title": (str, True),
    "short_title": (str, False),
    "number": (int, True),
    "date": (dt.date, True),
    "language": (str, True),
    "theme": (str, False),
    "publisher": (str, True),
    "coordination": (str, False),
    "keywords": (list, False),
    "cover_image": (str, False),
    "cover_image_alt": (str, False),
    "legal_deposit_year": (int, False),
    "issn": (str, False),
    "copyright": (str, False),
    "rights": (str, False),
    "articles": (list, True),
    "contact": (dict, False),
    "punctuation_space": (str, False),
    "notes": (str, False),
    "online_url": (str, False),
}
_CONTACT_KEYS: dict[str, tuple[type | tuple[type, ...], bool]] = {
    "email": (str, False),
    "phone": (str, False),
}
_ARTICLE_KEYS: dict[str, tuple[type | tuple[type, ...], bool]] = {
    "title": (str, True),
    "lead": (str, False),
    "signature": (bool, False),
    "authors": (list, False),
}
_AUTHOR_KEYS: dict[str, tuple[type | tuple[type, ...], bool]] = {
    "name": (str, True),
    "role": (str, False),
    "affiliation": (str, False),
    "collaboration": (bool, False),
}


def load_issue(path: Path, *, keep_going: bool = False) -> Issue:
    """Load an issue folder, its ``issue.toml``, or a single Markdown file. With
    ``keep_going``, an article that cannot be read is left out and its faults kept in
    ``Issue.faults``, so that the others' faults are found too."""
    path = Path(path)
    if path.is_dir():
        path = path / ISSUE_FILE
    if not path.exists():
        raise SourceError(
            "dossier ou fichier introuvable",
            path=path,
            hint="donnez le dossier d'un numéro, qui contient issue.toml, ou un fichier Markdown",
        )
    if path.suffix.lower() in {".md", ".markdown"}:
        return _load_single(path)
    if path.name != ISSUE_FILE:
        raise SourceError(
            "ce n'est pas un numéro",
            path=path,
            hint="donnez le dossier d'un numéro, son issue.toml ou un fichier .md",
        )
    return _load_folder(path, keep_going)


def _load_folder(toml_path: Path, keep_going: bool = False) -> Issue:
    """An issue folder: ``issue.toml`` plus the articles it lists."""
    data, text, digest = _read_issue_toml(toml_path)
    contact = data.get("contact", {})
    root = toml_path.parent
    articles, faults = _load_articles(data["articles"], root, toml_path, text, keep_going)
    return Issue(
        source=toml_path,
        root=root,
        title=data["title"],
        short_title=data.get("short_title"),
        number=data["number"],
        date=data["date"],
        language=data["language"],
        theme=data.get("theme"),
        publisher=data["publisher"],
        coordination=data.get("coordination"),
        contact_email=contact.get("email"),
        contact_phone=contact.get("phone"),
        issn=data.get("issn") or None,
        legal_deposit_year=data.get("legal_deposit_year"),
        copyright=data.get("copyright"),
        rights=data.get("rights"),
        keywords=_keywords(data, toml_path, text),
        cover_image=_cover_image(data, root, toml_path, text),
        cover_image_alt=data.get("cover_image_alt"),
        punctuation_space=_choice(data, "punctuation_space", ("fine", "none"), toml_path, text),
        notes=_choice(data, "notes", ("annexe", "page"), toml_path, text),
        online_url=_online_url(data, toml_path, text),
        articles=articles,
        digest=digest,
        faults=faults,
    )


def issue_date(value: object, path: Path, text: str) -> object:
    """issue.toml's date as a day: written as TOML writes one, or between quotes, or a
    month for its first day; anything else refused with what to write."""
    line = key_line(text, "date")
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return parse_date(
            value.isoformat() if isinstance(value, dt.date) else str(value),
            lambda fixed: f"date = {fixed}",
        )
    except SourceError as exc:
        raise SourceError(
            f"« date » : {exc.message}", path=path, line=line, hint=exc.hint
        ) from None


def _read_issue_toml(toml_path: Path) -> tuple[dict[str, Any], str, str]:
    """issue.toml's keys, checked, with its text and digest."""
    text, digest = read_source(toml_path)
    data = parse_toml(text, toml_path, 0)
    if "date" in data:
        data["date"] = issue_date(data["date"], toml_path, text)
    validate(data, _ISSUE_KEYS, toml_path, text, 0)
    validate(data.get("contact", {}), _CONTACT_KEYS, toml_path, text, 0, table="contact")
    data["language"] = _check_language(data["language"], toml_path, text)
    short_title = data.get("short_title")
    if short_title is not None and not re.fullmatch(r"[A-Za-z0-9_-]+", short_title):
        raise SourceError(
            f"short_title « {short_title} » ne peut pas servir de nom de fichier",
            path=toml_path,
            line=key_line(text, "short_title"),
            hint='n\'utilisez que des lettres, des chiffres, - et _, par exemple "BIP"',
        )
    return data, text, digest


def _load_articles(
    names: list[Any], root: Path, toml_path: Path, text: str, keep_going: bool = False
) -> tuple[list[Article], list[SourceError]]:
    """The articles issue.toml lists, in its order, at least one; and the faults of
    those that cannot be read (raised, every one, unless ``keep_going``)."""
    articles: list[Article] = []
    faults: list[SourceError] = []
    for index in range(len(names)):
        try:
            articles.append(_load_article(_article_path(names, index, root, toml_path, text)))
        except SourceErrors as exc:
            faults += exc.errors
        except SourceError as exc:
            faults.append(exc)
    if faults and not (keep_going and articles):
        raise SourceErrors(faults) if len(faults) > 1 else faults[0]
    if not articles:
        raise SourceError(
            "le numéro ne liste aucun article",
            path=toml_path,
            line=key_line(text, "articles"),
            hint="nommez dans « articles » les fichiers du dossier articles/",
        )
    return articles, faults


def _article_path(names: list[Any], index: int, root: Path, toml_path: Path, text: str) -> Path:
    """The file of the ``index``-th listed article: listed once, in articles/, existing."""
    name = names[index]
    if isinstance(name, str) and _same_name(name) in {
        _same_name(n) for n in names[:index] if isinstance(n, str)
    }:
        raise SourceError(
            f"l'article « {name} » est listé deux fois",
            path=toml_path,
            line=value_line(text, name, occurrence=1) or value_line(text, name),
            hint="ne listez chaque article qu'une fois",
        )
    if not isinstance(name, str):
        raise SourceError(
            "chaque élément de « articles » doit être un nom de fichier entre guillemets",
            path=toml_path,
            line=key_line(text, "articles"),
            hint='par exemple articles = ["01-editorial.md", "02-dossier.md"]',
        )
    article_path = on_disk(root / "articles" / name)
    if not article_path.resolve().is_relative_to((root / "articles").resolve()):
        raise SourceError(
            f"l'article « {name} » est hors du dossier articles/ du numéro",
            path=toml_path,
            line=value_line(text, name) or key_line(text, "articles"),
            hint="donnez le nom d'un fichier du dossier articles/",
        )
    if (why := missing(article_path)) is not None:
        raise SourceError(
            f"l'article « {name} » est listé, mais articles/{name} " + why_missing(why),
            path=toml_path,
            line=value_line(text, name) or key_line(text, "articles"),
            hint="créez le fichier, ou retirez-le de « articles »",
        )
    return article_path


def _same_name(name: str) -> str:
    """An article's name as it is compared: « ./01-a.md », « 01-a.md » and « x/../01-a.md »
    are one file, and so are its NFC and NFD spellings."""
    return unicodedata.normalize("NFC", os.path.normpath(name))


def _keywords(data: dict[str, Any], toml_path: Path, text: str) -> list[str]:
    """The PDF's keywords: a list of texts."""
    keywords = data.get("keywords", [])
    if not all(isinstance(k, str) for k in keywords):
        raise SourceError(
            "« keywords » doit être une liste de textes entre guillemets",
            path=toml_path,
            line=key_line(text, "keywords"),
            hint='par exemple keywords = ["prévention", "jeunes"]',
        )
    return list(keywords)


def _cover_image(data: dict[str, Any], root: Path, toml_path: Path, text: str) -> Path | None:
    """The cover image, inside the issue folder and readable, if issue.toml names one."""
    if "cover_image" not in data:
        return None
    cover: Path = on_disk(root / data["cover_image"])
    if not cover.resolve().is_relative_to(root.resolve()):
        raise SourceError(
            f"l'image de couverture « {data['cover_image']} » est hors du dossier du numéro",
            path=toml_path,
            line=key_line(text, "cover_image"),
            hint="copiez-la dans le dossier images/ du numéro",
        )
    if (why := missing(cover)) is not None:
        raise SourceError(
            f"l'image de couverture « {data['cover_image']} » " + why_missing(why),
            path=toml_path,
            line=key_line(text, "cover_image"),
            hint="vérifiez le chemin, écrit à partir du dossier du numéro : images/…",
        )
    if (problem := image_problem(cover)) is not None:
        raise SourceError(
            f"l'image de couverture « {data['cover_image']} » est illisible : {problem}",
            path=toml_path,
            line=key_line(text, "cover_image"),
            hint="enregistrez-la de nouveau en JPEG ou en PNG, 8 bits par couche, au plus "
            f"{MAX_PIXELS // 1_000_000} millions de pixels",
        )
    return cover


def _load_single(md_path: Path) -> Issue:
    """One Markdown file: a one-article issue with default metadata."""
    article = _load_article(md_path, title_required=False)
    return Issue(
        source=md_path,
        root=md_path.parent,
        title=article.title,
        date=default_date(),
        language="fr-CA",
        publisher=DEFAULT_PUBLISHER,
        articles=[article],
        digest=article.digest,
    )


def _choice(data: dict[str, Any], key: str, choices: tuple[str, ...], path: Path, text: str) -> str:
    """A key whose value is one of a few words (the first is the default)."""
    value = data.get(key, choices[0])
    if value not in choices:
        raise SourceError(
            f"« {key} » doit valoir " + " ou ".join(f'"{c}"' for c in choices) + f', pas "{value}"',
            path=path,
            line=key_line(text, key),
            hint=f'par exemple {key} = "{choices[0]}"',
        )
    return str(value)


def _online_url(data: dict[str, Any], path: Path, text: str) -> str | None:
    """The address the online edition is published at, as a folder's: https, with a
    host, no query or fragment, ending with a slash (added when left out)."""
    value = data.get("online_url")
    if value is None:
        return None
    parts = urlsplit(value)
    if (
        not whole_https(value)
        or parts.username is not None
        or parts.path.rsplit("/", 1)[-1].endswith((".html", ".htm"))  # a page, not a folder
    ):
        raise SourceError(
            f"« online_url » doit être l'adresse https du dossier de l'édition en ligne, "
            f"pas « {value} »",
            path=path,
            line=key_line(text, "online_url"),
            hint='par exemple online_url = "https://www.quebec.ca/bip/numero-6/" (sans '
            "espace, ni « ? » ni « # », les lettres accentuées en %C3%A9…)",
        )
    try:
        parts.port  # noqa: B018 (a port out of range raises)
    except ValueError:
        raise SourceError(
            f"« online_url » : port invalide dans « {value} »",
            path=path,
            line=key_line(text, "online_url"),
        ) from None
    return value if value.endswith("/") else f"{value}/"


def _check_language(language: str, path: Path, text: str) -> str:
    """A language tag babel knows, such as fr-CA (dates are written in it), in BCP 47 form."""
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        raise SourceError(
            f"langue inconnue « {language} »",
            path=path,
            line=key_line(text, "language"),
            hint='donnez un code de langue comme "fr-CA" ou "fr-FR"',
        ) from None
    return "-".join(part for part in (locale.language, locale.territory) if part)


def default_date() -> dt.date:
    """Today, or the day ``SOURCE_DATE_EPOCH`` names, so that builds can be reproduced."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.date.today()


def _load_article(path: Path, *, title_required: bool = True) -> Article:
    """An article file: TOML front matter between ``+++`` lines, then Markdown."""
    text, digest = read_source(path)
    front, body_start = split_front_matter(text, path)
    meta: dict[str, Any] = {}
    if front is not None:
        meta = parse_toml(front, path, 1)
        schema = _ARTICLE_KEYS if title_required else {**_ARTICLE_KEYS, "title": (str, False)}
        validate(meta, schema, path, front, 1)
    body = "\n".join(text.split("\n")[body_start:])
    title = meta.get("title")
    if title is None:
        if title_required:
            raise SourceError(
                "l'article n'a pas de titre",
                path=path,
                line=1,
                hint='commencez le fichier par un en-tête : +++, title = "…", +++',
            )
        title, body = _title_from_body(body, path)
    if not title.strip():
        raise SourceError(
            "le titre de l'article est vide",
            path=path,
            line=key_line(text, "title"),
            hint='écrivez-le entre les guillemets : title = "…"',
        )
    if not body.strip():
        raise SourceError(
            "l'article n'a pas de texte",
            path=path,
            line=body_start + 1,
            hint="écrivez le texte de l'article, en Markdown, après l'en-tête",
        )
    authors = _authors(meta, path, text)
    lead = meta.get("lead")
    return Article(
        path=path,
        title=title.strip(),
        body=body,
        body_line=body_start,
        lead=lead.strip() if lead and lead.strip() else None,
        authors=authors,
        signature=meta.get("signature", False),
        digest=digest,
        lead_line=_lead_line(text),
    )


def _lead_line(text: str) -> int:
    """The line of ``lead =`` in an article's text, or the next one when the lead opens a
    multi-line string there (1 without a lead)."""
    line = key_line(text, "lead")
    if line is None:
        return 1
    opening = text.split("\n", line)[line - 1].split("=", 1)[-1]
    return line + 1 if opening.strip() in {'"""', "'''"} else line


def _authors(meta: dict[str, Any], path: Path, text: str) -> list[Author]:
    """The byline of a front matter: one [[authors]] table per person."""
    authors = []
    for index, entry in enumerate(meta.get("authors", [])):
        if not isinstance(entry, dict):
            raise SourceError(
                "chaque auteur doit être une table [[authors]]",
                path=path,
                line=key_line(text, "authors"),
                hint='écrivez une ligne [[authors]] suivie de name = "…" pour chaque auteur',
            )
        validate(
            entry, _AUTHOR_KEYS, path, text, 0, table=f"authors[{index + 1}]", occurrence=index
        )
        authors.append(Author(**entry))
    return authors


def _title_from_body(body: str, path: Path) -> tuple[str, str]:
    """Take a leading ``# Title`` as the title of a single Markdown file, else its name."""
    lines = body.split("\n")
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        # The closing hashes stripped by hand: a lazy pattern would be quadratic in a
        # long line of spaces.
        title = line.rstrip().rstrip("#").rstrip()
        if re.match(r"#\s", line) and title.lstrip("#").strip():
            return title.lstrip("#").strip(), "\n".join([""] * (i + 1) + lines[i + 1 :])
        break
    return path.stem.replace("-", " ").replace("_", " ").capitalize(), body
