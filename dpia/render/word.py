"""The DPIA as a Word document (dpia.docx), for the DPO to review with tracked changes.

Layout only, like :mod:`dpia.render.pdf`: every word comes from the parsed block
document (``templates/dpia.blocks.j2``). Word structure is real: the built-in
Heading 1-3 styles (navigation pane, table of contents), a TOC field that Word
updates on opening, tables with repeating header rows and cell shading, page
numbers and the page count as fields, the title, author and subject in the
file's properties, UK English as the language of every style. This module writes
the blocks; :mod:`dpia.render.wordframe` the styles, page, properties and package.

Text a person typed only ever becomes the text of a run (``w:t``), never a
field code, a hyperlink or a style name, so it stays literal. The file is the
same, byte for byte, for the same document and build date: the core
properties' dates and the zip entries' times are the build date, and every id
is counted, not drawn at random. python-docx is imported only here, when a
document is built.
"""

from __future__ import annotations

import io
from datetime import date
from typing import TYPE_CHECKING, Any

from dpia.render import blocks, diagrams, raster
from dpia.render.blocks import Document, Inline
from dpia.render.wordframe import (
    NAVY,
    PALE,
    RULE,
    TEXT_W,
    TOC_STYLE,
    W_NS,
    add_styles,
    border,
    el,
    field_end,
    field_start,
    fixed_zip,
    literal,
    run,
    set_page,
    set_properties,
    set_settings,
    shading,
    twips,
)

if TYPE_CHECKING:
    from docx.document import Document as WordDocument

CODE = "26415F"  # an identifier's colour
LEVEL_BG = {k: v.lstrip("#").upper() for k, v in diagrams.LEVEL_FILL.items()}
LEVEL_INK = {"low": "1E5E2A", "medium": "7A4A00", "high": "8A0015"}
BLANK = "_" * 13  # a line to write on, in running text (a table cell is left empty to type in)
TOC_LEVELS = "2-2"  # the contents list the level-2 headings, as the PDF's and the web page's do
PICTURE_DPI = raster.DPI
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"


