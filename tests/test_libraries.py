"""WeasyPrint imported with its C libraries found by the dynamic loader (libraries.py): the
very libraries its own import loads, without the search; with the search, and anew,
when a library only the search finds would be missing.

Each import runs in a new process, where WeasyPrint is not loaded yet."""

from __future__ import annotations

import ctypes.util
import re
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from bippdf import libraries

pytestmark = pytest.mark.skipif(
    sys.platform != "linux", reason="the search left out is ctypes' on Linux"
)


def _run(script: str, *arguments: str) -> str:
    """What a new Python process running ``script`` printed (it must succeed)."""
    done = subprocess.run(
        [sys.executable, "-c", script, *arguments], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


# The names searched for while WeasyPrint loads, and the libraries then mapped.
_LOADED = """
import ctypes.util, sys
from bippdf import libraries
searched = []
search = ctypes.util.find_library
def noted(name):
    searched.append(name)
    return search(name)
ctypes.util.find_library = noted
if sys.argv[1] == "bippdf":
    libraries.import_weasyprint()
    assert ctypes.util.find_library is noted
else:
    import weasyprint
with open("/proc/self/maps") as maps:
    mapped = {line.split()[-1] for line in maps if ".so" in line}
print(",".join(searched))
print(*sorted(mapped))
"""


@pytest.mark.slow
def test_the_libraries_its_import_loads_are_loaded_unsearched() -> None:
    """The very libraries that WeasyPrint's own import maps (Pango, HarfBuzz, its
    subsetter, fontconfig), from the same files, with no search but for a library it
    goes on without and did not find (HarfBuzz's painter, on a machine without it)."""
    loaded = {}
    for how in ("bippdf", "weasyprint"):
        searched, mapped = _run(_LOADED, how).splitlines()
        loaded[how] = (set(filter(None, searched.split(","))), set(mapped.split()))
    assert loaded["bippdf"][0] <= set(libraries.OPTIONAL.values())
    assert len(loaded["weasyprint"][0]) > 10  # the search left out
    assert loaded["bippdf"][1] == loaded["weasyprint"][1]
    assert any("libharfbuzz-subset" in library for library in loaded["bippdf"][1])


# A library of WeasyPrint's loadable only through the search: by its Linux soname the
# loader is not asked for it (refused here), and the search knows it by its short name.
_ONLY_SEARCHED = """
import ctypes.util, sys, cffi
soname, short, attribute = sys.argv[1:]
def search(name):
    return soname if name == short else None
ctypes.util.find_library = search
dlopen = cffi.FFI.dlopen
def refusing(self, name, *rest):
    if name == soname:
        raise OSError("refusé pour l'essai")
    return dlopen(self, name, *rest)
cffi.FFI.dlopen = refusing
from bippdf import libraries
weasyprint = libraries.import_weasyprint()
assert ctypes.util.find_library is search
import weasyprint.text.ffi
from weasyprint.text.fonts import FontConfiguration
FontConfiguration()
print("chargé", getattr(weasyprint.text.ffi, attribute) is not None, weasyprint.urls.__name__)
"""


@pytest.mark.parametrize(
    ("soname", "short", "attribute"),
    [
        ("libfontconfig.so.1", "fontconfig", "fontconfig"),  # needed: the import stops
        ("libharfbuzz-subset.so.0", "harfbuzz-subset", "harfbuzz_subset"),  # gone without
    ],
)
def test_a_library_only_the_search_finds_is_loaded_through_it(
    soname: str, short: str, attribute: str
) -> None:
    """When a library cannot be loaded by any of WeasyPrint's names without the search,
    WeasyPrint is imported again, anew, with it: the library is loaded, WeasyPrint's
    package holds all its modules, the search is put back, and WeasyPrint's complaint of
    the first try ("could not import some external libraries") is not shown."""
    assert _run(_ONLY_SEARCHED, soname, short, attribute) == "chargé True weasyprint.urls\n"


def test_another_thread_searches_as_usual_meanwhile(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the thread importing WeasyPrint is answered nothing; another (the pictures
    made for screens meanwhile) is answered by the search, which is put back after."""

    def search(name: str) -> str:
        return f"lib{name}.so.9"

    monkeypatch.setattr(ctypes.util, "find_library", search)
    found: list[str | None] = []
    with libraries._unsearched(search):
        assert ctypes.util.find_library("pango-1.0") is None
        other = threading.Thread(target=lambda: found.append(ctypes.util.find_library("png")))
        other.start()
        other.join()
    assert found == ["libpng.so.9"]
    assert ctypes.util.find_library is search


class _Recording:
    """WeasyPrint's cffi, noting each type an object is made of."""

    def __init__(self, ffi: Any) -> None:
        self.ffi = ffi
        self.types: list[str] = []

    def new(self, cdecl: str, init: Any = None) -> Any:
        self.types.append(cdecl)
        return self.ffi.new(cdecl, init)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.ffi, name)


@pytest.mark.pdf
def test_fonts_are_subset_with_arrays_of_types_parsed_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A PDF's fonts are subset with arrays of no length in their type, once per type
    whatever the number of glyphs; the PDF is the one WeasyPrint's own arrays make."""
    from weasyprint.pdf import fonts

    from bippdf import render

    engine = render.Engine()
    if render.subsetter() != "HarfBuzz":
        pytest.skip("les polices sont sous-ensemblées par fontTools sur cette machine")
    assert isinstance(fonts.ffi, libraries._Unsized)
    ffi = fonts.ffi._ffi
    html = "<p>Des glyphes <b>en gras</b>, <i>en italique</i> et 1234567890.</p>"
    written = {}
    for how, seen in (("bippdf", _Recording(ffi)), ("weasyprint", _Recording(ffi))):
        made = libraries._Unsized(seen) if how == "bippdf" else seen
        monkeypatch.setattr(fonts, "ffi", made)
        written[how] = (bytes(engine.lay_out(html, base_url=tmp_path).write_pdf()), seen.types)
    sized = re.compile(r"hb_codepoint_t\[\d+\]")
    assert "hb_codepoint_t[]" in written["bippdf"][1]
    assert not any(sized.fullmatch(cdecl) for cdecl in written["bippdf"][1])
    assert sum(bool(sized.fullmatch(cdecl)) for cdecl in written["weasyprint"][1]) >= 3
    assert written["bippdf"][0] == written["weasyprint"][0]
