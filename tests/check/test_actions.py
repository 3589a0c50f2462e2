"""No JavaScript and no program launched, anywhere in a PDF of either variant: at its
opening, in its names tree, on a page, in an annotation or a form field, or chained after
a harmless action; and no encryption of the web PDF. Each is put into a copy of No. 6
with pypdf and must be caught, once."""

from __future__ import annotations

import pytest
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from ..conftest import BuiltIssue
from .conftest import edit_pdf, problems_in


def _script(kind: str = "JavaScript") -> DictionaryObject:
    action = DictionaryObject({NameObject("/S"): NameObject(f"/{kind}")})
    if kind == "JavaScript":
        action[NameObject("/JS")] = TextStringObject("app.alert('bonjour');")
    else:
        action[NameObject("/F")] = TextStringObject("calc.exe")
    return action


def _annotation(writer: PdfWriter, page: int, subtype: str, **keys: DictionaryObject) -> None:
    annot = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject(f"/{subtype}"),
            NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (60, 60, 100, 80)]),
            **{NameObject(f"/{key}"): value for key, value in keys.items()},
        }
    )
    ref = writer._add_object(annot)
    target = writer.pages[page]
    if "/Annots" not in target:
        target[NameObject("/Annots")] = ArrayObject()
    target["/Annots"].append(ref)


def _open(writer: PdfWriter) -> None:
    writer.root_object[NameObject("/OpenAction")] = _script()


def _catalog_aa(writer: PdfWriter) -> None:
    writer.root_object[NameObject("/AA")] = DictionaryObject({NameObject("/WC"): _script()})


def _names(writer: PdfWriter) -> None:
    scripts = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("x"), _script()])}
    )
    writer.root_object["/Names"][NameObject("/JavaScript")] = scripts


def _page_aa(writer: PdfWriter) -> None:
    writer.pages[2][NameObject("/AA")] = DictionaryObject({NameObject("/O"): _script()})


def _text_note(writer: PdfWriter) -> None:
    _annotation(writer, 3, "Text", A=_script())


def _contents() -> DictionaryObject:
    """A link's harmless action: to the contents."""
    return DictionaryObject(
        {
            NameObject("/S"): NameObject("/GoTo"),
            NameObject("/D"): TextStringObject("table-des-matieres"),
        }
    )


def _link_aa(writer: PdfWriter) -> None:
    aa = DictionaryObject({NameObject("/E"): _script()})
    _annotation(writer, 3, "Link", A=_contents(), AA=aa)


def _chained(writer: PdfWriter) -> None:
    goto = _contents()
    goto[NameObject("/Next")] = ArrayObject([_script("Launch")])
    _annotation(writer, 3, "Link", A=goto)


def _field(writer: PdfWriter) -> None:
    field = DictionaryObject(
        {
            NameObject("/FT"): NameObject("/Tx"),
            NameObject("/T"): TextStringObject("champ"),
            NameObject("/AA"): DictionaryObject({NameObject("/K"): _script()}),
        }
    )
    form = DictionaryObject({NameObject("/Fields"): ArrayObject([writer._add_object(field)])})
    writer.root_object[NameObject("/AcroForm")] = form


CASES = {
    "open": (_open, "JavaScript à l'ouverture du document"),
    "catalog-aa": (_catalog_aa, "JavaScript à un événement du document"),
    "names": (_names, "JavaScript nommé du document"),
    "page-aa": (_page_aa, "JavaScript à l'ouverture ou la fermeture de la page 3"),
    "annotation": (_text_note, "JavaScript d'une annotation Text de la page 4"),
    "link-aa": (_link_aa, "JavaScript d'une annotation Link de la page 4"),
    "chained": (_chained, "Launch d'une annotation Link de la page 4"),
    "field": (_field, "JavaScript d'un champ de formulaire"),
}


@pytest.mark.parametrize("case", CASES)
def test_a_script_anywhere_is_caught_in_the_web_pdf(issue6_linked: BuiltIssue, case: str) -> None:
    change, where = CASES[case]
    assert problems_in(edit_pdf(issue6_linked, change), "links") == [
        f"action {where} : un PDF du bulletin ne lance ni script ni programme"
    ]


@pytest.mark.parametrize("case", ["open", "page-aa", "field"])
def test_a_script_is_caught_in_the_print_pdf_too(issue6: BuiltIssue, case: str) -> None:
    change, where = CASES[case]
    assert problems_in(edit_pdf(issue6, change), "links") == [
        f"action {where} : un PDF du bulletin ne lance ni script ni programme"
    ]


def test_an_encrypted_web_pdf_is_said_so_in_plain_words(issue6_linked: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        writer.encrypt(user_password="", owner_password="secret", algorithm="RC4-128")

    problems = problems_in(edit_pdf(issue6_linked, change), "web")
    assert problems == [
        "le PDF est chiffré : les aides techniques (lecteurs d'écran) pourraient ne pas le "
        "lire, et bippdf n'en chiffre aucun"
    ]
