"""Does the test suite catch a broken product? Deliberate faults, one per guarantee.

Usage: python benchmarks/mutants.py [--only NAME]... [--list] [--jobs N] [--timeout S]
                                    [--marks EXPR]

Each fault breaks one guarantee of the README (or of docs/checks.md, docs/format.md)
by replacing an exact piece of text in one file. For each fault, the repository is
copied to a temporary folder, the fault applied there, and the tests that should
notice it run in the copy (``python -m pytest -x -q -p no:cacheprovider …`` with this
checkout's interpreter, the copy's ``src/`` first on ``sys.path``). The working tree
is never modified. One line per fault: ``caught``, ``MISSED``, ``broken fault`` (its
``old`` text is not found exactly once: the list is behind the code) or ``timeout``;
then the score and the faults that got through.

``--marks "not slow"`` runs only the tests ``make test`` runs (it leaves out those marked
``slow``, which CI runs after it): how many faults a developer's ``make test`` catches
alone. A fault whose tests are all left out says ``no tests``.

``tests/test_mutants.py`` keeps the list in step with the code without running it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Not copied: they are not the product, and the first two are large.
_SKIPPED = (".venv", "build", ".git", "__pycache__", ".hypothesis", ".mypy_cache", ".ruff_cache")


@dataclass(frozen=True)
class Fault:
    """One deliberate fault: where it goes, what it breaks, and which tests should see it."""

    name: str
    breaks: str  # the guarantee, in one line
    file: str  # relative to the repository
    old: str  # must occur exactly once in ``file``
    new: str
    tests: tuple[str, ...]  # test files (or folders), relative to the repository
    keyword: str = ""  # a pytest -k expression, if only some tests of those files apply

    def pytest_args(self, marks: str = "") -> list[str]:
        """The arguments pytest runs this fault's tests with (only those of ``marks``, a
        pytest -m expression, if given)."""
        chosen = [
            *(["-k", self.keyword] if self.keyword else []),
            *(["-m", marks] if marks else []),
        ]
        return [*self.tests, *chosen]


_SANDBOX = "src/bippdf/sandbox.py"
_TYPO = "src/bippdf/typography.py"
_CHECK = "src/bippdf/check/__init__.py"
_CHECK_TESTS = ("tests/check",)

FAULTS: list[Fault] = [
    # The sandbox: only the issue's own files are read.
    Fault(
        "sandbox-containment",
        "the fetcher serves only files inside the issue folder and styles/",
        _SANDBOX,
        "if not path.is_relative_to(root.resolve()):",
        "if False:",
        ("tests/test_sandbox.py",),
    ),
    Fault(
        "sandbox-symlinks",
        "a symbolic link leading out of the issue folder is refused",
        _SANDBOX,
        'path = (root / unquote(rest.split("?")[0].split("#")[0])).resolve()',
        'path = Path(__import__("os").path.normpath(root / unquote(rest.split("?")[0])))',
        ("tests/test_sandbox.py",),
    ),
    Fault(
        "sandbox-encoded-dotdot",
        "a percent-encoded .. climbing out of the issue folder is refused",
        _SANDBOX,
        "if not path.is_relative_to(root.resolve()):",
        'if ".." in rest.split("/"):',
        ("tests/test_sandbox.py",),
    ),
    Fault(
        "raw-html-any-element",
        "raw HTML is limited to the inline elements the bulletin allows",
        "src/bippdf/lint.py",
        "if name not in ALLOWED_ELEMENTS:",
        "if False:",
        ("tests/test_sandbox.py", "tests/test_lint.py"),
    ),
    # Nothing is lost.
    Fault(
        "write-in-place",
        "outputs are written to a temporary file and renamed into place",
        "src/bippdf/files.py",
        'fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)',
        "fd, temp = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), str(target)",
        (
            "tests/test_files.py",
            "tests/test_sandbox.py",
            "tests/test_build.py",
            "tests/test_cache.py",
        ),
    ),
    # Same sources, same bytes.
    Fault(
        "random-document-id",
        "identifiers come from the content: two builds give the same bytes",
        "src/bippdf/render.py",
        'document_id = f"xmp.did:{uuid.UUID(identity[:32])}".encode()',
        'document_id = f"xmp.did:{uuid.uuid4()}".encode()',
        ("tests/test_sandbox.py",),
        "same_bytes or dated_by_the_issue",
    ),
    Fault(
        "current-time-in-fonts",
        "dates come from the issue, never from the clock",
        "src/bippdf/pipeline.py",
        "epoch=int(midnight.timestamp()),",
        "epoch=int(time.time()),",
        ("tests/test_sandbox.py",),
        "same_bytes or dated_by_the_issue",
    ),
    # Typography (docs/format.md, 6).
    Fault(
        "typo-colon",
        "a no-break space before :",
        _TYPO,
        'rules.colon + ":"',
        '" :"',
        ("tests/test_typography.py",),
    ),
    Fault(
        "typo-guillemets",
        "a no-break space inside « »",
        _TYPO,
        'text = re.sub(rf"«[{SPACES}]*", "«" + rules.guillemets, text)',
        'text = re.sub(rf"«[{SPACES}]*", "«", text)',
        ("tests/test_typography.py",),
    ),
    Fault(
        "typo-tight-punctuation",
        "a narrow no-break space before ; ! ?",
        _TYPO,
        'rules.tight + r"\\1"',
        'NBSP + r"\\1"',
        ("tests/test_typography.py",),
    ),
    Fault(
        "typo-apostrophe",
        "the typewriter apostrophe becomes ’",
        _TYPO,
        """.replace("'", "’")""",
        """.replace("'", "'")""",
        ("tests/test_typography.py",),
    ),
    Fault(
        "typo-ellipsis",
        "three dots become an ellipsis …",
        _TYPO,
        'text.replace("...", "…")',
        'text.replace("...", "...")',
        ("tests/test_typography.py",),
    ),
    Fault(
        "typo-en-dash",
        "a spaced hyphen becomes an en dash",
        _TYPO,
        'out.append(NBSP + "– ")',
        'out.append(NBSP + "- ")',
        ("tests/test_typography.py",),
    ),
    Fault(
        "typo-digit-grouping",
        "digits grouped by three with the language's no-break space",
        _TYPO,
        "_group(m[1], rules.thousands)",
        '_group(m[1], " ")',
        ("tests/test_typography.py",),
    ),
    Fault(
        "typo-ordinals",
        "ordinals (1er, 6e) set with superscript letters",
        _TYPO,
        '"raw": f"<sup>{letters}</sup>"',
        '"raw": letters',
        ("tests/test_typography.py",),
    ),
    Fault(
        "note-calls-on-baseline",
        "note calls and ordinals are raised as superscripts",
        "styles/bulletin.css",
        "sup { vertical-align: 0.55em; }",
        "sup { vertical-align: baseline; }",
        ("tests/test_proof.py", "tests/test_typography.py", "tests/check/test_notes.py"),
    ),
    # Notes.
    Fault(
        "notes-restart-per-article",
        "notes are numbered 1..N across the whole issue",
        "src/bippdf/compose.py",
        "self.numbers[key] = len(self.numbers) + 1",
        "self.numbers[key] = len([k for k in self.numbers if k[0] == scope]) + 1",
        ("tests/test_compose.py", "tests/test_build.py"),
    ),
    Fault(
        "notes-off-by-one",
        "the first note is number 1",
        "src/bippdf/compose.py",
        "self.numbers[key] = len(self.numbers) + 1",
        "self.numbers[key] = len(self.numbers) + 2",
        ("tests/test_compose.py", "tests/test_build.py"),
    ),
    # The contents and the folios.
    Fault(
        "contents-wrong-page",
        "the page number of a contents entry is the page its heading stands on",
        "styles/bulletin.css",
        'content: leader(". ") target-counter(attr(href), page);',
        'content: leader(". ") target-counter(attr(href), page) "0";',
        ("tests/test_build.py",),
        "contents",
    ),
    Fault(
        "page-labels-off-by-one",
        "page labels match the printed folios",
        "src/bippdf/render.py",
        'pydyf.Dictionary({"S": "/D", "St": 2})',
        'pydyf.Dictionary({"S": "/D", "St": 3})',
        ("tests/test_build.py",),
        "labels",
    ),
    # Every check of bippdf check, made to find nothing.
    *(
        Fault(
            f"check-{name}-silent",
            f"bippdf check reports what the {name} check looks for",
            _CHECK,
            call,
            # Its figures kept, its problems and warnings dropped.
            f'CheckResult("{name}", figures={call.removesuffix(",")}.figures),',
            _CHECK_TESTS,
        )
        for name, call in [
            ("pages", "check_pages(data, expected),"),
            ("contents", "check_contents(data, expected, linked=linked),"),
            ("notes", "check_notes(data, expected, linked=linked),"),
            ("links", "check_links(data, linked=linked),"),
            ("fonts", "check_fonts(data, expected),"),
            ("overflow", "check_overflow(data, expected.geometry),"),
            ("layout", "check_layout(data, expected.geometry),"),
            ("metadata", "check_metadata(data, expected),"),
        ]
    ),
    Fault(
        "check-print-silent",
        "bippdf check reports the print variant's faults (PDF/X, boxes, marks, fours, ppi)",
        _CHECK,
        "checks.append(check_print(data, expected.geometry))",
        'checks.append(CheckResult("print", figures=check_print(data, expected.geometry).figures))',
        ("tests/test_variants.py",),
        "print",
    ),
    Fault(
        "check-web-silent",
        "bippdf check reports the web variant's PDF/UA faults",
        _CHECK,
        "checks.append(check_web(data))",
        'checks.append(CheckResult("web", figures=check_web(data).figures))',
        ("tests/test_variants.py",),
        "web",
    ),
    Fault(
        "check-widows",
        "the layout check finds a paragraph's last line alone at the top of a column",
        "src/bippdf/check/typesetting.py",
        "return len(lines) == 1 or _breaks_before(lines, lines[1], size)",
        "return False",
        _CHECK_TESTS,
    ),
    Fault(
        "check-bleed-box",
        "the print check finds a BleedBox that is not the trim plus 0.125 in",
        "src/bippdf/check/prepress.py",
        "if any(abs(a - b) > 0.5 for a, b in zip(bleed_box, wanted, strict=True)):",
        "if False:",
        ("tests/test_variants.py",),
        "print",
    ),
    Fault(
        "check-pages-by-fours",
        "the print check finds a page count not divisible by 4",
        "src/bippdf/check/prepress.py",
        "if pdf.page_count % 4:",
        "if False:",
        ("tests/test_variants.py",),
        "print",
    ),
    Fault(
        "check-image-resolution",
        "an image below 200 ppi at its printed size is an error",
        "src/bippdf/check/prepress.py",
        "if ppi < MIN_PPI:",
        "if ppi < MIN_PPI / 2:",
        ("tests/test_variants.py",),
        "resolution",
    ),
    # The print PDF itself.
    Fault(
        "bleed-box-at-trim",
        "BleedBox = trim + 0.125 in on every page of the print PDF",
        "src/bippdf/render.py",
        "[left - bleed, low - bleed, right + bleed, high + bleed]",
        "[left, low, right, high]",
        ("tests/test_variants.py",),
        "print",
    ),
    Fault(
        "cover-band-short-of-bleed",
        "the cover's band is printed into the bleed",
        "styles/print.css",
        "margin: -0.125in -0.125in 0;",
        "margin: 0;",
        ("tests/test_variants.py",),
        "cover_band",
    ),
    # Lint.
    Fault(
        "lint-refuses-everything",
        "a correct issue passes lint",
        "src/bippdf/lint.py",
        "errors = list(_unlisted_articles(issue))",
        'errors = [SourceError("refusé", path=issue.source, line=1)]',
        ("tests/test_lint.py",),
    ),
    Fault(
        "lint-accepts-everything",
        "every fault of the Markdown is a source error with its line",
        "src/bippdf/lint.py",
        "    return list({(e.location, e.message): e for e in errors}.values())",
        "    return []",
        ("tests/test_lint.py",),
    ),
    Fault(
        "lint-skipped-heading-level",
        "headings in order with none skipped",
        "src/bippdf/lint.py",
        "*_headings(article, body, lines),",
        "",
        ("tests/test_lint.py",),
    ),
    # The build cache.
    Fault(
        "cache-never-invalidated",
        "a changed input builds the issue again",
        "src/bippdf/cache.py",
        "if _digest(Path(path)) != digest:",
        "if False:",
        ("tests/test_cache.py",),
    ),
    Fault(
        "cache-ignores-code",
        "bippdf's own code is an input of the cache",
        "src/bippdf/cache.py",
        'versions["bippdf"] = _tree_digest(PACKAGE) or "absent"',
        'versions["bippdf"] = "absent"',
        ("tests/test_cache.py",),
    ),
    # Fuzzed: long web addresses must wrap inside their column.
    Fault(
        "fuzz-long-urls-unbroken",
        "random Markdown gives PDFs that pass every check, or source errors",
        "styles/bulletin.css",
        "a { color: inherit; text-decoration: none; overflow-wrap: anywhere; hyphens: manual; }",
        "a { color: inherit; text-decoration: none; hyphens: manual; }",
        ("tests/check/test_typesetting.py", "tests/test_fuzz.py"),
    ),
    # The printer's preflight (PDF/X-4).
    Fault(
        "print-keeps-links",
        "the print PDF has no annotation in its printed area (PDF/X)",
        "src/bippdf/variants.py",
        "    links=False,\n",
        "",
        ("tests/check/test_prepress.py",),
    ),
    Fault(
        "output-intent-one-component",
        "the output intent's /N matches its CMYK profile",
        "styles/print.css",
        "components: cyan, magenta, yellow, black;",
        "components: cyan magenta yellow black;",
        ("tests/check/test_prepress.py",),
    ),
    Fault(
        "preflight-ignores-annotations",
        "bippdf check reports an annotation in a print PDF",
        "src/bippdf/check/prepress.py",
        "    _check_annotations(pdf, result)\n",
        "",
        ("tests/check/test_prepress.py",),
    ),
    Fault(
        "preflight-ignores-profile-components",
        "bippdf check reports an output intent whose /N contradicts its profile",
        "src/bippdf/check/prepress.py",
        "    elif intent.components != wanted:",
        "    elif False:",
        ("tests/check/test_prepress.py",),
    ),
    Fault(
        "preflight-ignores-rgb",
        "bippdf check reports DeviceRGB in a print PDF, by kind and count",
        "src/bippdf/check/prepress.py",
        "        _check_spaces(pdf, index, inks, result)\n",
        "",
        ("tests/check/test_prepress.py",),
        "rgb or spot",
    ),
    Fault(
        "preflight-ignores-rich-black",
        "bippdf check reports text in rich black",
        "src/bippdf/check/prepress.py",
        "        _check_black_text(pdf, index, inks, result)\n",
        "",
        ("tests/check/test_prepress.py",),
        "black",
    ),
    Fault(
        "preflight-ignores-ink",
        "bippdf check reports a colour or an image over the ink limit",
        "src/bippdf/check/prepress.py",
        "        _check_ink(pdf, index, inks, result)\n",
        "",
        ("tests/check/test_prepress.py",),
        "heavy",
    ),
    Fault(
        "preflight-ignores-mark-colour",
        "bippdf check reports marks not in registration colour",
        "src/bippdf/check/prepress.py",
        "        _check_mark_colour(pdf, index, inks, result)\n",
        "",
        ("tests/check/test_prepress.py",),
        "marks",
    ),
    Fault(
        "preflight-ignores-forms",
        "the preflight walks form XObjects (where WeasyPrint draws much of a page)",
        "src/bippdf/check/inks.py",
        "            self._form(x_object, resources, state, context)\n",
        "",
        ("tests/check/test_prepress.py",),
        "form",
    ),
    Fault(
        "print-palette-in-rgb",
        "the print PDF's colours are the palette's CMYK, not sRGB",
        "src/bippdf/variants.py",
        '    inks="cmyk",\n',
        "",
        ("tests/check/test_prepress.py",),
        "all_cmyk",
    ),
    Fault(
        "print-text-rich-black",
        "body text prints in black ink alone",
        "styles/palette.toml",
        'ink = { srgb = "#1b1f24", print = "0 0 0 100" }',
        'ink = { srgb = "#1b1f24", print = "profile" }',
        ("tests/check/test_prepress.py",),
        "all_cmyk",
    ),
    Fault(
        "photos-over-ink-limit",
        "photos are separated under the ink limit",
        "src/bippdf/colour.py",
        "        data = _jpeg(limit_ink(picture, target))",
        "        data = _jpeg(picture)",
        ("tests/test_colour.py",),
    ),
    Fault(
        "marks-in-rgb",
        "crop marks print in registration colour",
        "src/bippdf/marks.py",
        "/{REGISTRATION} CS 1 SCN",
        "0 0 0 RG",
        ("tests/check/test_prepress.py",),
        "all_cmyk",
    ),
    Fault(
        "heading-long-word-unbroken",
        "a word too long for its column is broken in a heading, nothing sticks out",
        "styles/bulletin.css",
        "  hyphens: auto;\n  hyphenate-limit-chars: 30 10 10;",
        "  hyphens: manual;",
        ("tests/check/test_typesetting.py",),
        "too_long",
    ),
    Fault(
        "ligatures-not-spelt-out",
        "a heading typed with a ligature character passes the contents check",
        "src/bippdf/check/pages.py",
        "    text = text.translate(_LIGATURES)\n",
        "",
        ("tests/check/test_structure.py",),
        "ligature",
    ),
    Fault(
        "blank-heading-without-line",
        "every source error names its line, a heading of white space included",
        "src/bippdf/lint.py",
        "        return self.lines.get(id(token))",
        "        return None",
        ("tests/test_lint.py",),
        "white_space_only",
    ),
    Fault(
        "kept-file-trusted-damaged",
        "a file kept in the build cache (a separation, copies for screens) is used only whole",
        "src/bippdf/files.py",
        "return data if data and hashlib.sha256(data).digest() == check else None",
        "return data or None",
        ("tests/test_files.py", "tests/test_colour.py"),
    ),
    Fault(
        "screens-copies-sideways",
        "a photo's copies for screens are upright, as its camera said (EXIF)",
        "src/bippdf/online.py",
        "            upright = ImageOps.exif_transpose(picture)",
        "            upright = picture",
        ("tests/test_online.py",),
        "moire",
    ),
    # Copyfitting's trials and the memory of layouts made from the last one.
    Fault(
        "article-restyled-laid-out-whole",
        "a trial starting an article on a page or setting it looser keeps the pages before",
        "src/bippdf/relayout.py",
        "        if _reclassed(before, after):",
        "        if False:",
        ("tests/test_relayout.py",),
        "article_starting or trading",
    ),
    Fault(
        "page-before-first-change-only",
        "the page before each change is laid out again, not only before the first",
        "src/bippdf/relayout.py",
        "*(max(0, index - 1) for index in showing)}",
        "*(max(0, index - 1) for index in showing[:1])}",
        ("tests/test_relayout.py",),
        "trading",
    ),
    Fault(
        "full-collections-held-for-good",
        "Python's full collections are held back only while pages are laid out",
        "src/bippdf/render.py",
        "_holding = max(0, _holding - 1)\n            _hold_full_collections(_holding > 0)",
        "_holding = max(0, _holding - 1)",
        ("tests/test_render.py",),
        "no_full_collection",
    ),
    Fault(
        "long-layout-held-through-check",
        "a long layout no engine keeps is freed once its PDF is written, before the check",
        "src/bippdf/render.py",
        "        if not self.incremental and rendered.pages >= LONG:",
        "        if False:",
        ("tests/test_render.py",),
        "long_layout",
    ),
    Fault(
        "watch-layout-collected-for-nothing",
        "an engine that keeps its layouts makes no collection after writing a PDF",
        "src/bippdf/render.py",
        "        if not self.incremental and rendered.pages >= LONG:",
        "        if rendered.pages >= LONG:",
        ("tests/test_render.py",),
        "long_layout",
    ),
    Fault(
        "lane-last-layout-held",
        "a process laying out a variant lets its last layout go once the PDF is written",
        "src/bippdf/pipeline.py",
        "        self.engine.keep_no_layouts()\n",
        "",
        ("tests/test_render.py",),
        "last_pdf",
    ),
    Fault(
        "remade-pages-held",
        "a page a layout remakes is freed as soon as it is, not held to the layout's end",
        "src/bippdf/relayout.py",
        "                    pages[index].children = []",
        "                    pass",
        ("tests/test_relayout.py",),
        "let_go",
    ),
    Fault(
        "tighter-set-laid-out-here",
        "the text set tighter is laid out in the process beside, and its words kept whole there",
        "src/bippdf/copyfit.py",
        "        if self._beside is None or self.cores < 2:\n            return None\n",
        "        return None\n",
        ("tests/test_copyfit.py",),
        "tighter_set_s_trials",
    ),
    Fault(
        "words-kept-whole-not-ready-beside",
        "the tighter set's words kept whole are laid out beside before they are asked for",
        "src/bippdf/copyfit.py",
        "        trials.ready_beside(tighter, usual, articles)\n",
        "",
        ("tests/test_copyfit.py",),
        "tighter_set_s_trials",
    ),
    Fault(
        "failed-process-beside-asked-again",
        "a process beside that failed is not sent trials again (they are laid out here)",
        "src/bippdf/copyfit.py",
        "            self._beside.restart(None)  # (a process that failed once is not asked"
        " again)\n",
        "",
        ("tests/test_copyfit.py",),
        "tighter_set_s_trials",
    ),
    Fault(
        "tags-ask-every-page-reference-anew",
        "the web PDF's tags are added with the page references made once",
        "src/bippdf/tagging.py",
        "        with _page_references_once(pdf):\n"
        "            add(pdf, document, version, streams)\n",
        "        add(pdf, document, version, streams)\n",
        ("tests/test_tagging.py",),
        "page_references",
    ),
    Fault(
        "what-watch-left-aside-counted",
        "a build under watch does not count what watch left aside (Python walks it to)",
        "src/bippdf/collector.py",
        "    owned = not _left_aside and gc.get_freeze_count() == 0\n",
        "    owned = gc.get_freeze_count() == 0\n",
        ("tests/test_schedule.py",),
        "set_aside_before_a_build",
    ),
    Fault(
        "library-build-walks-its-caller",
        "a build in one process sets aside what its caller holds from the collector",
        "src/bippdf/pipeline.py",
        "    from .collector import collected_less_often, set_aside\n",
        "    from contextlib import nullcontext as set_aside\n\n"
        "    from .collector import collected_less_often\n",
        ("tests/test_schedule.py",),
        "one_process_sets_aside",
    ),
    Fault(
        "line-breaking-key-leaves-a-value-out",
        "a line broken is given again only for a style alike in all that breaking reads",
        "src/bippdf/linebreaking.py",
        '    "letter_spacing",\n',
        "",
        ("tests/test_linebreaking.py",),
    ),
    Fault(
        "line-breaking-answers-let-go-after-each-layout",
        "a line broken in a layout is given again to the layouts after it",
        "src/bippdf/linebreaking.py",
        "        return\n    _kept()\n",
        "        return\n    forget()\n",
        ("tests/test_linebreaking.py",),
    ),
    Fault(
        "line-breaking-font-face-added-unseen",
        "a font face added to a configuration has its lines broken anew",
        "src/bippdf/linebreaking.py",
        "                    faces[face] = made\n"
        "                    vars(fonts).pop(_NUMBER, None)\n",
        "                    faces[face] = made\n",
        ("tests/test_linebreaking.py",),
    ),
    Fault(
        "line-breaking-font-file-unread",
        "a font replaced on disk under the same name breaks its lines as the one before",
        "src/bippdf/linebreaking.py",
        "made = _font_file(fonts, rule_descriptors)",
        "made = None",
        ("tests/test_linebreaking.py",),
    ),
    Fault(
        "line-breaking-face-made-later-unseen",
        "a face whose font is made only when added again keeps the number of none",
        "src/bippdf/linebreaking.py",
        "if made is not None or face not in faces:",
        "if face not in faces:",
        ("tests/test_linebreaking.py",),
    ),
    Fault(
        "line-breaking-each-engine-its-own",
        "each engine's font configuration breaks its lines anew",
        "src/bippdf/linebreaking.py",
        "number = _NUMBERED.setdefault(faces, next(_NUMBERS))",
        "number = next(_NUMBERS)",
        ("tests/test_linebreaking.py",),
    ),
    Fault(
        "copyfit-lines-left-in-forked-trials",
        "the lines broken by trials laid out side by side are broken again here",
        "src/bippdf/copyfit.py",
        "            linebreaking.learn(answers)\n",
        "            pass\n",
        ("tests/test_copyfit.py",),
        "side_by_side",
    ),
    Fault(
        "line-breaking-child-numbers-brought-back",
        "lines broken in a font configuration numbered after a fork cross it",
        "src/bippdf/linebreaking.py",
        "return key[1][0] in numbers and isinstance(key[2], type)",
        "return isinstance(key[2], type)",
        ("tests/test_linebreaking.py",),
    ),
    Fault(
        "follower-answers-with-its-result",
        "a question asked of a process laying out is answered, not its PDF made",
        "src/bippdf/forked.py",
        "payload = (prepared, True, answer(value, question[0]))",
        "payload = (prepared, True, finish(value))",
        ("tests/test_forked.py",),
        "question",
    ),
    Fault(
        "print-pdf-at-pydyfs-level",
        "the print PDF's streams are compressed at its variant's level, not pydyf's",
        "src/bippdf/deflate.py",
        "return _Compressor(level if _local.level is None else _local.level)",
        "return _Compressor(level)",
        ("tests/test_deflate.py",),
    ),
    Fault(
        "web-pdf-at-pydyfs-level",
        "the web PDF's streams are compressed at zlib's level 7",
        "src/bippdf/variants.py",
        "    deflate_level=7,\n",
        "",
        ("tests/test_variants.py",),
        "compressed",
    ),
    # Speed without a change of output: each lever has a test that sees it undone.
    Fault(
        "forked-child-waits-for-its-value",
        "a forked process goes on to its next step while its value waits to be read",
        "src/bippdf/forked.py",
        "    roomy(write_end)\n",
        "",
        ("tests/test_forked.py",),
        "goes_on",
    ),
    Fault(
        "line-end-hyphen-read-as-fffe",
        "a page's character codes read at once are those read one by one",
        "src/bippdf/check/pages.py",
        "return [_LINE_END_HYPHEN if code == 0xFFFE else code for code in text[:count]]",
        "return list(text[:count])",
        ("tests/check/test_readback.py",),
        "at_once",
    ),
    Fault(
        "print-lane-reads-with-two",
        "on two cores, the print PDF laid out beside the fit is read back by one process",
        "src/bippdf/pipeline.py",
        "return self._made_here(self._readers())",
        "return self._made_here()",
        ("tests/test_copyfit.py",),
        "leaves_a_core",
    ),
    Fault(
        "print-stylesheets-parsed-before-the-fit",
        "the print PDF laid out beside the fit parses its stylesheets in its own process",
        "src/bippdf/schedule.py",
        "return {trials} | {job.variant for job in jobs if id(job) not in beside}",
        "return {trials} | {job.variant for job in jobs}",
        ("tests/test_copyfit.py",),
        "leaves_a_core",
    ),
    Fault(
        "web-palette-through-the-press",
        "the web PDF's palette is read without working the press's inks out",
        "src/bippdf/colour.py",
        "        values = screen_palette()",
        "        values = {colour.name: colour.srgb for colour in load_palette()}",
        ("tests/test_colour.py",),
        "screen_palette",
    ),
    Fault(
        "composing-process-never-stops",
        "the process that composed the issue stops making copies for screens once told",
        "src/bippdf/schedule.py",
        "self._stop[0] = 1",
        "self._stop[0] = 0",
        ("tests/test_online.py",),
        "print_pdf_s_process_make",
    ),
    Fault(
        "copies-left-made-first-first",
        "the print PDF's process makes the copies for screens left last first",
        "src/bippdf/schedule.py",
        "_prepared(self._issues[::-1], self.folder, last_first=True)",
        "_prepared(self._issues[::-1], self.folder)",
        ("tests/test_online.py",),
        "print_pdf_s_process_make",
    ),
    Fault(
        "copies-left-made-again-here",
        "the copies the print PDF's process kept are read from the cache, not made again",
        "src/bippdf/schedule.py",
        "        if self._handed:",
        "        if self._handed and False:",
        ("tests/test_online.py",),
        "print_pdf_s_process_make",
    ),
    Fault(
        "picture-weighed-again-in-the-check",
        "a picture bippdf separates is weighed as it is separated, for the check",
        "src/bippdf/colour.py",
        "weighed_when_written(data, heaviest, _profile())",
        "None",
        ("tests/test_colour.py",),
        "weighed_as_it_is",
    ),
    # Pseudo-elements' styles shared between elements styled alike (pseudoelements.py).
    Fault(
        "pseudo-element-styles-shared-on-rules-alone",
        "a pseudo-element's style is shared only where the same declarations reach it",
        "src/bippdf/pseudoelements.py",
        "and theirs.cascaded == self._cascaded_styles.get((element, pseudo_type), {})",
        "and True",
        ("tests/test_pseudoelements.py",),
    ),
    Fault(
        "note-calls-share-a-style",
        "each note's call keeps the anchor WeasyPrint writes into its style",
        "src/bippdf/pseudoelements.py",
        "not (pseudo_type == NOTE_CALL and _is_note(own))",
        "True",
        ("tests/test_pseudoelements.py",),
    ),
    # The HTML parser's patterns kept by their characters (htmlparsing.py).
    Fault(
        "html-patterns-made-at-each-run",
        "each of the HTML parser's patterns is made once per process",
        "src/bippdf/htmlparsing.py",
        "inputstream.characters_until_regex = _Patterns()",
        "pass",
        ("tests/test_htmlparsing.py",),
    ),
    Fault(
        "html-patterns-made-otherwise",
        "the HTML is parsed as tinyhtml5 parses it",
        "src/bippdf/htmlparsing.py",
        "        if not opposite:",
        "        if opposite:",
        ("tests/test_htmlparsing.py",),
    ),
    # The document's hyphenation dictionary read before forking, another's when first
    # used (hyphenation.py).
    Fault(
        "dictionaries-read-as-made",
        "a hyphenation dictionary reads its patterns when it first breaks a word",
        "src/bippdf/hyphenation.py",
        "        self._cached = cache\n",
        "        self._cached = cache\n        self.hd  # noqa: B018\n",
        ("tests/test_hyphenation.py",),
    ),
    Fault(
        "document-dictionary-read-late",
        "the document's hyphenation dictionary is read once, before the build forks",
        "src/bippdf/hyphenation.py",
        "        Dictionary(lang=found).hd",
        "        Dictionary(lang=found)",
        ("tests/test_hyphenation.py",),
    ),
    # A JPEG of the web PDF encoded again only if written at its own size (pictures.py).
    Fault(
        "picture-written-whole-as-read",
        "a JPEG written at its own size is encoded again at the web PDF's quality",
        "src/bippdf/pictures.py",
        "                    data = self._encoded()\n",
        "                    data = self.image_data.data\n",
        ("tests/test_pictures.py",),
    ),
]


def problems(fault: Fault, root: Path = ROOT) -> list[str]:
    """What is wrong with a fault against the tree at ``root`` (nothing: it can run)."""
    path = root / fault.file
    if not path.is_file():
        return [f"{fault.file} does not exist"]
    found = path.read_text(encoding="utf-8").count(fault.old)
    wrong = [] if found == 1 else [f"its old text occurs {found} times in {fault.file}"]
    wrong += [f"{test} does not exist" for test in fault.tests if not (root / test).exists()]
    return wrong


def _copy(target: Path) -> Path:
    """A copy of the repository without its virtual environment, builds and caches."""
    shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns(*_SKIPPED), symlinks=True)
    return target


def _environment(copy: Path) -> dict[str, str]:
    """The environment a copy's tests run in: its own ``src/`` first."""
    return {**os.environ, "PYTHONPATH": str(copy / "src"), "PYTHONDONTWRITEBYTECODE": "1"}


