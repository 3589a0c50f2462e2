"""How fast bippdf builds, side by side with raw WeasyPrint on the very same HTML and CSS.

Usage: python benchmarks/bench.py [--repeat 3] [--scales 1 4 16]  (default: --scales 1 4)

Every cold build runs in a process of its own, timed from process start to the
PDF on disk (for bippdf: verified), with its peak memory: the largest of its own
and of the processes it forked (ru_maxrss of each, not their sum). "Raw
WeasyPrint" is WeasyPrint's own command, ``weasyprint``, on the HTML that ``bippdf
build --html`` wrote, with the variant's stylesheets and options: the engine's own
cost, with nothing of bippdf's. (Not WeasyPrint called from a script of ours: under
CPython 3.11, its layout takes 2.5 to 3.8 s for No. 6's print PDF by the depth of
the frames it is called from alone, ``render.with_room``; a script's depth is an
accident of the script, the command's is what WeasyPrint's users run.) Printed:

1. No. 6, per variant: bippdf by phase, raw WeasyPrint, and the ratio
   (a build given -o keeps no fit, but lays the issue out with the fit recorded
   beside its issue.toml first, as a fresh checkout does);
2. both variants and the cover together, cold (a new build folder: with the fit
   recorded with the issue, as on a fresh checkout, and without it, fitted from
   scratch) and with the fit kept, against one variant alone; then the first build
   paired with WeasyPrint alone, one run after the other, as ratios (the hour moves
   both alike: section 7 takes their median);
3. a rebuild with nothing changed (the build cache);
4. a rebuild in ``bippdf watch`` after a one-word edit, against layout and PDF
   write alone in the same warm process;
5. issues 4 and 16 times longer: seconds, seconds per page, peak memory, fitted from
   scratch (a new issue's first build), then with the fit that build recorded beside
   the issue's issue.toml (every build after it, and a fresh checkout of it);
6. ``bippdf check`` on No. 6;
7. the ratios the speed work aims at, from the figures above (same run);
8. with ``--photos``: No. 6 with photographs of real size (its placeholders are a few
   tens of kilobytes, which hides what photos cost), cold and under ``watch``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ISSUE_6 = ROOT / "issues" / "2019-08-numero-06"
PHASES = ("load", "markdown", "engine", "copyfit", "layout", "write", "check")
# Every process runs as on an editor's machine, where Python keeps the bytecode it
# compiles (__pycache__), as make has it compiled once bippdf's modules change. With
# PYTHONDONTWRITEBYTECODE in the environment and none kept yet, each process would
# compile bippdf's modules again: 0.04 s of a first build of No. 6, wall and CPU, and
# 0.015 s, a seventh, of a build found up to date.
ENVIRONMENT = {
    name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"
}


# The children: each runs in a fresh process and prints one JSON line.


def _child_bippdf(issue: str, variant: str, output: str, html: str) -> dict[str, Any]:
    """A cold bippdf build of one variant, checked, as ``bippdf build`` makes it."""
    from bippdf.pipeline import build_pdf

    result = build_pdf(
        Path(issue), Path(output), variant=variant, html_output=Path(html) if html else None
    )
    return {"phases": result.phases, "pages": result.pages}


def _child_watch(issue: str, variant: str, output: str, draft: str = "") -> dict[str, Any]:
    """In one warm process: bippdf watch's rebuilds after one-word edits (``draft``: neither
    checked nor compressed, as ``watch --draft``), then WeasyPrint's layout and write alone
    of the same HTML, compressed, with the same loaded fonts and stylesheets (the faster
    of two of each), through WeasyPrint's own column layout (columns.py) and as
    WeasyPrint and its libraries are shipped (``_as_shipped``)."""
    from bippdf import columns, compose, render, source
    from bippdf.pipeline import Options
    from bippdf.variants import VARIANTS
    from bippdf.watch import Watcher

    options = Options(
        variants=(variant,),
        cover=False,
        output=Path(output),
        build_dir=Path(output).parent,
        check=not draft,
        compress=not draft,
    )
    watcher = Watcher(Path(issue), options)
    watcher.rebuild()  # the first build, which a session of watch starts with
    watcher.settle()  # as watch does once a build is reported, before the next save
    article = sorted((Path(issue) / "articles").glob("*.md"))[2]
    rebuilds = []
    for word in ("cette", "une"):
        text = article.read_text(encoding="utf-8")
        article.write_text(text.replace(" la ", f" {word} ", 1), encoding="utf-8")
        start = time.perf_counter()
        done = watcher.rebuild([article])
        rebuilds.append(time.perf_counter() - start)
        assert done.error is None and not done.results[0].cached, done.error
        watcher.settle()

    html = compose.compose(source.load_issue(Path(issue))).html
    engine = watcher.engine
    kind = VARIANTS[variant]
    css = [engine.stylesheet(name, variant) for name in kind.stylesheets]
    sandbox = render.sandbox
    fetcher = sandbox.make_fetcher(
        engine.weasyprint, {sandbox.ISSUE: Path(issue), sandbox.STYLES: ROOT / "styles"}
    )
    alone = []
    for _ in range(2):
        start = time.perf_counter()
        with columns.weasyprints_own(), _as_shipped():
            document = engine.weasyprint.HTML(
                string=html, base_url=sandbox.base_url(sandbox.ISSUE), url_fetcher=fetcher
            ).render(
                stylesheets=css,
                font_config=engine.font_config,
                color_profiles=engine.color_profiles.setdefault(variant, {}),
                **kind.options,
            )
        document.write_pdf(**kind.options)
        alone.append(time.perf_counter() - start)
    return {"phases": {"rebuild": min(rebuilds), "raw": min(alone)}, "pages": 0}


@contextlib.contextmanager
def _as_shipped() -> Iterator[None]:
    """Meanwhile, in a process where bippdf made an engine, WeasyPrint and the libraries
    it uses as shipped, but for the columns (``columns.weasyprints_own``): styles of
    pseudo-elements computed for each element (pseudoelements.py), the HTML parser's
    patterns made at each run (htmlparsing.py), no stream's compression kept from one
    PDF to the next (deflate.py), the fonts' arrays typed by their lengths
    (libraries.py)."""
    import zlib

    import pydyf
    from tinyhtml5 import inputstream
    from weasyprint.css import StyleFor
    from weasyprint.pdf import fonts

    ours = (
        StyleFor.set_computed_styles,
        inputstream.characters_until_regex,
        pydyf.zlib,
        fonts.ffi,
    )
    StyleFor.set_computed_styles = getattr(ours[0], "__wrapped__", ours[0])
    inputstream.characters_until_regex = {}
    pydyf.zlib = zlib
    fonts.ffi = getattr(ours[3], "_ffi", ours[3])
    try:
        yield
    finally:
        (
            StyleFor.set_computed_styles,
            inputstream.characters_until_regex,
            pydyf.zlib,
            fonts.ffi,
        ) = ours


CHILDREN = {"bippdf": _child_bippdf, "watch": _child_watch}


# The parent: runs the children and prints the tables.


def run(kind: str, *args: str) -> dict[str, Any]:
    """A child process: its wall time from start to exit, its phases and peak memory."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, *args],
        capture_output=True,
        text=True,
        check=False,
        env=ENVIRONMENT,
    )
    wall = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"{kind} {' '.join(args)} failed:\n{done.stderr}")
    figures: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    figures["wall"] = wall
    return figures


