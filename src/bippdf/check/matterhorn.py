"""The conditions of the Matterhorn protocol (PDF/UA-1) that a program can test, read
from a PDF's catalog, structure tree, annotations, fonts and page contents.

Each failure is named by its condition's number (``01-005``, ``15-003``) so that it can
be looked up in the protocol; ``docs/checks.md`` lists those tested and those that only
a person can judge. The structure tree is walked once, without recursion (a tree can be
deep), and each page's content once, for its marked content.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import pikepdf

from ..recent import Recent
from .contentstream import operations
from .objects import (
    Pdf,
    content,
    identity,
    is_array,
    is_dictionary,
    is_name_or_string,
    page_index,
    page_numbers,
)

# The standard structure types of ISO 32000-1 (14.8.4): a role map may not remap them,
# and a non-standard type must be mapped to one of them.
STANDARD_TYPES = frozenset(
    [
        "Document",
        "Part",
        "Art",
        "Sect",
        "Div",
        "BlockQuote",
        "Caption",
        "TOC",
        "TOCI",
        "Index",
        "NonStruct",
        "Private",
        "H",
        "H1",
        "H2",
        "H3",
        "H4",
        "H5",
        "H6",
        "P",
        "L",
        "LI",
        "Lbl",
        "LBody",
        "Table",
        "TR",
        "TH",
        "TD",
        "THead",
        "TBody",
        "TFoot",
        "Span",
        "Quote",
        "Note",
        "Reference",
        "BibEntry",
        "Code",
        "Link",
        "Annot",
        "Ruby",
        "RB",
        "RT",
        "RP",
        "Warichu",
        "WT",
        "WP",
        "Figure",
        "Formula",
        "Form",
    ]
)
_TABLE_PARENTS = {
    "TR": {"Table", "THead", "TBody", "TFoot"},
    "TH": {"TR"},
    "TD": {"TR"},
    "THead": {"Table"},
    "TBody": {"Table"},
    "TFoot": {"Table"},
}
_LIST_PARENTS = {"LI": {"L"}, "Lbl": {"LI"}, "LBody": {"LI"}}
_HEADING = re.compile(r"H([1-6])")
_LANGUAGE = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")  # a BCP 47 tag, loosely
_SHOWS = {b"Tj", b"TJ", b"'", b'"', b"Do", b"INLINE IMAGE", b"sh"}
_MCID = re.compile(rb"/MCID\s+(\d+)")


@dataclass
class Failure:
    """A condition of the protocol that the PDF fails, where it fails it."""

    checkpoint: str  # "01-005"
    message: str  # in French, for the report
    page: int | None = None  # the page index, when it concerns a page


@dataclass
class Tagging:
    """What the walk of the structure tree found: its failures and its element counts."""

    failures: list[Failure] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # structure type: elements
    # each Link annotation's /Contents, by page index (for the links' descriptions)
    link_descriptions: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class _Walk:
    """The structure tree as walked: what each condition needs of it."""

    reached: set[tuple[int, int]] = field(default_factory=set)  # (page, MCID)
    # an OBJR's target, by object number and generation: its parent's type
    annotations: dict[Any, str] = field(default_factory=dict)
    headings: list[str] = field(default_factory=list)  # H, H1…H6 in reading order
    note_ids: list[str | None] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)


def audit(reader: Pdf) -> Tagging:
    """Every testable condition of the protocol, on a PDF read by pikepdf."""
    result = Tagging()
    root: Any = reader.Root
    failures = result.failures
    pages = page_numbers(reader)
    tree = root.get("/StructTreeRoot")
    roles = tree.get("/RoleMap") if is_dictionary(tree) else None
    mapping = {str(k).lstrip("/"): str(v).lstrip("/") for k, v in (roles or {}).items()}
    failures += _role_map(mapping)
    walk = _Walk()
    if is_dictionary(tree):
        failures += _walk(tree, pages, mapping, walk)
    result.counts = dict(walk.counts)
    failures += _document(reader, root)
    failures += _headings(walk.headings)
    failures += _notes(walk.note_ids)
    for index, page in enumerate(reader.pages):
        failures += _page_content(page.obj, index, walk.reached)
        failures += _annotations(page.obj, index, walk.annotations, result)
    failures += _fonts(reader)
    return result


def _role_map(mapping: dict[str, str]) -> Iterator[Failure]:
    """02-001, 02-003, 02-004: the role map."""
    for name, target in mapping.items():
        if name in STANDARD_TYPES:
            yield Failure("02-004", f"le type standard {name} est redéfini par /RoleMap")
            continue
        seen = {name}
        while target in mapping and target not in STANDARD_TYPES:
            if target in seen:
                yield Failure("02-003", f"/RoleMap fait une boucle à partir de {name}")
                break
            seen.add(target)
            target = mapping[target]
        else:
            if target not in STANDARD_TYPES:
                yield Failure(
                    "02-001", f"le type {name} n'aboutit pas à un type standard dans /RoleMap"
                )


def _walk(
    tree: Any, pages: dict[tuple[int, int], int], mapping: dict[str, str], walk: _Walk
) -> Iterator[Failure]:
    """The structure tree, depth first in reading order: the conditions on elements."""
    # (node, page index inherited from /Pg, parent's standard type)
    stack: list[tuple[Any, int | None, str]] = [(tree.get("/K"), None, "StructTreeRoot")]
    visited: set[Any] = set()
    while stack:
        node, page, parent = stack.pop()
        if isinstance(node, pikepdf.Object) and node.is_indirect:
            if node.objgen in visited:  # a loop, or an element with two parents
                continue
            visited.add(node.objgen)
        if is_array(node):
            stack.extend((kid, page, parent) for kid in reversed(node))
            continue
        if isinstance(node, int) and not isinstance(node, bool):
            if page is not None:
                walk.reached.add((page, node))
            continue
        if not is_dictionary(node):
            continue
        on = _page_of(node, pages, page)
        kind = node.get("/Type")
        if kind == "/MCR":
            mcid = node.get("/MCID")
            if on is not None and isinstance(mcid, int):
                walk.reached.add((on, mcid))
            continue
        if kind == "/OBJR":
            target = node.get("/Obj")
            if isinstance(target, pikepdf.Object) and target.is_indirect:
                walk.annotations[identity(target)] = parent
            continue
        name = str(node.get("/S", "")).lstrip("/")
        standard = mapping.get(name, name)
        walk.counts[standard] += 1
        yield from _element(node, standard, parent, walk)
        kids = node.get("/K")
        if kids is not None:
            stack.append((kids, on, standard))


def _page_of(node: Any, pages: dict[tuple[int, int], int], parents: int | None) -> int | None:
    """The page an element's or a marked-content reference's /Pg names, else its parent's."""
    found = page_index(node.get("/Pg"), pages)
    return parents if found is None else found


