"""The online edition: the composed issue as a web page, in one folder for the web server.

The page is the composition's HTML itself (the same contents entries, note numbers and
texts, heading ids and typography as the PDFs), taken before copyfitting, which only
concerns pages: no Markdown is read again. What changes is what a browser needs and a
PDF does not: landmarks and a skip link, a stylesheet for screens of any width instead
of the page geometry, a Content-Security-Policy that lets the page load nothing but the
folder's own files, relative addresses for the issue's images (resized for screens,
named in ``srcset``), the fonts as WOFF2 subsets (webfonts.py), the notes as the
items of a list (DPUB-ARIA 1.1 deprecates the role ``doc-endnote`` the PDF's tagging
reads), and an icon, which a browser would otherwise ask of the web site's root.

The folder is written beside its final place and renamed over the previous one, so a
reader of the build folder sees either the old edition whole or the new one whole.
"""

from __future__ import annotations

import functools
import glob
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from html import escape, unescape
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, unquote

from . import sandbox, webfonts
from .colour import palette_css, screen_palette
from .contract import ONLINE_PAGE, ONLINE_STYLESHEET
from .errors import BuildError
from .files import (
    MAX_IMAGE_BYTES,
    STALE_SECONDS,
    Unreadable,
    keep_whole,
    read_regular,
    read_whole,
)
from .images import header_size
from .recent import Recent
from .resources import styles_dir
from .source import Issue
from .typography import Rules

SUFFIX = "en-ligne"  # of the folder's name: BIP-06-2019-08-en-ligne, like the PDFs' names
PAGE = ONLINE_PAGE
STYLESHEET = ONLINE_STYLESHEET  # from styles/, with the palette and the fonts in front
FONTS = "fonts.css"
ICON = "icon.svg"
MAIN_ID = "contenu"  # where the skip link leads
UNIT_SPACE = Rules.unit  # between a number and its unit, as in the text: « 329 ko »

# Only the folder's own files, and nothing that runs: no script, no plug-in, no form.
# (frame-ancestors cannot be said in a meta element; the web server may add it.)
CSP = (
    "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'"
)

WIDTHS = (700, 1400)  # pixels: the column (42rem) on screens of one and two pixels a point
SIZES = "(min-width: 44rem) 40rem, calc(100vw - 2rem)"  # how wide the column shows it
JPEG_QUALITY = 85
_LARGEST_KEPT = 1 << 30  # bytes of an image's files for screens kept on disk (_Shelf)
_IMG = re.compile(r'<img src="([^"]+)"')
_ISSUE_URL = re.compile(re.escape(sandbox.base_url(sandbox.ISSUE)) + r'([^"\'\s)]+)')
_STYLE = re.compile(r"<style>.*?</style>\s*", re.S)
_SOURCE = re.compile(r' data-source="[^"]*"')
_NOTE_CALL = re.compile(r'role="doc-noteref">(\d+)</a>')
_THEAD = re.compile(r"<thead>.*?</thead>", re.S)
_TH = re.compile(r"<th(?=[\s>])(?![^>]*\bscope=)")
_ALIGN = re.compile(r'style="text-align:\s*(left|right|center);?"')
_FOOTNOTE = re.compile(
    r'<span class="footnote" id="([^"]+)" role="doc-footnote">'
    r'<a class="note-number" href="#([^"]+)" role="doc-backlink">(\d+)</a>\s*'
)
_SPAN = re.compile(r"<(/?)span\b")
_SPAN_END = "</span>"
_NOTES = '<div class="notes" role="doc-endnotes">'
_NOTE = re.compile(r'<div class="note" id="([^"]+)" role="doc-endnote">')
_DIV = re.compile(r"<div\b|</div>")
_DECORATIVE = re.compile(
    r"<span class=\"decorative-image\" style=\"background-image: url\('([^']*)'\);[^\"]*\"></span>"
)


