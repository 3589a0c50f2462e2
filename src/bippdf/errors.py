"""The one exception hierarchy of bippdf: every failure a user sees is one of these.

Each error can carry the source file and line it is about, so that the CLI prints
``file:line: message`` and a hint on what to do, never a traceback. Messages and
hints are written in French, for the editors who read them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


class BippdfError(Exception):
    """A failure bippdf can explain: what went wrong, where, and what to do."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        self.column = column
        self.hint = hint

    @property
    def location(self) -> str:
        """``file:line:column`` as far as it is known, or an empty string."""
        if self.path is None:
            return ""
        parts = [_display(self.path)]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled whole, with its file and line (a build's worker sends it back)."""
        return (_restore, (type(self), self.__dict__.copy()))

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


class SourceError(BippdfError):
    """The issue's sources are wrong: TOML, front matter, Markdown, images, notes."""


class SourceErrors(SourceError):
    """Several faults in the sources, reported together."""

    def __init__(self, errors: list[SourceError]) -> None:
        super().__init__(
            f"{len(errors)} erreurs dans les sources", path=errors[0].path, line=errors[0].line
        )
        self.errors = errors

    def __str__(self) -> str:
        return "\n".join(str(error) for error in self.errors)


class BuildError(BippdfError):
    """Rendering or writing the PDF failed for a reason that is not the sources' fault."""


class CheckError(BippdfError):
    """A built PDF does not hold what it must (pages, contents, notes, links, fonts).

    ``faults`` are its problems one by one, each at the article's file and line it
    comes from when that is known, said before the error itself."""

    def __init__(
        self, message: str, *, faults: list[CheckError] | None = None, **where: Any
    ) -> None:
        super().__init__(message, **where)
        self.faults = faults or []


class UnreadablePdfError(CheckError):
    """The file to check is missing or is not a PDF that can be read."""


def internal(exc: Exception) -> BuildError:
    """A bug of bippdf's, said in one line like any other error; ``--debug`` shows its
    traceback."""
    return BuildError(
        f"erreur interne de bippdf : {type(exc).__name__}: {exc}",
        hint="relancez avec --debug pour voir la trace, et signalez le problème",
    )


def _restore(cls: type[BippdfError], state: dict[str, Any]) -> BippdfError:
    error = cls.__new__(cls)
    Exception.__init__(error, state.get("message", ""))
    error.__dict__.update(state)
    return error


def _display(path: Path) -> str:
    """The path relative to the working directory when it is below it, else as given."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
