"""Writing outputs so that a failure never leaves half a file or loses the last good one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import BuildError


def write_file(target: Path, data: bytes) -> None:
    """Write through a temporary file and a rename, so a failure never leaves half a file."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise BuildError(
            f"cannot write here: {exc.strerror}",
            path=target,
            hint="choose a folder you can write to",
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
            f"cannot write the file: {exc.strerror}",
            path=target,
            hint="check that it is not a folder and that you may write it",
        ) from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
