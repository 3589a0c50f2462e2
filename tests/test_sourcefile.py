"""The one reader and writer of source files: what is written reads back the same, and
a write that fails leaves the previous file as it was."""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from pathlib import Path

import pytest

from bippdf import files
from bippdf.errors import BuildError
from bippdf.importer import import_legacy
from bippdf.scaffold import new_issue
from bippdf.source import Author, load_issue
from bippdf.sourcefile import (
    article_text,
    issue_text,
    parse_toml,
    read_source,
    split_front_matter,
    write_source,
)

from .importer.texts import ARTICLE, legacy_text

FIELDS: dict[str, object] = {
    "title": "Bulletin d'information en prévention",
    "short_title": "BIP",
    "number": 7,
    "date": dt.date(2026, 12, 1),
    "language": "fr-CA",
    "theme": 'Les « aînés » et la "fraude" \\ au téléphone',
    "publisher": "Ministère de la Sécurité publique",
    "keywords": ["prévention", "aînés"],
    "legal_deposit_year": 2026,
    "issn": "",
    "copyright": "© Gouvernement du Québec, 2026",
    "punctuation_space": "none",
}
CONTACT = {"email": "prevention@example.org", "phone": "1 877 000-0000"}
AUTHORS = [
    Author("Jeanne Tremblay", role="agente", affiliation="Service de police"),
    Author("Marc Roy", collaboration=True),
]
LEAD = 'Un chapeau avec des "guillemets", une barre \\ et\n\nun second paragraphe.'


def _key_order(text: str) -> list[str]:
    """The keys of a TOML text, in the order they are written."""
    return re.findall(r"^(\w+) =", text, re.M)


def test_issue_toml_written_then_read_gives_the_same_keys(tmp_path: Path) -> None:
    path = tmp_path / "issue.toml"
    names = ["01-un.md", "02-deux.md"]
    write_source(path, issue_text(FIELDS, names, CONTACT))
    text, digest = read_source(path)
    assert parse_toml(text, path, 0) == {**FIELDS, "articles": names, "contact": CONTACT}
    assert len(digest) == 64 and digest != read_source(Path(__file__))[1]


def test_article_written_then_loaded_gives_the_same_article(tmp_path: Path) -> None:
    title = 'Le « BIP » : des "guillemets" et une barre \\'
    body = "Du texte, avec une note[^1].\n\n[^1]: La note."
    articles = tmp_path / "articles"
    write_source(
        articles / "01-un.md",
        article_text(title, body, lead=LEAD, authors=AUTHORS, signature=True),
    )
    write_source(articles / "02-deux.md", article_text("Deux", "Texte seul."))
    write_source(tmp_path / "issue.toml", issue_text(FIELDS, ["01-un.md", "02-deux.md"]))
    issue = load_issue(tmp_path)
    first, second = issue.articles
    assert (first.title, first.body.strip(), first.lead) == (title, body, LEAD)
    assert (first.authors, first.signature) == (AUTHORS, True)
    assert (second.lead, second.authors, second.signature) == (None, [], False)
    assert (issue.theme, issue.keywords, issue.punctuation_space) == (
        FIELDS["theme"],
        FIELDS["keywords"],
        "none",
    )


def test_text_without_front_matter_is_all_body(tmp_path: Path) -> None:
    assert split_front_matter("# Titre\n\nTexte.\n", tmp_path / "a.md") == (None, 0)
    assert split_front_matter('+++\ntitle = "T"\n+++\n\nTexte.\n', tmp_path / "a.md") == (
        'title = "T"',
        3,
    )


def test_a_failed_write_leaves_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "issue.toml"
    write_source(path, issue_text(FIELDS, ["01-un.md"]))
    before = path.read_bytes()

    def full_disk(source: str, target: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", full_disk)
    with pytest.raises(BuildError) as error:
        write_source(path, issue_text({**FIELDS, "number": 8}, ["01-un.md"]))
    assert error.value.path == path and error.value.hint
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["issue.toml"]  # no temporary file left behind


def test_new_and_import_lay_out_issue_toml_alike(tmp_path: Path) -> None:
    made = new_issue(tmp_path / "issues", date=dt.date(2026, 12, 1), theme="Un thème")
    new = (made.folder / "issue.toml").read_text("utf-8")
    report = import_legacy(legacy_text(tmp_path, ARTICLE + "Texte.\n"), tmp_path / "import")
    imported = (report.folder / "issue.toml").read_text("utf-8")
    new_keys, imported_keys = _key_order(new), _key_order(imported)
    shared = [key for key in new_keys if key in imported_keys]
    assert len(shared) >= 8
    assert shared == [key for key in imported_keys if key in new_keys]
    assert tomllib.loads(imported)["keywords"] == tomllib.loads(new)["keywords"] == []
    # Each file opens on the issue's own keys, under the same comment.
    assert new.split("\n", 1)[0] == imported.split("\n", 1)[0]
