"""A print PDF's inks, read as a printer's preflight reads them.

Every page's content is walked (read with pikepdf: its forms, patterns, annotation appearances,
inline and XObject images and transparency groups included), keeping the graphics state
a viewer keeps: the current colour spaces and colours, the transformation matrix, the
path being built. What comes out is, per page: how often each colour space is used and
for what (text, paths, images, shadings, groups, annotations), the text painted in rich
black, the highest total ink of a colour and of an image (images measured pixel by pixel,
through the output profile when they are not CMYK already), and the colours the marks
outside the bleed are drawn in.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .contentstream import operations
from .objects import (
    content,
    is_array,
    is_dictionary,
    is_name_or_string,
    number,
    page_box,
)
from .separation import filters, image_ink, rgb_to_cmyk

# A colour is rich black when its black is at least this and the other three inks add up
# to more than RICH_BLACK_OTHERS (both as fractions): text in it prints on four plates,
# and misregistration on press blurs it.
RICH_BLACK_K, RICH_BLACK_OTHERS = 0.8, 0.05
REGISTRATION = "Separation All"  # the colour marks are printed in: every plate at once

_Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: _Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_Box = tuple[float, float, float, float]
_DEVICE = {"/DeviceRGB": 3, "/DeviceCMYK": 4, "/DeviceGray": 1}
_ABBREVIATIONS = {"/RGB": "/DeviceRGB", "/CMYK": "/DeviceCMYK", "/G": "/DeviceGray"}
_TEXT = {b"Tj", b"TJ", b"'", b'"'}
_FILL = {b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"}
_STROKE = {b"S", b"s", b"B", b"B*", b"b", b"b*"}


@dataclass(frozen=True)
class Space:
    """A colour space as a preflight names it, and how its values become inks."""

    name: str  # "DeviceRGB", "ICCBased CMYK", "Separation All", "Lab", …
    components: int
    family: str  # "rgb", "cmyk", "gray", "separation", "lab", "pattern", "other"


_GRAY = Space("DeviceGray", 1, "gray")


@dataclass
class PageInks:
    """One page's use of colour."""

    uses: Counter[tuple[str, str]] = field(default_factory=Counter)  # (kind, space): count
    rich_black: list[float] = field(default_factory=list)  # font sizes of rich-black text
    rich_black_colour: tuple[float, ...] = ()  # the first such colour, as CMYK fractions
    highest_ink: float = 0.0  # % of the heaviest colour painted (marks aside)
    heaviest_image: float = 0.0  # % of the heaviest pixel of an image on the page
    marks: Counter[str] = field(default_factory=Counter)  # space of each mark outside the bleed
    forbidden: Counter[str] = field(default_factory=Counter)  # what PDF/X forbids, by kind


@dataclass
class _State:
    """The part of the graphics state that says what colour paints."""

    ctm: _Matrix = _IDENTITY
    fill: Space = _GRAY
    stroke: Space = _GRAY
    fill_values: tuple[float, ...] = (0.0,)
    stroke_values: tuple[float, ...] = (0.0,)
    render_mode: int = 0
    font_size: float = 0.0

    def copy(self) -> _State:
        return _State(**self.__dict__)

    def set_colour(
        self, stroke: bool, values: tuple[float, ...], space: Space | None = None
    ) -> None:
        """The stroking or the filling colour (and its space, when it changes)."""
        if stroke:
            self.stroke, self.stroke_values = space or self.stroke, values
        else:
            self.fill, self.fill_values = space or self.fill, values


