"""The prepress checks of the print variant: PDF/X-4 and its output intent, no
annotation in the printed area, the page boxes with the bleed, crop marks outside the
bleed and in registration colour, pages by fours, images sharp enough to print, and
the inks (no unmanaged RGB nor spot colour, text in black ink alone, total ink under
the limit), as a printer's PDF/X-4 preflight would refuse them."""

from __future__ import annotations

import math
from collections import Counter

from ..contract import INK_LIMIT, PageGeometry
from .inks import REGISTRATION, PageInks
from .readback import OutputIntent, PdfReadback
from .report import CheckResult, Problem, page_label

MIN_PPI, GOOD_PPI = 200, 300  # an image's resolution at its printed size: error, warning

_Box = tuple[float, float, float, float]
# The colour spaces of an ICC profile's header (bytes 16–19), and their components.
_XMP_VERSION = "XMP pdfxid:GTS_PDFXVersion"  # where PDF/X-4 declares itself
_WHERE = {  # each declaration of the PDF/X version, as a problem names it
    _XMP_VERSION: "pdfxid:GTS_PDFXVersion des métadonnées XMP",
    "XMP pdfx:GTS_PDFXVersion": "pdfx:GTS_PDFXVersion des métadonnées XMP",
    "Info GTS_PDFXVersion": "GTS_PDFXVersion du dictionnaire Info",
}
_PRINTABLE_ANNOTATIONS = {"PrinterMark", "TrapNet"}
_COMPONENTS = {"GRAY": 1, "RGB": 3, "Lab": 3, "CMYK": 4}


def check_print(pdf: PdfReadback, geometry: PageGeometry) -> CheckResult:
    """What the printer needs: PDF/X-4 with its output intent, the boxes with the bleed,
    crop marks outside the bleed, pages by fours, images sharp enough to print."""
    result = CheckResult(
        "print",
        figures={
            "conformance": pdf.structure.conformance,
            "pages": pdf.page_count,
            "bleed": geometry.bleed,
        },
    )
    _check_conformance(pdf, result)
    _check_annotations(pdf, result)
    for index in range(len(pdf.boxes)):
        _check_boxes(pdf, index, geometry, result)
        _check_marks(pdf, index, geometry.bleed * 72, result)
        _check_images(pdf, index, result)
    for index, inks in enumerate(pdf.inks):
        _check_spaces(pdf, index, inks, result)
        _check_black_text(pdf, index, inks, result)
        _check_ink(pdf, index, inks, result)
        _check_mark_colour(pdf, index, inks, result)
        _check_forbidden(pdf, index, inks, result)
    _ink_figures(pdf.inks, result)
    result.figures["marks"] = sum(len(marks) for marks in pdf.marks)
    result.figures["lowest_ppi"] = round(
        min((p.ppi for page in pdf.images for p in page), default=0)
    )
    return result


def _check_conformance(pdf: PdfReadback, result: CheckResult) -> None:
    """PDF/X-4 declared, with its output intent, on a multiple of four pages; what else
    the standard asks of the document as a whole."""
    _check_version(pdf.structure.pdfx_versions, result)
    _check_document(pdf, result)
    if "GTS_PDFX" not in pdf.structure.output_intents:
        result.problems.append(Problem("le PDF n'a pas d'intention de sortie PDF/X (profil CMJN)"))
    for intent in pdf.structure.intents:
        _check_intent(intent, result)
    if pdf.page_count % 4:
        result.problems.append(
            Problem(
                f"{pdf.page_count} pages : un bulletin piqué à cheval en demande un multiple de 4"
            )
        )


def _check_version(versions: dict[str, str], result: CheckResult) -> None:
    """PDF/X-4 declared in the XMP (pdfxid:GTS_PDFXVersion), and every other declaration
    of the version (the XMP's pdfx:, the Info dictionary) saying the same."""
    declared = versions.get(_XMP_VERSION)
    if declared is None:
        result.problems.append(
            Problem(
                "les métadonnées XMP ne déclarent aucune version PDF/X (pdfxid:GTS_PDFXVersion)"
            )
        )
        return
    if declared != "PDF/X-4":
        result.problems.append(
            Problem(f"le PDF déclare la conformité « {declared or 'aucune'} », pas PDF/X-4")
        )
    for where, version in versions.items():
        if version != declared:
            result.problems.append(
                Problem(
                    f"{_WHERE[where]} : « {version} » ; {_WHERE[_XMP_VERSION]} : « {declared} »"
                )
            )