def weasyprint_alone(
    html: str, issue: str, virtual: str, options: str, output: str
) -> dict[str, Any]:
    """WeasyPrint alone: its command, ``weasyprint``, on bippdf's HTML (its base made the
    issue's folder), with the variant's stylesheets and options; its wall time from start
    to exit, its peak memory and its pages."""
    from pypdf import PdfReader

    text = Path(html).read_text(encoding="utf-8").replace(virtual, Path(issue).as_uri() + "/")
    page = Path(output).with_suffix(".html")
    page.write_text(text, encoding="utf-8")
    settings = json.loads(options)
    command = [str(Path(sys.executable).with_name("weasyprint"))]
    for name in settings.pop("stylesheets"):
        command += ["--stylesheet", str(ROOT / "styles" / name)]
    for name, value in settings.items():
        flag = "--" + name.replace("_", "-")
        command += [flag] if value is True else [flag, str(value)]
    command += ["--base-url", Path(issue).as_uri() + "/", str(page), output]
    # Its messages go to a file: a pipe nobody reads until it ends could fill and stop it.
    with tempfile.TemporaryFile() as said:
        start = time.perf_counter()
        process = subprocess.Popen(command, env=ENVIRONMENT, stderr=said)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)  # (already waited for)
        if process.returncode:
            said.seek(0)
            sys.exit(f"weasyprint {page} failed:\n{said.read().decode(errors='replace')}")
    pages = len(PdfReader(output).pages)
    return {"wall": wall, "peak_kb": usage.ru_maxrss, "pages": pages}