class _Writer:
    """Adds the blocks to the document body, one method per block kind.

    Paragraphs, runs and table cells are built as XML elements directly rather than through
    python-docx's paragraph and run objects, which cost most of the build's time; python-docx
    still makes the package, the styles, the tables' grid, the picture and the properties.
    """

    def __init__(self, d: WordDocument, doc: Document, pics: dict[str, list[diagrams.Picture]]) -> None:
        self.d, self.doc, self.pics = d, doc, pics
        self.style_ids = {style.name: style.style_id for style in d.styles}  # looked up once: it is slow
        self.break_next = False
        self.heat: blocks.Figure | None = None  # a heat map drawn as the table that follows it

    def runs(self, p: Any, spans: Inline, in_cell: bool = False, bold: bool = False) -> None:
        """The spans as runs of paragraph ``p``; each text goes into a ``w:t`` as it is, so it can
        never become markup."""
        has_text = any(s.kind == "text" and s.text.strip() for s in spans)
        for s in spans:
            if s.kind == "br":
                el("w:br", parent=el("w:r", parent=p))
            elif s.kind == "blank":
                if not (in_cell and not has_text):  # an empty cell is the space to type in
                    run(p, BLANK, color="777777")
            else:
                text = s.text.replace(" ", "\u00a0") if s.nobr else s.text
                color = LEVEL_INK.get(s.level, "1A1A1A") if s.level else (CODE if s.code else None)
                run(p, text, bold=bold or s.bold or bool(s.level), italic=s.italic, color=color)

    def paragraph(self, style: str | None = None, keep_with_next: bool = False) -> Any:
        """A new paragraph at the end of the body (its pPr children in the schema's order)."""
        p = self.d.element.body.add_p()
        if style or keep_with_next or self.break_next:
            p_pr = el("w:pPr", parent=p)
            if style:
                el("w:pStyle", parent=p_pr, val=self.style_ids[style])
            if keep_with_next:
                el("w:keepNext", parent=p_pr)
            if self.break_next:
                el("w:pageBreakBefore", parent=p_pr)
                self.break_next = False
        return p

    # --- blocks -----------------------------------------------------------------

    def heading(self, b: blocks.Heading) -> None:
        self.runs(self.paragraph(f"Heading {b.level}"), b.text)

    def para(self, b: blocks.Para, keep: bool) -> None:
        """``keep``: a table or figure follows, which the paragraph introduces."""
        style = {"": None, "lead": "DPIA Lead", "note": "DPIA Note", "warn": "DPIA Warning",
                 "small": "DPIA Small"}[b.style]
        self.runs(self.paragraph(style, keep_with_next=keep), b.text)

    def bullets(self, b: blocks.ListBlock, keep: bool) -> None:
        for n, item in enumerate(b.items, start=1):
            self.runs(self.paragraph("List Bullet", keep_with_next=keep and n == len(b.items)), item)

    def figure(self, b: blocks.Figure, following: blocks.Block | None) -> None:
        from docx.shared import Mm
        from docx.text.paragraph import Paragraph

        if b.name.startswith("heatmap") and isinstance(following, blocks.Table):
            self.heat = b  # drawn as a shaded Word table: the table that follows
            return
        # A large data-flow diagram comes in panels (each says "Part n of m"): one picture each.
        for pic in self.pics[b.name]:
            picture = Paragraph(self.paragraph(keep_with_next=True), self.d._body).add_run()
            png = raster.to_png(pic, PICTURE_DPI)
            picture.add_picture(io.BytesIO(png), width=Mm(TEXT_W * pic.width / diagrams.WIDTH))
            # The same text alternative as the web page: the figure's title and the note.
            for inline in picture._r.iter(f"{{{WP_NS}}}inline"):  # else LibreOffice adds 3 mm a side
                for side in ("distT", "distB", "distL", "distR"):
                    inline.set(side, "0")
            for prop in picture._r.iter(f"{{{WP_NS}}}docPr"):
                prop.set("title", literal(blocks.plain(b.caption)))
                prop.set("descr", literal(f"{blocks.plain(b.caption)}. {self.doc.label('figure.text_note')}"))
        self.runs(self.paragraph("Caption"), b.caption)

    def toc(self, b: blocks.Toc) -> None:
        """A TOC field that Word fills in when it opens the file (page numbers included).

        Until then it lists the headings without page numbers: LibreOffice shows a TOC field's
        last result as it is, and the pages Word or LibreOffice will lay out are not known here.
        """
        self.runs(self.paragraph("TOC Heading"), b.title)
        entries = [h for h in self.doc.headings if h.level == 2]
        p = self.paragraph(TOC_STYLE)
        field_start(p, f'TOC \\o "{TOC_LEVELS}" \\h \\z \\u', dirty=True)
        for n, h in enumerate(entries):
            if n:
                p = self.paragraph(TOC_STYLE)
            self.runs(p, h.text)
        field_end(p)

    def table(self, t: blocks.Table) -> None:
        heat, self.heat = self.heat, None
        if self.break_next:
            self.paragraph()
        ncols = t.columns
        rows = ([t.head] if t.head else []) + t.rows
        weights = t.widths if len(t.widths) == ncols else [1.0] * ncols
        widths = [twips(TEXT_W * w / sum(weights)) for w in weights]
        table = self.d.add_table(rows=len(rows), cols=ncols)
        _table_properties(table, widths, t.caption, heat)
        signoff = t.style == "signoff"
        for r, (tr, cells) in enumerate(zip(table._tbl.tr_lst, rows, strict=True)):
            head = r == 0 and t.head is not None
            tr_pr = tr.get_or_add_trPr()
            el("w:cantSplit", parent=tr_pr)
            if (signoff or heat is not None) and not head:
                el("w:trHeight", parent=tr_pr, val=str(twips(12 if signoff else 11)), hRule="atLeast")
            if head:
                el("w:tblHeader", parent=tr_pr)
            keep = signoff and r < len(rows) - 1  # the sign-off stays on one page
            for c, tc in enumerate(tr.tc_lst):
                spans = cells[c] if c < len(cells) else ()
                row_head = t.row_headers and c == 0 and not head
                self.cell(tc, spans, widths[c], head, row_head, heat is not None, keep)
        if heat is not None:
            self.runs(self.paragraph("Caption"), heat.caption)
        else:
            self.paragraph("DPIA Table Gap")  # and Word would join two tables that touch

    def cell(self, tc: Any, spans: Inline, width: int, head: bool, row_head: bool, heat: bool,
             keep: bool) -> None:
        tc.tcPr.tcW.set(f"{{{W_NS}}}w", str(width))
        level = _heat_level(spans) if heat else _cell_level(spans)
        fill = NAVY if head else (LEVEL_BG.get(level or "") or (PALE if row_head else None))
        if fill:
            tc.tcPr.append(shading(fill))  # after w:tcW, the only property set so far
        p = tc.p_lst[0]
        p_pr = el("w:pPr")
        p.insert(0, p_pr)
        el("w:pStyle", parent=p_pr, val=self.style_ids["DPIA Table Heading" if head else "DPIA Table Text"])
        if keep:
            el("w:keepNext", parent=p_pr)
        self.runs(p, spans, in_cell=True, bold=row_head)

    # --- the whole document -------------------------------------------------------

    def write(self) -> None:
        items = self.doc.blocks
        for i, b in enumerate(items):
            following = items[i + 1] if i + 1 < len(items) else None
            keep = isinstance(following, (blocks.Table, blocks.Figure))
            if isinstance(b, blocks.Heading):
                self.heading(b)
            elif isinstance(b, blocks.Para):
                self.para(b, keep)
            elif isinstance(b, blocks.ListBlock):
                self.bullets(b, keep)
            elif isinstance(b, blocks.Table):
                self.table(b)
            elif isinstance(b, blocks.Figure):
                self.figure(b, following)
            elif isinstance(b, blocks.Toc):
                self.toc(b)
            else:
                self.break_next = True


