"""Loading an issue's sources: ``issue.toml``, the articles' front matter and Markdown.

Everything is read and validated here, before any rendering, so that a fault in
the sources stops the build with the file and line where it stands.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import SourceError

ISSUE_FILE = "issue.toml"
FRONT_MATTER_FENCE = "+++"
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
_TYPE_NAMES = {
    str: "a string",
    int: "a whole number",
    bool: "true or false",
    list: "a list",
    dict: "a table",
    dt.date: "a date (YYYY-MM-DD)",
}


def load_issue(path: Path) -> Issue:
    """Load an issue folder, its ``issue.toml``, or a single Markdown file."""
    path = Path(path)
    if path.is_dir():
        path = path / ISSUE_FILE
    if not path.exists():
        raise SourceError(
            "no such issue folder or file",
            path=path,
            hint="give an issue folder holding issue.toml, or a Markdown file",
        )
    if path.suffix.lower() in {".md", ".markdown"}:
        return _load_single(path)
    if path.name != ISSUE_FILE:
        raise SourceError(
            "not an issue", path=path, hint="give an issue folder, its issue.toml, or a .md file"
        )
    return _load_folder(path)


def _load_folder(toml_path: Path) -> Issue:
    """An issue folder: ``issue.toml`` plus the articles it lists."""
    text = _read_text(toml_path)
    data = _parse_toml(text, toml_path, 0)
    _validate(data, _ISSUE_KEYS, toml_path, text, 0)
    contact = data.get("contact", {})
    _validate(contact, _CONTACT_KEYS, toml_path, text, 0, table="contact")
    data["language"] = _check_language(data["language"], toml_path, text)
    short_title = data.get("short_title")
    if short_title is not None and not re.fullmatch(r"[A-Za-z0-9_-]+", short_title):
        raise SourceError(
            f"short_title '{short_title}' cannot name a file",
            path=toml_path,
            line=_key_line(text, "short_title"),
            hint='use letters, digits, - and _ only, such as "BIP"',
        )
    root = toml_path.parent
    names = data["articles"]
    articles = []
    for index, name in enumerate(names):
        if name in names[:index]:
            raise SourceError(
                f"article '{name}' is listed twice",
                path=toml_path,
                line=_value_line(text, name, occurrence=1),
                hint="list each article once",
            )
        if not isinstance(name, str):
            raise SourceError(
                "every entry of 'articles' must be a file name in quotes",
                path=toml_path,
                line=_key_line(text, "articles"),
            )
        article_path = root / "articles" / name
        if not article_path.resolve().is_relative_to((root / "articles").resolve()):
            raise SourceError(
                f"article '{name}' is outside the issue's articles/ folder",
                path=toml_path,
                line=_value_line(text, name) or _key_line(text, "articles"),
                hint="give the name of a file in articles/",
            )
        if not article_path.is_file():
            raise SourceError(
                f"article '{name}' is listed but articles/{name} does not exist",
                path=toml_path,
                line=_value_line(text, name) or _key_line(text, "articles"),
                hint="create the file or remove it from 'articles'",
            )
        articles.append(_load_article(article_path))
    if not articles:
        raise SourceError(
            "the issue lists no articles", path=toml_path, line=_key_line(text, "articles")
        )
    keywords = data.get("keywords", [])
    if not all(isinstance(k, str) for k in keywords):
        raise SourceError(
            "'keywords' must be a list of strings", path=toml_path, line=_key_line(text, "keywords")
        )
    cover = None
    if "cover_image" in data:
        cover = root / data["cover_image"]
        if not cover.resolve().is_relative_to(root.resolve()):
            raise SourceError(
                f"cover image '{data['cover_image']}' is outside the issue folder",
                path=toml_path,
                line=_key_line(text, "cover_image"),
                hint="copy it into the issue's images/ folder",
            )
        if not cover.is_file():
            raise SourceError(
                f"cover image '{data['cover_image']}' does not exist",
                path=toml_path,
                line=_key_line(text, "cover_image"),
                hint="check the path, relative to the issue folder",
            )
        if (problem := image_problem(cover)) is not None:
            raise SourceError(
                f"cover image '{data['cover_image']}' cannot be read: {problem}",
                path=toml_path,
                line=_key_line(text, "cover_image"),
                hint="save it again as JPEG or PNG",
            )
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
        keywords=keywords,
        cover_image=cover,
        cover_image_alt=data.get("cover_image_alt"),
        punctuation_space=_choice(data, "punctuation_space", ("fine", "none"), toml_path, text),
        notes=_choice(data, "notes", ("annexe", "page"), toml_path, text),
        articles=articles,
    )


def _load_single(md_path: Path) -> Issue:
    """One Markdown file: a one-article issue with default metadata."""
    article = _load_article(md_path, title_required=False)
    return Issue(
        source=md_path,
        root=md_path.parent,
        title=article.title,
        date=_default_date(),
        language="fr-CA",
        publisher=DEFAULT_PUBLISHER,
        articles=[article],
    )


def _choice(data: dict[str, Any], key: str, choices: tuple[str, ...], path: Path, text: str) -> str:
    """A key whose value is one of a few words (the first is the default)."""
    value = data.get(key, choices[0])
    if value not in choices:
        raise SourceError(
            f"'{key}' must be " + " or ".join(f'"{c}"' for c in choices) + f', not "{value}"',
            path=path,
            line=_key_line(text, key),
        )
    return str(value)


def image_problem(path: Path) -> str | None:
    """Why an image file cannot be used, or None when it can."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            image.verify()
    except UnidentifiedImageError:
        return "not an image format bippdf knows"
    except Image.DecompressionBombError:
        return "too many pixels to be a photo of the bulletin"
    except (OSError, SyntaxError, ValueError) as exc:  # Pillow's ways of saying "corrupt"
        return str(exc) or type(exc).__name__
    return None


