"""WeasyPrint imported with its C libraries found by the dynamic loader, not searched for.

WeasyPrint 70 names each C library it loads (GObject, Pango, HarfBuzz with its
subsetter and painter, fontconfig, PangoFT2) several ways, for Windows, macOS and Linux.
For each name that does not load as it is, cffi asks ``ctypes.util.find_library``,
which on Linux runs ldconfig, then gcc and ld where they are installed: 22 searches
before the libraries are loaded, 0.2 s of every build, before any PDF can start. Each
list also holds the library's Linux soname, which the loader finds itself: a search
gives a soname too, which the loader then looks for in the same places.

So WeasyPrint is first imported with the search answering nothing (to the importing
thread). Should a library then be missing that the search knows, under a soname
WeasyPrint does not list (a library WeasyPrint needs, whose absence stops the import;
or HarfBuzz's subsetter or painter, without which it writes other bytes), WeasyPrint is
imported again, anew, with the search, and without the complaint its first try printed.

And once it is loaded, the arrays its writing of fonts makes have no length in their
type (``install``): cffi parses each C type it is given once per process, with
pycparser, and WeasyPrint gives each font's glyphs as an array of their number,
``hb_codepoint_t[1685]``, a type for each font of each PDF (13 in No. 6's web PDF:
0.045 s of it).
"""

from __future__ import annotations

import ctypes.util
import io
import re
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stdout
from typing import Any

# The libraries WeasyPrint goes on without (its ffi module's names for them), and the
# name the search knows each by.
OPTIONAL = {"harfbuzz_subset": "harfbuzz-subset", "harfbuzz_vector": "harfbuzz-vector"}

Search = Callable[[str], "str | None"]

SUPPORTED = "70."  # the version whose writing of fonts ``install`` knows (pyproject.toml pins it)


def import_weasyprint() -> Any:
    """WeasyPrint, its libraries loaded as its own import would load them, faster."""
    if sys.platform != "linux" or "weasyprint.text.ffi" in sys.modules:
        import weasyprint

        return weasyprint
    search = ctypes.util.find_library
    before = set(sys.modules)
    try:
        # Its complaint (printed) when a library it needs does not load: of this try only.
        with _unsearched(search), redirect_stdout(io.StringIO()):
            import weasyprint
    except OSError:
        pass
    else:
        if not _missed(search):
            return weasyprint
    _forget_weasyprint(before)
    import weasyprint

    return weasyprint


@contextmanager
def _unsearched(search: Search) -> Iterator[None]:
    """Meanwhile, ``find_library`` finds nothing for this thread; another thread's search
    is made as usual."""
    importing = threading.get_ident()

    def find_library(name: str) -> str | None:
        return None if threading.get_ident() == importing else search(name)

    ctypes.util.find_library = find_library
    try:
        yield
    finally:
        ctypes.util.find_library = search  # type: ignore[assignment]


def _missed(search: Search) -> bool:
    """Whether a library WeasyPrint goes on without was not loaded, though the search
    finds it."""
    from weasyprint.text import ffi

    return any(
        getattr(ffi, attribute, None) is None and search(name) is not None
        for attribute, name in OPTIONAL.items()
    )


def _forget_weasyprint(before: set[str]) -> None:
    """WeasyPrint's modules imported since ``before`` forgotten, so that the next import
    makes them all anew (a module imported whole stays otherwise, and the new package
    would not hold it)."""
    for name in set(sys.modules) - before:
        if name == "weasyprint" or name.startswith("weasyprint."):
            del sys.modules[name]


def install(weasyprint: Any) -> None:
    """Have WeasyPrint's writing of fonts make its arrays as ``_Unsized`` says (once per
    process; another version than ``SUPPORTED`` is left as it is)."""
    from weasyprint.pdf import fonts

    if weasyprint.__version__.startswith(SUPPORTED) and not isinstance(fonts.ffi, _Unsized):
        fonts.ffi = _Unsized(fonts.ffi)


_SIZED = re.compile(r"(\w+)\[(\d+)\]")  # an array type with its length: hb_codepoint_t[83]


class _Unsized:
    """WeasyPrint's cffi as its module of fonts sees it: an array made of a list as long
    as its type says (``hb_codepoint_t[83]``) is made as one of no length
    (``hb_codepoint_t[]``), the same array of the same values, of a type parsed once."""

    def __init__(self, ffi: Any) -> None:
        self._ffi = ffi

    def new(self, cdecl: str, init: Any = None) -> Any:
        sized = _SIZED.fullmatch(cdecl) if isinstance(init, (list, tuple)) else None
        if sized is not None and len(init) == int(sized[2]):
            cdecl = f"{sized[1]}[]"
        return self._ffi.new(cdecl, init)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ffi, name)
