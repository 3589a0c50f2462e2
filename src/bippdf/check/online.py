"""Checking the online edition's folder without a browser: its page read as HTML.

What a reader of the page relies on and a build could get wrong: every in-page link
leads to an element that exists, every note call to its note and every note back to
its call, every image says what it shows, and nothing is loaded from outside the
folder (only links the reader follows, in the text, may lead to another site: in
https, or said as a warning in plain http, which older issues' sources cite). Each
problem is one line in French naming the file and the line.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..contract import ONLINE_PAGE as PAGE
from ..contract import ONLINE_STYLESHEET as STYLESHEET
from ..contract import whole_https
from ..images import header_size
from ..webfonts import WEB

# Addresses a link of the text may lead to without loading anything into the page.
_LEAVING = ("https:", "http:", "mailto:", "tel:")
_TAG = re.compile(r"<[^>]+>")
_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)")


@dataclass
class _Element:
    tag: str
    attrs: dict[str, str]
    line: int


@dataclass
class _Page(HTMLParser):
    """The elements of the page that the checks look at, with their lines."""

    elements: list[_Element] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.elements.append(_Element(tag, values, self.getpos()[0]))


@dataclass
class OnlineReport:
    """What is wrong with an online edition, and what is only worth a look."""

    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing is wrong (warnings allowed)."""
        return not self.problems


def check_online(path: Path) -> OnlineReport:
    """The problems of an online edition (its folder, or its index.html), one line each."""
    folder = path if path.is_dir() else path.parent
    index = folder / PAGE
    if not index.is_file():
        return OnlineReport([f"{index}: la page de l'édition en ligne n'existe pas"])
    parser = _Page()
    parser.feed(index.read_text(encoding="utf-8"))
    parser.close()
    elements = parser.elements
    report = OnlineReport()

    def say(element: _Element, message: str) -> None:
        report.problems.append(f"{index}:{element.line}: {message}")

    ids: dict[str, _Element] = {}
    for element in elements:
        if "id" not in element.attrs:
            continue
        first = ids.setdefault(element.attrs["id"], element)
        if first is not element:  # a link to it would lead to the first only
            say(
                element,
                f"l'identifiant « {element.attrs['id']} » est déjà celui d'un élément "
                f"de la ligne {first.line}",
            )
    for element in elements:
        if element.tag == "script":
            say(element, "un script : l'édition en ligne se lit sans JavaScript")
        if "style" in element.attrs:
            say(element, "un attribut style, que la Content-Security-Policy bloque")
        if element.tag == "img" and not _described(element.attrs):
            src = element.attrs.get("src", "")
            say(element, f"l'image « {src} » n'a pas de texte de remplacement")
        if _named_address(element):  # the page's own address: checked with the preview
            continue
        for url, followed in _urls(element):
            message = _url_problem(url, folder, ids, followed=followed)
            if message:
                say(element, message)
            elif followed and url.lower().startswith("http:"):
                report.warnings.append(
                    f"{index}:{element.line}: le lien « {url} » n'est pas en https"
                )
    report.problems += _notes(elements, ids, index)
    report.problems += _preview(elements, folder, index)
    report.problems += _pdfs(elements, folder, index)
    if not any(
        e.tag == "meta" and e.attrs.get("http-equiv", "").lower() == "content-security-policy"
        for e in elements
    ):
        report.problems.append(f"{index}: la page ne déclare pas de Content-Security-Policy")
    missing, unread = _uncovered(index, folder)
    report.problems += [f"{font}: police illisible (remplacez-la : make pdf)" for font in unread]
    if missing:
        report.warnings.append(
            f"{index}: {len(missing)} caractère(s) que les polices de l'édition n'ont pas, "
            f"dessiné(s) par celles du lecteur : {' '.join(sorted(missing))} (ajoutez-les à "
            "webfonts.CHARSET, puis make web-fonts)"
        )
    stylesheet = folder / STYLESHEET
    if stylesheet.is_file():
        css = stylesheet.read_text(encoding="utf-8")
        for url in _CSS_URL.findall(css):
            message = _url_problem(url.strip(), folder, {}, followed=False)
            if message:
                report.problems.append(f"{stylesheet}: {message}")
    return report


