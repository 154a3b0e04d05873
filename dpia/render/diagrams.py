"""The data-flow diagram and the risk heat maps, laid out once and drawn twice.

:func:`flow_picture` and :func:`heatmap_picture` compute a :class:`Picture`:
a list of rectangles, lines and text placed in points, with the origin at the
top left. :func:`to_svg` turns it into inline SVG for the HTML document (through
an autoescaped template) and :func:`to_drawing` into a reportlab ``Drawing``
for the PDF, so both show exactly the same picture. Text is measured with the
font the PDF embeds. Wording comes from the vocabulary and from labels the DPIA
template sets (``@meta figure.*``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from dpia.answers import vocab
from dpia.render import fonts

if TYPE_CHECKING:
    from dpia.answers.model import Project
    from dpia.assessment.assess import Assessment

Point = tuple[float, float]
Anchor = Literal["start", "middle", "end"]

WIDTH = 480.0  # the text width of an A4 page with 2 cm margins, in points
INK = "#1a1a1a"
NAVY = "#1f3a5f"
GREY = "#595959"
RED = "#b00020"
ROLE_STYLE: dict[str, tuple[str, str]] = {  # fill, stroke
    "controller": ("#dbe7f3", NAVY),
    "processor": ("#e3f1e6", "#2e6b3f"),
    "other": ("#ffffff", "#5a5a5a"),
}
LEVEL_FILL: dict[str, str] = {"low": "#cfe8cf", "medium": "#ffe2a0", "high": "#f4b6b6"}
HEAT_LABEL = "#4d4d4d"  # the level named in each heat-map cell


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    stroke: str
    stroke_width: float = 0.8
    kind: str = "rect"


@dataclass(frozen=True)
class Line:
    points: tuple[Point, ...]
    color: str
    width: float = 1.0
    dash: tuple[float, ...] = ()
    arrow: bool = False
    kind: str = "line"

    @property
    def head(self) -> tuple[Point, Point, Point]:
        """The arrowhead triangle at the last point."""
        (x0, _), (x1, y1) = self.points[-2], self.points[-1]
        dx = 1.0 if x1 >= x0 else -1.0
        return ((x1, y1), (x1 - 7 * dx, y1 - 3.5), (x1 - 7 * dx, y1 + 3.5))


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # baseline
    text: str
    size: float = 7.5
    bold: bool = False
    italic: bool = False
    anchor: Anchor = "start"
    color: str = INK
    kind: str = "text"


Shape = Rect | Line | Text


@dataclass
class Picture:
    width: float
    height: float
    title: str
    shapes: list[Shape] = field(default_factory=list)

    def text(self, x: float, y: float, lines: list[str], size: float, **style: Any) -> float:
        """Place lines of text from baseline ``y``; returns the baseline after the last line."""
        for line in lines:
            self.shapes.append(Text(x, y, line, size, **style))
            y += size * 1.25
        return y


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Greedy word wrap by measured width.

    A word wider than ``width`` breaks after a hyphen, dot, underscore or slash
    (identifiers such as ``no-processor-contract-callpoint``), and only if a piece
    is still too wide, anywhere.
    """
    lines: list[str] = []
    current = ""
    glue = False
    for piece, glue_next in _pieces(text, width, size, bold):
        joiner = "" if glue or not current else " "
        trial = f"{current}{joiner}{piece}"
        if current and fonts.text_width(trial, size, bold) > width:
            lines.append(current)
            current = piece
        else:
            current = trial
        glue = glue_next
    if current:
        lines.append(current)
    return lines or [""]


_BREAK_AFTER = re.compile(r"[^-._/]*[-._/]+|[^-._/]+")


def _pieces(text: str, width: float, size: float, bold: bool) -> list[tuple[str, bool]]:
    """Words, or parts of over-wide words; the flag says the next piece continues the word."""
    out: list[tuple[str, bool]] = []
    for word in text.split():
        if fonts.text_width(word, size, bold) <= width:
            out.append((word, False))
            continue
        parts: list[str] = []
        for part in _BREAK_AFTER.findall(word):
            while len(part) > 1 and (fit := fonts.prefix_fitting(part, width, size, bold)) < len(part):
                cut = min(max(fit, 1), len(part) - 1)
                parts.append(part[:cut])
                part = part[cut:]
            parts.append(part)
        out += [(part, i < len(parts) - 1) for i, part in enumerate(parts)]
    return out