class _Walker:
    """Walks one page's content, forms and annotations, filling a ``PageInks``."""

    def __init__(self, bleed: _Box, profile: bytes | None) -> None:
        self.inks = PageInks()
        self.bleed = bleed
        self.profile = profile

    def page(self, page: Any) -> PageInks:
        """Walk a page: its group, content, and its annotations' appearances."""
        resources = page.get("/Resources") or {}
        self._group(page.get("/Group"), resources)
        contents = content(page)
        if contents is not None:
            self._content(contents, resources, _State(), "page")
        annotations = page.get("/Annots")
        for annotation in annotations if is_array(annotations) else []:
            if not is_dictionary(annotation):
                continue
            appearance: Any = (annotation.get("/AP") or {}).get("/N")
            if is_dictionary(appearance) and "/Subtype" not in appearance:  # appearance states
                appearance = next(iter(appearance.values()), None)
            if is_dictionary(appearance):
                self._form(appearance, resources, _State(), "annotation")
        return self.inks

    def _content(self, data: bytes, resources: Any, state: _State, context: str) -> None:
        """Walk a content stream under ``resources``, from ``state``."""
        stack: list[_State] = []
        path: list[tuple[float, float]] = []
        text_scale = 1.0  # of the text matrix: with the font size, the size printed
        for operands, operator in operations(data):
            numbers = _numbers(operands)
            name = next((v for v in operands if isinstance(v, str)), None)
            if operator == b"q":
                stack.append(state.copy())
            elif operator == b"Q" and stack:
                state = stack.pop()
            elif operator == b"cm" and len(numbers) == 6:
                state.ctm = _multiply(numbers, state.ctm)
            elif operator in _COLOUR_OPERATORS:
                _COLOUR_OPERATORS[operator](state, operands, resources)
            elif operator == b"Tr" and numbers:
                state.render_mode = int(numbers[0])
            elif operator == b"Tf" and numbers:
                state.font_size = numbers[-1]
            elif operator == b"BT":
                text_scale = 1.0
            elif operator == b"Tm" and len(numbers) == 6:
                text_scale = _scale(numbers)
            elif operator in _PATH:
                path += _points(operator, numbers, state.ctm)
            elif operator in _FILL or operator in _STROKE or operator == b"n":
                self._paint(operator, path, state, context)
                path = []
            elif operator in _TEXT:
                self._text(state, context, state.font_size * text_scale * _scale(state.ctm))
            elif operator == b"Do" and name:
                self._x_object(resources, name, state, context)
            elif operator == b"sh" and name:
                shading = _lookup(resources, "/Shading", name)
                space = _space(shading.get("/ColorSpace"), resources) if shading else None
                if space is not None:
                    self._use("shading" if context == "page" else context, space)
            elif operator == b"gs" and name:
                self._soft_mask(_lookup(resources, "/ExtGState", name), resources)
            elif operator == b"INLINE IMAGE":
                self._inline_image(operands[0], resources, context)

    def _use(self, kind: str, space: Space) -> None:
        self.inks.uses[kind, space.name] += 1

    def _paint(
        self, operator: bytes, path: list[tuple[float, float]], state: _State, context: str
    ) -> None:
        """A path painted: where, in which colours; outside the bleed it is a mark."""
        if operator == b"n" or not path:
            return
        painted = []
        if operator in _FILL:
            painted.append((state.fill, state.fill_values))
        if operator in _STROKE:
            painted.append((state.stroke, state.stroke_values))
        box = _bounds(path)
        outside = (
            box[2] < self.bleed[0]
            or box[0] > self.bleed[2]
            or box[3] < self.bleed[1]
            or box[1] > self.bleed[3]
        )
        for space, values in painted:
            self._use("path" if context == "page" else context, space)
            if outside and context == "page":
                self.inks.marks[space.name] += 1
            elif space.name != REGISTRATION:
                self._ink(space, values)

    def _text(self, state: _State, context: str, size: float) -> None:
        """Text shown: its colour (fill, or stroke for outlined text)."""
        if state.render_mode in (3, 7):  # invisible (a clip, or OCR text)
            return
        space, values = (
            (state.stroke, state.stroke_values)
            if state.render_mode in (1, 5)
            else (state.fill, state.fill_values)
        )
        self._use("text" if context == "page" else context, space)
        self._ink(space, values)
        cmyk = _as_cmyk(space, values, self.profile)
        if cmyk is not None and cmyk[3] >= RICH_BLACK_K and sum(cmyk[:3]) > RICH_BLACK_OTHERS:
            self.inks.rich_black.append(size)
            self.inks.rich_black_colour = self.inks.rich_black_colour or cmyk

    def _ink(self, space: Space, values: tuple[float, ...]) -> None:
        """Keep the heaviest colour painted."""
        ink = _total_ink(space, values)
        if ink is not None:
            self.inks.highest_ink = max(self.inks.highest_ink, ink)

    def _x_object(self, resources: Any, name: Any, state: _State, context: str) -> None:
        """A form (walked, once) or an image (its colour space and heaviest pixel)."""
        x_object = _lookup(resources, "/XObject", name)
        if x_object is None:
            return
        self._forbidden_in(x_object)
        if x_object.get("/Subtype") == "/Form":
            self._form(x_object, resources, state, context)
            return
        if x_object.get("/ImageMask"):
            self._use("image mask", state.fill)
            return
        space = _space(x_object.get("/ColorSpace"), resources)
        if space is not None:
            self._use("image" if context == "page" else context, space)
            self.inks.heaviest_image = max(
                self.inks.heaviest_image, image_ink(x_object, self.profile)
            )

    def _forbidden_in(self, x_object: Any) -> None:
        """What PDF/X forbids in an XObject: PostScript, OPI, alternate images, LZW."""
        if x_object.get("/Subtype") == "/PS" or x_object.get("/Subtype2") == "/PS":
            self.inks.forbidden["PostScript"] += 1
        if "/OPI" in x_object:
            self.inks.forbidden["OPI"] += 1
        if "/Alternates" in x_object:
            self.inks.forbidden["alternate image"] += 1
        if "/LZWDecode" in filters(x_object):
            self.inks.forbidden["LZW"] += 1

    def _form(self, form: Any, resources: Any, state: _State, context: str) -> None:
        """A form XObject, under its own resources when it has them."""
        own = form.get("/Resources") or resources
        self._group(form.get("/Group"), own)
        inner = state.copy()
        matrix = form.get("/Matrix")
        if matrix is not None:
            inner.ctm = _multiply(_numbers(list(matrix)), inner.ctm)
        # A form drawn twice is walked twice: a preflight counts each use.
        self._content(form.read_bytes(), own, inner, context)

    def _group(self, group: Any, resources: Any) -> None:
        """A transparency group's blending colour space."""
        if is_dictionary(group) and "/CS" in group:
            space = _space(group["/CS"], resources)
            if space is not None:
                self._use("transparency group", space)

    def _soft_mask(self, state: Any, resources: Any) -> None:
        """A graphics state: its soft mask's group (which blends in its own colour space),
        and the transfer functions and halftones PDF/X leaves to the printer."""
        state = state or {}
        for key in ("/TR", "/TR2"):
            if key in state and state[key] != "/Default":
                self.inks.forbidden["transfer function"] += 1
        if "/HT" in state and state["/HT"] != "/Default":
            self.inks.forbidden["halftone"] += 1
        mask = state.get("/SMask")
        if is_dictionary(mask) and is_dictionary(mask.get("/G")):
            self._group(mask["/G"].get("/Group"), resources)

    def _inline_image(self, settings: dict[str, Any], resources: Any, context: str) -> None:
        """An inline image's colour space (its pixels are too few to weigh)."""
        raw = settings.get("/CS", settings.get("/ColorSpace"))
        if raw is None or settings.get("/IM", settings.get("/ImageMask")) == "true":
            return
        space = _space(_ABBREVIATIONS.get(raw, raw), resources) if raw else None
        self._use(
            "image" if context == "page" else context,
            space or Space("espace d'image en ligne non lu", 0, "other"),
        )


