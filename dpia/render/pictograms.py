"""Simple pictograms for the Easy Read summary, drawn here as a few shapes on a 100 x 100
grid so the same drawing becomes inline SVG in the web page and vector graphics in the
PDF. Nothing is fetched at run time. Black strokes on white, as Easy Read guidance asks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reportlab.graphics.shapes import Drawing

STROKE = 6

# Shapes: ("circle", cx, cy, r, filled), ("rect", x, y, w, h, filled),
# ("line", x1, y1, x2, y2), ("poly", (x1, y1, x2, y2, ...), closed, filled).
Shape = tuple[Any, ...]

_PERSON: list[Shape] = [
    ("circle", 30, 30, 12, True), ("poly", (10, 90, 12, 62, 30, 50, 48, 62, 50, 90), False, True)]

PICTOGRAMS: dict[str, list[Shape]] = {
    # A person with a question in a speech bubble.
    "asking": [*_PERSON, ("poly", (55, 12, 92, 12, 92, 42, 72, 42, 62, 54, 64, 42, 55, 42), True, False),
               ("line", 68, 22, 80, 22), ("line", 68, 31, 80, 31)],
    # A form with lines and a tick box.
    "form": [("rect", 20, 8, 60, 84, False), ("line", 32, 28, 68, 28), ("line", 32, 44, 68, 44),
             ("line", 32, 60, 52, 60), ("rect", 58, 66, 12, 12, False)],
    # A padlock.
    "lock": [("poly", (32, 46, 32, 28, 40, 16, 60, 16, 68, 28, 68, 46), False, False),
             ("rect", 20, 46, 60, 44, True)],
    # Two speech bubbles.
    "speech": [("poly", (8, 12, 60, 12, 60, 48, 30, 48, 16, 62, 20, 48, 8, 48), True, False),
               ("poly", (40, 56, 92, 56, 92, 86, 84, 86, 88, 96, 72, 86, 40, 86), True, True)],
    # A bin with a lid.
    "bin": [("line", 16, 22, 84, 22), ("poly", (40, 22, 42, 12, 58, 12, 60, 22), False, False),
            ("poly", (24, 30, 30, 92, 70, 92, 76, 30), True, False),
            ("line", 40, 42, 42, 80), ("line", 60, 42, 58, 80)],
    # A telephone handset.
    "telephone": [("poly", (18, 20, 36, 14, 46, 34, 36, 42, 58, 64, 66, 54, 86, 64, 80, 82, 62, 88,
                            36, 74, 22, 56, 14, 36), True, True)],
    # A calendar page.
    "calendar": [("rect", 12, 18, 76, 72, False), ("line", 12, 36, 88, 36), ("line", 32, 8, 32, 26),
                 ("line", 68, 8, 68, 26), ("rect", 28, 50, 14, 12, True), ("rect", 58, 66, 14, 12, True)],
    # A clock.
    "clock": [("circle", 50, 50, 40, False), ("line", 50, 50, 50, 24), ("line", 50, 50, 70, 60)],
    # Two people: the group or the people we may tell.
    "people": [*_PERSON, ("circle", 70, 30, 12, True),
               ("poly", (50, 90, 52, 62, 70, 50, 88, 62, 90, 90), False, True)],
    # A hand held up: stop.
    "stop": [("circle", 50, 50, 40, False), ("line", 22, 78, 78, 22)],
}


def svg(name: str) -> str:
    """The pictogram as inline SVG, hidden from screen readers (the text beside it says it all)."""
    parts = []
    for shape in PICTOGRAMS[name]:
        kind = shape[0]
        if kind == "circle":
            _, cx, cy, r, filled = shape
            parts.append(f'<circle cx="{cx}" cy="{cy}" r="{r}"{_fill(filled)}/>')
        elif kind == "rect":
            _, x, y, w, h, filled = shape
            parts.append(f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="3"{_fill(filled)}/>')
        elif kind == "line":
            _, x1, y1, x2, y2 = shape
            parts.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}"/>')
        else:
            _, points, closed, filled = shape
            tag = "polygon" if closed else "polyline"
            pts = " ".join(f"{points[i]},{points[i + 1]}" for i in range(0, len(points), 2))
            parts.append(f'<{tag} points="{pts}"{_fill(filled)}/>')
    return (
        '<svg class="pictogram" viewBox="0 0 100 100" width="80" height="80" aria-hidden="true" '
        f'focusable="false" fill="none" stroke="#000" stroke-width="{STROKE}" '
        'stroke-linecap="round" stroke-linejoin="round">' + "".join(parts) + "</svg>"
    )


def _fill(filled: bool) -> str:
    return ' fill="#000"' if filled else ""


def drawing(name: str, size: float) -> Drawing:
    """The pictogram as a reportlab drawing ``size`` points square (y grows upwards there)."""
    from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, PolyLine, Rect
    from reportlab.lib.colors import black

    k = size / 100
    d = Drawing(size, size)

    def y(v: float) -> float:
        return (100 - v) * k

    style = {"strokeColor": black, "strokeWidth": STROKE * k, "strokeLineCap": 1, "strokeLineJoin": 1}
    for shape in PICTOGRAMS[name]:
        kind = shape[0]
        if kind == "circle":
            _, cx, cy, r, filled = shape
            d.add(Circle(cx * k, y(cy), r * k, fillColor=black if filled else None, **style))
        elif kind == "rect":
            _, x0, y0, w, h, filled = shape
            d.add(Rect(x0 * k, y(y0 + h), w * k, h * k, rx=3 * k, ry=3 * k,
                       fillColor=black if filled else None, **style))
        elif kind == "line":
            _, x1, y1, x2, y2 = shape
            d.add(Line(x1 * k, y(y1), x2 * k, y(y2), **style))
        else:
            _, points, closed, filled = shape
            pts = [v * k if i % 2 == 0 else y(v) for i, v in enumerate(points)]
            if closed or filled:
                d.add(Polygon(pts, fillColor=black if filled else None, **style))
            else:
                d.add(PolyLine(pts, **style))
    return d