# --- the data-flow diagram ------------------------------------------------------


def flow_orgs(p: Project) -> list[str]:
    """Organisations shown, left to right: those that only send, the controllers, the rest."""
    involved = {f.from_ for f in p.sharing} | {f.to for f in p.sharing}
    shown = [o for o in p.org_ids if o in involved or o in p.controller_ids]
    senders = {f.from_ for f in p.sharing}
    receivers = {f.to for f in p.sharing}
    controllers = set(p.controller_ids)
    left = [o for o in shown if o not in controllers and o in senders and o not in receivers]
    middle = [o for o in p.controller_ids if o in shown]
    right = [o for o in shown if o not in controllers and o not in left]
    return left + middle + right


def role_of(p: Project, org_id: str) -> str:
    if org_id in p.controller_ids:
        return "controller"
    if org_id in p.processor_ids:
        return "processor"
    return "other"


MAX_COLUMNS = 6  # organisations side by side in one panel: 80 pt each on the page
PANEL_HEIGHT = 670.0  # a panel, the space above it and the figure's caption fit one A4 page
HEAD_SIZES = (7.5, 7.0, 6.5, 6.0)  # organisation names shrink this far before being shortened
HEAD_LINES = 5
LABEL_LINES = 3  # an arrow's label; the flow table beside the figure has the full text


@dataclass(frozen=True)
class _Row:
    number: int
    flow: Any  # a sharing flow of the answers
    lines: list[str]


def flow_pictures(p: Project, labels: Mapping[str, str], title: str) -> list[Picture]:
    """The data-flow diagram as one or more panels, each small enough for a page.

    Organisations are columns with lifelines; each flow is an arrow numbered as in the
    answers. At most :data:`MAX_COLUMNS` organisations stand side by side: with more,
    the flows are grouped by the organisations they involve, the controllers repeated
    as column heads in every group. A group with more flows than fit a page continues
    in the next panel under the same heads.
    """
    panels: list[tuple[list[str], list[_Row]]] = []
    for columns, flows in _column_groups(p, flow_orgs(p)):
        centre = _centres(columns)
        rows = [_Row(n, f, _arrow_label(labels, n, f, centre)) for n, f in flows]
        # less the part line, the heads, the space around the arrows and two lines of legend
        room = PANEL_HEIGHT - 16 - _heads(p, columns, labels).height - 20 - 28
        chunk: list[_Row] = []
        used = 0.0
        for row in rows:
            if chunk and used + _row_height(row) > room:
                panels.append((columns, chunk))
                chunk, used = [], 0.0
            chunk.append(row)
            used += _row_height(row)
        panels.append((columns, chunk))
    if len(panels) == 1:
        return [_panel(p, *panels[0], labels, title, "")]
    part = _label(labels, "figure.part")
    return [_panel(p, columns, chunk, labels, title, part.format(part=i, parts=len(panels)))
            for i, (columns, chunk) in enumerate(panels, start=1)]


def _label(labels: Mapping[str, str], key: str) -> str:
    from dpia.errors import OutputError

    if key not in labels:
        raise OutputError(f"the DPIA template does not set '@meta {key}'")
    return labels[key]


def _column_groups(p: Project, orgs: list[str]) -> list[tuple[list[str], list[tuple[int, Any]]]]:
    """(organisations as columns, numbered flows) for each panel group, in the order of the answers."""
    numbered = list(enumerate(p.sharing, start=1))
    if len(orgs) <= MAX_COLUMNS:
        return [(orgs, numbered)]
    hub = {o for o in p.controller_ids if o in orgs}
    if len(hub) > MAX_COLUMNS - 2:
        hub = set()
    room = MAX_COLUMNS - len(hub)
    groups: list[tuple[set[str], list[tuple[int, Any]]]] = []
    for number, flow in numbered:
        extra = {flow.from_, flow.to} - hub
        for shown, flows in groups:  # first fit: the first group with room for its organisations
            if len(shown | extra) <= room:
                shown |= extra
                flows.append((number, flow))
                break
        else:
            groups.append((extra, [(number, flow)]))
    return [([o for o in orgs if o in hub or o in shown], flows) for shown, flows in groups]