def _element(node: Any, kind: str, parent: str, walk: _Walk) -> Iterator[Failure]:
    """The conditions on one structure element, given its parent's type."""
    if _HEADING.fullmatch(kind) or kind == "H":
        walk.headings.append(kind)
    if kind in _TABLE_PARENTS and parent not in _TABLE_PARENTS[kind]:
        yield Failure("09-004", f"un élément {kind} est dans un {parent}")
    if kind in _LIST_PARENTS and parent not in _LIST_PARENTS[kind]:
        yield Failure("09-005", f"un élément {kind} est dans un {parent}")
    if kind == "TOCI" and parent != "TOC":
        yield Failure("09-006", f"un élément TOCI est dans un {parent}, pas dans un TOC")
    if kind == "Figure" and not (node.get("/Alt") or node.get("/ActualText")):
        yield Failure("13-004", "une Figure n'a pas de texte de remplacement (/Alt)")
    if kind == "Formula" and not node.get("/Alt"):
        yield Failure("17-002", "une Formula n'a pas de texte de remplacement (/Alt)")
    if kind == "TH" and not _scope(node):
        # Stricter than the condition (a table whose cells all name their headers may do
        # without): a reader that ignores /Headers still knows what the cell heads.
        yield Failure("15-003", "une cellule d'en-tête (TH) n'a pas d'attribut /Scope")
    if kind == "Note":
        identifier = node.get("/ID")
        walk.note_ids.append(str(identifier) if identifier else None)
    language = node.get("/Lang")
    if language is not None and not _LANGUAGE.fullmatch(str(language)):
        yield Failure("11-001", f"un élément {kind} a une langue mal formée : « {language} »")


