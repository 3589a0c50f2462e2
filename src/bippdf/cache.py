"""The build cache: an issue whose inputs have not changed is not built again.

After a build, a manifest in ``<build dir>/.cache/`` records the SHA-256 of every
input: the issue's TOML, its articles and the files its pages use, the listing
of its ``articles/`` folder, every file of ``styles/`` (stylesheets, fonts,
profile) and of bippdf itself (code, templates), the versions of the libraries
that shape the PDF, and the build's options; and the hash of each output. The
next build of the same issue with the same options is skipped when every one
still matches. Contents are compared, never timestamps alone: a file saved unchanged
rebuilds nothing, and a file changed within the same second is seen.

A file's digest is kept with what identifies its state on disk (``digests.json``,
beside the manifests): its device, inode, size, and its modification and change
times in nanoseconds. A file whose identity is the one kept is not read again. The
change time moves at every write and cannot be set back (a copy that keeps the
modification time still moves it), and a file changed less than ``SETTLED`` ago is
read at each build, not kept: two writes in one tick of the file system's clock
leave the same times. Only on a local file system of Linux that keeps change times
as the kernel moves them (``CHANGE_TIMES``): FAT and exFAT keep none (it comes back
as the modification time), a network file system takes its times from another clock
and may answer from a cache; elsewhere, every file is read.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from io import BufferedReader
from pathlib import Path
from typing import Any

FOLDER = ".cache"
DIGESTS = "digests.json"  # each file's digest by its identity, for every issue built there
SETTLED = 2_000_000_000  # ns: a file changed more recently is read again at each build
_MOST_KEPT = 20_000  # digests kept, the last used (an issue uses some two hundred)
# The file systems whose change times are the kernel's own, kept on disk.
CHANGE_TIMES = frozenset(
    {"ext2", "ext3", "ext4", "xfs", "btrfs", "f2fs", "zfs", "bcachefs", "tmpfs", "overlay"}
)
FORMAT = 1  # of the manifest; a change invalidates every entry
# The libraries whose version changes the bytes of the PDF or what is checked.
LIBRARIES = (
    "weasyprint",
    "pydyf",
    "fonttools",
    "tinycss2",
    "cssselect2",
    "pyphen",
    "mistune",
    "jinja2",
    "babel",
    "pillow",
    "pikepdf",
    "pypdf",
    "pypdfium2",
)
PACKAGE = Path(__file__).resolve().parent


def manifest_path(build_dir: Path, issue_path: Path, options: dict[str, Any]) -> Path:
    """Where the manifest of this issue built with these options is kept."""
    # Not resolved: a folder linked to another is another issue, with its own outputs.
    key = json.dumps([str(issue_path.absolute()), options], sort_keys=True)
    return build_dir / FOLDER / f"{hashlib.sha256(key.encode()).hexdigest()[:24]}.json"


def separations(build_dir: Path) -> Path:
    """Where the print PDF's pictures, separated to CMYK, are kept (colour.Separator)."""
    return build_dir / FOLDER / "cmyk"


def screens(build_dir: Path) -> Path:
    """Where the online edition's copies of the pictures for screens are kept (online.py)."""
    return build_dir / FOLDER / "ecrans"


def fresh(manifest: Path) -> list[dict[str, Any]] | None:
    """The results recorded in ``manifest`` if every input and output is as recorded,
    else None (no manifest, or something changed: build again)."""
    try:
        entry = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if entry.get("format") != FORMAT or entry.get("environment") != _environment():
        return None
    for path, digest in entry["files"].items():
        if _digest(Path(path)) != digest:
            return None
    for folder, digest in entry["trees"].items():
        if _tree_digest(Path(folder)) != digest:
            return None
    for folder, names in entry["listings"].items():
        if _listing(Path(folder)) != names:
            return None
    results: list[dict[str, Any]] = entry["results"]
    for result in results:
        if _output_digest(Path(result["output"])) != result["sha256"]:
            return None
    return results