def _centres(columns: list[str]) -> dict[str, float]:
    col = WIDTH / max(len(columns), 1)
    return {o: col * i + col / 2 for i, o in enumerate(columns)}


def _arrow_label(labels: Mapping[str, str], number: int, flow: Any, centre: dict[str, float]) -> list[str]:
    pattern = labels["figure.flow.insecure" if flow.is_insecure else "figure.flow"]
    text = pattern.format(
        n=number,
        method=vocab.TRANSFER_METHODS[flow.method],
        identifiability=vocab.IDENTIFIABILITY[flow.identifiability],
    )
    span = abs(centre[flow.to] - centre[flow.from_])
    return shorten(text, min(max(span - 12, 130.0), WIDTH - 4), 7, flow.is_insecure, LABEL_LINES)


def _row_height(row: _Row) -> float:
    return 12 + len(row.lines) * 7 * 1.25


def shorten(text: str, width: float, size: float, bold: bool, max_lines: int) -> list[str]:
    """Wrapped lines, at most ``max_lines``, the last ending in " …" if words were left out.
    Words are never broken across lines: one wider than ``width`` is shortened with "…"."""
    words = [w if fonts.text_width(w, size, bold) <= width else _ellipsis(w, width, size, bold)
             for w in text.split()]
    lines = wrap(" ".join(words), width, size, bold)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        kept = lines[-1].split()
        while kept and fonts.text_width(" ".join([*kept, "…"]), size, bold) > width:
            kept.pop()  # whole words go, never part of one
        lines[-1] = " ".join([*kept, "…"])
    return lines


def _ellipsis(text: str, width: float, size: float, bold: bool) -> str:
    if fonts.text_width(text, size, bold) <= width:
        return text
    return text[: fonts.prefix_fitting(text, width, size, bold, "…")].rstrip() + "…"


def _head_size(names: list[str], width: float) -> float:
    """The largest name size at which every word of every name fits its column."""
    for size in HEAD_SIZES:
        if all(fonts.text_width(w, size, True) <= width for name in names for w in name.split()):
            return size
    return HEAD_SIZES[-1]


@dataclass(frozen=True)
class _Heads:
    """The organisations' boxes of one panel: name size, lines of each name and role, height."""

    size: float
    names: dict[str, list[str]]
    roles: dict[str, list[str]]
    height: float


def _heads(p: Project, columns: list[str], labels: Mapping[str, str]) -> _Heads:
    col = WIDTH / max(len(columns), 1)
    size = _head_size([p.org(o).name for o in columns], col - 16)
    names = {o: shorten(p.org(o).name, col - 16, size, True, HEAD_LINES) for o in columns}
    roles = {o: shorten(labels[f"figure.role.{role_of(p, o)}"], col - 12, 6.5, False, 2) for o in columns}
    lines = max((len(names[o]) * size * 1.25 + len(roles[o]) * 6.5 * 1.25 for o in columns), default=0)
    return _Heads(size, names, roles, 16 + lines)