def _uncovered(index: Path, folder: Path) -> tuple[set[str], list[Path]]:
    """The characters of the page's text that one of its fonts at least cannot draw
    (none when the folder has no WOFF2 font: nothing to compare with), and the fonts
    that cannot be read."""
    from ..webfonts import covered

    drawn: set[str] | None = None
    unread = []
    for font in sorted((folder / WEB).glob("*.woff2")):
        try:
            characters = covered(font.read_bytes())
        except Exception:  # fontTools raises its own errors, and others, on a bad file
            unread.append(font)
            continue
        drawn = characters if drawn is None else drawn & characters
    if drawn is None:
        return set(), unread
    text = html.unescape(_TAG.sub(" ", index.read_text(encoding="utf-8")))
    missing = {char for char in set(text) - drawn if char.isprintable() and not char.isspace()}
    return missing, unread


def _named_address(element: _Element) -> bool:
    """The page's canonical address: named, not loaded nor followed."""
    return element.tag == "link" and "canonical" in element.attrs.get("rel", "").split()


def _preview(elements: list[_Element], folder: Path, index: Path) -> list[str]:
    """The page's address and its preview for social networks (Open Graph): whole https
    addresses with nothing after the path, which social networks need, one address for
    the page, and each preview image a PNG or JPEG the folder holds (published with the
    page at that address), as wide and high as the page says."""
    problems = []

    def say(element: _Element, message: str) -> None:
        problems.append(f"{index}:{element.line}: {message}")

    def meta(name: str) -> list[_Element]:
        return [e for e in elements if e.tag == "meta" and e.attrs.get("property") == name]

    pages = [(e, e.attrs.get("href", "")) for e in elements if _named_address(e)]
    pages += [(e, e.attrs.get("content", "")) for e in meta("og:url")]
    images = [(e, e.attrs.get("content", "")) for e in meta("og:image")]
    for element, url in pages + images:
        if not whole_https(url):
            say(
                element,
                f"l'adresse « {url} » n'est pas une adresse https entière, comme les réseaux "
                "sociaux la demandent (online_url dans issue.toml)",
            )
    announced = tuple(
        e.attrs.get("content") for e in meta("og:image:width") + meta("og:image:height")
    )
    addresses = sorted({url for _, url in pages})
    if len(addresses) > 1:
        problems.append(
            f"{index}: la page a plusieurs adresses : "
            + " et ".join(f"« {address} »" for address in addresses)
        )
    for element, url in images:
        if not addresses:
            say(element, f"l'image d'aperçu « {url} » est là sans l'adresse de la page (og:url)")
            continue
        page, image = urlsplit(addresses[0]), urlsplit(url)
        inside = image.netloc == page.netloc and image.path.startswith(page.path)
        relative = unquote(image.path.removeprefix(page.path)) if inside else ""
        target = (folder / relative).resolve()
        if not relative or not target.is_relative_to(folder.resolve()) or not target.is_file():
            say(
                element,
                f"l'image d'aperçu « {url} » n'est pas un fichier du dossier de l'édition en ligne",
            )
            continue
        size = _image_size(target)
        if size is None:
            say(element, f"l'image d'aperçu « {relative} » n'est pas une image PNG ou JPEG lisible")
            continue
        if announced and announced != tuple(map(str, size)):
            say(
                element,
                f"l'image d'aperçu « {relative} » fait {size[0]} × {size[1]} pixels, "
                f"la page en annonce {' × '.join(str(s) for s in announced)}",
            )
    return problems


def _image_size(path: Path) -> tuple[int, int] | None:
    """A PNG's or JPEG's width and height, from its header, or None if it is neither."""
    with path.open("rb") as stream:
        return header_size(stream.read(1 << 16))


