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

from pathlib import Path

from ..errors import SourceError
from ..sourcefile import read_source
from .convert import convert
from .folder import check_output, write_folder
from .model import ImportReport, Line, Problem

__all__ = ["ImportReport", "Problem", "import_legacy"]


def import_legacy(legacy: Path, output: Path, *, force: bool = False) -> ImportReport:
    """Convert the extracted text of a printed BIP into an issue folder at ``output``.

    Raises ``SourceError`` when ``output`` is not empty (unless ``force``), or when the
    legacy text cannot be read or is not a bulletin (no edition line, no table of
    contents). Everything else that cannot be resolved is reported as a ``Problem``.
    """
    legacy, output = Path(legacy), Path(output)
    check_output(output, force=force)
    lines = _read_legacy(legacy)
    problems: list[Problem] = []
    issue = convert(lines, legacy, problems)
    try:
        paths = write_folder(issue, output, force=force)
    except OSError as exc:
        raise SourceError(
            f"impossible d'écrire le numéro importé : {exc.strerror}",
            path=Path(exc.filename) if exc.filename else output,
            hint="vérifiez que le dossier de destination est accessible en écriture",
        ) from None
    problems.sort(key=lambda problem: problem.line)
    return ImportReport(folder=output, articles=paths, notes=issue.note_count, problems=problems)


def _read_legacy(path: Path) -> list[Line]:
    """The legacy text as numbered lines; a clear error when it cannot be read."""
    text, _ = read_source(
        path,
        read_hint="donnez le fichier texte extrait du PDF imprimé",
        encoding_hint="enregistrez le texte en UTF-8 avant de l'importer",
    )
    if not text.strip():
        raise SourceError(
            "le fichier est vide", path=path, line=1, hint="donnez le texte extrait du PDF"
        )
    return list(enumerate(text.split("\n"), start=1))