def _panel(p: Project, columns: list[str], rows: list[_Row], labels: Mapping[str, str], title: str,
           part: str) -> Picture:
    col = WIDTH / max(len(columns), 1)
    centre = _centres(columns)
    pic = Picture(WIDTH, 0, f"{title} ({part})" if part else title)
    top = 0.0
    if part:
        pic.shapes.append(Text(0, 9, part, 7.5, bold=True, color=GREY))
        top = 16.0
    heads = _heads(p, columns, labels)
    box_h = heads.height
    for o in columns:
        fill, stroke = ROLE_STYLE[role_of(p, o)]
        pic.shapes.append(Rect(centre[o] - (col - 8) / 2, top, col - 8, box_h, fill, stroke, 1.0))
        y = pic.text(centre[o], top + 5.5 + heads.size, heads.names[o], heads.size, bold=True,
                     anchor="middle", color=INK)
        pic.text(centre[o], y + 0.5, heads.roles[o], 6.5, italic=True, anchor="middle", color=GREY)

    y = top + box_h + 8
    arrows: list[Shape] = []
    for row in rows:
        flow, lines = row.flow, row.lines
        x0, x1 = centre[flow.from_], centre[flow.to]
        widest = max(fonts.text_width(line, 7, flow.is_insecure) for line in lines)
        mid = min(max((x0 + x1) / 2, widest / 2 + 2), WIDTH - widest / 2 - 2)
        color = RED if flow.is_insecure else NAVY
        labels_h = len(lines) * 7 * 1.25
        pic.shapes.append(Rect(mid - widest / 2 - 3, y + 2, widest + 6, labels_h + 1, "#ffffff",
                               "#ffffff", 0))
        y = pic.text(mid, y + 9, lines, 7, bold=flow.is_insecure, anchor="middle", color=color)
        y -= 5
        dash = (4.0, 2.5) if flow.is_insecure else ()
        direction = 1 if x1 > x0 else -1
        arrows.append(Line(((x0 + 3 * direction, y), (x1 - 3 * direction, y)), color,
                           1.6 if flow.is_insecure else 1.2, dash, arrow=True))
        y += 8
    height = y + 6
    lifelines: list[Shape] = [
        Line(((centre[o], top + box_h), (centre[o], height - 4)), "#9aa5b1", 0.8, (2.0, 2.0))
        for o in columns
    ]
    pic.shapes = lifelines + pic.shapes + arrows
    pic.height = _legend(pic, height + 6, labels, any(r.flow.is_insecure for r in rows))
    return pic


def _legend(pic: Picture, y: float, labels: Mapping[str, str], insecure: bool) -> float:
    """The key to the boxes and the dashed arrow, on as many lines as it needs."""
    x = 0.0
    items: list[tuple[str, str]] = [(role, labels[f"figure.role.{role}"]) for role in ROLE_STYLE]
    if insecure:
        items.append(("insecure", labels["figure.insecure.legend"]))
    for kind, text in items:
        width = 28 + fonts.text_width(text, 7)
        if x and x + width > WIDTH:
            x, y = 0.0, y + 14
        if kind == "insecure":
            pic.shapes.append(Line(((x, y + 4.5), (x + 22, y + 4.5)), RED, 1.6, (4.0, 2.5), arrow=True))
            pic.shapes.append(Text(x + 28, y + 7.5, text, 7, color=RED))
        else:
            fill, stroke = ROLE_STYLE[kind]
            pic.shapes.append(Rect(x, y, 14, 9, fill, stroke, 1.0))
            pic.shapes.append(Text(x + 19, y + 7.5, text, 7, color=INK))
        x += width + 7
    return y + 14


# --- the heat maps --------------------------------------------------------------

Cell = tuple[str, str]  # (likelihood, severity)
LIKELIHOOD_ROWS = tuple(reversed(vocab.codes(vocab.Likelihood)))  # probable at the top
SEVERITY_COLS = vocab.codes(vocab.Severity)


def heat_cells(a: Assessment, after: bool) -> dict[Cell, list[str]]:
    """Risk ids by heat-map cell, before measures or after them (eliminated risks left out)."""
    cells: dict[Cell, list[str]] = {(lik, sev): [] for lik in LIKELIHOOD_ROWS for sev in SEVERITY_COLS}
    for r in a.risks:
        where = r.cell_after if after else (r.likelihood, r.severity)
        if where is not None:
            cells[where].append(r.id)
    return cells


def cell_level(cell: Cell) -> str:
    lik, sev = cell
    return vocab.level_for_score(vocab.LIKELIHOOD_SCORE[lik] * vocab.SEVERITY_SCORE[sev])


