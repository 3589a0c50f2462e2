"""Composing an issue: scoped notes numbered across articles, ids, source checks."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from bippdf.compose import compose
from bippdf.errors import SourceError
from bippdf.recent import Recent
from bippdf.source import load_issue

from .conftest import article, write_issue


def _png(path: Path) -> None:
    """A real (tiny) PNG image."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (4, 3), (40, 90, 140)).save(path)


def _compose_error(root: Path) -> SourceError:
    with pytest.raises(SourceError) as info:
        compose(load_issue(root))
    return info.value


def test_note_labels_are_scoped_and_numbered_across_the_issue(tmp_path: Path) -> None:
    root = write_issue(
        tmp_path,
        {
            "01-a.md": article("Premier", "Un[^1] deux[^2].\n\n[^1]: A1.\n[^2]: A2.\n"),
            "02-b.md": article("Second", "Trois[^1].\n\n[^1]: B1.\n"),
        },
    )
    composition = compose(load_issue(root))
    assert [n.number for n in composition.notes] == [1, 2, 3]
    assert [n.html.striptags() for n in composition.notes] == ["A1.", "A2.", "B1."]
    assert 'Trois<sup class="note-call"><a id="appel-3" href="#note-3"' in composition.html
    assert '<a class="note-number" href="#appel-3"' in composition.html


def test_lead_calls_come_first_in_reading_order(tmp_path: Path) -> None:
    body = "Corps[^c].\n\n[^l]: Du chapeau.\n[^c]: Du corps.\n"
    text = article("A", body, extra='lead = "Chapeau[^l]."\n')
    root = write_issue(tmp_path, {"01-a.md": text})
    notes = compose(load_issue(root)).notes
    assert [n.html.striptags() for n in notes] == ["Du chapeau.", "Du corps."]


def test_contents_model_and_unique_readable_ids(tmp_path: Path) -> None:
    body = "## En conclusion\n\nA.\n\n### Détail\n\nB.\n"
    root = write_issue(
        tmp_path,
        {"01-a.md": article("Écoutons-les", body), "02-b.md": article("Deux", body)},
    )
    composition = compose(load_issue(root))
    entries = composition.contents
    assert [(e.id, [c.id for c in e.children]) for e in entries] == [
        ("ecoutons-les", ["en-conclusion"]),
        ("deux", ["en-conclusion-2"]),
    ]
    assert '<h3 id="detail-2" data-source=' in composition.html
    assert all(e.id != "annexe" for e in entries)  # no notes, no Annexe entry


def test_image_resolved_next_to_its_article(tmp_path: Path) -> None:
    root = write_issue(tmp_path, {"01-a.md": article("A", '![Alt](../images/p.png "Crédit")\n')})
    _png(root / "images" / "p.png")
    html = compose(load_issue(root)).html
    assert 'src="https://bippdf.invalid/issue/images/p.png"' in html
    assert '<span class="credit">Crédit</span>' in html


def test_bylines_collaboration_and_signature(tmp_path: Path) -> None:
    authors = (
        '[[authors]]\nname = "Annie Bergeron"\nrole = "sergente"\n'
        'affiliation = "Sûreté du Québec"\n'
        '[[authors]]\nname = "Geneviève Trépanier"\ncollaboration = true\n'
    )
    signed = 'signature = true\n[[authors]]\nname = "Clément Robitaille"\nrole = "directeur"\n'
    root = write_issue(
        tmp_path,
        {"01-a.md": article("A", "Texte.\n", authors), "02-b.md": article("B", "Mot.\n", signed)},
    )
    html = compose(load_issue(root)).html
    assert '<span class="author-name">Annie Bergeron</span>, sergente, Sûreté du Québec' in html
    assert 'En collaboration avec <span class="author-name">Geneviève Trépanier</span>' in html
    assert '<p class="signature-name">Clément Robitaille</p>' in html
    assert '<p class="signature-role">Directeur</p>' in html


def test_cover_date_written_in_french(tmp_path: Path) -> None:
    root = write_issue(tmp_path, {"01-a.md": article("A", "Texte.\n")}, date="2020-02-01")
    html = compose(load_issue(root)).html
    assert '<p class="cover-edition">Numéro 1, février 2020</p>' in html
    assert "<title>Bulletin de test – Numéro 1, février 2020</title>" in html


def test_inline_image_and_lead_image_resolved(tmp_path: Path) -> None:
    text = article(
        "A", "Voir ![icône](../images/p.png) ici.\n", extra='lead = "![L](../images/p.png)"\n'
    )
    root = write_issue(tmp_path, {"01-a.md": text})
    _png(root / "images" / "p.png")
    html = compose(load_issue(root)).html
    uri = "https://bippdf.invalid/issue/images/p.png"
    assert f'<img src="{uri}" alt="icône" />' in html
    assert f'<img src="{uri}" alt="L" />' in html