def _cell_level(spans: Inline) -> str | None:
    """A cell that shows nothing but a risk level is shaded by it (as in the PDF)."""
    levels = {s.level for s in spans if s.kind == "text" and s.text.strip()}
    return next(iter(levels)) if len(levels) == 1 else None


def _heat_level(spans: Inline) -> str | None:
    """A heat-map cell is shaded by the level it begins with."""
    first = next((s for s in spans if s.kind == "text" and s.text.strip()), None)
    return first.level if first else None


def _table_properties(table: Any, widths: list[int], caption: Inline, heat: blocks.Figure | None) -> None:
    """Width, borders, margins and the table's title and description for screen readers."""
    from docx.oxml.ns import qn

    tbl_pr = table._tbl.tblPr
    for child in list(tbl_pr):
        if child.tag != qn("w:tblStyle"):
            tbl_pr.remove(child)
    tbl_pr.append(el("w:tblW", w=str(sum(widths)), type="dxa"))
    borders = el("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(border(side, "FFFFFF" if heat else RULE, 12 if heat else 4))
    tbl_pr.append(borders)
    tbl_pr.append(el("w:tblLayout", type="fixed"))
    margins = el("w:tblCellMar")
    for side, size in (("top", 50), ("left", 85), ("bottom", 60), ("right", 85)):
        margins.append(el(f"w:{side}", w=str(size), type="dxa"))
    tbl_pr.append(margins)
    tbl_pr.append(el("w:tblLook", val="04A0", firstRow="1", lastRow="0", firstColumn="1", lastColumn="0",
                      noHBand="0", noVBand="1"))
    title = blocks.plain(heat.caption) if heat else blocks.plain(caption)
    if title:
        tbl_pr.append(el("w:tblCaption", val=literal(title)))
    if heat is not None and caption:
        tbl_pr.append(el("w:tblDescription", val=literal(f"{blocks.plain(caption)}.")))
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(width))


def render_docx(doc: Document, pics: dict[str, list[diagrams.Picture]], created: date) -> bytes:
    """The Word document's bytes; identical for the same document and build date."""
    import docx

    d = docx.Document()
    add_styles(d)
    set_page(d, doc)
    set_settings(d)
    set_properties(d, doc, created)
    body = d.element.body
    for p in body.findall(f"{{{W_NS}}}p"):  # the template's empty first paragraph
        body.remove(p)
    _Writer(d, doc, pics).write()
    buf = io.BytesIO()
    d.save(buf)
    return fixed_zip(buf.getvalue(), created)
