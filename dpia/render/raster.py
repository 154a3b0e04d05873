"""A diagram as a PNG image at print resolution, for the Word document.

Draws the same :class:`~dpia.render.diagrams.Picture` the PDF and the HTML draw
(rectangles, lines, arrowheads, text in the DejaVu Sans the PDF embeds) with
Pillow, which reportlab already depends on. reportlab's own bitmap renderer
(renderPM) needs a cairo or rl_renderPM extension that a plain install of
reportlab lacks, so it is not used. At print resolution the edges need no
smoothing (text is smoothed by FreeType), which keeps the build fast.
Imported only when the Word document is built.
"""

from __future__ import annotations

import io
import math
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from dpia.render import fonts
from dpia.render.diagrams import Line, Picture, Rect

if TYPE_CHECKING:
    from PIL import ImageFont

DPI = 300  # print resolution
_ANCHOR = {"start": "ls", "middle": "ms", "end": "rs"}  # Pillow: left/middle/right, on the baseline


@lru_cache(maxsize=32)
def _font(name: str, pixels: int) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont

    return ImageFont.truetype(str(fonts.FONT_DIR / f"{name}.ttf"), pixels)


Point = tuple[float, float]


def _dashes(points: tuple[Point, ...], dash: tuple[float, ...]) -> list[list[Point]]:
    """The drawn pieces of a dashed polyline (on, off, on, ... lengths in the same units)."""
    pieces: list[list[Point]] = []
    pattern = [d for d in dash if d > 0] or [1.0]
    index, left, on = 0, pattern[0], True
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        length = math.hypot(x1 - x0, y1 - y0)
        done = 0.0
        while done < length:
            step = min(left, length - done)
            if on:
                a, b = done / length, (done + step) / length
                pieces.append([(x0 + (x1 - x0) * a, y0 + (y1 - y0) * a),
                               (x0 + (x1 - x0) * b, y0 + (y1 - y0) * b)])
            done += step
            left -= step
            if left <= 1e-9:
                index = (index + 1) % len(pattern)
                left, on = pattern[index], not on
    return pieces


def to_png(pic: Picture, dpi: int = DPI) -> bytes:
    """The picture as PNG bytes at ``dpi``; the same picture gives the same bytes."""
    from PIL import Image, ImageDraw

    scale = dpi / 72
    size = (max(1, math.ceil(pic.width * scale)), max(1, math.ceil(pic.height * scale)))
    img = Image.new("RGB", size, "#ffffff")
    draw = ImageDraw.Draw(img)

    def pt(x: float, y: float) -> tuple[float, float]:
        return (x * scale, y * scale)

    def width(w: float) -> int:
        return max(1, round(w * scale))

    for s in pic.shapes:
        if isinstance(s, Rect):
            box = [pt(s.x, s.y), pt(s.x + s.w, s.y + s.h)]
            outline: Any = s.stroke if s.stroke_width > 0 else None
            draw.rectangle(box, fill=s.fill, outline=outline, width=width(s.stroke_width))
        elif isinstance(s, Line):
            pieces = _dashes(s.points, s.dash) if s.dash else [list(s.points)]
            for piece in pieces:
                draw.line([pt(x, y) for x, y in piece], fill=s.color, width=width(s.width), joint="curve")
            if s.arrow:
                draw.polygon([pt(x, y) for x, y in s.head], fill=s.color)
        else:
            name = fonts.BOLD if s.bold else (fonts.ITALIC if s.italic else fonts.REGULAR)
            font = _font(name, round(s.size * scale))
            draw.text(pt(s.x, s.y), s.text, fill=s.color, font=font, anchor=_ANCHOR[s.anchor])
    buf = io.BytesIO()
    img.save(buf, "PNG", dpi=(dpi, dpi), compress_level=1)  # a third of the default's time, 8% larger
    return buf.getvalue()