def _scope(node: Any) -> bool:
    """Whether a TH has a /Scope among its attributes (a dictionary, or an array of them)."""
    attributes = node.get("/A")
    found = attributes if is_array(attributes) else [attributes]
    for owner in found:
        if is_dictionary(owner) and owner.get("/Scope") in (
            "/Row",
            "/Column",
            "/Both",
        ):
            return True
    return False


def _document(reader: Pdf, root: Any) -> Iterator[Failure]:
    """The catalog: metadata, viewer preferences, marking, language, security, XFA,
    optional content, embedded files."""
    metadata = root.get("/Metadata")
    xmp = metadata.read_bytes().decode("utf-8", "replace") if metadata is not None else ""
    if not xmp:
        yield Failure("06-001", "le PDF n'a pas de métadonnées XMP")
    if "pdfuaid:part" not in xmp:
        yield Failure("06-002", "les métadonnées XMP ne déclarent pas PDF/UA (pdfuaid:part)")
    if "<dc:title" not in xmp:
        yield Failure("06-003", "les métadonnées XMP n'ont pas de titre (dc:title)")
    preferences = root.get("/ViewerPreferences") or {}
    if "/DisplayDocTitle" not in preferences:
        yield Failure("07-001", "/ViewerPreferences n'a pas de /DisplayDocTitle")
    elif not _true(preferences["/DisplayDocTitle"]):
        yield Failure("07-002", "/ViewerPreferences /DisplayDocTitle vaut false")
    marking = root.get("/MarkInfo") or {}
    # PDF/UA-1 7.1, paragraph 11, which the protocol tests under 01-007 with /Suspects
    if not _true(marking.get("/Marked")):
        yield Failure("01-007", "le catalogue n'a pas /MarkInfo /Marked true")
    if _true(marking.get("/Suspects")):
        yield Failure("01-007", "/MarkInfo /Suspects vaut true")
    if root.get("/StructTreeRoot") is None:
        yield Failure("01-005", "le PDF n'a pas d'arborescence de balises (/StructTreeRoot)")
    language = str(root.get("/Lang") or "")
    if not _LANGUAGE.fullmatch(language):
        yield Failure("11-001", "le catalogue ne déclare pas la langue du document (/Lang)")
    yield from _security(reader)
    form = root.get("/AcroForm") or {}
    xfa = form.get("/XFA")
    if xfa is not None and b"dynamicRender" in _xfa_bytes(xfa):
        yield Failure("25-001", "le formulaire XFA demande un rendu dynamique (dynamicRender)")
    optional = root.get("/OCProperties") or {}
    configurations = [optional.get("/D"), *(optional.get("/Configs") or [])]
    for number, configuration in enumerate(c for c in configurations if c is not None):
        if not str(configuration.get("/Name") or ""):
            yield Failure("20-001" if number else "20-002", "un calque n'a pas de nom (/Name)")
        if "/AS" in configuration:
            yield Failure("20-003", "une configuration de calques a une entrée /AS")
    names = root.get("/Names") or {}
    if "/EmbeddedFiles" in names:
        for spec in _name_tree_values(names["/EmbeddedFiles"]):
            if "/F" not in spec or "/UF" not in spec:
                yield Failure("21-001", "un fichier joint n'a pas /F et /UF")


def _true(value: Any) -> bool:
    """A PDF boolean true (not merely a value Python takes as true)."""
    return value is True


def _security(reader: Pdf) -> Iterator[Failure]:
    """26-001, 26-002: encryption must leave assistive technology its access."""
    encryption = reader.trailer.get("/Encrypt")
    if encryption is None:
        return
    if "/P" not in encryption:
        yield Failure("26-001", "le PDF est chiffré sans entrée /P")
    elif not int(encryption["/P"]) & (1 << 9):
        yield Failure(
            "26-002",
            "le PDF est chiffré et interdit l'extraction pour l'accessibilité (bit 10 de /P)",
        )