@dataclass(frozen=True)
class Published:
    """What goes online with the page: the PDFs and the cover image the same build made
    (copied into the folder, linked from the page) and the folder's address online."""

    pdfs: tuple[tuple[str, str, bytes], ...] = ()  # (variant, file name, PDF), in order
    cover: tuple[str, bytes] | None = None  # the cover image's file name and its PNG
    url: str | None = None  # issue.toml's online_url, ending with /


# The links to the PDFs, by variant: what each one is for, as its reader needs to know
# (the printer's file has marks and bleed around its pages: not for printing at home),
# and its format.
PDF_LABELS = {
    "web": ("Le bulletin en PDF accessible", "PDF"),
    "print": ("Le fichier de l’imprimeur, en CMJN avec traits de coupe", "PDF/X-4"),
}


def output(issue: Issue, build_dir: Path) -> Path:
    """``build/<issue folder>/<BIP-NN-YYYY-MM>-en-ligne/``."""
    return build_dir / issue.name / f"{issue.file_stem}-{SUFFIX}"


def page(html: str, published: Published = Published()) -> str:
    """The composition's HTML made into the online page (see the module's docstring),
    linking the PDFs and naming the cover as its preview when they are ``published``."""
    html = _STYLE.sub(lambda _: _head(html, published), html, count=1)
    html = _notes_after_articles(html)
    html = _SOURCE.sub("", html)  # the articles' file and line: for the PDF's check only
    html = _ISSUE_URL.sub(lambda match: match[1], html)
    # A call says what it leads to, not only a number read out of context.
    html = _NOTE_CALL.sub(r'role="doc-noteref" aria-label="Note \1">\1</a>', html)
    html = _THEAD.sub(lambda match: _TH.sub('<th scope="col"', match[0]), html)
    html = _TH.sub('<th scope="row"', html)  # a header cell of the body heads its row
    # A decorative image is a background in the PDF (tagged PDF leaves it out); here an
    # image marked as decoration, since the policy lets no inline style through.
    html = _DECORATIVE.sub(r'<img src="\1" alt="" role="presentation">', html)
    # A column's alignment as a class: the policy lets no inline style through.
    html = _ALIGN.sub(r'class="align-\1"', html)
    html = _listed_notes(html)
    html = re.sub(
        r"(<body[^>]*>)\s*",
        rf'\1\n<a class="skip-link" href="#{MAIN_ID}">Aller au contenu</a>\n'
        '<header class="site-header">\n',
        html,
        count=1,
    )
    html = html.replace(
        '<nav class="contents"', f'{_downloads(published)}</header>\n<nav class="contents"', 1
    )
    nav_end = html.index("</nav>", html.index('<nav class="contents"')) + len("</nav>")
    html = f'{html[:nav_end]}\n<main id="{MAIN_ID}" tabindex="-1">\n{html[nav_end:]}'
    colophon = html.rfind('<section class="colophon"')
    if colophon == -1:
        colophon = html.rindex("</body>")
        html = f"{html[:colophon]}</main>\n{html[colophon:]}"
    else:
        end = html.rindex("</body>")
        html = (
            f'{html[:colophon]}</main>\n<footer class="site-footer">\n'
            f"{html[colophon:end].rstrip()}\n</footer>\n{html[end:]}"
        )
    return html