def record(
    manifest: Path,
    *,
    files: Mapping[Path, str | None],
    trees: Iterable[Path],
    listings: Iterable[Path],
    results: list[dict[str, Any]],
) -> None:
    """Write the manifest of a build that succeeded: its inputs (``files``: the digest of
    what the build read, or None to hash the file now), then its outputs."""
    from .files import write_file  # tempfile and shutil: not for a build found up to date

    entry = {
        "format": FORMAT,
        "environment": _environment(),
        "files": {
            str(path): digest or _digest(path)
            for path, digest in sorted(files.items(), key=lambda item: str(item[0]))
        },
        "trees": {str(folder): _tree_digest(folder) for folder in trees},
        "listings": {str(folder): _listing(folder) for folder in listings},
        "results": [
            {**result, "sha256": _output_digest(Path(result["output"]))} for result in results
        ],
    }
    write_file(manifest, json.dumps(entry, ensure_ascii=False, indent=1).encode("utf-8"))


def snapshot(files: Iterable[Path], trees: Iterable[Path]) -> dict[str, tuple[int, int, int]]:
    """Inode, size and modification time of files and of every file of folders: compared
    before and after a build, to leave out of the cache a build whose inputs moved
    meanwhile (a picture moved over another keeps its name, often its size and time)."""
    from .files import identity  # tempfile and shutil: not for a build found up to date

    paths = [*files, *(p for tree in trees for p in tree.rglob("*") if p.is_file())]
    found = {}
    for path in paths:
        try:
            found[str(path)] = identity(path)
        except OSError:
            continue
    return found


def _environment() -> dict[str, str]:
    """bippdf's code and the versions of Python and of the libraries it builds with."""
    versions = {"python": ".".join(map(str, sys.version_info[:3]))}
    installed = _installed(LIBRARIES)
    for name in LIBRARIES:
        versions[name] = installed.get(name) or _version(name)
    versions["bippdf"] = _tree_digest(PACKAGE) or "absent"
    return versions


def _installed(names: Iterable[str]) -> dict[str, str]:
    """The versions of ``names`` that the names of their ``.dist-info`` folders give
    (``name-version.dist-info``, as installers write them), the first on ``sys.path``
    winning as in an import. importlib.metadata parses each one's METADATA file as an
    e-mail instead, which was most of an up-to-date build's time; a library not found
    so is left to it."""
    wanted = {_normal(name): name for name in names}
    found: dict[str, str | None] = {}
    for entry in sys.path:
        try:
            listing = os.scandir(entry or ".")
        except OSError:
            continue
        with listing:
            for item in listing:
                stem, dot, kind = item.name.rpartition(".")
                if not dot or kind not in ("dist-info", "egg-info", "egg"):
                    continue
                name, _, version = stem.partition("-")
                library = wanted.get(_normal(name))
                if library is not None:
                    # Found first otherwise (an egg, a checkout's egg-info): the one
                    # imported, whose version only importlib.metadata reads.
                    found.setdefault(library, version if kind == "dist-info" else None)
    return {library: version for library, version in found.items() if version}


def _version(name: str) -> str:
    """A library's version as importlib.metadata finds it (imported here: it takes an
    up-to-date build a tenth of its time to import), or "absent"."""
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


