"""Loading sources: every bad input stops with the file, the line and what to do."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bippdf.errors import SourceError
from bippdf.source import load_issue

from .conftest import ISSUE_6, article, write_issue

GOOD = {"01-a.md": article("Un article", "Du texte.\n")}


def _error(path: Path) -> SourceError:
    with pytest.raises(SourceError) as info:
        load_issue(path)
    return info.value


def test_issue_6_loads_with_its_metadata() -> None:
    issue = load_issue(ISSUE_6)
    assert issue.number == 6
    assert issue.date == dt.date(2019, 8, 1)
    assert issue.language == "fr-CA"
    assert issue.file_stem == "BIP-06-2019-08"
    assert len(issue.articles) == 11
    assert issue.articles[2].authors[0].name == "Carole Boulebsol"
    assert issue.articles[0].signature is True
    assert issue.articles[5].authors[1].collaboration is True
    assert issue.articles[2].lead and issue.articles[2].lead.startswith("Traite des personnes")


def test_invalid_toml_names_line_and_column(tmp_path: Path) -> None:
    root = write_issue(tmp_path, GOOD, theme="Pas de guillemets")
    error = _error(root)
    assert error.path == root / "issue.toml"
    assert error.line == 6
    assert error.column is not None
    assert str(error).startswith(f"{root / 'issue.toml'}:6:")
    assert error.message == "TOML non valide : valeur non valide"
    assert error.hint == 'les textes s\'écrivent entre "guillemets"; voir docs/format.md'


def test_unknown_key_suggests_the_closest(tmp_path: Path) -> None:
    root = write_issue(tmp_path, GOOD, titel='"Bulletin"')
    error = _error(root)
    assert (error.line, error.message) == (6, "clé inconnue « titel »")
    assert error.hint == "vouliez-vous écrire « title »?"


def test_missing_required_key(tmp_path: Path) -> None:
    root = write_issue(tmp_path, GOOD)
    text = (root / "issue.toml").read_text().replace("number = 1\n", "")
    (root / "issue.toml").write_text(text)
    error = _error(root)
    assert error.path == root / "issue.toml"
    assert error.message == "la clé obligatoire « number » manque"
    assert error.hint == "ajoutez une ligne number = … au fichier"


def test_ill_typed_value(tmp_path: Path) -> None:
    root = write_issue(tmp_path, GOOD, number='"six"')
    error = _error(root)
    assert (error.line, error.message) == (2, "« number » doit être un nombre entier")


def test_listed_article_missing(tmp_path: Path) -> None:
    root = write_issue(tmp_path, GOOD)
    (root / "articles" / "01-a.md").unlink()
    error = _error(root)
    assert error.line == 6
    assert error.message == "l'article « 01-a.md » est listé, mais articles/01-a.md n'existe pas"


def test_front_matter_unknown_key_line(tmp_path: Path) -> None:
    text = '+++\ntitle = "A"\n\n[[authors]]\nname = "X"\nrol = "y"\n+++\n\nTexte.\n'
    root = write_issue(tmp_path, {"01-a.md": text})
    error = _error(root)
    assert error.path == root / "articles" / "01-a.md"
    assert error.line == 6
    assert error.hint == "vouliez-vous écrire « role »?"


def test_front_matter_never_closed(tmp_path: Path) -> None:
    root = write_issue(tmp_path, {"01-a.md": '+++\ntitle = "A"\n\nTexte.\n'})
    error = _error(root)
    assert (error.line, error.message) == (1, "l'en-tête ouvert par +++ n'est jamais fermé")


def test_empty_article(tmp_path: Path) -> None:
    root = write_issue(tmp_path, {"01-a.md": article("A", "\n\n")})
    assert _error(root).message == "l'article n'a pas de texte"


def test_not_utf8_gives_line_and_byte(tmp_path: Path) -> None:
    root = write_issue(tmp_path, GOOD)
    (root / "articles" / "01-a.md").write_bytes(
        b'+++\ntitle = "A"\n+++\n\nPr' + "évention".encode("latin-1")
    )
    error = _error(root)
    assert error.line == 5
    assert error.message == "le fichier n'est pas en UTF-8 (octet 23 : 0xe9)"


def test_missing_cover_image(tmp_path: Path) -> None:
    root = write_issue(tmp_path, GOOD, cover_image='"images/absente.jpg"')
    error = _error(root)
    assert (error.line, error.message) == (
        6,
        "l'image de couverture « images/absente.jpg » n'existe pas",
    )


def test_single_markdown_file_is_a_one_article_issue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1577880000")  # 2020-01-01
    path = tmp_path / "notes-de-service.md"
    path.write_text("# Notes de service\n\nTexte.\n", encoding="utf-8")
    issue = load_issue(path)
    assert issue.title == "Notes de service"
    assert [a.title for a in issue.articles] == ["Notes de service"]
    assert "# Notes" not in issue.articles[0].body
    assert issue.date == dt.date(2020, 1, 1)
    assert issue.number is None and issue.file_stem == "notes-de-service"


def test_single_file_without_title_uses_its_name(tmp_path: Path) -> None:
    path = tmp_path / "compte_rendu.md"
    path.write_text("Texte seul.\n", encoding="utf-8")
    assert load_issue(path).title == "Compte rendu"


def test_not_an_issue(tmp_path: Path) -> None:
    assert _error(tmp_path / "nulle-part").message == "dossier ou fichier introuvable"


def test_unknown_language(tmp_path: Path) -> None:
    root = write_issue(tmp_path, GOOD, language='"francais"')
    error = _error(root)
    assert (error.line, error.message) == (4, "langue inconnue « francais »")


def test_windows_line_endings(tmp_path: Path) -> None:
    root = write_issue(tmp_path, GOOD)
    (root / "articles" / "01-a.md").write_bytes(b'+++\r\ntitle = "A"\r\n+++\r\n\r\nTexte.\r\n')
    loaded = load_issue(root).articles[0]
    assert (loaded.title, loaded.body.strip()) == ("A", "Texte.")


def test_language_tag_normalised(tmp_path: Path) -> None:
    root = write_issue(tmp_path, GOOD, language='"fr_ca"')
    assert load_issue(root).language == "fr-CA"


def test_short_title_must_name_a_file(tmp_path: Path) -> None:
    root = write_issue(tmp_path, GOOD, short_title='"../BIP"')
    error = _error(root)
    assert (error.line, error.message) == (
        6,
        "short_title « ../BIP » ne peut pas servir de nom de fichier",
    )


def test_article_listed_twice(tmp_path: Path) -> None:
    root = write_issue(tmp_path, GOOD)
    toml = (root / "issue.toml").read_text()
    (root / "issue.toml").write_text(toml.replace('["01-a.md"]', '[\n"01-a.md",\n"01-a.md",\n]'))
    error = _error(root)
    assert (error.line, error.message) == (8, "l'article « 01-a.md » est listé deux fois")


def test_corrupt_cover_image(tmp_path: Path) -> None:
    root = write_issue(tmp_path, GOOD, cover_image='"images/couv.jpg"')
    (root / "images").mkdir()
    (root / "images" / "couv.jpg").write_bytes(b"\xff\xd8\xff\xe0 tronque")
    error = _error(root)
    assert error.line == 6
    assert error.message.startswith("l'image de couverture « images/couv.jpg » est illisible : ")


@pytest.mark.parametrize("name", ["../../secret.md", "/etc/hostname"])
def test_article_outside_the_issue(tmp_path: Path, name: str) -> None:
    root = write_issue(tmp_path / "issue", GOOD)
    (tmp_path / "secret.md").write_text(article("S", "Secret.\n"), encoding="utf-8")
    toml = (root / "issue.toml").read_text().replace('"01-a.md"', f'"{name}"')
    (root / "issue.toml").write_text(toml)
    error = _error(root)
    assert (error.line, error.message) == (
        6,
        f"l'article « {name} » est hors du dossier articles/ du numéro",
    )


def test_cover_outside_the_issue(tmp_path: Path) -> None:
    root = write_issue(tmp_path / "issue", GOOD, cover_image='"../couv.jpg"')
    error = _error(root)
    assert (error.line, error.message) == (
        6,
        "l'image de couverture « ../couv.jpg » est hors du dossier du numéro",
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('theme = "Pas fermé', "texte jamais fermé par ses guillemets sur sa ligne"),
        ("number = 2", "cette clé a déjà une valeur : est-elle écrite deux fois?"),
        ("[contact]\n[contact]", "la table « contact » est déclarée deux fois"),
        ("theme: 1", "il manque « = » après le nom de la clé"),
    ],
)
def test_toml_faults_are_said_in_french(tmp_path: Path, line: str, message: str) -> None:
    root = write_issue(tmp_path, GOOD)
    toml = root / "issue.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")
    error = _error(root)
    assert error.message == f"TOML non valide : {message}"
    assert error.line == 7 + line.count("\n")  # appended after the 6 lines of issue.toml


def test_a_toml_fault_at_the_end_of_the_file_names_its_last_line(tmp_path: Path) -> None:
    root = write_issue(tmp_path, GOOD)
    toml = root / "issue.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + 'keywords = ["a"\n\n', encoding="utf-8")
    error = _error(root)
    assert error.message == "TOML non valide : liste jamais fermée par « ] »"
    assert str(error).startswith(f"{root / 'issue.toml'}:7: TOML non valide")


@pytest.mark.parametrize(
    "written",
    ["2026-12-01", '"2026-12-01"', "2026-12", '"2026-12"', "2026-12-01  # le premier"],
)
def test_a_date_is_a_day_or_a_month_with_or_without_quotes(tmp_path: Path, written: str) -> None:
    """What an editor writes for December 2026 is taken, the month for its first day."""
    assert load_issue(write_issue(tmp_path, GOOD, date=written)).date == dt.date(2026, 12, 1)


# The date as written, then the message and the hint: what to write instead.
WRONG_DATES = [
    (
        "2026/12/01",
        "« date » : date mal écrite : « 2026/12/01 » (séparez par des tirets)",
        "écrivez date = 2026-12-01",
    ),
    (
        '"2026/12/01"',
        "« date » : date mal écrite : « 2026/12/01 » (séparez par des tirets)",
        "écrivez date = 2026-12-01",
    ),
    (
        "2026-12-1",
        "« date » : date mal écrite : « 2026-12-1 » (écrivez le mois et le jour sur deux chiffres)",
        "écrivez date = 2026-12-01",
    ),
    (
        "2026-13-01",
        "« date » : date impossible : « 2026-13-01 » (le mois va de 01 à 12)",
        "écrivez par exemple date = 2026-12-01",
    ),
    (
        '"2026-02-30"',
        "« date » : date impossible : « 2026-02-30 » (février 2026 a 28 jours)",
        "écrivez un jour de 01 à 28, par exemple date = 2026-02-28",
    ),
    (
        "2026-12-01T09:00:00",
        "« date » : le jour seul, sans heure",
        "écrivez date = 2026-12-01",
    ),
    (
        '"décembre 2026"',
        "« date » : date illisible : « décembre 2026 » (AAAA-MM-JJ ou AAAA-MM)",
        "écrivez par exemple date = 2026-12-01 ou date = 2026-12",
    ),
    (
        "12",
        "« date » : date illisible : « 12 » (AAAA-MM-JJ ou AAAA-MM)",
        "écrivez par exemple date = 2026-12-01 ou date = 2026-12",
    ),
]


@pytest.mark.parametrize(("written", "message", "hint"), WRONG_DATES)
def test_a_wrong_date_says_what_to_write(
    tmp_path: Path, written: str, message: str, hint: str
) -> None:
    root = write_issue(tmp_path, GOOD, date=written)
    error = _error(root)
    assert (error.path, error.line, error.message, error.hint) == (
        root / "issue.toml",
        3,
        message,
        hint,
    )
    # What the hint says to write is taken.
    fixed = hint.split("date = ")[1].split(" ")[0]
    assert load_issue(write_issue(tmp_path, GOOD, date=fixed)).date.isoformat()[:7] == fixed[:7]


@pytest.mark.parametrize(
    "url",
    [
        "http://www.quebec.ca/bip/",  # not https: a preview's image must be
        "www.quebec.ca/bip/",  # no scheme, no host
        "https://www.quebec.ca/bip/?numero=6",  # a query: not a folder's address
        "https://www.quebec.ca/bip/n1?",  # an empty one, which urlsplit does not see
        "https://www.quebec.ca/bip/n1#",
        " https://www.quebec.ca/bip/",  # spaces a copy and paste brings along
        "https://www.quebec.ca/bip/ ",
        "https://www.quebec.ca/num éro/",  # unencoded
        "https://www.quebec.ca/bip/index.html",  # the page, not its folder
        "https://moi:secret@www.quebec.ca/bip/",
    ],
)
def test_online_url_must_be_a_whole_https_address(tmp_path: Path, url: str) -> None:
    root = write_issue(tmp_path, GOOD, online_url=f'"{url}"')
    error = _error(root)
    assert error.line == 6
    assert error.message == (
        f"« online_url » doit être l'adresse https du dossier de l'édition en ligne, pas « {url} »"
    )
    assert error.hint is not None and "%C3%A9" in error.hint


def test_online_url_is_a_folder_s_address(tmp_path: Path) -> None:
    root = write_issue(tmp_path, GOOD, online_url='"https://www.quebec.ca/bip/numero-1"')
    assert load_issue(root).online_url == "https://www.quebec.ca/bip/numero-1/"
    assert load_issue(write_issue(tmp_path / "sans", GOOD)).online_url is None


def test_online_url_s_port_must_be_one(tmp_path: Path) -> None:
    root = write_issue(tmp_path, GOOD, online_url='"https://www.quebec.ca:99999/bip/"')
    error = _error(root)
    assert (error.line, error.message) == (
        6,
        "« online_url » : port invalide dans « https://www.quebec.ca:99999/bip/ »",
    )