def test_headings_never_take_note_ids(tmp_path: Path) -> None:
    body = "## Note 1\n\nTexte[^a].\n\n## Appel à projets\n\nB.\n\n[^a]: A.\n"
    root = write_issue(tmp_path, {"01-a.md": article("A", body)})
    composition = compose(load_issue(root))
    assert [c.id for c in composition.contents[0].children] == ["note-1-2", "appel-a-projets"]
    assert composition.html.count('id="note-1"') == 1


def test_links_in_headings_are_plain_text_in_the_contents(tmp_path: Path) -> None:
    body = "## Le site du [Ministère](https://www.quebec.ca/)\n\nTexte.\n"
    root = write_issue(tmp_path, {"01-a.md": article("A", body)})
    entry = compose(load_issue(root)).contents[0].children[0]
    assert str(entry.title) == "Le site du Ministère"


def test_inline_image_alt_escaped_once(tmp_path: Path) -> None:
    root = write_issue(tmp_path, {"01-a.md": article("A", "Voir ![R&D](../images/p.png) ici.\n")})
    _png(root / "images" / "p.png")
    assert 'alt="R&amp;D"' in compose(load_issue(root)).html


def test_credits_and_colophon_labels_go_through_the_typography(tmp_path: Path) -> None:
    """A photo credit ("Photo : Pixabay") and the colophon's labels get the no-break space
    before the colon that French typography asks, like the text."""
    body = '![Une rue](../images/rue.jpg "Photo : Pixabay")\n\nDu texte.\n'
    root = write_issue(
        tmp_path / "issue",
        {"01-a.md": article("A", body)},
        contact='{ email = "bip@msp.gouv.qc.ca" }',
    )
    (root / "images").mkdir()
    Image.new("RGB", (1200, 800), (90, 120, 160)).save(root / "images" / "rue.jpg")
    html = compose(load_issue(root)).html
    assert '<span class="credit">Photo\u202f: Pixabay</span>' in html
    assert '<span class="colophon-label">Courriel&#160;:</span>' in html


def test_an_issue_composed_again_parses_only_the_articles_that_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``watch`` composes the issue after every save: each article's parse and typesetting
    are kept by what they are made from, and each composition gets tokens of its own. A
    note added to the first article numbers the second one's notes after it, a line added
    above a warning moves it, and each composition is the one made from nothing kept."""
    from bippdf import compose as module

    monkeypatch.setattr(module, "_KEPT", Recent(1024))
    parsed: list[str] = []
    parse_article = module._parse_article
    monkeypatch.setattr(
        module,
        "_parse_article",
        lambda md, article, language: (
            parsed.append(article.path.name) or parse_article(md, article, language)
        ),
    )
    second = 'Deux « guillemets »[^1] et "un mot.\n\n[^1]: Une note : la sienne.\n'
    root = write_issue(
        tmp_path,
        {
            "01-a.md": article("Premier", "Un texte : court.\n"),
            "02-b.md": article("Second", second),
        },
    )

    def composed() -> tuple[str, list[int], list[tuple[int | None, str]]]:
        composition = compose(load_issue(root))
        warnings = [(w.line, w.path.name if w.path else "") for w in composition.warnings]
        return composition.html, [n.number for n in composition.notes], warnings

    def anew() -> tuple[str, list[int], list[tuple[int | None, str]]]:
        with monkeypatch.context() as nothing_kept:
            nothing_kept.setattr(module, "_KEPT", Recent(1024))
            return composed()

    first = composed()
    assert parsed == ["01-a.md", "02-b.md"]
    assert composed() == first == anew()  # kept, copied: typeset and numbered once
    assert parsed == ["01-a.md", "02-b.md", "01-a.md", "02-b.md"]
    parsed.clear()
    (root / "articles" / "01-a.md").write_text(
        article("Premier", "Un texte[^n] : court.\n\n[^n]: La première.\n"), encoding="utf-8"
    )
    noted = composed()
    assert parsed == ["01-a.md"]
    assert noted[1] == [1, 2] and 'href="#note-2"' in noted[0] and noted == anew()
    parsed.clear()
    # Two lines more in the front matter: the same text, two lines lower in its file.
    (root / "articles" / "02-b.md").write_text(
        article("Second", second, extra="# deux lignes\n# de plus\n"), encoding="utf-8"
    )
    moved = composed()
    assert parsed == ["02-b.md"]
    lines = [line for line, name in noted[2] if name == "02-b.md"]
    assert lines and [line for line, name in moved[2] if name == "02-b.md"] == [
        (line or 0) + 2 for line in lines
    ]
    assert moved == anew()
    # What one composition does to its tokens is not what the next one gets.
    issue = load_issue(root)
    module.parse(issue)[1][2].tokens.clear()
    assert module.parse(issue)[1][2].tokens
