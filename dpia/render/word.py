"""The DPIA as a Word document (dpia.docx), for the DPO to review with tracked changes.

Layout only, like :mod:`dpia.render.pdf`: every word comes from the parsed block
document (``templates/dpia.blocks.j2``). Word structure is real: the built-in
Heading 1-3 styles (navigation pane, table of contents), a TOC field that Word
updates on opening, tables with repeating header rows and cell shading, page
numbers and the page count as fields, the title, author and subject in the
file's properties, UK English as the language of every style.

Text a person typed only ever becomes the text of a run (``w:t``), never a
field code, a hyperlink or a style name, so it stays literal. The file is the
same, byte for byte, for the same document and build date: the core
properties' dates and the zip entries' times are the build date, and every id
is counted, not drawn at random. python-docx is imported only here, when a
document is built.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from dpia.render import blocks, diagrams, raster
from dpia.render.blocks import Document, Inline

if TYPE_CHECKING:
    from docx.document import Document as WordDocument
    from docx.text.paragraph import Paragraph

# Arial: every copy of Word has it, and LibreOffice uses the metric-compatible
# Liberation Sans in its place; both print Welsh, Polish and other European letters.
FONT = "Arial"
PAGE_W, PAGE_H, MARGIN = 210.0, 297.0, 20.0  # A4, in millimetres
TEXT_W = PAGE_W - 2 * MARGIN
NAVY = diagrams.NAVY.lstrip("#")
RED = diagrams.RED.lstrip("#")
RULE = "C9D2DC"
PALE = "E8EEF5"
MUTED = "555555"
WARN_BG = "FDECEA"
CODE = "26415F"
LEVEL_BG = {k: v.lstrip("#").upper() for k, v in diagrams.LEVEL_FILL.items()}
LEVEL_INK = {"low": "1E5E2A", "medium": "7A4A00", "high": "8A0015"}
WATERMARK = "F3D6D9"
BLANK = "_" * 13
TOC_LEVELS = "2-2"  # the contents list the level-2 headings, as the PDF's and the web page's do
TOC_STYLE = "toc 2"  # Word's own name for the style of a level-2 heading's entry in the contents
PICTURE_DPI = raster.DPI

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# Paragraph properties that follow w:pBdr and w:shd in a w:pPr (the schema's order).
_AFTER_SHD = ("w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
              "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
              "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
              "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
              "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
_AFTER_PBDR = ("w:shd", *_AFTER_SHD)

# A text watermark as Word writes one (WordArt shape 136 in the page header).
_WATERMARK_XML = (
    '<w:r xmlns:w="{w}" xmlns:v="urn:schemas-microsoft-com:vml"'
    ' xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w10="urn:schemas-microsoft-com:office:word">'
    '<w:rPr><w:noProof/></w:rPr><w:pict>'
    '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800"'
    ' path="m@7,l@8,m@5,21600l@6,21600e"><v:formulas>'
    '<v:f eqn="sum #0 0 10800"/><v:f eqn="prod #0 2 1"/><v:f eqn="sum 21600 0 @1"/><v:f eqn="sum 0 0 @2"/>'
    '<v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/><v:f eqn="if @0 21600 @1"/><v:f eqn="if @0 0 @2"/>'
    '<v:f eqn="if @0 @4 21600"/><v:f eqn="mid @5 @6"/><v:f eqn="mid @8 @5"/><v:f eqn="mid @7 @8"/>'
    '<v:f eqn="mid @6 @7"/><v:f eqn="sum @6 0 @5"/></v:formulas>'
    '<v:path textpathok="t" o:connecttype="custom" o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800"'
    ' o:connectangles="270,180,90,0"/><v:textpath on="t" fitshape="t"/>'
    '<v:handles><v:h position="#0,bottomRight" xrange="6629,14971"/></v:handles>'
    '<o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype>'
    '<v:shape id="PowerPlusWaterMarkObject1" o:spid="_x0000_s2049" type="#_x0000_t136"'
    ' style="position:absolute;margin-left:0;margin-top:0;width:460pt;height:115pt;rotation:315;'
    'z-index:-251654144;mso-position-horizontal:center;mso-position-horizontal-relative:margin;'
    'mso-position-vertical:center;mso-position-vertical-relative:margin" o:allowincell="f"'
    ' fillcolor="#{color}" stroked="f"><v:fill opacity="1"/>'
    '<v:textpath style="font-family:&quot;{font}&quot;;font-size:1pt;font-weight:bold" string="{text}"/>'
    '<w10:wrap anchorx="margin" anchory="margin"/></v:shape></w:pict></w:r>'
)


def literal(text: str) -> str:
    """Text as a run holds it: characters XML 1.0 cannot carry become U+FFFD."""
    return _XML_ILLEGAL.sub("\ufffd", text)


WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_NSMAP = {"w": W_NS}
_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _run(p: Any, text: str, bold: bool = False, italic: bool = False, color: str | None = None) -> None:
    """Add a run holding ``text`` literally (rPr children in the schema's order: b, i, color)."""
    r = _el("w:r", parent=p)
    if bold or italic or color:
        r_pr = _el("w:rPr", parent=r)
        if bold:
            _el("w:b", parent=r_pr)
        if italic:
            _el("w:i", parent=r_pr)
        if color:
            _el("w:color", parent=r_pr, val=color)
    t = _el("w:t", parent=r)
    t.text = literal(text)
    t.set(_SPACE, "preserve")


def _el(tag: str, parent: Any = None, **attrs: str) -> Any:
    """A new ``w:`` element (appended to ``parent`` if given), made the way python-docx makes
    its own, without its slower name lookups."""
    from docx.oxml.parser import oxml_parser

    name = f"{{{W_NS}}}{tag.removeprefix('w:')}"
    el = oxml_parser.makeelement(name, nsmap=_NSMAP) if parent is None else parent.makeelement(name)
    for key, value in attrs.items():
        el.set(f"{{{W_NS}}}{key}", value)
    if parent is not None:
        parent.append(el)
    return el


def _shading(fill: str) -> Any:
    return _el("w:shd", val="clear", color="auto", fill=fill)


def _border(side: str, color: str, size: int = 4, space: int = 0) -> Any:
    return _el(f"w:{side}", val="single", sz=str(size), space=str(space), color=color)


def _twips(mm: float) -> int:
    return round(mm / 25.4 * 1440)


class _Writer:
    """Adds the blocks to the document body, one method per block kind.

    Paragraphs, runs and table cells are built as XML elements directly rather than through
    python-docx's paragraph and run objects, which cost most of the build's time; python-docx
    still makes the package, the styles, the tables' grid, the picture and the properties.
    """

    def __init__(self, d: WordDocument, doc: Document, pics: dict[str, diagrams.Picture]) -> None:
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
                _el("w:br", parent=_el("w:r", parent=p))
            elif s.kind == "blank":
                if not (in_cell and not has_text):  # an empty cell is the space to type in
                    _run(p, BLANK, color="777777")
            else:
                text = s.text.replace(" ", "\u00a0") if s.nobr else s.text
                color = LEVEL_INK.get(s.level, "1A1A1A") if s.level else (CODE if s.code else None)
                _run(p, text, bold=bold or s.bold or bool(s.level), italic=s.italic, color=color)

    def paragraph(self, style: str | None = None, keep_with_next: bool = False) -> Any:
        """A new paragraph at the end of the body (its pPr children in the schema's order)."""
        p = self.d.element.body.add_p()
        if style or keep_with_next or self.break_next:
            p_pr = _el("w:pPr", parent=p)
            if style:
                _el("w:pStyle", parent=p_pr, val=self.style_ids[style])
            if keep_with_next:
                _el("w:keepNext", parent=p_pr)
            if self.break_next:
                _el("w:pageBreakBefore", parent=p_pr)
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
        pic = self.pics[b.name]
        run = Paragraph(self.paragraph(keep_with_next=True), self.d._body).add_run()
        png = raster.to_png(pic, PICTURE_DPI)
        run.add_picture(io.BytesIO(png), width=Mm(TEXT_W * pic.width / diagrams.WIDTH))
        # The same text alternative as the web page: the figure's title and the note.
        for inline in run._r.iter(f"{{{WP_NS}}}inline"):  # else LibreOffice adds 3 mm on each side
            for side in ("distT", "distB", "distL", "distR"):
                inline.set(side, "0")
        for prop in run._r.iter(f"{{{WP_NS}}}docPr"):
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
        _field_start(p, f'TOC \\o "{TOC_LEVELS}" \\h \\z \\u', dirty=True)
        for n, h in enumerate(entries):
            if n:
                p = self.paragraph(TOC_STYLE)
            self.runs(p, h.text)
        _field_end(p)

    def table(self, t: blocks.Table) -> None:
        heat, self.heat = self.heat, None
        if self.break_next:
            self.paragraph()
        ncols = t.columns
        rows = ([t.head] if t.head else []) + t.rows
        weights = t.widths if len(t.widths) == ncols else [1.0] * ncols
        widths = [_twips(TEXT_W * w / sum(weights)) for w in weights]
        table = self.d.add_table(rows=len(rows), cols=ncols)
        _table_properties(table, widths, t.caption, heat)
        signoff = t.style == "signoff"
        for r, (tr, cells) in enumerate(zip(table._tbl.tr_lst, rows, strict=True)):
            head = r == 0 and t.head is not None
            tr_pr = tr.get_or_add_trPr()
            _el("w:cantSplit", parent=tr_pr)
            if (signoff or heat is not None) and not head:
                _el("w:trHeight", parent=tr_pr, val=str(_twips(12 if signoff else 11)), hRule="atLeast")
            if head:
                _el("w:tblHeader", parent=tr_pr)
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
            tc.tcPr.append(_shading(fill))  # after w:tcW, the only property set so far
        p = tc.p_lst[0]
        p_pr = _el("w:pPr")
        p.insert(0, p_pr)
        _el("w:pStyle", parent=p_pr, val=self.style_ids["DPIA Table Heading" if head else "DPIA Table Text"])
        if keep:
            _el("w:keepNext", parent=p_pr)
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
    tbl_pr.append(_el("w:tblW", w=str(sum(widths)), type="dxa"))
    borders = _el("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_border(side, "FFFFFF" if heat else RULE, 12 if heat else 4))
    tbl_pr.append(borders)
    tbl_pr.append(_el("w:tblLayout", type="fixed"))
    margins = _el("w:tblCellMar")
    for side, size in (("top", 50), ("left", 85), ("bottom", 60), ("right", 85)):
        margins.append(_el(f"w:{side}", w=str(size), type="dxa"))
    tbl_pr.append(margins)
    tbl_pr.append(_el("w:tblLook", val="04A0", firstRow="1", lastRow="0", firstColumn="1", lastColumn="0",
                      noHBand="0", noVBand="1"))
    title = blocks.plain(heat.caption) if heat else blocks.plain(caption)
    if title:
        tbl_pr.append(_el("w:tblCaption", val=literal(title)))
    if heat is not None and caption:
        tbl_pr.append(_el("w:tblDescription", val=literal(f"{blocks.plain(caption)}.")))
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(width))


def _field_run(p: Any, color: str | None) -> Any:
    """A run of a field's code; LibreOffice shows the result in the first run's colour."""
    r = _el("w:r", parent=p)
    if color:
        _el("w:color", parent=_el("w:rPr", parent=r), val=color)
    return r


def _field_start(p: Any, instruction: str, dirty: bool = False, color: str | None = None) -> None:
    """Begin a field in paragraph ``p``; ``dirty``: Word computes it again when it opens the file."""
    begin = _el("w:fldChar", parent=_field_run(p, color), fldCharType="begin")
    if dirty:
        begin.set(f"{{{W_NS}}}dirty", "true")
    instr = _el("w:instrText", parent=_field_run(p, color))
    instr.set(_SPACE, "preserve")
    instr.text = f" {instruction} "
    _el("w:fldChar", parent=_field_run(p, color), fldCharType="separate")


def _field_end(p: Any, color: str | None = None) -> None:
    _el("w:fldChar", parent=_field_run(p, color), fldCharType="end")


def _field(p: Any, instruction: str, shown: str, color: str | None = None) -> None:
    """A field (PAGE, NUMPAGES) with ``shown`` as its last known result."""
    _field_start(p, instruction, color=color)
    _run(p, shown, color=color)
    _field_end(p, color)


def _styles(d: WordDocument) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    styles_el = d.styles.element
    # python-docx's template carries 140 table styles this document never uses: drop them, and
    # the Word 2010 copy of the styles, which halves the file and the time to write it.
    for style in styles_el.findall(qn("w:style")):
        kept = style.get(qn("w:styleId")) in ("TableNormal", "TableGrid")
        if style.get(qn("w:type")) == "table" and not kept:
            styles_el.remove(style)
    for rid, rel in list(d.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            del d.part.rels[rid]
    defaults = styles_el.find(qn("w:docDefaults"))
    r_pr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    fonts = r_pr.find(qn("w:rFonts"))
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for attr in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{attr}"), FONT)
    lang = r_pr.find(qn("w:lang"))
    lang.set(qn("w:val"), "en-GB")
    lang.set(qn("w:eastAsia"), "en-GB")
    # Styles name no theme fonts or colours of their own: everything is Arial, set here.
    for el in styles_el.iter(qn("w:rFonts")):
        if el is not fonts:
            el.getparent().remove(el)
    for el in styles_el.iter(qn("w:color")):
        for attr in ("themeColor", "themeShade", "themeTint"):
            el.attrib.pop(qn(f"w:{attr}"), None)

    from docx.styles.style import StyleFactory

    named: dict[str, Any] = {style.name: style for style in d.styles}  # d.styles[name] searches each time
    normal = named["Normal"]
    normal.font.size = Pt(9.5)
    normal.font.color.rgb = RGBColor.from_string("1A1A1A")
    fmt = normal.paragraph_format
    fmt.space_after = Pt(5)
    fmt.line_spacing_rule = WD_LINE_SPACING.MULTIPLE
    fmt.line_spacing = 1.15
    fmt.widow_control = True

    for level, size, before, after in ((1, 22, 4, 4), (2, 15, 14, 8), (3, 11, 9, 4)):
        h = named[f"Heading {level}"]
        h.font.size = Pt(size)
        h.font.bold = True
        h.font.color.rgb = RGBColor.from_string(NAVY)
        h.paragraph_format.space_before = Pt(before)
        h.paragraph_format.space_after = Pt(after)
    toc_heading = named["TOC Heading"]
    toc_heading.font.size = Pt(15)
    toc_heading.paragraph_format.space_before = Pt(14)
    toc_heading.paragraph_format.space_after = Pt(8)

    def add(name: str, builtin: bool = False) -> Any:
        style: Any = StyleFactory(styles_el.add_style_of_type(name, WD_STYLE_TYPE.PARAGRAPH, builtin))
        style.base_style = normal
        style.quick_style = not builtin
        return style

    lead = add("DPIA Lead")
    lead.font.size = Pt(15)
    lead.font.color.rgb = RGBColor.from_string(NAVY)
    lead.paragraph_format.space_after = Pt(10)
    for name, fill, edge in (("DPIA Note", PALE, NAVY), ("DPIA Warning", WARN_BG, RED)):
        box = add(name)
        box.paragraph_format.space_before = Pt(6)
        box.paragraph_format.space_after = Pt(10)
        box.paragraph_format.left_indent = Mm(2)
        box.paragraph_format.right_indent = Mm(2)
        p_pr = box.element.get_or_add_pPr()
        borders = _el("w:pBdr")
        for side in ("top", "left", "bottom", "right"):
            borders.append(_border(side, edge if side == "left" or name == "DPIA Warning" else fill,
                                   24 if side == "left" else 4, 4))
        p_pr.insert_element_before(borders, *_AFTER_PBDR)
        p_pr.insert_element_before(_shading(fill), *_AFTER_SHD)
    small = add("DPIA Small")
    small.font.size = Pt(8)
    small.font.color.rgb = RGBColor.from_string(MUTED)
    for name, white in (("DPIA Table Text", False), ("DPIA Table Heading", True)):
        cell = add(name)
        cell.font.size = Pt(8.5)
        cell.paragraph_format.space_after = Pt(0)
        cell.paragraph_format.line_spacing = 1.0
        if white:
            cell.font.bold = True
            cell.font.color.rgb = RGBColor.from_string("FFFFFF")
    gap = add("DPIA Table Gap")
    gap.font.size = Pt(4)
    gap.paragraph_format.space_after = Pt(4)
    caption = named["Caption"]
    caption.font.color.rgb = RGBColor.from_string("1A1A1A")
    caption.font.size = Pt(8.5)
    caption.font.bold = True
    caption.paragraph_format.space_before = Pt(4)
    caption.paragraph_format.space_after = Pt(10)
    toc1 = add(TOC_STYLE, builtin=True)
    toc1.paragraph_format.space_after = Pt(3)
    toc1.paragraph_format.left_indent = Mm(1.5)
    for name in ("Header", "Footer"):  # one right tab, set on the paragraph: not Letter paper's stops
        named[name].font.size = Pt(8)
        for tabs in named[name].element.iter(qn("w:tabs")):
            tabs.getparent().remove(tabs)


def _page(d: WordDocument, doc: Document) -> None:
    """A4 with 2 cm margins; the running header (DRAFT on every page of a draft) and the footer."""
    from docx.enum.text import WD_TAB_ALIGNMENT
    from docx.oxml import parse_xml
    from docx.shared import Mm

    section = d.sections[0]
    section.page_width, section.page_height = Mm(PAGE_W), Mm(PAGE_H)
    section.left_margin = section.right_margin = Mm(MARGIN)
    section.top_margin = section.bottom_margin = Mm(MARGIN)
    section.header_distance = section.footer_distance = Mm(9)
    draft = doc.meta.get("draft.mark")

    def line(p: Paragraph, side: str) -> None:
        p.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_W), WD_TAB_ALIGNMENT.RIGHT)
        borders = _el("w:pBdr")
        borders.append(_border(side, RULE, 6, 4))
        p._p.get_or_add_pPr().insert_element_before(borders, *_AFTER_PBDR)

    head = section.header.paragraphs[0]
    line(head, "bottom")
    _run(head._p, doc.label("header.left"), color=MUTED)
    _tab(head._p)
    _run(head._p, doc.label("header.right"), bold=True, color=RED if draft else NAVY)
    if draft:
        head._p.append(parse_xml(_WATERMARK_XML.format(
            w=W_NS, color=WATERMARK, font=FONT, text=_attr(literal(draft)))))

    foot = section.footer.paragraphs[0]
    line(foot, "top")
    _run(foot._p, doc.label("footer.left"), color=MUTED)
    _tab(foot._p)
    # "Page {page} of {pages}" from the template, with the numbers as fields.
    for piece in re.split(r"(\{page\}|\{pages\})", doc.label("footer.page")):
        if piece == "{page}":
            _field(foot._p, "PAGE", "1", MUTED)
        elif piece == "{pages}":
            _field(foot._p, "NUMPAGES", "1", MUTED)
        elif piece:
            _run(foot._p, piece, color=MUTED)


