"""Only the issue's own files are read; outputs are atomic and reproducible."""

from __future__ import annotations

import hashlib
import http.server
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from bippdf.compose import compose
from bippdf.errors import BuildError, SourceError
from bippdf.render import render_pdf
from bippdf.source import load_issue

from .conftest import ISSUE_6, article, write_issue


class _Server(http.server.ThreadingHTTPServer):
    hits: list[str]


@pytest.fixture
def server() -> Iterator[_Server]:
    """A web server on 127.0.0.1 that counts the requests it receives."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.server.hits.append(self.path)  # type: ignore[attr-defined]
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    httpd = _Server(("127.0.0.1", 0), Handler)
    httpd.hits = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _errors(root: Path) -> list[SourceError]:
    with pytest.raises(SourceError) as info:
        compose(load_issue(root))
    return list(getattr(info.value, "errors", [info.value]))


def test_raw_img_to_a_local_file_is_refused_with_its_line(tmp_path: Path) -> None:
    body = 'Texte.\n\nUne image <img src="file:///etc/hostname"> ici.\n'
    root = write_issue(tmp_path, {"01-a.md": article("A", body)})
    [error] = _errors(root)
    assert (error.line, error.message) == (7, "la balise HTML <img> n'est pas permise")


def test_script_block_is_refused(tmp_path: Path) -> None:
    body = "Texte.\n\n<script>\nfetch('https://example.org/?' + document.title)\n</script>\n"
    root = write_issue(tmp_path, {"01-a.md": article("A", body)})
    assert [(e.line, e.message) for e in _errors(root)] == [
        (7, "la balise HTML <script> n'est pas permise")
    ]


def test_event_attributes_and_styles_are_refused(tmp_path: Path) -> None:
    body = (
        'Un <span onclick="x()" style="display:none">mot</span>'
        ' et <abbr title="Ministère">MSP</abbr>.\n'
    )
    root = write_issue(tmp_path, {"01-a.md": article("A", body)})
    assert [e.message for e in _errors(root)] == [
        "l'attribut onclick de <span> n'est pas permis",
        "l'attribut style de <span> n'est pas permis",
    ]


def test_remote_image_is_refused_and_never_requested(tmp_path: Path, server: _Server) -> None:
    url = f"http://127.0.0.1:{server.server_address[1]}/photo.png"
    root = write_issue(tmp_path, {"01-a.md": article("A", f"Texte.\n\n![Photo]({url})\n")})
    [error] = _errors(root)
    assert (error.line, error.message) == (7, f"l'image « {url} » n'est pas un fichier du numéro")
    assert server.hits == []


def test_parent_path_and_symlink_out_of_the_folder_are_refused(tmp_path: Path) -> None:
    outside = tmp_path / "ailleurs.png"
    Image.new("RGB", (40, 30)).save(outside)
    root = write_issue(
        tmp_path / "issue",
        {"01-a.md": article("A", "![Une](../../ailleurs.png)\n\n![Deux](../images/lien.png)\n")},
    )
    (root / "images").mkdir()
    (root / "images" / "lien.png").symlink_to(outside)
    assert [(e.line, e.message) for e in _errors(root)] == [
        (5, "l'image « ../../ailleurs.png » est hors du dossier du numéro"),
        (7, "l'image « ../images/lien.png » est hors du dossier du numéro"),
    ]


@pytest.mark.pdf
def test_the_fetcher_refuses_what_slips_past_lint(tmp_path: Path, server: _Server) -> None:
    """The renderer itself reads nothing outside the issue and styles, nor the web."""
    root = write_issue(tmp_path, {"01-a.md": article("A", "Texte.\n")})
    html = compose(load_issue(root)).html
    port = server.server_address[1]
    for bad in ("file:///etc/hostname", f"http://127.0.0.1:{port}/x.png", "../../etc/hostname"):
        with pytest.raises(BuildError) as info:
            render_pdf(
                html.replace("</body>", f'<img src="{bad}" alt="x"></body>'),
                base_url=root,
                language="fr-CA",
            )
        assert info.value.message.startswith("lecture refusée : « ")
        assert info.value.hint == "un numéro ne peut utiliser que ses propres fichiers"
    assert server.hits == []


def _sha256s(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _bippdf(*args: str, cwd: Path) -> subprocess.Popen[bytes]:
    env = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
    return subprocess.Popen(
        [sys.executable, "-m", "bippdf", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_two_builds_in_separate_processes_and_places_give_the_same_bytes(tmp_path: Path) -> None:
    """Same sources, same bytes, for every variant: dates come from the issue and
    identifiers from the content, not from the clock, a random generator or a path."""
    elsewhere = tmp_path / "copie" / ISSUE_6.name
    shutil.copytree(ISSUE_6, elsewhere)
    first = _bippdf("build", str(ISSUE_6), "--build-dir", str(tmp_path / "un"), cwd=tmp_path)
    second = _bippdf("build", str(elsewhere), "--build-dir", str(tmp_path / "deux"), cwd=tmp_path)
    for process in (first, second):
        _, err = process.communicate(timeout=240)
        assert process.returncode == 0, err.decode()
    one, two = _sha256s(tmp_path / "un" / ISSUE_6.name), _sha256s(tmp_path / "deux" / ISSUE_6.name)
    assert len(one) == 3 and one == two


def test_a_killed_build_leaves_the_previous_pdf_intact(tmp_path: Path) -> None:
    output = tmp_path / "bip.pdf"
    output.write_bytes(b"%PDF- the last good one")
    process = _bippdf("build", str(ISSUE_6), "--variant", "print", "-o", str(output), cwd=tmp_path)
    time.sleep(2.5)  # it is laying out the pages by now
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    assert output.read_bytes() == b"%PDF- the last good one"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bip.pdf"]


def test_two_builds_of_one_issue_at_once(tmp_path: Path) -> None:
    output = tmp_path / "bip.pdf"
    processes = [
        _bippdf("build", str(ISSUE_6), "--variant", "web", "-o", str(output), cwd=tmp_path)
        for _ in range(2)
    ]
    for process in processes:
        process.communicate(timeout=240)
        assert process.returncode == 0
    assert output.read_bytes().startswith(b"%PDF-")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bip.pdf"]


@pytest.mark.pdf
def test_a_stylesheet_naming_a_missing_font_is_a_build_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bippdf import render
    from bippdf.errors import BuildError

    (tmp_path / "bulletin.css").write_text(
        '@font-face { font-family: "X"; src: url(fonts/absente.ttf); }', encoding="utf-8"
    )
    monkeypatch.setattr(render, "styles_dir", lambda: tmp_path)
    engine = render.Engine()
    with pytest.raises(BuildError) as error:
        engine.stylesheet("bulletin.css", "a variant of this test only")
    assert error.value.path == tmp_path / "bulletin.css"
    assert ("bulletin.css", "a variant of this test only") not in engine.stylesheets
