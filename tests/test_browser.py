"""The online edition in a real browser: Debian's Chromium, headless, driven by Playwright.

No. 6's online edition is built once per module and served over HTTP on 127.0.0.1, so
that its Content-Security-Policy applies as it does on the web server. The page is
opened at a phone's and a desktop's width: full-page screenshots, no horizontal
scrolling (from 320 px), every request watched (all to the server, none failing,
nothing blocked by the policy), every in-page link and every note followed there and
back, the keyboard's path through the skip link to a note and back with the focus
visible, axe-core's audit of WCAG 2.1 AA with no violation, and the print styles.
Each check is also shown to catch a copy of the page broken on purpose.

The browser is Debian's (package ``chromium``: nothing is downloaded), axe-core comes
from npm (``npm ci`` in tests/browser/). When one is missing the tests are skipped,
unless BIPPDF_BROWSER_REQUIRED=1 (as CI sets it), where they fail instead.
``make proofs-online`` sets BIPPDF_PROOFS to write the screenshots to docs/proofs/.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bippdf.pipeline import Options, build

from .conftest import WebIssue, article, write_issue

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = Path(__file__).resolve().parent / "browser" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = (360, 1280)  # a phone, a desktop
NARROWEST = 320  # the width WCAG 2.1's reflow criterion (1.4.10) reads a page at
HEIGHT = 800
# What a closed network and root need: no sandbox (root), no GPU, nothing that would
# call out (QUIC, updates, sync, background requests). Playwright's launch gives the
# browser a fresh profile of its own each time.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str | None:
    """Debian's browser, or the one BIPPDF_CHROMIUM names."""
    return shutil.which(os.environ.get("BIPPDF_CHROMIUM") or "chromium")


def _missing() -> str | None:
    """Why the browser tests cannot run here, in French, or None."""
    if _chromium() is None:
        return "Chromium est absent (paquet Debian chromium : apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright est absent (pip install -c constraints.txt -e '.[test]')"
    if not AXE.is_file():
        return "axe-core est absent (npm ci dans tests/browser)"
    return None


def _require_browser() -> None:
    reason = _missing()
    if reason is None:
        return
    if os.environ.get("BIPPDF_BROWSER_REQUIRED") == "1":
        pytest.fail(f"{reason}; BIPPDF_BROWSER_REQUIRED=1 exige les tests dans le navigateur")
    pytest.skip(reason)


# ---- the page served, the browser, the page opened --------------------------------


@dataclass
class Site:
    """A folder served over HTTP on 127.0.0.1, with what the server was asked."""

    root: Path
    origin: str
    asked: list[tuple[str, int]] = field(default_factory=list)  # path, status

    def url(self, name: str) -> str:
        return f"{self.origin}/{name}/index.html"


def _serve(root: Path) -> tuple[Site, http.server.ThreadingHTTPServer]:
    site = Site(root, "")

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_request(self, code: Any = "-", size: Any = "-") -> None:
            site.asked.append((self.path, int(code)))

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the requests are kept in site.asked, not printed

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(root))
    )
    site.origin = f"http://127.0.0.1:{server.server_address[1]}"
    return site, server