def _pdfs(elements: list[_Element], folder: Path, index: Path) -> list[str]:
    """Each PDF the page links in the folder is one (a file that begins as a PDF does)."""
    problems = []
    for element in elements:
        href = element.attrs.get("href", "")
        if element.tag != "a" or urlsplit(href).scheme or not href.lower().endswith(".pdf"):
            continue
        target = folder / unquote(href)
        if not target.is_file():
            continue  # said by the check of the page's addresses
        with target.open("rb") as stream:
            if not stream.read(1024).lstrip(b"\0\t\n\r ").startswith(b"%PDF-"):
                problems.append(
                    f"{index}:{element.line}: le fichier « {unquote(href)} » n'est pas un PDF"
                )
    return problems


def _described(attrs: dict[str, str]) -> bool:
    """An image says what it shows, or is marked as decoration (an empty alt)."""
    if "alt" not in attrs:
        return False
    return bool(attrs["alt"].strip()) or attrs.get("role") == "presentation"


def _urls(element: _Element) -> list[tuple[str, bool]]:
    """The addresses an element names, each with whether it is a link the reader
    follows (rather than a file the page loads)."""
    found = []
    for name in ("src", "href", "srcset", "poster", "data", "action"):
        if name not in element.attrs:
            continue
        value = element.attrs[name]
        if name == "srcset":  # "a.jpg 480w, b.jpg 960w"
            urls = [part.split()[0] for part in value.split(",") if part.strip()]
        else:
            urls = [value]
        followed = element.tag == "a" and name == "href"
        found += [(url, followed) for url in urls]
    return found


def _url_problem(url: str, folder: Path, ids: dict[str, _Element], *, followed: bool) -> str | None:
    """Why ``url`` does not lead inside the folder (a link followed may leave it)."""
    if url.startswith("#"):
        if unquote(url[1:]) in ids:
            return None
        return f"le lien « {url} » mène à un identifiant absent de la page"
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        if followed and parts.scheme and url.lower().startswith(_LEAVING):
            return None
        return f"l'adresse « {url} » est hors du dossier de l'édition en ligne"
    relative = unquote(parts.path)
    if not relative:
        return None
    target = (folder / relative).resolve()
    if not target.is_relative_to(folder.resolve()):
        return f"l'adresse « {url} » sort du dossier de l'édition en ligne"
    if not target.is_file():
        return f"le fichier « {relative} » n'existe pas dans le dossier"
    return None


def _notes(elements: list[_Element], ids: dict[str, _Element], index: Path) -> list[str]:
    """Each call leads to a note that leads back to that call, and each note is called."""
    problems = []
    called: set[str] = set()
    for element in elements:
        if element.attrs.get("role") != "doc-noteref":
            continue
        target = element.attrs.get("href", "").removeprefix("#")
        called.add(target)
        note = ids.get(target)
        if note is None or not _is_note(note):
            problems.append(
                f"{index}:{element.line}: l'appel de note « {element.attrs.get('href', '')} » "
                "ne mène à aucune note"
            )
    backlinks = [e for e in elements if e.attrs.get("role") == "doc-backlink"]
    notes = [e for e in elements if _is_note(e)]
    for number, note in enumerate(notes):
        link = backlinks[number] if number < len(backlinks) else None
        where = f"{index}:{note.line}"
        if note.attrs["id"] not in called:
            problems.append(f"{where}: la note « {note.attrs['id']} » n'est appelée nulle part")
        if link is None:
            problems.append(f"{where}: la note « {note.attrs['id']} » n'a pas de lien de retour")
            continue
        call = ids.get(link.attrs.get("href", "").removeprefix("#"))
        if (
            call is None
            or call.attrs.get("role") != "doc-noteref"
            or call.attrs.get("href", "") != f"#{note.attrs['id']}"
        ):
            problems.append(
                f"{where}: le retour de la note « {note.attrs['id']} » ne mène pas à son appel"
            )
    return problems


def _is_note(element: _Element) -> bool:
    """A note of the Annexe: an item of its list (online.py writes them so)."""
    return element.tag == "li" and "note" in element.attrs.get("class", "").split()