def _normal(name: str) -> str:
    """A distribution's name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


# The digests kept by identity while ``known_digests`` runs, else None.
_known: dict[str, list[Any]] | None = None
_added = False


@contextmanager
def known_digests(build_dir: Path) -> Iterator[None]:
    """The digests kept in the build folder's cache used meanwhile by ``fresh`` (one
    build of several issues reads them once), then written back if any was added. Kept
    digests that cannot be read or written are made again: nothing fails."""
    global _known, _added
    path = build_dir / FOLDER / DIGESTS
    try:
        known = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    _known = known = known if isinstance(known, dict) else {}
    _added = False
    try:
        yield
    finally:
        if _added and path.parent.is_dir():
            kept = dict(list(known.items())[-_MOST_KEPT:])
            _replace(path, json.dumps(kept, separators=(",", ":")).encode("utf-8"))
        _known, _added = None, False


def _replace(path: Path, data: bytes) -> None:
    """Write a file whole under a name of its own, then move it into place (no tempfile:
    it costs an up-to-date build a twentieth of its time to import)."""
    partial = path.with_name(f"{path.name}.{os.getpid()}-{time.time_ns()}.partial")
    try:
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError:
        partial.unlink(missing_ok=True)


def _identity(status: os.stat_result) -> list[int]:
    """What tells a file's state on disk from any other (see the module's docstring)."""
    return [
        status.st_dev,
        status.st_ino,
        status.st_size,
        status.st_mtime_ns,
        status.st_ctime_ns,
    ]


def _digest(path: str | Path) -> str | None:
    """The SHA-256 of a regular file's content; None if it cannot be read or is not
    one. While ``known_digests`` runs, the one kept for the file's identity, or read and
    kept once the file has settled."""
    global _added
    try:
        stream = open(path, "rb", opener=_not_waiting)  # noqa: SIM115 (closed below)
    except OSError:
        return None
    with stream:
        try:
            before = os.fstat(stream.fileno())
            if not stat.S_ISREG(before.st_mode):
                return None
            known = _known if _known is not None and _keeps_times(before.st_dev) else None
            key, identity = os.path.abspath(path), _identity(before)
            if known is not None:
                kept = known.pop(key, None)  # put back last: the most recently used are kept
                if isinstance(kept, list) and kept[:-1] == identity:
                    known[key] = kept
                    return str(kept[-1])
            digest = _sha256(stream)
            after = os.fstat(stream.fileno())
        except OSError:
            return None
    settled = time.time_ns() - max(after.st_mtime_ns, after.st_ctime_ns) > SETTLED
    if known is not None and settled and _identity(after) == identity:
        known[key] = [*identity, digest]
        _added = True
    return digest


def _not_waiting(path: str, flags: int) -> int:
    """Open without blocking: a pipe put in a file's place is no file, never waited on."""
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0))


def _keeps_times(device: int) -> bool:
    """Whether the file system of ``device`` is one of ``CHANGE_TIMES``."""
    return _file_systems().get(device) in CHANGE_TIMES


@cache
def _file_systems() -> dict[int, str]:
    """Each mounted device's file system, as Linux lists them (/proc/self/mountinfo:
    "id parent major:minor root point options … - type source options"); none elsewhere."""
    found: dict[int, str] = {}
    try:
        with open("/proc/self/mountinfo", encoding="utf-8") as lines:
            for line in lines:
                fields, _, rest = line.partition(" - ")
                major, minor = fields.split()[2].split(":")
                found.setdefault(os.makedev(int(major), int(minor)), rest.split()[0])
    except (OSError, ValueError, IndexError):
        return {}
    return found


def _sha256(stream: BufferedReader) -> str:
    """The SHA-256 of what is left to read of a file opened."""
    return hashlib.file_digest(stream, "sha256").hexdigest()


def _output_digest(path: Path) -> str | None:
    """A file's digest, or a folder's (the online edition) over all its files."""
    return _tree_digest(path) if path.is_dir() else _digest(path)


def _tree_digest(folder: Path) -> str | None:
    """One SHA-256 over every file of a folder: their relative paths and contents."""
    if not folder.is_dir():
        return None
    total = hashlib.sha256()
    for parts, path in sorted(_files_below(str(folder), ())):
        total.update(f"{'/'.join(parts)}\0{_digest(path)}\0".encode())
    return total.hexdigest()


def _files_below(folder: str, parts: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], str]]:
    """Every file below a folder, with its path's names from there: not in a folder
    linked to, as ``Path.rglob``, nor in ``__pycache__`` (compiled where it runs). By
    ``os.scandir`` rather than ``rglob``, which made a Path of each entry: most of the
    time of a build found up to date that was not imports (bippdf's own folder, some
    180 files)."""
    try:
        with os.scandir(folder) as listing:
            entries = list(listing)
    except OSError:
        return
    for entry in entries:
        if entry.name == "__pycache__":
            continue
        names = (*parts, entry.name)
        try:
            folder_here = entry.is_dir(follow_symlinks=False)
            file_here = not folder_here and entry.is_file()
        except OSError:  # a link that loops or goes through a file: no file, as for rglob
            continue
        if folder_here:
            yield from _files_below(entry.path, names)
        elif file_here:
            yield names, entry.path


def _listing(folder: Path) -> list[str]:
    """The Markdown files of a folder (an article added or removed changes the build)."""
    return sorted(path.name for path in folder.glob("*.md")) if folder.is_dir() else []