_FORBIDDEN = {  # what PDF/X forbids on a page, as a line of the report says it
    "transfer function": "fonction de transfert (/TR)",
    "halftone": "trame imposée (/HT)",
    "PostScript": "PostScript incorporé",
    "OPI": "commentaires OPI",
    "alternate image": "image alternative (/Alternates)",
    "LZW": "compression LZW",
}


def _check_document(pdf: PdfReadback, result: CheckResult) -> None:
    """The file's PDF version, trapping key, identifier, title and dates, encryption
    and actions, as PDF/X-4 (ISO 15930-7) requires them."""
    found = pdf.structure
    problems = result.problems
    if found.header and found.header > "1.6":
        problems.append(Problem(f"en-tête %PDF-{found.header} : un PDF/X-4 est un PDF 1.6 au plus"))
    if found.info.get("Trapped") not in ("/True", "/False"):
        problems.append(
            Problem("le dictionnaire Info ne dit pas si le PDF est trappé (/Trapped True ou False)")
        )
    if not found.identified:
        problems.append(Problem("le PDF n'a pas d'identifiant (/ID dans sa fin de fichier)"))
    for key in ("Title", "CreationDate", "ModDate"):
        if not found.info.get(key):
            problems.append(Problem(f"le dictionnaire Info n'a pas de /{key}, que PDF/X exige"))
    if found.encrypted:
        problems.append(Problem("le PDF est chiffré : PDF/X l'interdit"))
    for action in found.actions:
        problems.append(
            Problem(f"le PDF lance une action à l'ouverture ({action}) : PDF/X l'interdit")
        )


def _check_forbidden(pdf: PdfReadback, index: int, inks: PageInks, result: CheckResult) -> None:
    """What PDF/X forbids on a page: transfer functions, halftones, PostScript, OPI…"""
    for kind, count in sorted(inks.forbidden.items()):
        result.problems.append(
            Problem(
                f"{_FORBIDDEN.get(kind, kind)} ({count}) : PDF/X l'interdit", page_label(pdf, index)
            )
        )


def _check_intent(intent: OutputIntent, result: CheckResult) -> None:
    """A PDF/X output intent, naming its printing condition, with a profile whose /N is the
    number of components of the colour space its header declares."""
    if intent.subtype != "GTS_PDFX":
        result.problems.append(
            Problem(f"une intention de sortie est {intent.subtype}, pas GTS_PDFX")
        )
    if not intent.condition.strip():
        result.problems.append(
            Problem(
                "l'intention de sortie ne nomme aucune condition "
                "d'impression (/OutputConditionIdentifier)"
            )
        )
    if intent.components is None:
        result.problems.append(
            Problem("l'intention de sortie n'a pas de profil (/DestOutputProfile)")
        )
        return
    if intent.profile_class != "prtr":
        result.problems.append(
            Problem(
                f"le profil de l'intention de sortie est de classe « {intent.profile_class} », "
                "pas « prtr » (un profil d'imprimante)"
            )
        )
    wanted = _COMPONENTS.get(intent.profile_space)
    if wanted is None:
        result.problems.append(
            Problem(
                "le profil de l'intention de sortie a l'espace "
                f"colorimétrique « {intent.profile_space} »"
            )
        )
    elif intent.components != wanted:
        result.problems.append(
            Problem(
                "le profil de l'intention de sortie est "
                f"{intent.profile_space} ({wanted} composantes), "
                f"mais son /N dit {intent.components}"
            )
        )


def _check_annotations(pdf: PdfReadback, result: CheckResult) -> None:
    """No annotation but printer's marks and trap networks (PDF/X): one line a page."""
    by_page: dict[int, Counter[str]] = {}
    for index, subtype in pdf.structure.annotations:
        if subtype not in _PRINTABLE_ANNOTATIONS:
            by_page.setdefault(index, Counter())[subtype] += 1
    for index, subtypes in sorted(by_page.items()):
        found = ", ".join(f"{count} {subtype}" for subtype, count in sorted(subtypes.items()))
        result.problems.append(
            Problem(
                f"annotations ({found}) : PDF/X n'admet que PrinterMark et TrapNet",
                page_label(pdf, index),
            )
        )
    result.figures["annotations"] = len(pdf.structure.annotations)