def median_alone(repeat: int, *args: str) -> dict[str, Any]:
    """WeasyPrint alone's run (``weasyprint_alone``) of median wall time among ``repeat``."""
    runs = sorted((weasyprint_alone(*args) for _ in range(repeat)), key=lambda r: r["wall"])
    return runs[len(runs) // 2]


def cli(*args: str) -> float:
    """Seconds of a ``bippdf`` command, process included."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "bippdf", *args], check=True, capture_output=True, env=ENVIRONMENT
    )
    return time.perf_counter() - start


def raw_options(variant: str) -> str:
    """The variant's stylesheets and WeasyPrint options, as bippdf passes them."""
    from bippdf.variants import VARIANTS

    kind = VARIANTS[variant]
    return json.dumps({"stylesheets": list(kind.stylesheets), **kind.options})


def raw_arguments(issue: Path, variant: str, work: Path, output: str) -> list[str]:
    """The arguments of a raw WeasyPrint run (``weasyprint_alone``) of the variant's HTML that
    ``compare``'s first bippdf run wrote in ``work``, written to ``output``."""
    from bippdf.sandbox import ISSUE, base_url

    html = work / f"{issue.name}-{variant}.html"
    return [str(html), str(issue), base_url(ISSUE), raw_options(variant), output]


def compare(issue: Path, variant: str, work: Path, repeat: int) -> tuple[dict[str, Any], ...]:
    """bippdf and raw WeasyPrint on one issue and variant, medians of ``repeat`` runs (the
    first bippdf run writes the HTML that raw WeasyPrint lays out)."""
    pdf = str(work / f"{issue.name}-{variant}.pdf")
    raw_args = raw_arguments(issue, variant, work, pdf + ".raw")
    runs = [run("bippdf", str(issue), variant, pdf, raw_args[0])]
    runs += [run("bippdf", str(issue), variant, pdf, "") for _ in range(repeat - 1)]
    ours = sorted(runs, key=lambda r: r["wall"])[len(runs) // 2]
    return ours, median_alone(repeat, *raw_args)


def first_builds_paired(issue: Path, work: Path, pairs: int) -> list[float]:
    """First builds of a fresh checkout (print + web + cover, a new build folder, the fit
    recorded with the issue), each right after WeasyPrint alone lays out and writes the
    print PDF's HTML (section 1's): the ratio of each pair. Medians of separate runs
    moved 0.76 to 0.78 between two runs of this bench an hour apart; pairs share the
    hour's load."""
    raw_args = raw_arguments(issue, "print", work, str(work / "paired.raw.pdf"))
    ratios = []
    for n in range(pairs):
        alone = weasyprint_alone(*raw_args)
        ours = cli("build", str(issue), "--build-dir", str(work / f"paired-{n}"))
        ratios.append(ours / alone["wall"])
    return ratios


def edit_and_build(issue: Path, work: Path, repeat: int) -> list[float]:
    """Seconds of ``bippdf build`` after a one-word edit, ``repeat`` times: each in a copy
    of the same build folder, which a build of the issue before the edit made (with its
    cache and the issue's last fit), as an editor's ``make pdf`` after a correction."""
    before, folder = work / "edit-before", work / "edit"
    article = sorted((issue / "articles").glob("*.md"))[2]
    text = article.read_text(encoding="utf-8")
    cli("build", str(issue), "--build-dir", str(before))
    seconds = []
    try:
        for n in range(repeat):
            shutil.rmtree(folder, ignore_errors=True)
            shutil.copytree(before, folder)
            word = ("cette", "une", "notre", "leur", "toute")[n % 5]
            article.write_text(text.replace(" la ", f" {word} ", 1), encoding="utf-8")
            seconds.append(cli("build", str(issue), "--build-dir", str(folder)))
    finally:
        article.write_text(text, encoding="utf-8")
    return seconds


MEGAPIXELS = 12  # a photo from a camera or a telephone


def photographed(issue: Path, folder: Path) -> Path:
    """A copy of ``issue`` whose pictures are photographs of ``MEGAPIXELS``, each of its
    picture's proportions (the pages are laid out as before): the picture enlarged, with
    grain, so that JPEG finds as much detail to keep as in a photo (a few megabytes)."""
    import random

    from PIL import Image

    copy = Path(shutil.copytree(issue, folder / issue.name))
    grain = random.Random(6)
    for path in sorted((copy / "images").glob("*.jpg")):
        with Image.open(path) as picture:
            width, height = picture.size
            scale = (MEGAPIXELS * 1e6 / (width * height)) ** 0.5
            size = round(width * scale), round(height * scale)
            enlarged = picture.convert("RGB").resize(size, Image.Resampling.BICUBIC)
        noise = Image.frombytes("L", size, grain.randbytes(size[0] * size[1])).convert("RGB")
        Image.blend(enlarged, noise, 0.2).save(path, "JPEG", quality=90)
    return copy


def photos(issue6: Path, work: Path) -> None:
    """Section 8: No. 6 with photographs of real size, cold and under watch."""
    issue = photographed(issue6, work / "photos")
    sizes = [path.stat().st_size for path in (issue / "images").glob("*.jpg")]
    print(f"\n8. No. 6 with photographs of {MEGAPIXELS} megapixels ({len(sizes)} photos, "
          f"{min(sizes) / 1e6:.1f} to {max(sizes) / 1e6:.1f} MB), one run each\n")  # fmt: skip
    cold = cli("build", str(issue), "--build-dir", str(work / "photos-cold"))
    print(f"  print + web + cover, cold (fitted, the photos separated for print): {cold:.2f} s")
    for variant, draft in (("print", ""), ("web", ""), ("web", "draft")):
        output = str(work / f"photos-watch-{variant}{draft}.pdf")
        figures = run("watch", str(issue), variant, output, draft)
        rebuild, warm = figures["phases"]["rebuild"], figures["phases"]["raw"]
        print(f"  watch, {variant}{' --draft' if draft else ''}: rebuild {rebuild:.2f} s; "
              f"layout + write alone, warm {warm:.2f} s (ratio {rebuild / warm:.2f}), "
              f"peak {mb(figures):.0f} MB")  # fmt: skip


def phases(figures: dict[str, Any]) -> str:
    return "  ".join(
        f"{name} {figures['phases'][name]:.2f}" for name in PHASES if name in figures["phases"]
    )


def mb(figures: dict[str, Any]) -> float:
    return float(figures["peak_kb"]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of No. 6, median kept")
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 4])
    parser.add_argument(
        "--photos", action="store_true", help="also No. 6 with photos of real size (8.)"
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        figures = CHILDREN[args.child[0]](*args.child[1:])
        # A build lays out and checks in processes it forks: its peak is the largest
        # process's, its own or one of theirs (every one ended and waited for by now).
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        forked = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        figures["peak_kb"], figures["own_peak_kb"] = max(own, forked), own
        print(json.dumps(figures))
        return

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_check import scaled_issue

    from bippdf.cache import SETTLED

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        issue6 = work / ISSUE_6.name
        shutil.copytree(ISSUE_6, issue6)

        print(f"1. No. 6, cold builds, one process each (median of {args.repeat})\n")
        singles = {}
        for variant in ("print", "web"):
            ours, raw = compare(issue6, variant, work, args.repeat)
            singles[variant] = (ours, raw)
            print(f"  {variant}: bippdf {ours['wall']:.2f} s, {ours['pages']} pages, "
                  f"{mb(ours):.0f} MB  [{phases(ours)}]")  # fmt: skip
            print(f"  {variant}: raw    {raw['wall']:.2f} s, {raw['pages']} pages, "
                  f"{mb(raw):.0f} MB  [the weasyprint command]")  # fmt: skip
            ratio = ours["wall"] / raw["wall"]
            unfitted = (ours["wall"] - ours["phases"].get("copyfit", 0.0)) / raw["wall"]
            print(f"  {variant}: bippdf / raw = {ratio:.2f}; without copyfitting's trial "
                  f"layouts {unfitted:.2f}\n")  # fmt: skip

        print("2. Both variants and the cover together (bippdf build, default)\n")
        build_dir = work / "build"
        # A fresh checkout: a new build folder, the fit recorded with the issue. As make pdf
        # builds it: --no-cache, which only a build folder that holds a build needs, would
        # also keep the build from using that folder as it goes (the copies for screens
        # handed to the print PDF's process through it): 3 % more wall.
        recorded = statistics.median(
            cli("build", str(issue6), "--build-dir", str(work / f"cold-{n}"))
            for n in range(args.repeat)
        )
        scratch = work / "scratch" / ISSUE_6.name  # without the record: fitted from scratch
        shutil.copytree(issue6, scratch)
        fitted = statistics.median(
            (
                (scratch / "mise-en-page.json").unlink(missing_ok=True),
                cli("build", str(scratch), "--build-dir", str(work / f"scratch-{n}")),
            )[1]
            for n in range(args.repeat)
        )
        cli("build", str(issue6), "--build-dir", str(build_dir), "--no-cache")  # keeps the fit
        together = statistics.median(
            cli("build", str(issue6), "--build-dir", str(build_dir), "--no-cache")
            for _ in range(args.repeat)
        )
        one = singles["print"][0]["wall"]
        print(f"  print + web + cover, first build of a fresh checkout (the fit recorded with "
              f"the issue): {recorded:.2f} s; fitted from scratch (no record): {fitted:.2f} s; "
              f"with the fit kept: {together:.2f} s; print alone (cold) {one:.2f} s")  # fmt: skip
        edited = statistics.median(edit_and_build(issue6, work, args.repeat))
        print(f"  the same after a one-word edit (make pdf, in a build folder that kept "
              f"the issue's last fit): {edited:.2f} s")  # fmt: skip
        pairs = first_builds_paired(issue6, work, 2 * args.repeat + 1)
        paired = statistics.median(pairs)
        print(f"  first build of a fresh checkout, each run after WeasyPrint alone (print): "
              f"{len(pairs)} pairs, ratio {paired:.3f} (median; {min(pairs):.2f} to "
              f"{max(pairs):.2f})\n")  # fmt: skip

        print("3. Rebuild with nothing changed (build cache)\n")
        cli("build", str(issue6), "--build-dir", str(build_dir))
        # As make pdf some time after the build, not within the seconds after it, when
        # the files it wrote are read again at each build (cache.SETTLED); a first run
        # once they have settled keeps their digests.
        time.sleep(SETTLED / 1e9 + 0.5)
        cli("build", str(issue6), "--build-dir", str(build_dir))
        cached = statistics.median(
            cli("build", str(issue6), "--build-dir", str(build_dir)) for _ in range(5)
        )
        print(f"  bippdf build, up to date: {cached:.3f} s (goal ≤ 0.10 s)\n")

        watched: dict[str, tuple[float, float]] = {}
        print("4. bippdf watch: rebuild after a one-word edit, against WeasyPrint's layout and")
        print("   write alone, cold (the command, section 1) and warm (same process, fonts and")
        print("   styles loaded)\n")
        for variant, draft in (("print", ""), ("web", ""), ("web", "draft")):
            output = str(work / f"watch-{variant}{draft}.pdf")
            figures = run("watch", str(issue6), variant, output, draft)
            rebuild, warm = figures["phases"]["rebuild"], figures["phases"]["raw"]
            watched[variant + draft] = (rebuild, warm)
            cold = singles[variant][1]["wall"]
            print(f"  {variant}{' --draft' if draft else ''}: rebuild {rebuild:.2f} s; WeasyPrint "
                  f"alone: cold {cold:.2f} s (ratio {rebuild / cold:.2f}), warm layout + write "
                  f"{warm:.2f} s (ratio {rebuild / warm:.2f})")  # fmt: skip
        print()

        print("5. Cost per page, print variant, one run per size\n")
        print("  (a longer issue, fitted from scratch as a new issue is; then built again with")
        print("  the fit its first build recorded beside its issue.toml, as every build after)\n")
        print(f"  {'issue':<12} {'pages':>5} {'bippdf':>8} {'s/page':>7} {'peak':>7}   "
              f"{'raw':>7} {'s/page':>7} {'peak':>7}   {'ratio':>5}")  # fmt: skip
        base = singles["print"][0]["wall"]  # No. 6's print PDF (section 1), whatever the scales
        scaled: dict[int, tuple[dict[str, Any], dict[str, Any]]] = {}
        recorded_fits: dict[int, dict[str, Any]] = {}
        for scale in args.scales:
            if scale == 1:
                ours, raw = singles["print"]
            else:
                issue = scaled_issue(work / f"x{scale}", scale)
                ours, raw = compare(issue, "print", work, 1)
            scaled[scale] = ours, raw
            runs = [("", ours)]
            if scale > 1:
                # A build with a build folder records its fit (-o keeps none): as
                # committed with the issue, and laid out once by every build after.
                cli("build", str(issue), "--variant", "print", "--build-dir",
                    str(work / f"x{scale}-build"), "--no-cache")  # fmt: skip
                kept = run("bippdf", str(issue), "print", str(work / f"x{scale}-kept.pdf"), "")
                recorded_fits[scale] = kept
                runs.append((", fit recorded", kept))
            for label, figures in runs:
                name = "No. 6" + (f" × {scale}" if scale > 1 else "")
                print(
                    f"  {name:<12} {figures['pages']:>5} {figures['wall']:>7.2f}s "
                    f"{figures['wall'] / figures['pages']:>7.3f} {mb(figures):>5.0f}MB"
                    f"   {raw['wall']:>6.2f}s {raw['wall'] / raw['pages']:>7.3f} {mb(raw):>5.0f}MB"
                    f"   {figures['wall'] / raw['wall']:>5.2f}{label}"
                )
            if scale > 1:
                print(f"  {'':<12} time × {recorded_fits[scale]['wall'] / base:.1f} with the "
                      f"fit recorded (× {ours['wall'] / base:.1f} fitted from scratch) for "
                      f"{scale}× the text (target ≤ {scale * 18 / 16:.1f})")  # fmt: skip
        print()

        print("6. bippdf check on No. 6, process included (median of 5)\n")
        for variant in ("print", "web"):
            pdf = work / f"{issue6.name}-{variant}.pdf"
            seconds = statistics.median(cli("check", str(pdf)) for _ in range(5))
            print(f"  {variant}: {seconds:.2f} s (target well under 1 s)")
        print()
        raw_print = singles["print"][1]["wall"]
        web_rebuild, web_warm = watched["web"]
        draft_rebuild, draft_warm = watched["webdraft"]
        rows = [
            ("No. 6, print + web + cover, cold, fit recorded / WeasyPrint alone",
             paired, "≤ 0.75"),
            ("  the same, from the medians of section 1 and 2", recorded / raw_print, ""),
            ("No. 6, the same, fitted from scratch / WeasyPrint alone", fitted / raw_print, ""),
            ("No. 6, the same, fit kept / WeasyPrint alone", together / raw_print, ""),
            ("No. 6, the same, after a one-word edit / WeasyPrint alone", edited / raw_print, ""),
            ("watch, one-word edit, web PDF / WeasyPrint alone, warm", web_rebuild / web_warm,
             "≤ 0.25"),
            ("the same, watch --draft (not checked, not compressed)", draft_rebuild / draft_warm,
             "≤ 0.25"),
        ]  # fmt: skip
        if max(scaled) > 1:
            ours, raw = scaled[max(scaled)]
            kept = recorded_fits[max(scaled)]
            label = (
                f"No. 6 × {max(scaled)} ({kept['pages']} pages), print, fit recorded "
                "/ WeasyPrint alone"
            )
            goal = f"≤ 0.60, peak {mb(kept):.0f} MB (≤ 500)"
            rows.append((label, kept["wall"] / raw["wall"], goal))
            label = "the same, fitted from scratch (its first build)"
            goal = f"peak {mb(ours):.0f} MB"
            rows.append((label, ours["wall"] / raw["wall"], goal))
        print("7. The ratios aimed at (this run)\n")
        for label, ratio, goal in rows:
            print(f"  {label:<66} {ratio:5.2f}  {goal}")
        print(f"  {'nothing changed':<66} {cached:5.3f} s  ≤ 0.10 s")
        if args.photos:
            photos(issue6, work)
    print(f"\nbench: {time.perf_counter() - started:.0f} s in all")


if __name__ == "__main__":
    main()