def _xfa_bytes(xfa: Any) -> bytes:
    if is_array(xfa):
        return b"".join(part.read_bytes() for part in xfa[1::2])
    return bytes(xfa.read_bytes())


_NAME_TREE_NODES_AT_MOST = 100_000  # a loop of /Kids is followed no further


def _name_tree_values(node: Any) -> Iterator[Any]:
    stack = [node]
    seen: set[Any] = set()
    while stack and len(seen) < _NAME_TREE_NODES_AT_MOST:
        node = stack.pop()
        if not is_dictionary(node) or identity(node) in seen:
            continue
        seen.add(identity(node))
        names = node.get("/Names") or []
        yield from names[1::2]
        stack.extend(node.get("/Kids") or [])


def _headings(headings: list[str]) -> Iterator[Failure]:
    """14-002, 14-003, 14-007: numbered headings in order, from H1, none skipped."""
    numbered = [int(h[1]) for h in headings if h != "H"]
    if numbered and "H" in headings:
        yield Failure("14-007", "le PDF mêle des titres H et des titres numérotés (H1…H6)")
    if numbered and numbered[0] != 1:
        yield Failure("14-002", f"le premier titre est un H{numbered[0]}, pas un H1")
    for before, after in pairwise(numbered):
        if after > before + 1:
            yield Failure("14-003", f"un H{after} suit un H{before} : un niveau est sauté")


def _notes(identifiers: list[str | None]) -> Iterator[Failure]:
    """19-003, 19-004: every Note has an ID, each its own."""
    if None in identifiers:
        count = identifiers.count(None)
        yield Failure("19-003", f"{count} élément(s) Note sans /ID")
    repeated = sorted(k for k, n in Counter(i for i in identifiers if i).items() if n > 1)
    for identifier in repeated:
        yield Failure("19-004", f"plusieurs éléments Note ont l'/ID « {identifier} »")


def _page_content(page: Any, index: int, reached: set[tuple[int, int]]) -> Iterator[Failure]:
    """01-003, 01-004, 01-005: every piece of content is tagged (its MCID reached from
    the root) or an artifact, never one inside the other."""
    contents = content(page)
    if contents is None:
        return
    key = hashlib.sha256(contents).digest()
    found = MARKED.get(key) or _marks(contents)
    MARKED.keep({key: found})
    for _ in range(found.in_tagged):
        yield Failure("01-003", "un artefact est dans du contenu balisé", index)
    if found.nested:
        yield Failure("01-004", f"{found.nested} contenu(s) balisé(s) dans un artefact", index)
    unreached = sum((index, mcid) not in reached for mcid in found.mcids)
    if unreached:
        yield Failure(
            "01-005",
            f"{unreached} contenu(s) marqué(s) que l'arborescence de balises n'atteint pas "
            "et qui ne sont pas des artefacts",
            index,
        )
    if found.untagged:
        yield Failure(
            "01-005", f"{found.untagged} contenu(s) ni balisé(s) ni marqué(s) comme artefact", index
        )


@dataclass(frozen=True)
class Marks:
    """How a page's content is marked, as far as tagging goes."""

    in_tagged: int  # artifacts inside tagged content
    nested: int  # pieces of tagged content inside an artifact
    mcids: tuple[int, ...]  # the MCID of each piece of tagged content
    untagged: int  # content shown, neither tagged nor in an artifact


