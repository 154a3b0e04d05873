"""The TrueType font shipped with dpia (DejaVu Sans, see dpia/fonts/LICENSE-DejaVu.txt).

PDF text is set in it so Welsh, Polish and other European letters print
correctly; the diagrams measure their text with the same metrics. reportlab is
imported only when a document is built.
"""

from __future__ import annotations

from functools import lru_cache

from dpia.resources import PACKAGE

FONT_DIR = PACKAGE / "fonts"
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
ITALIC = "DejaVuSans-Oblique"
FAMILY = "DejaVuSans"
# Named in SVG so a browser without DejaVu Sans falls back to a narrower sans-serif.
CSS_FAMILY = "'DejaVu Sans', Verdana, Arial, sans-serif"


@lru_cache(maxsize=1)
def register() -> str:
    """Register the font family with reportlab once; returns the family name."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name in (REGULAR, BOLD, ITALIC):
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / f"{name}.ttf")))
    addMapping(FAMILY, 0, 0, REGULAR)
    addMapping(FAMILY, 1, 0, BOLD)
    addMapping(FAMILY, 0, 1, ITALIC)
    addMapping(FAMILY, 1, 1, BOLD)
    return FAMILY


def text_width(text: str, size: float, bold: bool = False) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    register()
    return float(stringWidth(text, BOLD if bold else REGULAR, size))


def prefix_fitting(text: str, width: float, size: float, bold: bool = False, suffix: str = "") -> int:
    """The length of the longest start of ``text`` that, followed by ``suffix``, is at most
    ``width`` wide. Linear in that length (glyph widths add up), so cutting a long text into
    lines, or shortening it with an ellipsis, never re-measures it from the start."""
    from reportlab.pdfbase.pdfmetrics import getFont

    register()
    face = getFont(BOLD if bold else REGULAR).face
    per_point = 0.001 * size
    room = width / per_point - sum(face.charWidths.get(ord(c), face.defaultWidth) for c in suffix)
    used = 0.0
    n = 0
    for c in text:
        used += face.charWidths.get(ord(c), face.defaultWidth)
        if used > room:
            break
        n += 1
    # Settle rounding at the edge against the exact measure the layout uses.
    while n and text_width(text[:n] + suffix, size, bold) > width:
        n -= 1
    while n < len(text) and text_width(text[: n + 1] + suffix, size, bold) <= width:
        n += 1
    return n