def _tab(p: Any) -> None:
    _el("w:tab", parent=_el("w:r", parent=p))


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def _settings(d: WordDocument) -> None:
    """Fields (the contents) updated on opening; en-GB.

    Tracked changes are left for the reviewer to switch on: were they on, Word would record its
    own update of the contents on opening as a change nobody made.
    """
    from docx.oxml.ns import qn

    settings = d.settings.element
    settings.insert_element_before(_el("w:updateFields", val="true"), "w:hdrShapeDefaults",
                                   "w:footnotePr", "w:endnotePr", "w:compat")
    for el in settings.iter(qn("w:themeFontLang")):
        el.set(qn("w:val"), "en-GB")


def _properties(d: WordDocument, doc: Document, created: date) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE

    moment = datetime(created.year, created.month, created.day, tzinfo=UTC).replace(tzinfo=None)
    cp = d.core_properties
    cp.title = _short(doc.label("title"))
    cp.subject = _short(doc.label("subject"))
    cp.author = cp.last_modified_by = _short(doc.label("author"))
    cp.comments = ""
    cp.keywords = ""
    cp.language = doc.label("lang")
    cp.content_status = _short(doc.label("header.right"))
    cp.created = cp.modified = moment
    cp.revision = 1
    package = d.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype == RELATIONSHIP_TYPE.THUMBNAIL:  # python-docx's template picture, not this document
            del package.rels[rid]
    for part in package.iter_parts():
        if str(part.partname) == "/docProps/app.xml":
            part._blob = part.blob.replace(b"Microsoft Macintosh Word", b"dpia")


def _short(text: str, limit: int = 255) -> str:
    """A file property: the format allows at most 255 characters."""
    text = literal(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _fixed_zip(data: bytes, created: date) -> bytes:
    """The package again, with every entry dated the build date (python-docx uses the clock)."""
    stamp = (created.year, created.month, created.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.external_attr = 0o644 << 16
            stored = info.filename.endswith(".png")  # already compressed
            entry.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def render_docx(doc: Document, pics: dict[str, diagrams.Picture], created: date) -> bytes:
    """The Word document's bytes; identical for the same document and build date."""
    import docx

    d = docx.Document()
    _styles(d)
    _page(d, doc)
    _settings(d)
    _properties(d, doc, created)
    body = d.element.body
    for p in body.findall(f"{{{W_NS}}}p"):  # the template's empty first paragraph
        body.remove(p)
    _Writer(d, doc, pics).write()
    buf = io.BytesIO()
    d.save(buf)
    return _fixed_zip(buf.getvalue(), created)