def _notes_after_articles(html: str) -> str:
    """Notes set at the foot of the page in the PDFs (``notes = "page"``), which a page
    has not: each taken out of the text after its call and put, in order, in a section
    of notes at the end of its article, marked up as the Annexe's are (so a note is
    read where its reader chose to go, and links back to its call)."""
    if 'role="doc-footnote"' not in html:
        return html
    out, notes, at = [], [], 0
    for match in _FOOTNOTE.finditer(html):
        if match.start() < at:  # inside a note already taken (a note calls no note)
            continue
        end = _span_end(html, match.start())
        out.append(html[at : match.start()])
        note_id, call_id, number = match.groups()
        text = _paragraphs(html[match.end() : end - len(_SPAN_END)])
        notes.append(
            f'    <div class="note" id="{note_id}" role="doc-endnote">\n'
            f'      <a class="note-number" href="#{call_id}" role="doc-backlink" '
            f'title="Retour à l\'appel de note {number}">{number}</a>\n'
            f'      <div class="note-text">{text}</div>\n'
            "    </div>\n"
        )
        at = end  # past the note's </span>
        closing = html.find("</article>", at)
        following = _FOOTNOTE.search(html, at)
        if following is None or following.start() > closing:  # the article's last note
            out.append(html[at:closing])
            out.append(
                '<section class="article-notes" role="doc-endnotes">\n'
                '  <h2 class="article-notes-title">Notes</h2>\n'
                f"  {_NOTES}\n{''.join(notes)}  </div>\n"
                "</section>\n</article>"
            )
            notes, at = [], closing + len("</article>")
    out.append(html[at:])
    return "".join(out)


def _paragraphs(note: str) -> str:
    """A footnote's text, whose outer paragraph the composition took off (a footnote is
    set inline in the PDF), as paragraphs again when it has more than one."""
    return f"<p>{note}</p>" if "</p>" in note else note


def _span_end(html: str, start: int) -> int:
    """Where the span opening at ``start`` ends, past its ``</span>`` (spans nest)."""
    depth = 0
    for tag in _SPAN.finditer(html, start):
        depth += -1 if tag[1] else 1
        if depth == 0:
            return html.index(">", tag.end()) + 1
    raise BuildError(
        "une note de bas de page n'a pas de fin dans la composition : une balise span de "
        "son texte n'est pas fermée",
        hint="fermez la balise (</span>) dans le texte de la note",
    )


def _head(html: str, published: Published) -> str:
    return (
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        f"{_preview(html, published)}"
        f'<link rel="stylesheet" href="{STYLESHEET}">\n'
        f'<link rel="icon" href="{ICON}" type="image/svg+xml">\n'
    )


def _preview(html: str, published: Published) -> str:
    """The page as social networks and search engines show it (Open Graph), from what
    the composition's head already says: its title, description, language and author.
    Its address and image only with the folder's address: Open Graph wants them whole."""

    def head(pattern: str) -> str | None:
        found = re.search(pattern, html)
        return unescape(found[1]) if found else None

    title = head(r"<title>(.*?)</title>") or ""
    properties = [
        ("og:type", "article"),
        ("og:title", title),
        ("og:description", head(r'<meta name="description" content="([^"]*)"')),
        ("og:locale", (head(r'<html lang="([^"]+)"') or "").replace("-", "_") or None),
        ("og:site_name", head(r'<meta name="author" content="([^"]*)"')),
    ]
    tags = []
    if published.url:
        tags.append(f'<link rel="canonical" href="{escape(published.url)}">')
        properties.append(("og:url", published.url))
        if published.cover is not None:
            name, png = published.cover
            properties += [
                ("og:image", published.url + quote(name)),
                ("og:image:type", "image/png"),
            ]
            size = header_size(png)  # the build's own PNG: always known
            if size is not None:
                properties += [("og:image:width", str(size[0])), ("og:image:height", str(size[1]))]
            properties.append(("og:image:alt", f"Couverture\u00a0: {title}"))
    tags += [
        f'<meta property="{name}" content="{escape(value)}">' for name, value in properties if value
    ]
    return "".join(f"{tag}\n" for tag in tags)


def _downloads(published: Published) -> str:
    """The links to the PDFs in the folder, each with what it is for and its weight."""
    if not published.pdfs:
        return ""
    items = ""
    for variant, name, data in published.pdfs:
        label, kind = PDF_LABELS[variant]
        items += (
            f'<li><a href="{quote(name)}" type="application/pdf">{label}</a> '
            f'<span class="download-size">({kind}, {_weight(len(data))})</span></li>\n'
        )
    return f'\n<ul class="downloads">\n{items}</ul>\n'


