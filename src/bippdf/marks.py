"""Crop marks for the printer, drawn at the PDF boundary in registration colour.

WeasyPrint draws its own crop marks in RGB black, which separates to four-colour black
(over 300 % ink) and is not allowed under a CMYK output intent. bippdf draws them
itself, in the finisher: at each corner of the trim, two hairlines continuing its edges,
starting ``OFFSET`` beyond the bleed and stopping inside the MediaBox, in the colour
space a press prints on every plate (``/Separation /All``).
"""

from __future__ import annotations

from typing import Any

OFFSET = 6.0  # points between the bleed and a mark: a mark never prints on the page
LENGTH = 18.0  # points: a mark's length
WIDTH = 0.25  # points: a hairline
REGISTRATION = "Registration"  # the colour space's resource name


def draw_crop_marks(pdf: Any, bleed: float) -> None:
    """Every page of a pydyf PDF (being written) gets crop marks ``bleed`` points
    beyond its TrimBox plus ``OFFSET``, in registration colour."""
    import pydyf

    space = pydyf.Array(
        [
            "/Separation",
            "/All",
            "/DeviceCMYK",
            pydyf.Dictionary(
                {
                    "FunctionType": 2,
                    "Domain": pydyf.Array([0, 1]),
                    "C0": pydyf.Array([0, 0, 0, 0]),
                    "C1": pydyf.Array([1, 1, 1, 1]),
                    "N": 1,
                }
            ),
        ]
    )
    pdf.add_object(space)
    opening = pydyf.Stream([b"q"])
    pdf.add_object(opening)
    for number in pdf.pages["Kids"][::3]:
        page = pdf.objects[number]
        _add_colour_space(pdf, page, space)
        trim = [float(v) for v in page["TrimBox"]]
        marks = pydyf.Stream([_marks(trim, bleed)], compress=True)
        pdf.add_object(marks)
        # The page's own content leaves its graphics state changed (WeasyPrint's first
        # operator flips the y axis): it is wrapped in q … Q, the marks drawn after.
        page["Contents"] = pydyf.Array([opening.reference, page["Contents"], marks.reference])


def _marks(trim: list[float], bleed: float) -> bytes:
    """The content drawing the eight hairlines around a trim box."""
    left, right = sorted((trim[0], trim[2]))
    bottom, top = sorted((trim[1], trim[3]))
    near, far = bleed + OFFSET, bleed + OFFSET + LENGTH
    lines = []
    for x, outward_x in ((left, -1), (right, 1)):
        for y, outward_y in ((bottom, -1), (top, 1)):
            lines.append((x + outward_x * near, y, x + outward_x * far, y))
            lines.append((x, y + outward_y * near, x, y + outward_y * far))
    path = "\n".join(f"{x1:g} {y1:g} m {x2:g} {y2:g} l S" for x1, y1, x2, y2 in lines)
    return f"Q\nq\n/{REGISTRATION} CS 1 SCN {WIDTH:g} w 0 J [] 0 d\n{path}\nQ".encode()


def _add_colour_space(pdf: Any, page: Any, space: Any) -> None:
    """Name the registration colour space in the page's resources (shared or not)."""
    import pydyf

    resources = _object(pdf, page["Resources"])
    spaces = resources.get("ColorSpace")
    if spaces is None:
        spaces = resources["ColorSpace"] = pydyf.Dictionary()
    _object(pdf, spaces)[REGISTRATION] = space.reference


def _object(pdf: Any, value: Any) -> Any:
    """A pydyf value, through its reference (``b"5 0 R"``) when it is one."""
    if isinstance(value, (bytes, str)):
        text = value.decode() if isinstance(value, bytes) else value
        return pdf.objects[int(text.split()[0])]
    return value
