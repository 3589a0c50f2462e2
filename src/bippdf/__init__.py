"""bippdf: print-ready PDFs of the Bulletin d'information en prévention from Markdown."""

from .errors import BippdfError, BuildError, CheckError, SourceError
from .pipeline import BuildResult, Options, build, build_pdf

__version__ = "0.1.0"

__all__ = [
    "BippdfError",
    "BuildError",
    "BuildResult",
    "CheckError",
    "Options",
    "SourceError",
    "__version__",
    "build",
    "build_pdf",
]