def read_inks(page: Any, output_profile: bytes | None) -> PageInks:
    """The inks of one page (its dictionary); ``output_profile`` (the output intent's ICC
    profile) weighs what is not CMYK already as a printer's RIP would separate it."""
    bleed_box = page.get("/BleedBox") or page.get("/TrimBox")
    bleed = (
        tuple(float(v) for v in bleed_box)
        if is_array(bleed_box) and len(bleed_box) == 4
        else page_box(page, "/MediaBox")
    )
    drawn: _Box = (
        min(bleed[0], bleed[2]),
        min(bleed[1], bleed[3]),
        max(bleed[0], bleed[2]),
        max(bleed[1], bleed[3]),
    )
    return _Walker(drawn, output_profile).page(page)


def _lookup(resources: Any, category: str, name: Any) -> Any:
    """A named resource (``/XObject /Im1``), or None."""
    found: Any = resources.get(category) if is_dictionary(resources) else None
    return found.get(str(name)) if is_dictionary(found) else None


def _space(value: Any, resources: Any) -> Space | None:
    """A colour space from its PDF form: a name (device or resource) or an array."""
    if is_name_or_string(value):
        value = str(value)
        name = _ABBREVIATIONS.get(value, value)
        if name in _DEVICE:
            default = _lookup(resources, "/ColorSpace", "/Default" + name[len("/Device") :])
            if default is not None:  # DefaultRGB and the like remap the device space
                return _space(default, None)
            family = {"/DeviceRGB": "rgb", "/DeviceCMYK": "cmyk", "/DeviceGray": "gray"}[name]
            return Space(name[1:], _DEVICE[name], family)
        if name == "/Pattern":
            return Space("Pattern", 0, "pattern")
        if name in ("/CalRGB", "/CalGray", "/Lab"):
            return _space([name], resources)
        named = _lookup(resources, "/ColorSpace", value)
        return _space(named, None) if named is not None else None
    if not is_array(value) or not len(value):
        return None
    kind = str(value[0])
    if kind == "/ICCBased":
        stream = value[1]
        header = stream.read_bytes()[16:20].decode("latin-1").strip()
        family = {"RGB": "rgb", "CMYK": "cmyk", "GRAY": "gray", "Lab": "lab"}.get(header, "other")
        return Space(f"ICCBased {header}", int(stream.get("/N", 0)), family)
    if kind == "/Separation":
        return Space(f"Separation {str(value[1]).lstrip('/')}", 1, "separation")
    if kind == "/DeviceN":
        names = " ".join(str(n).lstrip("/") for n in value[1])
        return Space(f"DeviceN {names}", len(value[1]), "separation")
    if kind == "/Indexed":
        base = _space(value[1], resources)
        return Space(f"Indexed {base.name}", 1, base.family) if base else None
    if kind == "/Pattern":
        return Space("Pattern", 0, "pattern")
    if kind in ("/CalRGB", "/CalGray", "/Lab"):
        return Space(kind[1:], 3 if kind != "/CalGray" else 1, "lab" if kind == "/Lab" else "other")
    return _space(value[0], resources) if len(value) == 1 else None


