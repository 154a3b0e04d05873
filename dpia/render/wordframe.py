"""The frame of the Word document (dpia.docx) and the XML pieces its body is made of.

:mod:`dpia.render.word` writes the blocks; this module sets up what surrounds them: the
styles (Arial, en-GB, Word's own Heading and contents styles), the A4 page with its
running header, DRAFT watermark and "Page N of M" footer, the settings (fields updated
on opening), the file's properties, and the zip with fixed times. Elements are made in
the schema's order, as Word requires. python-docx is imported only inside the functions.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from dpia.render import diagrams
from dpia.render.blocks import Document

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
WATERMARK = "F3D6D9"
TOC_STYLE = "toc 2"  # Word's own name for the style of a level-2 heading's entry in the contents

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


_NSMAP = {"w": W_NS}
_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def run(p: Any, text: str, bold: bool = False, italic: bool = False, color: str | None = None) -> None:
    """Add a run holding ``text`` literally (rPr children in the schema's order: b, i, color)."""
    r = el("w:r", parent=p)
    if bold or italic or color:
        r_pr = el("w:rPr", parent=r)
        if bold:
            el("w:b", parent=r_pr)
        if italic:
            el("w:i", parent=r_pr)
        if color:
            el("w:color", parent=r_pr, val=color)
    t = el("w:t", parent=r)
    t.text = literal(text)
    t.set(_SPACE, "preserve")


def el(tag: str, parent: Any = None, **attrs: str) -> Any:
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


def shading(fill: str) -> Any:
    return el("w:shd", val="clear", color="auto", fill=fill)


def border(side: str, color: str, size: int = 4, space: int = 0) -> Any:
    return el(f"w:{side}", val="single", sz=str(size), space=str(space), color=color)


def twips(mm: float) -> int:
    return round(mm / 25.4 * 1440)


def _field_run(p: Any, color: str | None) -> Any:
    """A run of a field's code; LibreOffice shows the result in the first run's colour."""
    r = el("w:r", parent=p)
    if color:
        el("w:color", parent=el("w:rPr", parent=r), val=color)
    return r


def field_start(p: Any, instruction: str, dirty: bool = False, color: str | None = None) -> None:
    """Begin a field in paragraph ``p``; ``dirty``: Word computes it again when it opens the file."""
    begin = el("w:fldChar", parent=_field_run(p, color), fldCharType="begin")
    if dirty:
        begin.set(f"{{{W_NS}}}dirty", "true")
    instr = el("w:instrText", parent=_field_run(p, color))
    instr.set(_SPACE, "preserve")
    instr.text = f" {instruction} "
    el("w:fldChar", parent=_field_run(p, color), fldCharType="separate")


def field_end(p: Any, color: str | None = None) -> None:
    el("w:fldChar", parent=_field_run(p, color), fldCharType="end")


def field(p: Any, instruction: str, shown: str, color: str | None = None) -> None:
    """A field (PAGE, NUMPAGES) with ``shown`` as its last known result."""
    field_start(p, instruction, color=color)
    run(p, shown, color=color)
    field_end(p, color)


def add_styles(d: WordDocument) -> None:
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
    for node in list(styles_el.iter(qn("w:rFonts"))):
        if node is not fonts:
            node.getparent().remove(node)
    for node in styles_el.iter(qn("w:color")):
        for attr in ("themeColor", "themeShade", "themeTint"):
            node.attrib.pop(qn(f"w:{attr}"), None)

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
        borders = el("w:pBdr")
        for side in ("top", "left", "bottom", "right"):
            borders.append(border(side, edge if side == "left" or name == "DPIA Warning" else fill,
                                   24 if side == "left" else 4, 4))
        p_pr.insert_element_before(borders, *_AFTER_PBDR)
        p_pr.insert_element_before(shading(fill), *_AFTER_SHD)
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


def set_page(d: WordDocument, doc: Document) -> None:
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
        borders = el("w:pBdr")
        borders.append(border(side, RULE, 6, 4))
        p._p.get_or_add_pPr().insert_element_before(borders, *_AFTER_PBDR)

    head = section.header.paragraphs[0]
    line(head, "bottom")
    run(head._p, doc.label("header.left"), color=MUTED)
    tab(head._p)
    run(head._p, doc.label("header.right"), bold=True, color=RED if draft else NAVY)
    if draft:
        head._p.append(parse_xml(_WATERMARK_XML.format(
            w=W_NS, color=WATERMARK, font=FONT, text=_attr(literal(draft)))))

    foot = section.footer.paragraphs[0]
    line(foot, "top")
    run(foot._p, doc.label("footer.left"), color=MUTED)
    tab(foot._p)
    # "Page {page} of {pages}" from the template, with the numbers as fields.
    for piece in re.split(r"(\{page\}|\{pages\})", doc.label("footer.page")):
        if piece == "{page}":
            field(foot._p, "PAGE", "1", MUTED)
        elif piece == "{pages}":
            field(foot._p, "NUMPAGES", "1", MUTED)
        elif piece:
            run(foot._p, piece, color=MUTED)


def tab(p: Any) -> None:
    el("w:tab", parent=el("w:r", parent=p))


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def set_settings(d: WordDocument) -> None:
    """Fields (the contents) updated on opening; en-GB.

    Tracked changes are left for the reviewer to switch on: were they on, Word would record its
    own update of the contents on opening as a change nobody made.
    """
    from docx.oxml.ns import qn

    settings = d.settings.element
    settings.insert_element_before(el("w:updateFields", val="true"), "w:hdrShapeDefaults",
                                   "w:footnotePr", "w:endnotePr", "w:compat")
    for node in settings.iter(qn("w:themeFontLang")):
        node.set(qn("w:val"), "en-GB")


def set_properties(d: WordDocument, doc: Document, created: date) -> None:
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


def fixed_zip(data: bytes, created: date) -> bytes:
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