@pytest.fixture(scope="module")
def site(issue6_web: WebIssue, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """No. 6's online edition at ``/bip/``, as make pdf writes it: with the web PDF and
    the cover image it links (the build the run shares, fixture ``issue6_web``)."""
    _require_browser()
    (result,) = [r for r in issue6_web.results if r.variant == "html"]
    root = tmp_path_factory.mktemp("site")
    shutil.copytree(result.output, root / "bip")
    site, server = _serve(root)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield site
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture(scope="module")
def small(site: Site, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A small issue at ``/petit/``, with what No. 6 lacks: a decorative image, and
    notes at the foot of the page (``notes = "page"``: at the end of each article on
    the page); an image, a table, a passage in English, a link to another site too."""
    from PIL import Image

    body = (
        "Un texte avec une note[^a] et une autre[^b], et le [Virtual Global Taskforce]{lang=en}."
        "\n\n## Une section\n\n"
        "![Un carré bleu](../images/carre.png)\n\n![décoratif](../images/carre.png)\n\n"
        "| Âge | Nombre |\n|---|--:|\n| 14 ans | 3 |\n\n"
        "Un [lien sûr](https://www.quebec.ca/) dans le texte.\n\n"
        "[^a]: Première note.\n[^b]: Seconde note, *en italique*.\n"
    )
    made = tmp_path_factory.mktemp("petit")
    issue = write_issue(
        made / "numero",
        {
            "01-un.md": article("Premier article", body),
            "02-deux.md": article("Second", "Fin[^c].\n\n[^c]: Troisième note.\n"),
        },
        notes='"page"',
    )
    (issue / "images").mkdir()
    Image.new("RGB", (8, 8), (47, 111, 159)).save(issue / "images" / "carre.png")
    out = made / "build"
    (result,) = build(issue, Options(variants=(), cover=False, online=True, build_dir=out))
    shutil.copytree(result.output, site.root / "petit")
    return "petit"


@pytest.fixture(scope="module")
def browser(site: Site) -> Iterator[Any]:
    """One headless Chromium for the module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Opened:
    """A page loaded, and what it did while loading and after."""

    page: Any
    site: Site
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)  # errors: blocked, not found, thrown


@pytest.fixture
def open_page(site: Site, browser: Any) -> Iterator[Callable[..., Opened]]:
    """Opens a folder of the site in a new browser context of the given width."""
    contexts = []

    def opener(name: str = "bip", width: int = WIDTHS[0]) -> Opened:
        made = browser.new_context(viewport={"width": width, "height": HEIGHT})
        made.set_default_timeout(10_000)
        contexts.append(made)
        page = made.new_page()
        opened = Opened(page, site)
        page.on("request", lambda request: opened.requests.append(request.url))
        page.on("requestfailed", lambda request: opened.failed.append(request.url))
        page.on(
            "console",
            lambda message: (
                opened.console.append(message.text) if message.type == "error" else None
            ),
        )
        page.on("pageerror", lambda error: opened.console.append(str(error)))
        site.asked.clear()
        page.goto(site.url(name), wait_until="load")
        page.evaluate("document.fonts.ready.then(() => true)")
        return opened

    yield opener
    for made in contexts:
        made.close()


def _broken(site: Site, name: str, html: Callable[[str], str] = str, css: str = "") -> str:
    """A copy of the edition at ``/<name>/``, its page edited and CSS added at the end."""
    folder = site.root / name
    if not folder.exists():
        shutil.copytree(site.root / "bip", folder)
        page = folder / "index.html"
        page.write_text(html(page.read_text(encoding="utf-8")), encoding="utf-8")
        with open(folder / "online.css", "a", encoding="utf-8") as stylesheet:
            stylesheet.write(css)
    return name


# ---- the checks: each returns its problems, in French, none on a good page --------


def overflow(opened: Opened) -> list[str]:
    width, wide = opened.page.evaluate("[window.innerWidth, document.documentElement.scrollWidth]")
    if wide <= width:
        return []
    return [f"la page fait {wide} px de large dans une fenêtre de {width} px"]


def requests(opened: Opened) -> list[str]:
    """Every request to the server's origin, none failing, nothing blocked or thrown,
    once the page is read to its end and nothing more is asked for (the browser asks
    for the page's icon after the page has loaded)."""
    opened.page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    opened.page.wait_for_load_state("networkidle")
    problems = [
        f"requête hors du serveur : {url}"
        for url in opened.requests
        if not url.startswith(opened.site.origin + "/")
    ]
    problems += [f"requête échouée : {url}" for url in opened.failed]
    # The server's own log also holds what the browser asks by itself (an icon).
    problems += [f"{path} : HTTP {status}" for path, status in opened.site.asked if status >= 400]
    problems += [f"console : {text}" for text in opened.console]
    return problems


_TARGET = """(id) => {
  const target = document.getElementById(id);
  if (!target) return null;
  const box = target.getBoundingClientRect();
  return [decodeURIComponent(location.hash.slice(1)), box.top, box.bottom, innerHeight];
}"""


def _arrived(opened: Opened, target: str) -> str | None:
    """Why the page is not at ``target`` (the URL's hash, the element in view)."""
    where = opened.page.evaluate(_TARGET, target)
    if where is None:
        return f"« #{target} » : aucun élément n'a cet identifiant"
    hash_, top, bottom, height = where
    if hash_ != target:
        return f"« #{target} » : l'adresse mène à « #{hash_} »"
    if not (bottom > 0 and top < height):
        return f"« #{target} » : l'élément n'est pas à l'écran (haut à {top:.0f} px)"
    return None


# Where to click a link, with its target's id and whether that exists: brought into
# view and focused (the skip link shows only with the focus), the middle of its first
# line (a link broken over two lines has a hole in the middle of its box).
_AIM = """(link) => {
  const target = decodeURIComponent(link.hash.slice(1));
  link.scrollIntoView({block: "center"});
  link.focus();
  const box = link.getClientRects()[0];
  return [target, !!document.getElementById(target),
          box.left + box.width / 2, box.top + box.height / 2];
}"""


def _click(opened: Opened, link: Any, expected: str | None = None) -> str | None:
    """A click of the mouse on the link, as a reader's, then why the page is not at
    ``expected`` (by default the link's target). (Playwright's own click waits for a
    new page, which an in-page link never loads: many times slower.)"""
    target, exists, x, y = link.evaluate(_AIM)
    if not exists:
        return f"« #{target} » : aucun élément n'a cet identifiant"
    opened.page.mouse.click(x, y)
    return _arrived(opened, expected or target)


_NOTE_LINK = '[role="doc-noteref"], [role="doc-backlink"]'


def internal_links(opened: Opened) -> list[str]:
    """Each ``a[href^="#"]``: its target exists; clicked, the page is there. (Note calls
    and back links are clicked by ``note_round_trips``, each with its pair.)"""
    page = opened.page
    links = page.query_selector_all('a[href^="#"]')
    kinds = page.eval_on_selector_all(
        'a[href^="#"]',
        """(links, notes) => links.map(a => {
          const target = decodeURIComponent(a.hash.slice(1));
          return [target, !!document.getElementById(target), a.matches(notes)];
        })""",
        _NOTE_LINK,
    )
    problems = []
    for link, (target, exists, of_a_note) in zip(links, kinds, strict=True):
        if not exists:
            problems.append(f"« #{target} » : aucun élément n'a cet identifiant")
        elif not of_a_note and (problem := _click(opened, link)):
            problems.append(problem)
    return problems


def note_round_trips(opened: Opened) -> list[str]:
    """Each note call leads to its note, whose back link leads to that call."""
    page = opened.page
    calls = page.eval_on_selector_all(
        '[role="doc-noteref"]', "calls => calls.map(a => [a.id, a.hash.slice(1)])"
    )
    problems = []
    if not calls:
        return ["aucun appel de note"]
    for call, note in calls:
        problem = _click(opened, page.query_selector(f'[id="{call}"]'), note)
        if problem:
            problems.append(problem)
            continue
        backs = page.query_selector_all(f'[id="{note}"] [role="doc-backlink"]')
        if len(backs) != 1:
            problems.append(f"la note « {note} » n'a pas un lien de retour")
            continue
        problem = _click(opened, backs[0], call)
        if problem:
            problems.append(f"retour de « {note} » : {problem}")
    return problems


_FOCUSED = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  return {
    id: element.id, role: element.getAttribute("role") || "",
    className: element.className, href: element.getAttribute("href") || "",
    text: element.textContent.trim().slice(0, 40),
    visible: outline || style.boxShadow !== "none",
  };
}"""


def keyboard(opened: Opened, most: int = 300) -> list[str]:
    """From the page's start: Tab to the skip link, then on to the first note call;
    Enter to its note, Tab to its back link, Enter back to the call; each stop with a
    visible focus."""
    page = opened.page
    problems = []

    def tab() -> dict[str, Any]:
        page.keyboard.press("Tab")
        focused: dict[str, Any] = page.evaluate(_FOCUSED)
        if not focused["visible"]:
            problems.append(f"focus invisible sur « {focused['text'] or focused['href']} »")
        return focused

    first = tab()
    if "skip-link" not in first["className"]:
        problems.append(f"le premier arrêt n'est pas le lien d'évitement : « {first['text']} »")
    for _ in range(most):
        focused = tab()
        if focused["role"] == "doc-noteref":
            break
    else:
        return [*problems, f"aucun appel de note en {most} tabulations"]
    call, note = focused["id"], focused["href"][1:]
    page.keyboard.press("Enter")
    problems += filter(None, [_arrived(opened, note)])
    back = tab()
    if back["role"] != "doc-backlink" or back["href"] != f"#{call}":
        problems.append(f"après la note « {note} », la tabulation mène à « {back['text']} »")
        return problems
    page.keyboard.press("Enter")
    problems += filter(None, [_arrived(opened, call)])
    return problems


def axe(opened: Opened) -> list[str]:
    """axe-core's violations of WCAG 2.0 and 2.1, A and AA. It is evaluated through the
    browser's debugging protocol, which the page's policy (no script) does not govern:
    the page itself is not changed to let it in."""
    page = opened.page
    page.evaluate(AXE.read_text(encoding="utf-8"))
    violations = page.evaluate(
        """(tags) => axe.run(document, {runOnly: {type: "tag", values: tags}})
          .then(result => result.violations.map(v => [
            v.id, v.impact, v.nodes.length, v.nodes[0].target.join(" "), v.help]))""",
        AXE_TAGS,
    )
    return [
        f"{rule} ({impact}) : {count} élément(s), dont « {where} » : {help_}"
        for rule, impact, count, where, help_ in violations
    ]


_PRINTED = """() => ({
  skip: getComputedStyle(document.querySelector(".skip-link")).display,
  text: document.querySelector("main").innerText.length,
})"""


def printed(opened: Opened) -> list[str]:
    """Printed from the browser: no skip link, the text all there."""
    page = opened.page
    screen = page.evaluate(_PRINTED)
    page.emulate_media(media="print")
    paper = page.evaluate(_PRINTED)
    page.emulate_media(media="screen")
    problems = []
    if paper["skip"] != "none":
        problems.append("le lien d'évitement s'imprime")
    if paper["text"] < 0.95 * screen["text"]:
        problems.append(f"texte imprimé : {paper['text']} caractères sur {screen['text']}")
    return problems


# ---- the edition as built --------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
def test_screenshots_show_the_whole_page(
    open_page: Callable[..., Opened], width: int, tmp_path: Path
) -> None:
    """A full-page screenshot at each width, the page's full height: looked at, and
    kept in docs/proofs/ by make proofs-online (which sets BIPPDF_PROOFS)."""
    from PIL import Image

    opened = open_page(width=width)
    height = opened.page.evaluate("document.documentElement.scrollHeight")
    proofs = os.environ.get("BIPPDF_PROOFS")
    shot = tmp_path / f"en-ligne-{width}.{'png' if proofs else 'jpeg'}"
    # JPEG in the test run: a tall page's PNG takes a few seconds more to encode.
    options = {} if proofs else {"quality": 80}
    for attempt in (1, 2):
        try:
            opened.page.screenshot(path=shot, full_page=True, timeout=60_000, **options)
            break
        except Exception as error:
            # Chromium without a GPU sometimes cannot capture a page this tall on the
            # first try, after another one; the second has always worked.
            if attempt == 2 or "Unable to capture screenshot" not in str(error):
                raise
    with Image.open(shot) as picture:
        assert picture.size == (width, height)
        picture.draft("RGB", (width // 4, height // 4))  # a JPEG read at a quarter: faster
        assert height > 20 * HEIGHT  # the whole issue, not a screen of it
        colours = picture.convert("RGB").resize((width // 4, height // 40)).getcolors(1 << 16)
        assert colours is None or len(colours) > 100  # text and photos, not a blank page
        if proofs:
            picture.convert("RGB").quantize(128).save(
                Path(proofs) / f"en-ligne-{width}.png", optimize=True
            )


@pytest.mark.parametrize("width", (NARROWEST, *WIDTHS))
def test_no_horizontal_scrolling(open_page: Callable[..., Opened], width: int) -> None:
    assert overflow(open_page(width=width)) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_every_request_is_to_the_folder_and_succeeds(
    open_page: Callable[..., Opened], width: int
) -> None:
    opened = open_page(width=width)
    assert requests(opened) == []
    asked = {path.removeprefix("/bip/") for path, _ in opened.site.asked}
    assert {"index.html", "online.css", "icon.svg"} <= asked
    assert any(path.endswith(".woff2") for path in asked)
    assert any(path.endswith("-700w.jpg") for path in asked)


def test_the_policy_applies_as_on_a_web_server(open_page: Callable[..., Opened]) -> None:
    """Served over HTTP, the page runs no script, not even one put in it."""
    opened = open_page()
    with pytest.raises(Exception, match=r"Content Security Policy|Refused"):
        opened.page.add_script_tag(content="document.body.dataset.ran = 'oui'")
    assert opened.page.evaluate("document.body.dataset.ran") is None
    assert any("Content Security Policy" in text for text in opened.console)


def test_every_internal_link_leads_to_its_target(open_page: Callable[..., Opened]) -> None:
    opened = open_page()
    assert opened.page.locator('a[href^="#"]').count() > 60  # contents, notes, skip link
    assert opened.page.locator(f'a[href^="#"]:not({_NOTE_LINK})').count() > 20
    assert internal_links(opened) == []


def test_every_note_round_trip(open_page: Callable[..., Opened]) -> None:
    opened = open_page()
    assert opened.page.locator('[role="doc-noteref"]').count() == 31
    assert note_round_trips(opened) == []


def test_tab_to_a_note_and_back(open_page: Callable[..., Opened]) -> None:
    assert keyboard(open_page()) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_no_violation(open_page: Callable[..., Opened], width: int) -> None:
    assert axe(open_page(width=width)) == []


def test_a_small_issue_with_a_decorative_image_and_notes_after_each_article(
    open_page: Callable[..., Opened], small: str
) -> None:
    opened = open_page(small, width=NARROWEST)
    assert opened.page.locator('img[alt=""][role="presentation"]').count() == 1
    assert opened.page.locator('[lang="en"]').count() == 1
    assert opened.page.locator(".article-notes li.note").count() == 3
    assert overflow(opened) == []
    assert requests(opened) == []
    assert internal_links(opened) == []
    assert note_round_trips(opened) == []
    assert axe(opened) == []


def test_prints_without_the_skip_link(open_page: Callable[..., Opened]) -> None:
    assert printed(open_page()) == []


# ---- the same checks on copies broken on purpose ------------------------------------

_NO_ALT = 'alt="Illustration abstraite'
_BROKEN: dict[str, tuple[Callable[[str], str], str, Callable[[Opened], list[str]], str]] = {
    # name: the page's edit, CSS added, the check, a problem it must say
    "large": (str, ".note-text { min-width: auto; }", overflow, "px de large"),
    "sans-icone": (
        lambda html: html.replace('href="icon.svg"', 'href="absente.svg"'),
        "",
        requests,
        "/sans-icone/absente.svg : HTTP 404",
    ),
    "style-en-ligne": (
        lambda html: html.replace("<main ", '<main style="color: red" ', 1),
        "",
        requests,
        "Content Security Policy",
    ),
    "hors-dossier": (
        lambda html: html.replace(
            "</main>", '<img src="https://exemple.invalid/pixel.png" alt="">\n</main>', 1
        ),
        "",
        requests,
        "Content Security Policy",
    ),
    "lien-mort": (
        lambda html: html.replace('href="#mot-du-directeur"', 'href="#mot-du-ministre"', 1),
        "",
        internal_links,
        "« #mot-du-ministre » : aucun élément n'a cet identifiant",
    ),
    "appel-mort": (
        lambda html: html.replace('href="#note-5" role="doc-noteref"',
                                  'href="#note-55" role="doc-noteref"', 1),
        "",
        internal_links,
        "« #note-55 » : aucun élément n'a cet identifiant",
    ),
    "retour-faux": (
        lambda html: html.replace('href="#appel-3" role="doc-backlink"', 'href="#appel-4" '
                                  'role="doc-backlink"', 1),
        "",
        note_round_trips,
        "retour de « note-3 » : « #appel-3 » : l'adresse mène à « #appel-4 »",
    ),
    "focus-cache": (str, "a:focus-visible { outline: none; }", keyboard, "focus invisible"),
    "sans-evitement": (
        lambda html: html.replace('<a class="skip-link" href="#contenu">Aller au contenu</a>', ""),
        "",
        keyboard,
        "le premier arrêt n'est pas le lien d'évitement",
    ),
    "sans-alt": (
        lambda html: html.replace(_NO_ALT, 'data-alt="Illustration abstraite'),
        "",
        axe,
        "image-alt (critical)",
    ),
    "pale": (str, ".cover-theme { color: #c8c8c8; }", axe, "color-contrast (serious)"),
    "evitement-imprime": (str, "@media print { .skip-link { display: block; } }", printed,
                          "le lien d'évitement s'imprime"),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(_BROKEN))
def test_each_check_catches_a_page_broken_on_purpose(
    open_page: Callable[..., Opened], site: Site, name: str
) -> None:
    edit, css, check, said = _BROKEN[name]
    opened = open_page(_broken(site, name, edit, css))
    problems = check(opened)
    assert any(said in problem for problem in problems), problems