def _marks(contents: bytes) -> Marks:
    """Walk a page's content for its marked content."""
    stack: list[str] = []  # "tagged", "artifact" or "" for other marked content
    in_tagged = nested = untagged = 0
    mcids: list[int] = []
    for operands, operator in operations(contents, properties=True):
        if operator in (b"BDC", b"BMC"):
            tag = str(operands[0]).lstrip("/") if operands else None
            properties = operands[1] if len(operands) > 1 else None
            found = _MCID.search(properties) if isinstance(properties, bytes) else None
            if tag == "Artifact":
                in_tagged += "tagged" in stack
                stack.append("artifact")
            elif found:
                nested += "artifact" in stack
                mcids.append(int(found[1]))
                stack.append("tagged")
            else:
                stack.append("")
        elif operator == b"EMC":
            if stack:
                stack.pop()
        elif operator in _SHOWS and not ({"tagged", "artifact"} & set(stack)):
            untagged += 1
    return Marks(in_tagged, nested, tuple(mcids), untagged)


# How the contents of recent checks' pages are marked, by the hash of each content (the
# forked reader of the structure tree sends them back with it).
MARKED: Recent[bytes, Marks] = Recent(512)


def _annotations(
    page: Any, index: int, parents: dict[Any, str], result: Tagging
) -> Iterator[Failure]:
    """28-002, 28-004, 28-008, 28-009, 28-011, 28-012: annotations in their tags, with a
    description, on pages whose tab order is the structure's."""
    annotations = page.get("/Annots") or []
    tabs = page.get("/Tabs")
    if annotations and tabs is None:
        yield Failure("28-008", "une page qui a des annotations n'a pas de /Tabs", index)
    elif annotations and tabs != "/S":
        yield Failure("28-009", f"une page a /Tabs {tabs} au lieu de /S", index)
    for annotation in annotations:
        if not is_dictionary(annotation):
            continue
        subtype = str(annotation.get("/Subtype", "")).lstrip("/")
        parent = parents.get(identity(annotation))
        description = str(annotation.get("/Contents") or "").strip()
        if subtype == "Link":
            result.link_descriptions.append((index, description))
            if parent != "Link":
                yield Failure(
                    "28-011", "une annotation de lien n'est pas dans un élément /Link", index
                )
            destination = annotation.get("/Dest")
            if not description:
                yield Failure(
                    "28-012", "une annotation de lien n'a pas de description (/Contents)", index
                )
            elif is_name_or_string(destination) and description == str(destination):
                # WeasyPrint's own description: the anchor's name, which says nothing
                yield Failure(
                    "28-012",
                    f"la description d'un lien est le nom de sa destination, « {description} »",
                    index,
                )
        elif subtype == "Widget":
            if parent != "Form":
                yield Failure(
                    "28-010", "un champ de formulaire n'est pas dans un élément Form", index
                )
        elif subtype == "PrinterMark":
            if parent is not None:
                yield Failure("28-017", "un repère d'imprimeur est dans l'arborescence", index)
        elif subtype:
            if parent != "Annot":
                yield Failure(
                    "28-002", f"une annotation {subtype} n'est pas dans un élément Annot", index
                )
            if not description:
                yield Failure("28-004", f"une annotation {subtype} n'a pas de /Contents", index)
            if subtype == "TrapNet":
                yield Failure("28-007", "une annotation TrapNet est présente", index)


def _fonts(reader: Pdf) -> Iterator[Failure]:
    """31-009 (fonts embedded) and 31-027 (text mapped to Unicode); the composite fonts
    WeasyPrint writes need a /ToUnicode, their Identity encoding saying nothing."""
    seen: set[Any] = set()
    for index, page in enumerate(reader.pages):
        resources: Any = page.obj.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            key = identity(font)
            if key in seen:
                continue
            seen.add(key)
            name = str(font.get("/BaseFont", "?")).lstrip("/")
            described = font
            if font.get("/Subtype") == "/Type0":
                described = font["/DescendantFonts"][0]
            descriptor = described.get("/FontDescriptor") or {}
            if font.get("/Subtype") != "/Type3" and not any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            ):
                yield Failure("31-009", f"la police {name} n'est pas incorporée", index)
            simple = str(font.get("/Encoding", "")) in (
                "/WinAnsiEncoding",
                "/MacRomanEncoding",
                "/MacExpertEncoding",
            )
            if "/ToUnicode" not in font and not simple:
                yield Failure(
                    "31-027",
                    f"la police {name} n'a pas de /ToUnicode : son texte ne se lit pas en Unicode",
                    index,
                )
