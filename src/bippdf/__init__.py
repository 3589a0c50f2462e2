"""bippdf: print-ready PDFs of the Bulletin d'information en prévention from Markdown."""

from .build import BuildResult, build
from .errors import BippdfError, BuildError, CheckError, SourceError

__version__ = "0.1.0"

__all__ = [
    "BippdfError",
    "BuildError",
    "BuildResult",
    "CheckError",
    "SourceError",
    "__version__",
    "build",
]