def _check_boxes(pdf: PdfReadback, index: int, geometry: PageGeometry, result: CheckResult) -> None:
    """The BleedBox is the TrimBox with the bleed around it, inside the MediaBox."""
    where = page_label(pdf, index)
    bleed = geometry.bleed * 72
    boxes = pdf.boxes[index]
    trim, bleed_box, media = boxes["TrimBox"], boxes["BleedBox"], boxes["MediaBox"]
    wanted = (trim[0] - bleed, trim[1] - bleed, trim[2] + bleed, trim[3] + bleed)
    if any(abs(a - b) > 0.5 for a, b in zip(bleed_box, wanted, strict=True)):
        result.problems.append(
            Problem(
                f"la BleedBox {_box(bleed_box)} n'est pas la TrimBox {_box(trim)} plus "
                f"{geometry.bleed} po",
                where,
            )
        )
    if not (
        media[0] <= bleed_box[0]
        and media[1] <= bleed_box[1]
        and media[2] >= bleed_box[2]
        and media[3] >= bleed_box[3]
    ):
        result.problems.append(
            Problem(f"la MediaBox {_box(media)} ne contient pas la BleedBox", where)
        )


def _check_marks(pdf: PdfReadback, index: int, bleed: float, result: CheckResult) -> None:
    """No mark drawn inside the bleed (``bleed`` in points), where it would be printed."""
    width, height = pdf.page_sizes[index]
    for mark in pdf.marks[index]:
        if (
            mark[2] > -bleed
            and mark[0] < width + bleed
            and mark[3] > -bleed
            and mark[1] < height + bleed
        ):
            result.problems.append(
                Problem("un repère est tracé dans le fond perdu", page_label(pdf, index))
            )
            break


def _check_images(pdf: PdfReadback, index: int, result: CheckResult) -> None:
    """Each image's resolution at its printed size: too low, or only passable."""
    where = page_label(pdf, index)
    for picture in pdf.images[index]:
        ppi = picture.ppi
        message = (
            f"une image de {picture.pixels[0]} × "
            f"{picture.pixels[1]} px est imprimée à {ppi:.0f} ppp"
        )
        left, bottom, right, top = picture.box
        at = (index, (left + right) / 2, (bottom + top) / 2)
        if ppi < MIN_PPI:
            wanted = math.ceil(picture.pixels[0] * MIN_PPI / ppi)
            result.problems.append(
                Problem(
                    f"{message} ; il en faut {MIN_PPI} au moins",
                    where,
                    at=at,
                    hint=f"fournissez-la en {wanted} px de large au moins, ou imprimez-la "
                    "plus petite",
                )
            )
        elif ppi < GOOD_PPI - 0.5:
            result.warnings.append(Problem(f"{message} ; {GOOD_PPI} vaut mieux", where, at=at))


# The colour spaces PDF/X-4 allows under a CMYK output intent that print on the four
# process plates: device CMYK and gray, ICC-based and CIE-based colour (converted to the
# output condition), registration colour for marks and "None" (prints nothing).
_FAMILIES = {"cmyk", "gray", "lab", "pattern"}
_PROCESS = {"Cyan", "Magenta", "Yellow", "Black", "All", "None"}
_KINDS = {  # what used a colour space, as a line of the report says it
    "text": "texte",
    "path": "tracé",
    "image": "image",
    "image mask": "masque d'image",
    "shading": "dégradé",
    "transparency group": "groupe de transparence",
    "annotation": "apparence d'annotation",
}


def _check_spaces(pdf: PdfReadback, index: int, inks: PageInks, result: CheckResult) -> None:
    """Each colour space the page uses that a CMYK press cannot take, with what used it
    and how often: RGB not managed (DeviceRGB without DefaultRGB), spot colours."""
    refused: dict[str, Counter[str]] = {}
    for (kind, space), count in inks.uses.items():
        if not _allowed(space):
            refused.setdefault(space, Counter())[_KINDS.get(kind, kind)] += count
    for space, kinds in sorted(refused.items()):
        uses = ", ".join(f"{count} {_plural(kind, count)}" for kind, count in sorted(kinds.items()))
        result.problems.append(
            Problem(f"{space} ({uses}) : {_why_refused(space)}", page_label(pdf, index))
        )