def _weight(size: int) -> str:
    """A file's size as a French reader reads it: « 2,1 Mo », « 480 ko »."""
    from babel.numbers import format_decimal

    kilobytes = max(1, round(size / 1000))
    if kilobytes >= 1000:  # 999 600 bytes: « 1,0 Mo », not « 1 000 ko »
        return f"{format_decimal(size / 1_000_000, '#,##0.0', locale='fr_CA')}{UNIT_SPACE}Mo"
    return f"{format_decimal(kilobytes, '#,##0', locale='fr_CA')}{UNIT_SPACE}ko"


def _listed_notes(html: str) -> str:
    """The notes of the Annexe (and of each article, with ``notes = "page"``) as the
    items of a numbered list in the section that holds them (``doc-endnotes``), as
    DPUB-ARIA 1.1 has endnotes written."""
    start = html.find(_NOTES)
    while start != -1:
        end = _closing_div(html, start)
        inner = html[start + len(_NOTES) : end]
        pieces, position = [], 0
        for note in _NOTE.finditer(inner):
            close = _closing_div(inner, note.start())
            pieces += [inner[position : note.start()], f'<li class="note" id="{note[1]}">']
            pieces += [inner[note.end() : close], "</li>"]
            position = close + len("</div>")
        pieces.append(inner[position:])
        listed = f'<ol class="notes">{"".join(pieces)}</ol>'
        html = f"{html[:start]}{listed}{html[end + len('</div>') :]}"
        start = html.find(_NOTES, start + len(listed))
    return html.replace('<section class="annexe"', '<section class="annexe" role="doc-endnotes"', 1)


def _closing_div(html: str, start: int) -> int:
    """Where the ``</div>`` that closes the ``<div`` at ``start`` begins."""
    depth = 0
    for tag in _DIV.finditer(html, start):
        depth += 1 if tag[0] == "<div" else -1
        if depth == 0:
            return tag.start()
    raise BuildError(
        "les notes sont mal formées dans la composition : une balise div n'est pas fermée",
        hint="fermez la balise (</div>) dans le texte de la note",
    )


def icon() -> bytes:
    """The page's icon: the bulletin's short title on its band's navy."""
    colours = screen_palette()
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
        f'<rect width="64" height="64" rx="10" fill="{colours["navy"]}"/>'
        '<text x="32" y="41" text-anchor="middle" font-family="Inter, Arial, sans-serif" '
        f'font-size="24" font-weight="700" fill="{colours["paper"]}">BIP</text></svg>\n'
    ).encode()


def files(html: str, root: Path, published: Published = Published()) -> dict[str, bytes]:
    """Every file of the folder, by its path in it: the page, its stylesheet (the
    palette's sRGB colours, the fonts, then styles/online.css), the fonts it names,
    the issue's images the page shows, read through the sandbox's rules, and what is
    ``published`` with it (the PDFs and the cover image)."""
    styles = styles_dir()
    fonts_css = (styles / FONTS).read_text(encoding="utf-8")
    css = (
        "/* Produit par bippdf : ne pas modifier, c'est styles/online.css qui fait foi. */\n"
        + palette_css("srgb")
        + webfonts.online_css(fonts_css)
        + (styles / STYLESHEET).read_text(encoding="utf-8")
    )
    made = {STYLESHEET: css.encode("utf-8"), ICON: icon()}
    for source in webfonts.sources(fonts_css):
        name = webfonts.web_name(source)
        if not (styles / name).is_file():
            raise BuildError(
                f"la police web de {source} manque",
                path=styles / name,
                hint="make web-fonts l'écrit à partir des polices de styles/fonts.css",
            )
        made[name] = _read(styles / name)
    for copy in webfonts.licences(fonts_css):
        made[copy] = _read(styles / copy)
    sizes: dict[str, list[tuple[str, int, int]]] = {}  # an image's copies: name, w, h
    for relative in sorted(referenced(html)):
        try:
            path = sandbox.resolve(
                sandbox.base_url(sandbox.ISSUE) + relative, {sandbox.ISSUE: root}
            )
        except sandbox.Refused as refused:
            raise BuildError(
                f"l'édition en ligne ne peut pas copier une image : {refused}", path=root
            ) from None
        for name, data in _for_screens(unquote(relative), _read(path), sizes).items():
            if made.get(name, data) != data:  # photo.jpg's copy and a photo-700w.jpg
                raise BuildError(
                    f"deux images donneraient le même fichier {name} dans l'édition en ligne",
                    path=root / name,
                    hint="renommez l'une des deux",
                )
            made[name] = data
    extras = [(name, data) for _, name, data in published.pdfs]
    extras += [published.cover] if published.cover else []
    for name, data in extras:
        if name in made:
            raise BuildError(
                f"une image du numéro porte le nom de {name} dans l'édition en ligne",
                path=root / name,
                hint="renommez l'image",
            )
        made[name] = data
    made[PAGE] = _with_srcset(page(html, published), sizes).encode("utf-8")
    return made