def _check_language(language: str, path: Path, text: str) -> str:
    """A language tag babel knows, such as fr-CA (dates are written in it), in BCP 47 form."""
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        raise SourceError(
            f"unknown language '{language}'",
            path=path,
            line=_key_line(text, "language"),
            hint='use a language tag such as "fr-CA" or "fr-FR"',
        ) from None
    return "-".join(part for part in (locale.language, locale.territory) if part)


def _default_date() -> dt.date:
    """Today, or the day ``SOURCE_DATE_EPOCH`` names, so that builds can be reproduced."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.date.today()


def _load_article(path: Path, *, title_required: bool = True) -> Article:
    """An article file: TOML front matter between ``+++`` lines, then Markdown."""
    text = _read_text(path)
    lines = text.split("\n")
    meta: dict[str, Any] = {}
    body_start = 0
    if lines and lines[0].strip() == FRONT_MATTER_FENCE:
        try:
            end = next(i for i in range(1, len(lines)) if lines[i].strip() == FRONT_MATTER_FENCE)
        except StopIteration:
            raise SourceError(
                "front matter opened with +++ is never closed",
                path=path,
                line=1,
                hint="end the front matter with a line holding only +++",
            ) from None
        front = "\n".join(lines[1:end])
        meta = _parse_toml(front, path, 1)
        schema = _ARTICLE_KEYS if title_required else {**_ARTICLE_KEYS, "title": (str, False)}
        _validate(meta, schema, path, front, 1)
        body_start = end + 1
    body = "\n".join(lines[body_start:])
    title = meta.get("title")
    if title is None:
        if title_required:
            raise SourceError(
                "the article has no title",
                path=path,
                line=1,
                hint='start the file with +++, title = "…", +++',
            )
        title, body = _title_from_body(body, path)
    if not title.strip():
        raise SourceError("the article's title is empty", path=path, line=_key_line(text, "title"))
    if not body.strip():
        raise SourceError(
            "the article has no text",
            path=path,
            line=body_start + 1,
            hint="write the article's Markdown after the front matter",
        )
    authors = []
    for index, entry in enumerate(meta.get("authors", [])):
        if not isinstance(entry, dict):
            raise SourceError(
                "each author must be an [[authors]] table",
                path=path,
                line=_key_line(text, "authors"),
            )
        _validate(
            entry, _AUTHOR_KEYS, path, text, 0, table=f"authors[{index + 1}]", occurrence=index
        )
        authors.append(Author(**entry))
    lead = meta.get("lead")
    return Article(
        path=path,
        title=title.strip(),
        body=body,
        body_line=body_start,
        lead=lead.strip() if lead and lead.strip() else None,
        authors=authors,
        signature=meta.get("signature", False),
    )


def _title_from_body(body: str, path: Path) -> tuple[str, str]:
    """Take a leading ``# Title`` as the title of a single Markdown file, else its name."""
    lines = body.split("\n")
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        match = re.match(r"#\s+(.+?)\s*#*\s*$", line)
        if match:
            return match.group(1), "\n".join([""] * (i + 1) + lines[i + 1 :])
        break
    return path.stem.replace("-", " ").replace("_", " ").capitalize(), body


