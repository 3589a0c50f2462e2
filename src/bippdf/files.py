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
            hint="vérifiez que ce n'est pas un dossier et que vous avez le droit de l'écrire",
        ) from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
