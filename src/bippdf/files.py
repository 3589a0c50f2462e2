"""Writing outputs so that a failure never leaves half a file or loses the last good one,
and never lands on a file the build reads or on anything but a regular file."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat
import tempfile
import time
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from .errors import BuildError

# A temporary output lives the few seconds its file takes to write; one older than this
# was left by a build that was killed, and is removed by the next write of the same file.
STALE_SECONDS = 600


# What bippdf reads whole into memory, at most: a source file (an article is some 30 kB),
# an image the pages show, a PDF to check.
MAX_SOURCE_BYTES = 2_000_000
MAX_IMAGE_BYTES = 100_000_000
MAX_PDF_BYTES = 1_000_000_000


NOT_FOUND = "n'existe pas"


class Unreadable(Exception):
    """A file that is not read: why, in French."""


def missing(path: Path) -> str | None:
    """Why ``path`` is not a regular file that can be read (in French), or None when it is."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            return "son nom est trop long pour le système de fichiers"
        if exc.errno in {errno.ENOENT, errno.ENOTDIR}:
            return NOT_FOUND
        return f"il est inaccessible ({exc.strerror})"
    if not stat.S_ISREG(mode):
        return "ce n'est pas un fichier ordinaire (c'est un dossier, un tube ou un périphérique)"
    return None


def identity(path: Path) -> tuple[int, int, int]:
    """What tells a file from the one that was there before under its name: its inode,
    size and modification time (a copy moved over it keeps neither its inode nor, most
    often, the rest). ``OSError`` when it cannot be read."""
    status = path.stat()
    return (status.st_ino, status.st_size, status.st_mtime_ns)


def on_disk(path: Path) -> Path:
    """``path``, or the file of its folder whose name is the same once in NFC: a file
    copied from macOS keeps its name in NFD, while the sources are read in NFC."""
    try:
        if path.name.isascii() or path.exists() or not path.parent.is_dir():
            return path
        wanted = unicodedata.normalize("NFC", path.name)
        for candidate in path.parent.iterdir():
            if unicodedata.normalize("NFC", candidate.name) == wanted:
                return candidate
    except OSError:  # a name too long, a folder that cannot be listed: said by the caller
        pass
    return path


def why_missing(reason: str) -> str:
    """The end of a sentence naming a file: « … n'existe pas », « … est illisible : … »."""
    return reason if reason == NOT_FOUND else f"est illisible : {reason}"


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes: a pipe or a device would make
    a read wait for ever or never end. Raises ``Unreadable`` (or ``OSError``)."""
    # Opened without waiting (a pipe with no writer would block the open itself).
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise Unreadable(
            "ce n'est pas un fichier ordinaire (c'est un dossier, un tube ou un périphérique)"
        )
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise Unreadable(f"le fichier dépasse {limit // 1_000_000} Mo, la taille permise")
    return data


def refuse_overwrite(outputs: Iterable[Path], inputs: Iterable[Path]) -> None:
    """Stop before anything is built if an output is one of the build's own files (by its
    resolved path or as the same file under another name), or exists and is not a
    regular file: a device, a pipe, a folder."""
    read = list(inputs)
    resolved = {_resolved(path): path for path in read}
    for output in outputs:
        source = resolved.get(_resolved(output)) or _same_file(output, read)
        if source is not None:
            raise BuildError(
                f"la sortie serait écrite sur « {source} », un fichier que la production lit",
                path=output,
                hint="choisissez un autre nom avec -o ou --html; rien n'a été écrit",
            )
        _refuse_special(output)


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a loop of links, a name too long: compared as given
        return path.absolute()


def _same_file(output: Path, inputs: list[Path]) -> Path | None:
    """The input that ``output`` is a hard link to, if any."""
    try:
        seen = output.stat()
    except OSError:
        return None
    for path in inputs:
        try:
            if os.path.samestat(seen, path.stat()):
                return path
        except OSError:
            continue
    return None


def _refuse_special(target: Path) -> None:
    """An existing output that is not a regular file (nor a link, which a rename replaces
    without touching what it points to) is never replaced."""
    try:
        mode = target.lstat().st_mode
    except OSError:
        return  # a new path (or one that cannot be read: the write will say so)
    if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
        kind = "un dossier" if stat.S_ISDIR(mode) else "un fichier spécial (périphérique, tube)"
        raise BuildError(
            f"la sortie existe et c'est {kind}, pas un fichier ordinaire",
            path=target,
            hint="donnez le nom d'un nouveau fichier, ou d'un fichier PDF existant; "
            "rien n'a été écrit",
        )


def write_file(target: Path, data: bytes) -> None:
    """Write through a temporary file and a rename, so a failure never leaves half a file."""
    _refuse_special(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise BuildError(
            f"impossible d'écrire ici : {exc.strerror}",
            path=target,
            hint="choisissez un dossier où vous avez le droit d'écrire",
        ) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)  # mkstemp makes the file private; outputs are for the whole team
        os.replace(temp, target)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise BuildError(
            f"impossible d'écrire le fichier : {exc.strerror}",
            path=target,
            hint="vérifiez que ce n'est pas un dossier, que le disque n'est pas plein et "
            "que vous avez le droit de l'écrire",
        ) from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    remove_stale(target)


def keep_whole(target: Path, data: bytes) -> None:
    """Keep ``data`` in the build folder's cache behind its SHA-256 digest, for
    ``read_whole`` to find whole; one that cannot be written is made again next time, the
    build goes on."""
    with contextlib.suppress(BuildError):
        write_file(target, hashlib.sha256(data).digest() + data)


def read_whole(path: Path, limit: int) -> bytes | None:
    """What ``keep_whole`` kept at ``path``, or None when there is nothing, or nothing whole
    (a file damaged on disk is made again rather than trusted)."""
    try:
        whole = read_regular(path, limit)
    except (OSError, Unreadable):
        return None
    check, data = whole[:32], whole[32:]
    return data if data and hashlib.sha256(data).digest() == check else None


def remove_stale(target: Path, now: float | None = None) -> list[Path]:
    """Remove the temporary files a killed write of ``target`` left beside it."""
    now = time.time() if now is None else now
    removed = []
    for temp in target.parent.glob(f".{_glob_escape(target.name)}.*.tmp"):
        try:
            if now - temp.lstat().st_mtime > STALE_SECONDS and temp.is_file():
                temp.unlink()
                removed.append(temp)
        except OSError:
            continue  # another build's, being renamed: not ours to remove
    return removed


def _glob_escape(name: str) -> str:
    return "".join(f"[{char}]" if char in "*?[" else char for char in name)