def _set_space(state: _State, operands: list[Any], resources: Any, stroke: bool) -> None:
    space = _space(operands[0], resources) or Space(str(operands[0]).lstrip("/"), 0, "other")
    initial = (1.0,) if space.family == "separation" else (0.0,) * space.components
    if space.family == "cmyk":
        initial = (0.0, 0.0, 0.0, 1.0)
    state.set_colour(stroke, initial, space)


def _set_values(state: _State, operands: list[Any], stroke: bool) -> None:
    state.set_colour(stroke, _numbers(operands))


def _device(name: str) -> Any:
    """The setter of ``rg``/``k``/``g`` (and their stroking forms) for a device space."""
    device = f"/Device{name}"
    plain = Space(device[1:], _DEVICE[device], name.lower())  # a DefaultRGB not understood

    def set_colour(state: _State, operands: list[Any], resources: Any, stroke: bool) -> None:
        # A DefaultRGB (DefaultCMYK, DefaultGray) remaps the device space however it is
        # set, by name or by these operators (PDF 32000-1, 8.6.5.6): _space looks it up.
        state.set_colour(stroke, _numbers(operands), _space(device, resources) or plain)

    return set_colour


_RGB, _CMYK, _GRAY_SET = _device("RGB"), _device("CMYK"), _device("Gray")
_COLOUR_OPERATORS: dict[bytes, Any] = {
    b"cs": lambda s, o, r: _set_space(s, o, r, False),
    b"CS": lambda s, o, r: _set_space(s, o, r, True),
    b"sc": lambda s, o, r: _set_values(s, o, False),
    b"scn": lambda s, o, r: _set_values(s, o, False),
    b"SC": lambda s, o, r: _set_values(s, o, True),
    b"SCN": lambda s, o, r: _set_values(s, o, True),
    b"rg": lambda s, o, r: _RGB(s, o, r, False),
    b"RG": lambda s, o, r: _RGB(s, o, r, True),
    b"k": lambda s, o, r: _CMYK(s, o, r, False),
    b"K": lambda s, o, r: _CMYK(s, o, r, True),
    b"g": lambda s, o, r: _GRAY_SET(s, o, r, False),
    b"G": lambda s, o, r: _GRAY_SET(s, o, r, True),
}