def _allowed(space: str) -> bool:
    """Whether a colour space prints on the process plates under a CMYK output intent."""
    kind, _, rest = space.partition(" ")
    if kind in ("DeviceCMYK", "DeviceGray", "Lab", "CalRGB", "CalGray", "Pattern"):
        return True
    if kind == "ICCBased":
        return rest in ("CMYK", "RGB", "GRAY", "Lab")
    if kind in ("Separation", "DeviceN"):
        return all(name in _PROCESS for name in rest.split())
    if kind == "Indexed":
        return _allowed(rest)
    return False


def _why_refused(space: str) -> str:
    if "RGB" in space:
        return "PDF/X-4 n'admet le RVB non géré que sous une intention de sortie RVB"
    if space.startswith(("Separation", "DeviceN")):
        return "une couleur d'accompagnement demande une plaque de plus que la quadrichromie"
    return "espace de couleur que la presse ne sait pas séparer"


def _plural(word: str, count: int) -> str:
    """``texte`` → ``textes``, ``masque d'image`` → ``masques d'image`` (count > 1)."""
    first, space, rest = word.partition(" ")
    return word if count == 1 else f"{first}s{space}{rest}"


def _check_black_text(pdf: PdfReadback, index: int, inks: PageInks, result: CheckResult) -> None:
    """Text in rich black (black ink with the three others under it): misregistered
    on press, small text blurs; black text prints in black ink alone."""
    if not inks.rich_black:
        return
    colour = " ".join(
        f"{ink}{round(100 * value)}"
        for ink, value in zip("CMYK", inks.rich_black_colour, strict=True)
    )
    smallest = f"{min(inks.rich_black):.1f}".replace(".", ",").removesuffix(",0")
    result.problems.append(
        Problem(
            f"{len(inks.rich_black)} {_plural('texte', len(inks.rich_black))} en noir quadri "
            f"({colour}, dès {smallest} pt) : le texte noir s'imprime en noir seul (K100)",
            page_label(pdf, index),
        )
    )


def _check_ink(pdf: PdfReadback, index: int, inks: PageInks, result: CheckResult) -> None:
    """The total ink of the heaviest colour and image pixel, against the limit."""
    where = page_label(pdf, index)
    if inks.highest_ink > INK_LIMIT + 0.5:
        result.problems.append(
            Problem(
                f"une couleur porte {inks.highest_ink:.0f} % d'encre ; la limite est {INK_LIMIT} %",
                where,
            )
        )
    if inks.heaviest_image > INK_LIMIT + 0.5:
        result.problems.append(
            Problem(
                f"une image porte jusqu'à {inks.heaviest_image:.0f} % d'encre ; "
                f"la limite est {INK_LIMIT} %",
                where,
            )
        )


def _check_mark_colour(pdf: PdfReadback, index: int, inks: PageInks, result: CheckResult) -> None:
    """The marks outside the bleed print on every plate: registration colour."""
    others = {space: count for space, count in inks.marks.items() if space != REGISTRATION}
    for space, count in sorted(others.items()):
        result.problems.append(
            Problem(
                f"{count} {_plural('repère', count)} en {space} hors du fond perdu : les repères "
                "s'impriment en couleur de repérage (/Separation /All)",
                page_label(pdf, index),
            )
        )


def _ink_figures(inks: list[PageInks], result: CheckResult) -> None:
    """The figures the README quotes: uses by colour space, the heaviest ink."""
    spaces: Counter[str] = Counter()
    for page in inks:
        for (_, space), count in page.uses.items():
            spaces[space] += count
    result.figures["colour_spaces"] = dict(sorted(spaces.items()))
    result.figures["highest_ink"] = round(max((p.highest_ink for p in inks), default=0))
    result.figures["heaviest_image_ink"] = round(max((p.heaviest_image for p in inks), default=0))
    result.figures["rich_black_texts"] = sum(len(p.rich_black) for p in inks)


def _box(box: _Box) -> str:
    """A box as PDF writes it: ``[0 0 612 792]``."""
    return "[" + " ".join(f"{v:g}" for v in box) + "]"
