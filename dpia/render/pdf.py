"""The DPIA as a print PDF: reportlab layout of the parsed block document.

Layout only: every word comes from the document (``templates/dpia.blocks.j2``)
or the vocabulary. All text is escaped for reportlab's paragraph markup here,
at the one place it is turned into markup, so answers can never add links,
images or styling, or break the build. Imported only when a document is built.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from dpia.render import blocks, diagrams, fonts
from dpia.render.blocks import Document, Inline

MARGIN = 20 * mm
NAVY = colors.HexColor(diagrams.NAVY)
RED = colors.HexColor(diagrams.RED)
RULE = colors.HexColor("#c9d2dc")
PALE = colors.HexColor("#e8eef5")
MUTED = colors.HexColor("#555555")
LEVEL_BG = {k: colors.HexColor(v) for k, v in diagrams.LEVEL_FILL.items()}
LEVEL_INK = {"low": "#1e5e2a", "medium": "#7a4a00", "high": "#8a0015"}
BLANK = "_" * 13


def _styles() -> dict[str, ParagraphStyle]:
    f = fonts.register()
    bold = fonts.BOLD
    # No embeddedHyphenation: reportlab 5.1 drops the hyphen when a table cell is wrapped twice.
    base = ParagraphStyle("body", fontName=f, bulletFontName=f, fontSize=9.2, leading=13, spaceAfter=5)
    s = {
        "body": base,
        "lead": ParagraphStyle("lead", base, fontSize=15, leading=20, textColor=NAVY, spaceAfter=10),
        "note": ParagraphStyle("note", base, backColor=PALE, borderColor=NAVY, borderWidth=0,
                               borderPadding=(6, 7, 6, 7), spaceBefore=6, spaceAfter=10, leftIndent=7,
                               rightIndent=7),
        "warn": ParagraphStyle("warn", base, backColor=colors.HexColor("#fdecea"), borderColor=RED,
                               borderWidth=0.8, borderPadding=(6, 7, 6, 7), spaceBefore=6,
                               spaceAfter=12, leftIndent=7, rightIndent=7),
        "small": ParagraphStyle("small", base, fontSize=8, leading=11, textColor=MUTED),
        "h1": ParagraphStyle("h1", base, fontName=bold, fontSize=22, leading=27, textColor=NAVY,
                             spaceBefore=4, spaceAfter=4, keepWithNext=1),
        "h2": ParagraphStyle("h2", base, fontName=bold, fontSize=15, leading=19, textColor=NAVY,
                             spaceBefore=14, spaceAfter=8, keepWithNext=1),
        "h3": ParagraphStyle("h3", base, fontName=bold, fontSize=11, leading=14, textColor=NAVY,
                             spaceBefore=9, spaceAfter=4, keepWithNext=1),
        "li": ParagraphStyle("li", base, leftIndent=12, bulletIndent=2, spaceAfter=3),
        "cell": ParagraphStyle("cell", base, fontSize=8.2, leading=10.6, spaceAfter=0),
        "head": ParagraphStyle("head", base, fontName=bold, fontSize=8.2, leading=10.6, spaceAfter=0,
                               textColor=colors.white),
        "rowhead": ParagraphStyle("rowhead", base, fontName=bold, fontSize=8.2, leading=10.6,
                                  spaceAfter=0),
        "caption": ParagraphStyle("caption", base, fontName=bold, fontSize=8.5, spaceBefore=4),
        "toc0": ParagraphStyle("toc0", base, fontSize=9.5, leading=15, leftIndent=4),
    }
    return s


def _fit_words(text: str, width: float, size: float, bold: bool) -> str:
    """Escaped text whose words wider than ``width`` are broken with ``<br/>`` after a hyphen,
    dot or underscore, so ids never break mid-word (reportlab breaks long words anywhere)."""
    words = text.split(" ")
    for i, word in enumerate(words):
        if word and fonts.text_width(word, size, bold) > width:
            words[i] = "<br/>".join(escape(line) for line in diagrams.wrap(word, width, size, bold))
        else:
            words[i] = escape(word)
    return " ".join(words)


def markup(spans: Inline, fit: tuple[float, float, bool] | None = None) -> str:
    """Spans as reportlab paragraph markup; every text is XML-escaped.

    ``fit`` is (width, font size, bold style) of a table cell: words wider than the cell break
    after hyphens rather than mid-word.
    """
    out: list[str] = []
    for s in spans:
        if s.kind == "br":
            out.append("<br/>")
            continue
        if s.kind == "blank":
            out.append(f'<font color="#777777">{BLANK}</font>')
            continue
        raw = s.text.replace(" ", "\xa0") if s.nobr else s.text
        if fit:
            text = _fit_words(raw, fit[0], fit[1], fit[2] or s.bold or s.level is not None)
        else:
            text = escape(raw)
        if s.code:
            text = f'<font color="#26415f">{text}</font>'
        if s.italic:
            text = f"<i>{text}</i>"
        if s.bold:
            text = f"<b>{text}</b>"
        if s.level:
            text = f'<font color="{LEVEL_INK.get(s.level, "#1a1a1a")}"><b>{text}</b></font>'
        out.append(text)
    return "".join(out)


def _cell_level(spans: Inline) -> str | None:
    """A cell that shows nothing but a risk level is coloured by it."""
    levels = {s.level for s in spans if s.kind == "text" and s.text.strip()}
    if len(levels) == 1:
        only = next(iter(levels))
        return only
    return None


class _Heading(Paragraph):  # type: ignore[misc]
    """A heading that knows its anchor, for the outline and the table of contents."""

    def __init__(self, text: str, style: ParagraphStyle, anchor: str, plain: str) -> None:
        super().__init__(text, style)
        self.anchor = anchor
        self.plain = plain


class _Table(Table):  # type: ignore[misc]
    """A table that splits a row across pages only when the row is taller than a page (a cell
    listing hundreds of flows, a field thousands of characters long); every other row moves
    to the next page whole. Rows are measured once, however many pages the table runs to."""

    page_height = A4[1] - 40 * mm - 12  # the frame's height, less its padding

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        self._calc(avail_width, avail_height)
        self.splitInRow = int(max(self._rowHeights, default=0) > self.page_height)
        if not self.splitInRow:
            # The rest of the table, on the next page, keeps the row heights measured here
            # (reportlab would measure every remaining row again on every page).
            self._argH = list(self._rowHeights)
        return super().split(avail_width, avail_height)  # type: ignore[no-any-return]


def _table(t: blocks.Table, st: dict[str, ParagraphStyle], width: float) -> Table:
    ncols = t.columns
    weights = t.widths if len(t.widths) == ncols else [1.0] * ncols
    col_widths = [width * w / sum(weights) for w in weights]
    data: list[list[Any]] = []
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), fonts.REGULAR, 8.2),
        ("GRID", (0, 0), (-1, -1), 0.5, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    size = st["cell"].fontSize
    room = [w - 9 for w in col_widths]  # less the cell's padding
    if t.head:
        data.append([Paragraph(markup(c, (room[i], size, True)), st["head"]) for i, c in enumerate(t.head)])
        commands.append(("BACKGROUND", (0, 0), (-1, 0), NAVY))
    first = 1 if t.head else 0
    for r, row in enumerate(t.rows, start=first):
        cells: list[Any] = []
        for c, spans in enumerate(row):
            heading = c == 0 and t.row_headers
            style = st["rowhead"] if heading else st["cell"]
            level = _cell_level(spans)
            if level in LEVEL_BG:
                commands.append(("BACKGROUND", (c, r), (c, r), LEVEL_BG[level]))
            cells.append(Paragraph(markup(spans, (room[c], size, heading)), style))
        cells += [""] * (ncols - len(cells))
        data.append(cells)
    if t.row_headers and len(data) > first:
        commands.append(("BACKGROUND", (0, first), (0, -1), PALE))
    if t.style == "signoff":
        commands += [("TOPPADDING", (0, first), (-1, -1), 9), ("BOTTOMPADDING", (0, first), (-1, -1), 9)]
    return _Table(data, colWidths=col_widths, repeatRows=first, style=TableStyle(commands), hAlign="LEFT")


def story(doc: Document, pics: dict[str, list[diagrams.Picture]], width: float) -> list[Flowable]:
    st = _styles()
    out: list[Flowable] = []
    for b in doc.blocks:
        if isinstance(b, blocks.Heading):
            if b.level == 2:
                out.append(CondPageBreak(110))
            elif b.level == 3:
                out.append(CondPageBreak(60))
            out.append(_Heading(markup(b.text), st[f"h{b.level}"], b.anchor, blocks.plain(b.text)))
        elif isinstance(b, blocks.Para):
            out.append(Paragraph(markup(b.text), st[b.style or "body"]))
        elif isinstance(b, blocks.ListBlock):
            out += [Paragraph(markup(item), st["li"], bulletText="•") for item in b.items]
        elif isinstance(b, blocks.Table):
            table = _table(b, st, width)
            out += [KeepTogether([table]) if b.style == "signoff" else table, Spacer(1, 8)]
        elif isinstance(b, blocks.Figure):
            # Each panel fits a page; the caption stays with the last one.
            *first, last = [diagrams.to_drawing(pic) for pic in pics[b.name]]
            caption = Paragraph(markup(b.caption), st["caption"])
            out += [Spacer(1, 4), *first, KeepTogether([last, caption])] if first else [
                KeepTogether([Spacer(1, 4), last, caption])]
        elif isinstance(b, blocks.Toc):
            toc = TableOfContents(levelStyles=[st["toc0"]], dotsMinLevel=0, tableStyle=TableStyle([
                ("FONT", (0, 0), (-1, -1), fonts.REGULAR, 9.5),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]))
            out += [CondPageBreak(200), Paragraph(markup(b.title), st["h2"]), toc]
        else:
            out.append(PageBreak())
    return out


def _not_drawn(*args: Any, **kwargs: Any) -> None:
    return None


class _Frame(Frame):  # type: ignore[misc]
    """A frame that, while ``dry``, places flowables without drawing them."""

    dry = False

    def add(self, flowable: Flowable, canv: Canvas, trySplit: int = 0) -> int:  # noqa: N803
        if not self.dry:
            return super().add(flowable, canv, trySplit)  # type: ignore[no-any-return]
        # This flowable only, for this placing only (past reportlab's attribute checks).
        object.__setattr__(flowable, "drawOn", _not_drawn)
        try:
            return super().add(flowable, canv, trySplit)  # type: ignore[no-any-return]
        finally:
            flowable.__dict__.pop("drawOn", None)


class _Template(BaseDocTemplate):  # type: ignore[misc]
    """Laid out twice, as the contents page needs: the first pass only learns on which
    page each heading falls, so it places every flowable without drawing it (drawing is
    half the work of a pass); the second lays out and draws with the page numbers known.
    Layout never depends on drawing, so the PDF is the same as from two drawn passes."""

    _passes = 0
    _dry = False  # the last pass placed without drawing

    def build(self, flowables: list[Flowable], filename: Any = None, canvasmaker: Any = Canvas) -> None:
        self._dry = self._passes == 0 and bool(getattr(self, "_indexingFlowables", ()))
        for template in self.pageTemplates:
            for frame in template.frames:
                frame.dry = self._dry
        self._passes += 1
        super().build(flowables, filename, canvasmaker)

    def _allSatisfied(self) -> bool:  # noqa: N802 - reportlab's name
        return not self._dry and bool(super()._allSatisfied())

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, _Heading) and flowable.style.name in ("h2", "h3"):
            level = 0 if flowable.style.name == "h2" else 1
            self.canv.bookmarkPage(flowable.anchor)
            self.canv.addOutlineEntry(flowable.plain, flowable.anchor, level=level, closed=False)
            if level == 0:
                self.notify("TOCEntry", (0, escape(flowable.plain), self.page, flowable.anchor))


def _fit(text: str, size: float, bold: bool, width: float) -> str:
    if fonts.text_width(text, size, bold) <= width:
        return text
    return text[: fonts.prefix_fitting(text, width, size, bold, "…")].rstrip() + "…"


def _decorate(meta: dict[str, str]) -> Callable[[Canvas, BaseDocTemplate], None]:
    """Running header and DRAFT watermark, drawn on every page before its content."""
    draft = meta.get("draft.mark")

    def on_page(canv: Canvas, doc: BaseDocTemplate) -> None:
        w, h = A4
        canv.saveState()
        if draft:
            canv.setFillColor(colors.HexColor("#f3d6d9"))
            canv.setFont(fonts.BOLD, 110)
            canv.translate(w / 2, h / 2)
            canv.rotate(45)
            canv.drawCentredString(0, -38, draft)
            canv.rotate(-45)
            canv.translate(-w / 2, -h / 2)
        right = meta["header.right"]
        canv.setFont(fonts.BOLD, 8)
        canv.setFillColor(RED if draft else NAVY)
        canv.drawRightString(w - MARGIN, h - 12 * mm, right)
        room = w - 2 * MARGIN - fonts.text_width(right, 8, True) - 12
        canv.setFont(fonts.REGULAR, 8)
        canv.setFillColor(MUTED)
        canv.drawString(MARGIN, h - 12 * mm, _fit(meta["header.left"], 8, False, room))
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.6)
        canv.line(MARGIN, h - 13.8 * mm, w - MARGIN, h - 13.8 * mm)
        canv.line(MARGIN, 13.5 * mm, w - MARGIN, 13.5 * mm)
        canv.drawString(MARGIN, 9 * mm, _fit(meta["footer.left"], 8, False, w - 2 * MARGIN - 90))
        canv.restoreState()

    return on_page


class _BuildDate:
    """The build date as reportlab's document timestamp (midnight UTC), so the PDF's
    creation and modification dates are the ``--date`` of the build, not reportlab's
    invariant 2000-01-01 nor the clock."""

    def __init__(self, day: date) -> None:
        moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
        self.t = moment.timestamp()
        self.YMDhms = (day.year, day.month, day.day, 0, 0, 0)
        self.dhh = self.dmm = 0
        self.tzname = "UTC"


def _canvas_class(meta: dict[str, str], created: date) -> type[Canvas]:
    """A canvas that writes "Page N of M" once the number of pages is known."""
    pattern = meta["footer.page"]

    class PagedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._doc._timeStamp = _BuildDate(created)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(fonts.REGULAR, 8)
                self.setFillColor(MUTED)
                text = pattern.format(page=self._pageNumber, pages=total)
                self.drawRightString(A4[0] - MARGIN, 9 * mm, text)
                super().showPage()
            super().save()

    return PagedCanvas


def render_pdf(doc: Document, pics: dict[str, list[diagrams.Picture]], created: date) -> bytes:
    """The PDF's bytes; identical for the same document and date (reportlab's invariant
    mode, with ``created`` as the creation date)."""
    fonts.register()
    buf = io.BytesIO()
    template = _Template(
        buf,
        pagesize=A4,
        leftMargin=MARGIN, rightMargin=MARGIN, topMargin=20 * mm, bottomMargin=20 * mm,
        title=doc.meta["title"],
        author=doc.meta["author"],
        subject=doc.meta["subject"],
        creator="dpia",
        producer="dpia (reportlab)",
        lang=doc.meta["lang"],
        invariant=1,
        initialFontName=fonts.REGULAR,
    )
    frame = _Frame(template.leftMargin, template.bottomMargin, template.width, template.height, id="body")
    template.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=_decorate(doc.meta))])
    template.multiBuild(story(doc, pics, template.width), canvasmaker=_canvas_class(doc.meta, created))
    return buf.getvalue()