def _total_ink(space: Space, values: tuple[float, ...]) -> float | None:
    """Total ink in %, for the spaces whose values are inks (CMYK, gray as black)."""
    if space.family == "cmyk" and len(values) == 4:
        return 100 * sum(values)
    if space.family == "gray" and len(values) == 1:
        return 100 * (1 - values[0])
    if space.family == "separation" and space.name != REGISTRATION:
        return 100 * sum(values)
    return None


def _as_cmyk(
    space: Space, values: tuple[float, ...], profile: bytes | None
) -> tuple[float, ...] | None:
    """A colour as the four inks it separates to: CMYK as is, gray as black, RGB through
    the output profile (as a RIP would convert it)."""
    if space.family == "cmyk" and len(values) == 4:
        return values
    if space.family == "gray" and len(values) == 1:
        return (0.0, 0.0, 0.0, 1 - values[0])
    if space.family == "rgb" and len(values) == 3 and profile is not None:
        return rgb_to_cmyk(tuple(round(v * 255) for v in values), profile)
    return None


_PATH = {b"m", b"l", b"c", b"v", b"y", b"re"}


def _points(operator: bytes, numbers: tuple[float, ...], ctm: _Matrix) -> list[tuple[float, float]]:
    """The points a path operator adds, in default user space."""
    if operator == b"re" and len(numbers) == 4:
        x, y, w, h = numbers
        return [_apply(ctm, x + dx, y + dy) for dx in (0, w) for dy in (0, h)]
    pairs = len(numbers) // 2 * 2
    return [_apply(ctm, numbers[i], numbers[i + 1]) for i in range(0, pairs, 2)]


def _numbers(operands: list[Any]) -> tuple[float, ...]:
    """The operands that are numbers (a malformed operator gets too few, and is skipped)."""
    return tuple(found for v in operands if (found := number(v)) is not None)


def _multiply(a: tuple[float, ...], b: _Matrix) -> _Matrix:
    """The matrix ``a`` then ``b`` (PDF's row-vector convention)."""
    return (
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    )


def _apply(m: _Matrix, x: float, y: float) -> tuple[float, float]:
    return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])


def _bounds(points: list[tuple[float, float]]) -> _Box:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return (min(xs), min(ys), max(xs), max(ys))


def _scale(m: tuple[float, ...]) -> float:
    """How much the matrix enlarges (its area's square root)."""
    return float(abs(m[0] * m[3] - m[1] * m[2]) ** 0.5)