def _for_screens(
    name: str, data: bytes, sizes: dict[str, list[tuple[str, int, int]]]
) -> dict[str, bytes]:
    """An image's files in the folder: a JPEG or PNG wider than ``WIDTHS[0]`` as copies
    that wide and ``WIDTHS[1]`` wide (the column's width, on screens of one and two
    pixels to the point), the original only where it is no wider than the widest copy;
    any other image as it is. Their names, widths and heights go into ``sizes``. Made
    once for the same name and bytes in a process (``prepare``)."""
    files, copies = _made_for_screens(name, data)[1]
    if copies is not None:
        sizes[name] = list(copies)
    return dict(files)


def _made_for_screens(
    name: str, data: bytes, folder: Path | None = None
) -> tuple[tuple[str, bytes], _Screens]:
    """An image's files for screens, made or found made (in this process, or on disk in
    ``folder``, the build folder's cache, where they are kept once made), with what they
    are kept under."""
    key = (name, hashlib.sha256(data).digest())
    made = _SCREENS.get(key)
    if made is None:
        shelf = _Shelf(folder, *key) if folder is not None else None
        made = shelf.read() if shelf is not None else None
        if made is None:
            made = _screens(name, data)
            if shelf is not None and made[1] is not None:  # (copied as it is: its file)
                shelf.write(made)
    _SCREENS.keep({key: made})
    return key, made


class _Shelf:
    """An image's files for screens kept on disk for the builds after this one (in the
    build folder's cache): made again, they cost a build of No. 6 half a second of a core.
    Known by the image's name and bytes and by what the copies depend on: the widths,
    the quality, the code that makes them and the versions of Pillow and its libraries.
    A kept file holds the digest of what follows it: one damaged on disk is made again."""

    def __init__(self, folder: Path, name: str, digest: bytes) -> None:
        key = hashlib.sha256(_screens_recipe() + digest + name.encode()).hexdigest()
        self.path = folder / f"{key}.screens"

    def read(self) -> _Screens | None:
        """The files kept by an earlier build, whole, or None."""
        payload = read_whole(self.path, _LARGEST_KEPT)
        if payload is None:
            return None
        header, _, data = payload.partition(b"\n")
        try:
            listed = json.loads(header)
            files, at = {}, 0
            for name, length in listed["files"]:
                files[name] = data[at : at + length]
                at += length
            copies = listed["copies"]
            sizes = None if copies is None else [(c, int(w), int(h)) for c, w, h in copies]
        except (ValueError, KeyError, TypeError):
            return None
        return files, sizes

    def write(self, made: _Screens) -> None:
        """Keep the files made for the builds after this one."""
        files, copies = made
        listed = {"files": [[name, len(data)] for name, data in files.items()], "copies": copies}
        keep_whole(self.path, json.dumps(listed).encode() + b"\n" + b"".join(files.values()))


