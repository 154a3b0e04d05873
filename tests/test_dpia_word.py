"""dpia.docx as a DPO meets it: opened in Word (python-docx reads what Word reads) and in
LibreOffice (converted headless to PDF, whose pages were also rendered to PNG and compared
by eye with dpia.pdf), and as an attacker's answers come out in it.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import CONTRACT_EXAMPLE, EMBEDDED_EXAMPLE, TODAY, RunDpia
from registerkit import convert
from test_dpia_document import HOSTILE, SIGNOFF_ROWS, STEPS, _hostile, build, pdf_pages, variant

from dpia.answers.loader import load

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
INTERNATIONAL = ("Gwasanaeth Iechyd Meddwl Ŵyn", "Łucja Żółw", "Siân ap Rhŷs", "Zoë Ångström-Øre")


def _hostile_and_international(data: dict[str, Any]) -> None:
    _hostile(data)
    data["organisations"][3]["name"] = INTERNATIONAL[0]
    data["organisations"][1]["dpo"]["name"] = INTERNATIONAL[1]
    data["signoff"]["review_by"]["name"] = INTERNATIONAL[2]
    data["consultation"][1]["who"] = INTERNATIONAL[3]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The signed contract example, the unsigned embedded example and a hostile variant."""
    tmp = tmp_path_factory.mktemp("word")
    hostile = variant(tmp, "hostile", _hostile_and_international)
    return {
        "signed": build(CONTRACT_EXAMPLE, tmp / "signed") / "dpia.docx",
        "draft": build(EMBEDDED_EXAMPLE, tmp / "draft") / "dpia.docx",
        "hostile": build(hostile, tmp / "hostile") / "dpia.docx",
    }