def heatmap_picture(a: Assessment, after: bool, labels: Mapping[str, str], title: str) -> Picture:
    cells = heat_cells(a, after)
    head = 78.0
    cw = (WIDTH - head) / 3
    pic = Picture(WIDTH, 0, title)
    pic.shapes.append(Text(0, 10, labels["figure.likelihood"], 7.5, bold=True, color=GREY))
    y = 16.0
    packed = {c: _pack(ids, cw - 10, 7.5) for c, ids in cells.items()}
    for lik in LIKELIHOOD_ROWS:
        rows = max(len(packed[(lik, s)]) for s in SEVERITY_COLS)
        h = max(34.0, 18 + rows * 9.4)
        pic.shapes.append(Text(head - 8, y + h / 2 + 3, vocab.LIKELIHOODS[lik], 8, bold=True,
                               anchor="end"))
        for i, sev in enumerate(SEVERITY_COLS):
            x = head + i * cw
            level = cell_level((lik, sev))
            pic.shapes.append(Rect(x, y, cw, h, LEVEL_FILL[level], "#ffffff", 2.0))
            pic.shapes.append(Text(x + cw - 5, y + 9, vocab.LEVELS[level], 6, italic=True,
                                   anchor="end", color=HEAT_LABEL))
            pic.text(x + 6, y + 19, packed[(lik, sev)], 7.5, bold=True)
        y += h
    for i, sev in enumerate(SEVERITY_COLS):
        pic.shapes.append(Text(head + i * cw + cw / 2, y + 11, vocab.SEVERITIES[sev], 8, bold=True,
                               anchor="middle"))
    pic.shapes.append(Text(head + 1.5 * cw, y + 24, labels["figure.severity"], 7.5, bold=True,
                           anchor="middle", color=GREY))
    y += 30
    gone = [r.id for r in a.risks if after and r.effect == "eliminated"]
    unplaced = [f"{r.id} ({vocab.LEVELS[r.level_after]})" for r in a.risks if after and r.unplaced_after]
    for label, ids in (("figure.eliminated", gone), ("figure.unplaced", unplaced)):
        if ids:
            text = f"{labels[label]} {', '.join(ids)}"
            y = pic.text(0, y + 8, wrap(text, WIDTH, 7.5), 7.5, italic=True)
    pic.height = y + 2
    return pic


def _pack(ids: list[str], width: float, size: float) -> list[str]:
    """Put ids on as few lines as fit, separated by commas."""
    return wrap(", ".join(ids), width, size, bold=True) if ids else []


# --- output ----------------------------------------------------------------------


def to_svg(parts: list[Picture], ident: str, render: Callable[[str, dict[str, Any]], str]) -> str:
    """Inline SVG, one image per panel, through the autoescaped figure template; ``ident`` must
    be unique in the page (a second panel's is ``ident-2`` and so on)."""
    return "\n".join(
        render("dpia/figure.svg.j2", {"pic": pic, "ident": ident if i == 1 else f"{ident}-{i}",
                                      "font": fonts.CSS_FAMILY, "fmt": _num})
        for i, pic in enumerate(parts, start=1)
    )


def _num(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def to_drawing(pic: Picture) -> Any:
    """A reportlab Drawing of the picture (y flipped: reportlab's origin is bottom left)."""
    from reportlab.graphics.shapes import Drawing, Polygon, PolyLine, String
    from reportlab.graphics.shapes import Rect as RlRect
    from reportlab.lib.colors import HexColor

    fonts.register()
    h = pic.height
    d = Drawing(pic.width, h)
    d.initialFontName = fonts.REGULAR  # so no unembedded Helvetica is referenced
    for s in pic.shapes:
        if isinstance(s, Rect):
            d.add(RlRect(s.x, h - s.y - s.h, s.w, s.h, fillColor=HexColor(s.fill),
                         strokeColor=HexColor(s.stroke), strokeWidth=s.stroke_width))
        elif isinstance(s, Line):
            pts = [c for x, y in s.points for c in (x, h - y)]
            d.add(PolyLine(pts, strokeColor=HexColor(s.color), strokeWidth=s.width,
                           strokeDashArray=list(s.dash) or None))
            if s.arrow:
                tri = [c for x, y in s.head for c in (x, h - y)]
                d.add(Polygon(tri, fillColor=HexColor(s.color), strokeColor=HexColor(s.color),
                              strokeWidth=0.5))
        else:
            font = fonts.BOLD if s.bold else (fonts.ITALIC if s.italic else fonts.REGULAR)
            d.add(String(s.x, h - s.y, s.text, fontName=font, fontSize=s.size,
                         fillColor=HexColor(s.color), textAnchor=s.anchor))
    return d