def check_isolation() -> str:
    """Where a copy imports bippdf from; fails unless it is the copy's own ``src/``."""
    with tempfile.TemporaryDirectory(prefix="bippdf-mutant-") as folder:
        copy = _copy(Path(folder) / "repo")
        found = subprocess.run(
            [sys.executable, "-c", "import bippdf; print(bippdf.__file__)"],
            cwd=copy,
            env=_environment(copy),
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        if not Path(found).is_relative_to(copy):
            raise SystemExit(f"a copy imports bippdf from {found}, not from its own src/")
        return found


def run(fault: Fault, timeout: float, marks: str = "") -> tuple[str, float, str]:
    """Apply one fault to a fresh copy and run its tests (those of ``marks`` only, if
    given): the outcome, the seconds, and the first test that failed."""
    start = time.monotonic()
    if problems(fault):
        return "broken fault", 0.0, "; ".join(problems(fault))
    with tempfile.TemporaryDirectory(prefix="bippdf-mutant-") as folder:
        copy = _copy(Path(folder) / "repo")
        path = copy / fault.file
        path.write_text(
            path.read_text(encoding="utf-8").replace(fault.old, fault.new), encoding="utf-8"
        )
        command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider"]
        try:
            done = subprocess.run(
                [*command, *fault.pytest_args(marks)],
                cwd=copy,
                env=_environment(copy),
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return "timeout", time.monotonic() - start, ""
    seconds = time.monotonic() - start
    if done.returncode == 0:
        return "MISSED", seconds, ""
    if done.returncode == 5:  # pytest collected nothing: the -k (or -m) matches no test
        return "no tests", seconds, ""
    return "caught", seconds, _first_failure(done.stdout + done.stderr)


def _first_failure(output: str) -> str:
    """The test that failed (or the error that stopped pytest), from its summary."""
    for line in output.splitlines():
        if line.startswith(("FAILED ", "ERROR ")):
            return line.split(" - ")[0]
    return output.strip().splitlines()[-1] if output.strip() else ""


def main() -> int:
    """Run the faults asked for and print one line each, then the score."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", default=[], metavar="NAME")
    parser.add_argument("--list", action="store_true", help="list the faults and stop")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per fault")
    parser.add_argument(
        "--marks", default="", metavar="EXPR", help="only the tests of a pytest -m expression"
    )
    args = parser.parse_args()
    unknown = set(args.only) - {fault.name for fault in FAULTS}
    if unknown:
        parser.error("unknown fault: " + ", ".join(sorted(unknown)))
    chosen = [fault for fault in FAULTS if not args.only or fault.name in args.only]
    if args.list:
        for fault in chosen:
            print(f"{fault.name:28} {fault.file:34} {fault.breaks}")
        return 0
    # The faults' test runs share the cores as make test's workers do (tests/conftest.py):
    # each catches a fault as make test would, on the paths make test takes.
    os.environ["BIPPDF_TEST_RUNS"] = str(max(1, args.jobs))
    print(f"bippdf imported from the copy: {check_isolation()}", flush=True)

    def one(fault: Fault) -> tuple[Fault, str]:
        """Run one fault and print its line as soon as it is known."""
        outcome, seconds, why = run(fault, args.timeout, args.marks)
        print(f"{fault.name:28} {outcome:12} {seconds:6.0f} s  {why or fault.breaks}", flush=True)
        return fault, outcome

    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        outcomes = list(pool.map(one, chosen))
    caught = [fault.name for fault, outcome in outcomes if outcome == "caught"]
    others = [(fault.name, outcome) for fault, outcome in outcomes if outcome != "caught"]
    print(f"\ncaught {len(caught)} of {len(outcomes)}")
    for name, outcome in others:
        print(f"  {outcome}: {name}")
    return 0 if not others else 1


if __name__ == "__main__":
    sys.exit(main())
