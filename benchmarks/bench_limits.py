"""The limits: an issue of 1,000 notes and one of about 400 pages, built and checked.

Usage: python benchmarks/bench_limits.py [--notes 1000] [--scale 16]

Each build runs in its own process (python -m bippdf build --variant print), so
that its peak memory (ru_maxrss) is its own; the build checks its PDF as always.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_check import scaled_issue


def notes_issue(target: Path, notes: int, per_article: int = 100) -> Path:
    """An issue of ``notes`` notes, ``per_article`` to an article, each note called once."""
    (target / "articles").mkdir(parents=True)
    names = []
    for index in range(notes // per_article):
        body = []
        for n in range(1, per_article + 1):
            if n % 10 == 1:
                body.append(f"\n## Section {n // 10 + 1}\n")
            body.append(f"Une phrase de l'article {index + 1} qui appelle sa note[^{n}].")
        body.append("")
        body += [
            f"[^{n}]: La note {n} de l'article {index + 1}." for n in range(1, per_article + 1)
        ]
        name = f"{index + 1:02d}-article.md"
        (target / "articles" / name).write_text(
            f'+++\ntitle = "Article {index + 1}"\n+++\n\n' + "\n".join(body) + "\n",
            encoding="utf-8",
        )
        names.append(name)
    (target / "issue.toml").write_text(
        'title = "Bulletin d\'essai"\nnumber = 99\ndate = 2020-01-01\nlanguage = "fr-CA"\n'
        'publisher = "Ministère de la Sécurité publique"\narticles = ['
        + ", ".join(f'"{n}"' for n in names)
        + "]\n",
        encoding="utf-8",
    )
    return target


def measure(issue: Path, output: Path) -> tuple[float, float, str]:
    """Seconds, peak MB and the build's summary line, in a process of its own."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bippdf",
            "build",
            str(issue),
            "--variant",
            "print",
            "-o",
            str(output),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(done.stderr)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024, done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--scale", type=int, default=16)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        cases = [
            (f"{args.notes} notes", notes_issue(work / "notes", args.notes)),
            (f"No. 6 × {args.scale}", scaled_issue(work / "pages", args.scale)),
        ]
        print(f"{'issue':<14} {'seconds':>8} {'peak MB':>8}  summary")
        for name, issue in cases:
            seconds, peak, summary = measure(issue, work / f"{issue.name}.pdf")
            print(f"{name:<14} {seconds:>8.1f} {peak:>8.0f}  {summary.split(': ', 1)[1]}")


if __name__ == "__main__":
    main()