@pytest.fixture(scope="module")
def converted(built: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each document converted to PDF by LibreOffice headless, in one run."""
    tmp = tmp_path_factory.mktemp("lo")
    copies = []
    for name, path in built.items():
        copy = tmp / f"{name}.docx"
        copy.write_bytes(path.read_bytes())
        copies.append(copy)
    pdfs = convert(copies, "pdf", tmp / "pdf")
    return {name: pdf for name, pdf in zip(built, pdfs, strict=True)}


def xml(path: Path, part: str) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(part).decode("utf-8")


def parts(path: Path, prefix: str) -> list[str]:
    with zipfile.ZipFile(path) as z:
        names = [n for n in z.namelist() if n.startswith(prefix) and n.endswith(".xml")]
        return [z.read(n).decode("utf-8") for n in names]


def all_text(document: Any) -> str:
    """Every paragraph's text, in the body and in table cells."""
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            texts += [cell.text for cell in row.cells]
    return " ".join(" ".join(texts).split())


# --- Word structure ------------------------------------------------------------------------


def test_opens_with_built_in_headings_for_every_step(built: dict[str, Path]) -> None:
    import docx

    document = docx.Document(str(built["signed"]))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert [text for style, text in headings if style == "Heading 1"] == ["Data protection impact assessment"]
    level2 = [text for style, text in headings if style == "Heading 2"]
    assert [f"Step {n}: {step}" for n, step in enumerate(STEPS, start=1)] == [
        t for t in level2 if t.startswith("Step")
    ]
    assert "Annex A: Gaps found by the checks" in level2
    assert any(style == "Heading 3" for style, _ in headings)
    for level in (1, 2, 3):
        style = document.styles[f"Heading {level}"]
        assert style.builtin and style.style_id == f"Heading{level}"
        outline = style.element.find(f"{W}pPr/{W}outlineLvl")
        assert outline is not None and outline.get(f"{W}val") == str(level - 1)


def test_properties_language_and_contents_field(built: dict[str, Path]) -> None:
    import docx

    document = docx.Document(str(built["signed"]))
    cp = document.core_properties
    assert cp.title.startswith("Data protection impact assessment: Leaving hospital")
    assert cp.author == load(CONTRACT_EXAMPLE).org(load(CONTRACT_EXAMPLE).project.lead).name
    assert cp.subject.startswith("Data protection impact assessment (DPIA) for")
    assert cp.created == cp.modified == datetime(TODAY.year, TODAY.month, TODAY.day, tzinfo=UTC)
    assert cp.language == "en-GB"
    styles = xml(built["signed"], "word/styles.xml")
    assert re.search(r'<w:rPrDefault><w:rPr><w:rFonts w:ascii="Arial"[^>]*/>.*?<w:lang w:val="en-GB"', styles)
    body = xml(built["signed"], "word/document.xml")
    assert 'TOC \\o "2-2"' in body
    settings = xml(built["signed"], "word/settings.xml")
    assert '<w:updateFields w:val="true"/>' in settings
    assert "<w:trackRevisions/>" not in settings  # else Word would track its own update of the contents
    footer = " ".join(parts(built["signed"], "word/footer"))
    assert footer.index(" PAGE ") < footer.index(" NUMPAGES ")


def test_tables_repeat_their_header_and_shade_levels(built: dict[str, Path]) -> None:
    import docx

    document = docx.Document(str(built["draft"]))
    for table in document.tables:
        first = table.rows[0]._tr
        assert first.find(f"{W}trPr/{W}tblHeader") is not None
    shading = {}
    for table in document.tables:
        for row in table.rows[1:]:
            for cell in row.cells:
                shd = cell._tc.find(f"{W}tcPr/{W}shd")
                if cell.text in ("high", "medium", "low") and shd is not None:
                    shading[cell.text] = shd.get(f"{W}fill")
    assert shading == {"high": "F4B6B6", "medium": "FFE2A0", "low": "CFE8CF"}


def test_heat_maps_are_shaded_tables_with_a_text_alternative(built: dict[str, Path]) -> None:
    import docx

    document = docx.Document(str(built["draft"]))
    heat = {}
    for table in document.tables:
        caption = table._tbl.tblPr.find(f"{W}tblCaption")
        if caption is not None and caption.get(f"{W}val").startswith("Figure"):
            heat[caption.get(f"{W}val")] = table
    assert set(heat) == {"Figure 2. Risks before measures", "Figure 3. Risks after measures"}
    table = heat["Figure 2. Risks before measures"]
    description = table._tbl.tblPr.find(f"{W}tblDescription").get(f"{W}val")
    assert description == "Risks before measures, by likelihood (rows) and severity (columns)."
    assert [row.cells[0].text for row in table.rows] == ["Before measures", "probable", "possible", "remote"]
    fills = [[c._tc.find(f"{W}tcPr/{W}shd").get(f"{W}fill") for c in row.cells[1:]] for row in table.rows[1:]]
    assert fills[0] == ["FFE2A0", "F4B6B6", "F4B6B6"]  # probable: medium, high, high
    assert fills[2] == ["CFE8CF", "CFE8CF", "FFE2A0"]  # remote: low, low, medium


def test_flow_diagram_is_a_print_resolution_picture_with_alt_text(built: dict[str, Path]) -> None:
    from PIL import Image

    with zipfile.ZipFile(built["draft"]) as z:
        images = [n for n in z.namelist() if n.startswith("word/media/")]
        assert len(images) == 1 and images[0].endswith(".png")
        with z.open(images[0]) as f, Image.open(f) as img:
            assert img.info["dpi"] == pytest.approx((300, 300), abs=0.01)
            assert img.width >= 2000  # the full text width at 300 dpi
    body = xml(built["draft"], "word/document.xml")
    inline = re.search(r"<wp:inline [^>]*>", body)  # no margin around it
    assert inline is not None and all(f'{side}="0"' in inline[0] for side in ("distT", "distL", "distR"))
    doc_pr = re.search(r"<wp:docPr [^>]*>", body)
    assert doc_pr is not None
    assert 'descr="Figure 1. Data flows between the organisations. The same information is given' in doc_pr[0]


def _red_pixels(path: Path) -> int:
    from PIL import Image

    with zipfile.ZipFile(path) as z, z.open("word/media/image1.png") as f, Image.open(f) as img:
        data = img.convert("RGB").tobytes()
    return sum(1 for i in range(0, len(data), 3) if data[i] > 150 and data[i + 1] < 60 and data[i + 2] < 80)


def test_the_picture_marks_an_insecure_flow_in_red(built: dict[str, Path]) -> None:
    """The picture is drawn from the same layout as the PDF's: the draft sends data by plain email."""
    assert _red_pixels(built["draft"]) > 500
    assert _red_pixels(built["signed"]) == 0


def test_signoff_rows_are_empty_cells_to_type_into(built: dict[str, Path]) -> None:
    import docx

    document = docx.Document(str(built["draft"]))
    table = next(t for t in document.tables if t.rows[1].cells[0].text == SIGNOFF_ROWS[0])
    assert [row.cells[0].text for row in table.rows[1:]] == list(SIGNOFF_ROWS)
    for row in table.rows[1:]:
        assert [cell.text for cell in row.cells[1:4]] == ["", "", ""], row.cells[0].text
        height = row._tr.find(f"{W}trPr/{W}trHeight")
        assert height is not None and int(height.get(f"{W}val")) >= 600  # room to write


def test_unsigned_has_draft_in_the_header_and_a_watermark(built: dict[str, Path]) -> None:
    header = " ".join(parts(built["draft"], "word/header"))
    assert "DRAFT: not signed off" in header and 'string="DRAFT"' in header
    signed = " ".join(parts(built["signed"], "word/header"))
    assert "DRAFT" not in signed and "Signed off" in signed
    # the status sits at the right margin: one right tab there, none inherited from the style
    tabs = [dict(re.findall(r'w:(\w+)="([^"]*)"', tab)) for tab in re.findall(r"<w:tab [^>]*/>", signed)]
    assert tabs == [{"val": "right", "pos": "9638"}]
    styles = xml(built["signed"], "word/styles.xml")
    header_style = re.search(r'<w:style [^>]*w:styleId="Header".*?</w:style>', styles)
    assert header_style is not None and "<w:tabs>" not in header_style[0]


def test_same_answers_and_date_give_identical_bytes(built: dict[str, Path], tmp_path: Path) -> None:
    again = build(CONTRACT_EXAMPLE, tmp_path) / "dpia.docx"
    assert again.read_bytes() == built["signed"].read_bytes()
    with zipfile.ZipFile(again) as z:
        assert {info.date_time for info in z.infolist()} == {(TODAY.year, TODAY.month, TODAY.day, 0, 0, 0)}
        assert "docProps/thumbnail.jpeg" not in z.namelist()  # python-docx's picture of another document


def test_build_command_lists_the_word_copy(run_dpia: RunDpia, tmp_path: Path) -> None:
    result = run_dpia("build", CONTRACT_EXAMPLE, "--out", tmp_path, "--date", "2026-11-26")
    assert result.returncode == 0, result.stderr
    assert "dpia.docx" in result.stdout and "review and edit with tracked changes" in result.stdout
    assert (tmp_path / "dpia.docx").read_bytes()[:2] == b"PK"


# --- what the user typed stays literal ----------------------------------------------------------


def test_hostile_text_stays_literal(built: dict[str, Path]) -> None:
    import docx

    path = built["hostile"]
    document = docx.Document(str(path))
    text = all_text(document)
    for payload in HOSTILE + INTERNATIONAL:
        assert payload in text, payload
    body = xml(path, "word/document.xml")
    assert "<w:hyperlink" not in body and "<w:fldSimple" not in body
    instructions = re.findall(r"<w:instrText[^>]*>([^<]*)</w:instrText>", body)
    assert instructions == [' TOC \\o "2-2" \\h \\z \\u ']  # no field from the answers
    rels = " ".join(parts(path, "word/_rels"))
    assert "hyperlink" not in rels and 'TargetMode="External"' not in rels
    used = set(re.findall(r'<w:pStyle w:val="([^"]+)"/>', body))
    assert used <= {s.style_id for s in document.styles}  # no style named by the answers


# --- LibreOffice ----------------------------------------------------------------------------------


def test_libreoffice_converts_it_with_every_step_signoff_row_and_organisation(
    converted: dict[str, Path],
) -> None:
    for name, example in (("signed", CONTRACT_EXAMPLE), ("draft", EMBEDDED_EXAMPLE)):
        pages = pdf_pages(converted[name])
        text = " ".join(pages)
        for n, step in enumerate(STEPS, start=1):
            assert f"Step {n}: {step}" in text, (name, step)
        for row in SIGNOFF_ROWS:
            assert row in text, (name, row)
        for org in load(example).organisations:
            assert org.name in text, (name, org.name)
        assert all(f"Page {i} of {len(pages)}" in page for i, page in enumerate(pages, 1)), name


def test_libreoffice_prints_draft_on_every_page_of_an_unsigned_dpia(converted: dict[str, Path]) -> None:
    draft = pdf_pages(converted["draft"])
    assert len(draft) >= 5 and all("DRAFT: not signed off" in page for page in draft)
    assert not any("DRAFT" in page for page in pdf_pages(converted["signed"]))


def test_libreoffice_prints_hostile_and_welsh_polish_text_in_the_named_font(
    converted: dict[str, Path],
) -> None:
    text = " ".join(pdf_pages(converted["hostile"]))
    for payload in HOSTILE + INTERNATIONAL:
        assert payload in text, payload
    fonts = subprocess.run(["pdffonts", str(converted["hostile"])], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    names = {line.split()[0].split("+")[-1] for line in fonts}
    # Arial, or LibreOffice's metric-compatible Liberation Sans; OpenSymbol draws the bullets.
    assert names and all(re.match(r"(Arial|LiberationSans|OpenSymbol)", n) for n in names), names
