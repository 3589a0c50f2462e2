"""``bippdf new``: the next issue, from the latest one, with an example article that builds."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import tomllib
from pathlib import Path

import pytest

from bippdf import source
from bippdf.cli import main
from bippdf.compose import compose
from bippdf.errors import SourceError
from bippdf.pipeline import build_pdf
from bippdf.scaffold import new_issue

from .conftest import ISSUE_6
from .test_source import WRONG_DATES


@pytest.fixture
def issues(tmp_path: Path) -> Path:
    """An issues/ folder holding No. 6's issue.toml and an older issue's."""
    folder = tmp_path / "issues"
    (folder / ISSUE_6.name).mkdir(parents=True)
    shutil.copy(ISSUE_6 / "issue.toml", folder / ISSUE_6.name / "issue.toml")
    (folder / "2019-02-numero-05").mkdir()
    (folder / "2019-02-numero-05" / "issue.toml").write_text(
        'title = "Ancien titre"\nnumber = 5\ndate = 2019-02-01\n', encoding="utf-8"
    )
    return folder


@pytest.mark.slow
@pytest.mark.pdf
def test_the_next_issue_carries_the_bulletin_over_and_builds_as_it_is(
    issues: Path, tmp_path: Path
) -> None:
    made = new_issue(issues, date=dt.date(2026, 12, 1), theme="La prévention auprès des aînés")
    assert made.folder == issues / "2026-12-numero-07"
    assert made.previous == issues / ISSUE_6.name
    old = tomllib.loads((ISSUE_6 / "issue.toml").read_text(encoding="utf-8"))
    new = tomllib.loads((made.folder / "issue.toml").read_text(encoding="utf-8"))
    for key in ("title", "short_title", "language", "publisher", "coordination", "issn", "rights"):
        assert new[key] == old[key], key
    assert new["contact"] == old["contact"]
    assert (new["number"], new["date"]) == (7, dt.date(2026, 12, 1))
    assert new["theme"] == "La prévention auprès des aînés"
    assert (new["copyright"], new["legal_deposit_year"]) == ("© Gouvernement du Québec, 2026", 2026)
    assert new["articles"] == ["01-exemple.md"] and new["keywords"] == []

    html = compose(source.load_issue(made.folder)).html
    for construct in (
        'class="byline"',  # byline
        'class="lead"',  # lead
        "<h2",  # sub-sections
        "<blockquote",  # quote
        "<table",  # table
        'class="credit"',  # figure with its credit
        'alt="Photo d',  # and its alternative text
        'class="note"',  # a note
    ):
        assert construct in html, construct
    result = build_pdf(made.folder, tmp_path / "new.pdf", variant="web")  # checked as it builds
    assert result.pages >= 4 and result.notes == 2


def test_an_existing_issue_is_never_overwritten(issues: Path) -> None:
    new_issue(issues, date=dt.date(2026, 12, 1), theme="Un thème")
    toml = (issues / "2026-12-numero-07" / "issue.toml").read_bytes()
    with pytest.raises(SourceError, match="existe déjà"):
        new_issue(issues, date=dt.date(2026, 12, 1), theme="Un autre", number=7)
    assert (issues / "2026-12-numero-07" / "issue.toml").read_bytes() == toml
    # the latest is now No. 7: the next one is No. 8
    assert new_issue(issues, date=dt.date(2027, 3, 1), theme="T").number == 8


def test_cli_takes_or_asks_for_the_date_and_theme(
    issues: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["new", "--issues-dir", str(issues)]
    assert main([*args, "--date", "2026-12", "--theme", "Les aînés"]) == 0
    captured = capsys.readouterr()
    # Dated after No. 6, whose ISSN is empty: that alone is said.
    assert captured.err == (
        f"avertissement : {issues / '2026-12-numero-07' / 'issue.toml'}: aucun ISSN : le "
        'numéro n\'en portera pas (ajoutez issn = "…" à son issue.toml)\n'
    )
    out = captured.out.splitlines()
    folder = issues / "2026-12-numero-07"
    assert out[0].startswith(f"{folder}: numéro 7, à partir de ")
    assert out[1] == (
        f"ensuite : modifiez {folder / 'articles' / '01-exemple.md'}, "
        f"puis lancez make watch ISSUE={folder}"
    )
    assert main([*args, "--date", "2018-01", "--theme", "T"]) == 0
    err = capsys.readouterr().err
    assert err.startswith(
        f"avertissement : {issues / '2018-01-numero-08' / 'issue.toml'}: le numéro 8 est daté "
        "du 2018-01-01, avant le numéro 7 (2026-12-01) : est-ce voulu ?"
    )

    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal: no question asked
    assert main(args) == 1
    assert capsys.readouterr().err == (
        "erreur : --date est obligatoire hors d'un terminal (ajoutez --date à la commande)\n"
    )

    assert main([*args, "--date", "décembre", "--theme", "T"]) == 1
    assert capsys.readouterr().err.startswith("erreur : date illisible : « décembre » (")


@pytest.mark.slow
@pytest.mark.pdf
def test_the_first_issue_of_all_builds_too(tmp_path: Path) -> None:
    made = new_issue(tmp_path / "issues", date=dt.date(2026, 12, 1), theme="Premier numéro")
    assert made.folder.name == "2026-12-numero-01" and made.previous is None
    assert build_pdf(made.folder, tmp_path / "first.pdf", variant="web").notes == 2


def test_cli_asks_at_a_terminal(
    issues: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", Terminal("2027-03\nLa sécurité à vélo\n"))
    assert main(["new", "--issues-dir", str(issues)]) == 0
    out = capsys.readouterr().out
    assert "Date du numéro" in out and "Thème du numéro" in out
    toml = tomllib.loads((issues / "2027-03-numero-07" / "issue.toml").read_text("utf-8"))
    assert (toml["date"], toml["theme"]) == (dt.date(2027, 3, 1), "La sécurité à vélo")


def test_only_the_last_year_of_the_copyright_moves() -> None:
    from bippdf.scaffold import _issue_toml

    carried = {"copyright": "© Gouvernement du Québec, 2000-2019", "number": 6}
    toml = tomllib.loads(_issue_toml(carried, number=7, date=dt.date(2026, 12, 1), theme="T"))
    assert toml["copyright"] == "© Gouvernement du Québec, 2000-2026"


def test_an_unreadable_previous_issue_is_named_with_its_line(issues: Path) -> None:
    broken = issues / "2019-02-numero-05" / "issue.toml"
    broken.write_text('title = "Ancien titre"\nnumber = 5\ndate = février\n', encoding="utf-8")
    with pytest.raises(SourceError) as error:
        new_issue(issues, date=dt.date(2026, 12, 1), theme="Un thème")
    assert (error.value.path, error.value.line) == (broken, 3)
    assert error.value.message == (
        "le numéro précédent est illisible : « date » : date illisible : « février » "
        "(AAAA-MM-JJ ou AAAA-MM)"
    )
    assert error.value.hint and "--number" in error.value.hint
    assert not (issues / "2026-12-numero-07").exists()


@pytest.mark.parametrize(("written", "message", "hint"), WRONG_DATES)
def test_new_takes_and_refuses_the_dates_issue_toml_does(
    issues: Path, capsys: pytest.CaptureFixture[str], written: str, message: str, hint: str
) -> None:
    """``--date`` and issue.toml agree: the same message, the hint in the option's words."""
    args = ["new", "--issues-dir", str(issues), "--theme", "T", "--date", written.strip('"')]
    assert main(args) == 1
    expected = message.removeprefix("« date » : ") + " (" + hint.replace("date = ", "--date ")
    assert capsys.readouterr().err == f"erreur : {expected})\n"
    assert not (issues / "2026-12-numero-07").exists()


@pytest.mark.parametrize("written", ["2026-12-01", "2026-12"])
def test_new_takes_a_day_or_a_month(issues: Path, written: str) -> None:
    assert main(["new", "--issues-dir", str(issues), "--theme", "T", "--date", written]) == 0
    made = issues / "2026-12-numero-07" / "issue.toml"
    assert tomllib.loads(made.read_text(encoding="utf-8"))["date"] == dt.date(2026, 12, 1)
