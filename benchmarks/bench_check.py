"""How long ``bippdf check`` takes: on No. 6 and on a synthetic issue 16 times longer.

Usage: python benchmarks/bench_check.py [--repeat 5] [--scale 16]

Builds both PDFs first (not timed here), then times ``check_pdf`` on each and
prints the median, the spread and the time per page.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bippdf import build_pdf
from bippdf.check import check_pdf

ROOT = Path(__file__).resolve().parent.parent
ISSUE_6 = ROOT / "issues" / "2019-08-numero-06"


def scaled_issue(target: Path, scale: int) -> Path:
    """No. 6 with its articles repeated ``scale`` times (notes stay scoped per file),
    fitted from scratch: without No. 6's recorded fit."""
    shutil.copytree(ISSUE_6, target)
    (target / "mise-en-page.json").unlink(missing_ok=True)
    toml = (target / "issue.toml").read_text(encoding="utf-8")
    names = re.findall(r'"(\d\d-[^"]+\.md)"', toml)
    listed = []
    for copy in range(scale):
        for name in names:
            new = f"{copy:02d}{name}"
            shutil.copy(ISSUE_6 / "articles" / name, target / "articles" / new)
            listed.append(new)
    for name in names:
        (target / "articles" / name).unlink()
    toml = re.sub(
        r"articles = \[.*?\]",
        "articles = [" + ", ".join(f'"{n}"' for n in listed) + "]",
        toml,
        flags=re.S,
    )
    (target / "issue.toml").write_text(toml, encoding="utf-8")
    return target


def time_check(pdf: Path, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        report = check_pdf(pdf)
        times.append(time.perf_counter() - start)
        assert report.ok, [str(p) for p in report.problems]
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scale", type=int, default=16)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        cases = [("No. 6", build_pdf(ISSUE_6, work / "no6.pdf", check=False))]
        big = scaled_issue(work / "scaled", args.scale)
        cases.append((f"No. 6 × {args.scale}", build_pdf(big, work / "big.pdf", check=False)))
        print(f"{'issue':<14} {'pages':>6} {'check median':>13} {'min–max':>15} {'per page':>10}")
        for name, result in cases:
            times = time_check(result.output, args.repeat)
            median = statistics.median(times)
            print(
                f"{name:<14} {result.pages:>6} {median:>12.3f}s "
                f"{min(times):>6.3f}–{max(times):.3f}s {1000 * median / result.pages:>8.1f}ms"
            )


if __name__ == "__main__":
    main()