@functools.cache
def _screens_recipe() -> bytes:
    """What an image's files for screens depend on besides the image (``_Shelf``)."""
    import PIL
    from PIL import features

    libraries = [features.version(name) for name in ("jpg", "zlib")]
    versions = [PIL.__version__, *libraries, WIDTHS, JPEG_QUALITY]
    digest = hashlib.sha256(json.dumps(versions).encode())
    digest.update(Path(__file__).read_bytes())
    return digest.digest()


_Screens = tuple[dict[str, bytes], list[tuple[str, int, int]] | None]
# Each image's files for screens, by its name and the digest of its bytes: made ahead,
# while the engine loads (``prepare``), and again at each rebuild of ``watch``.
_SCREENS: Recent[tuple[str, bytes], _Screens] = Recent(256)


Prepared = dict[tuple[str, bytes], _Screens]  # what ``prepare`` made, to ``keep`` elsewhere


def prepare(
    html: str,
    root: Path,
    folder: Path | None = None,
    *,
    stop: Callable[[], bool] | None = None,
    last_first: bool = False,
) -> Prepared:
    """Make the files for screens of the images the page shows, which ``files`` then
    finds made (or find them kept in ``folder``, and keep them there): ahead, beside
    what else the build does. In a thread while the build
    composes its issues and loads WeasyPrint, its fonts and stylesheets (Pillow resizes
    and encodes without holding Python's lock); or, in a build from the command line,
    in the process that composed the issues while this one imported WeasyPrint, which
    sends them back (``keep``), and in the print PDF's process beside the fit, which
    keeps them in ``folder`` (schedule._ScreensAhead). ``stop`` is asked before each
    image: once it says so, those made so far are returned. ``last_first`` takes the
    images in the other order, so that two processes meet in the middle. An image that
    cannot be read is left for ``files`` to say so."""
    prepared: Prepared = {}
    for relative in sorted(referenced(html), reverse=last_first):
        if stop is not None and stop():
            break
        try:
            path = sandbox.resolve(
                sandbox.base_url(sandbox.ISSUE) + relative, {sandbox.ISSUE: root}
            )
            key, made = _made_for_screens(unquote(relative), _read(path), folder)
        except (sandbox.Refused, BuildError):
            continue
        prepared[key] = made
    return prepared


def keep(prepared: Prepared) -> None:
    """Keep the files for screens another process prepared, as if made here."""
    _SCREENS.keep(prepared)


def _screens(name: str, data: bytes) -> _Screens:
    """``_for_screens``, made: the files, and the copies' names, widths and heights (None
    for an image copied as it is)."""
    from PIL import Image, ImageOps

    try:
        with Image.open(io.BytesIO(data)) as picture:
            kind = picture.format
            # Turned as its camera said (EXIF), as the PDF and a browser show it: the
            # copies carry no EXIF.
            upright = ImageOps.exif_transpose(picture)
            width, height = upright.size
            if kind not in ("JPEG", "PNG") or width <= WIDTHS[0]:
                return {name: data}, None
            path = PurePosixPath(name)
            # A palette (or one-bit) picture is resized in full colour: Pillow would
            # resize its palette indexes pixel by pixel otherwise.
            full = upright.convert("RGBA") if upright.mode in ("P", "1") else upright
            copies = {}
            for wide in (w for w in WIDTHS if w < width):
                high = round(height * wide / width)
                smaller = full.resize((wide, high), Image.Resampling.LANCZOS)
                copy = str(path.with_name(f"{path.stem}-{wide}w{path.suffix}"))
                copies[copy] = (_encoded(smaller, kind, picture), wide, high)
            if width <= WIDTHS[-1]:
                copies[name] = (data, width, height)
    except (OSError, ValueError):  # not an image Pillow reads: copied as it is
        return {name: data}, None
    return (
        {copy: encoded for copy, (encoded, _, _) in copies.items()},
        [(copy, wide, high) for copy, (_, wide, high) in copies.items()],
    )