def _read_text(path: Path) -> str:
    """A source file as text, with a clear error when it is not UTF-8."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read the file: {exc.strerror}", path=path) from None
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
        return text.replace("\r\n", "\n").replace("\r", "\n")  # files saved on Windows
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SourceError(
            f"the file is not UTF-8 (byte {exc.start} is 0x{data[exc.start]:02x})",
            path=path,
            line=line,
            hint="save the file as UTF-8 in your editor",
        ) from None


_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)")


def _parse_toml(text: str, path: Path, line_offset: int) -> dict[str, Any]:
    """Parse TOML, turning tomllib's message into one with our file and line."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _TOML_POSITION.search(message)
        line = column = None
        if match:
            line, column = int(match.group(1)) + line_offset, int(match.group(2))
            message = _TOML_POSITION.sub("", message)
        raise SourceError(
            f"invalid TOML: {message}",
            path=path,
            line=line,
            column=column,
            hint='strings need "quotes"; see docs/format.md',
        ) from None


def _validate(
    data: dict[str, Any],
    schema: dict[str, tuple[type | tuple[type, ...], bool]],
    path: Path,
    text: str,
    line_offset: int,
    *,
    table: str | None = None,
    occurrence: int = 0,
) -> None:
    """Check keys against a schema: unknown keys, missing required ones, wrong types."""
    where = f" in [{table}]" if table else ""
    for key, value in data.items():
        if key not in schema:
            close = difflib.get_close_matches(key, list(schema), n=1)
            hint = f"did you mean '{close[0]}'?" if close else "known keys: " + ", ".join(schema)
            raise SourceError(
                f"unknown key '{key}'{where}",
                path=path,
                line=_offset(_key_line(text, key, occurrence), line_offset),
                hint=hint,
            )
        expected, _ = schema[key]
        # bool is an int in Python, and a datetime a date: refuse both where they do not belong.
        wrong = (
            not isinstance(value, expected)
            or (expected is int and isinstance(value, bool))
            or (expected is dt.date and isinstance(value, dt.datetime))
        )
        if wrong:
            name = _TYPE_NAMES.get(expected, str(expected)) if isinstance(expected, type) else ""
            raise SourceError(
                f"'{key}'{where} must be {name}",
                path=path,
                line=_offset(_key_line(text, key, occurrence), line_offset),
            )
    for key, (_, required) in schema.items():
        if required and key not in data:
            raise SourceError(
                f"required key '{key}' is missing{where}",
                path=path,
                line=1 + line_offset if line_offset else None,
                hint=f"add {key} = … to the file",
            )


def _offset(line: int | None, offset: int) -> int | None:
    return None if line is None else line + offset


def _key_line(text: str, key: str, occurrence: int = 0) -> int | None:
    """The line where ``key =`` is written (its n-th time), for error messages."""
    pattern = re.compile(rf"^\s*(?:\"{re.escape(key)}\"|{re.escape(key)})\s*=", re.M)
    matches = list(pattern.finditer(text))
    if not matches:
        return None
    match = matches[min(occurrence, len(matches) - 1)]
    return text.count("\n", 0, match.start()) + 1


def _value_line(text: str, value: str, occurrence: int = 0) -> int | None:
    """The line where a quoted value is written (its n-th time), for error messages."""
    index = -1
    for _ in range(occurrence + 1):
        index = text.find(f'"{value}"', index + 1)
        if index < 0:
            return None
    return text.count("\n", 0, index) + 1