def _encoded(picture: Any, kind: str, original: Any) -> bytes:
    """A resized picture in its original's format, with its colour profile."""
    out = io.BytesIO()
    options: dict[str, Any] = {}
    if original.info.get("icc_profile"):
        options["icc_profile"] = original.info["icc_profile"]
    if kind == "JPEG":
        picture.convert("RGB" if picture.mode not in ("RGB", "L", "CMYK") else picture.mode).save(
            out, "JPEG", quality=JPEG_QUALITY, progressive=True, **options
        )
    else:
        picture.save(out, "PNG", **options)
    return out.getvalue()


def _with_srcset(html: str, sizes: dict[str, list[tuple[str, int, int]]]) -> str:
    """Each resized image's element naming its copies (``srcset``), the narrowest as its
    ``src``, with its width and height (the page keeps its place while it loads)."""

    def element(match: re.Match[str]) -> str:
        copies = sizes.get(unquote(match[1]))
        if not copies:
            return match[0]
        copies = sorted(copies, key=lambda copy: copy[1])
        first, wide, high = copies[0]
        srcset = ", ".join(f"{quote(copy)} {w}w" for copy, w, _ in copies)
        return (
            f'<img src="{quote(first)}" srcset="{srcset}" sizes="{SIZES}" '
            f'width="{wide}" height="{high}"'
        )

    return _IMG.sub(element, html)


def _read(path: Path) -> bytes:
    try:
        return read_regular(path, MAX_IMAGE_BYTES)
    except (Unreadable, OSError) as exc:
        raise BuildError(
            f"impossible de copier ce fichier dans l'édition en ligne : {exc}", path=path
        ) from None


def referenced(html: str) -> set[str]:
    """The issue's files the composed HTML names, as it writes them (quoted)."""
    return set(_ISSUE_URL.findall(html))


def write_folder(target: Path, made: dict[str, bytes]) -> None:
    """Write every file into a new folder beside ``target``, then put it in its place;
    the previous folder is moved aside first and removed last (a directory cannot be
    renamed over one that holds files), so a failure leaves the last good one."""
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise BuildError(
            "la sortie existe et ce n'est pas un dossier",
            path=target,
            hint="supprimez-la ou choisissez un autre dossier de production; rien n'a été écrit",
        )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    except OSError as exc:
        raise BuildError(f"impossible d'écrire ici : {exc.strerror}", path=target) from None
    old = target.with_name(f"{temp.name}.ancien")
    try:
        os.chmod(temp, 0o755)  # mkdtemp makes the folder private; it is for a web server
        for name, data in sorted(made.items()):
            path = temp / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            os.chmod(path, 0o644)
        if target.exists():
            os.rename(target, old)
        os.rename(temp, target)
    except OSError as exc:
        shutil.rmtree(temp, ignore_errors=True)
        if old.exists() and not target.exists():
            os.rename(old, target)
        raise BuildError(
            f"impossible d'écrire l'édition en ligne : {exc.strerror}", path=target
        ) from None
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    shutil.rmtree(old, ignore_errors=True)
    remove_stale_folders(target)


def remove_stale_folders(target: Path, now: float | None = None) -> list[Path]:
    """Remove the temporary folders a killed build of ``target`` left beside it (as
    files.remove_stale does for a file); one still being written is too recent."""
    now = time.time() if now is None else now
    removed = []
    for temp in target.parent.glob(f".{glob.escape(target.name)}.*.tmp*"):
        try:
            if (
                temp.is_dir()
                and not temp.is_symlink()
                and now - temp.lstat().st_mtime > STALE_SECONDS
            ):
                shutil.rmtree(temp)
                removed.append(temp)
        except OSError:
            continue  # another build's, being renamed: not ours to remove
    return removed
