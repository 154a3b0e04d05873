"""The DPIA as readers meet it: table captions and phone layout, colour contrast, text that
does not rely on colour, PDF dates and identifiers that break only at hyphens.

The layout itself was checked by eye in a browser (Chromium, 390 and 1280 px wide, and its
print view) and as PDF pages rendered to PNG; these tests pin what a machine can check.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pypdf
import pytest
from conftest import EMBEDDED_EXAMPLE, TODAY
from test_dpia_document import build, parse_html, pdf_pages

from dpia.answers.loader import load
from dpia.assessment.assess import assess
from dpia.render import Job, blocks, diagrams, dpia_doc, pdf


@pytest.fixture(scope="module")
def draft(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(EMBEDDED_EXAMPLE, tmp_path_factory.mktemp("draft"))


# --- colour contrast (WCAG 2.2) ----------------------------------------------------------------


def luminance(colour: str) -> float:
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    channels = [int(value[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_formula_matches_known_values() -> None:
    assert contrast("#000", "#fff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # famously just fails AA


def css_colours(html: str) -> dict[str, str]:
    root = re.search(r":root \{(.*?)\}", html, re.S)
    assert root is not None
    return dict(re.findall(r"--([a-z]+): (#[0-9a-f]{3,6})", root.group(1)))


def test_html_colours_meet_wcag_aa(draft: Path) -> None:
    html = (draft / "dpia.html").read_text(encoding="utf-8")
    c = css_colours(html)
    pairs = {
        "text on level badges": [(c["ink"], c[level]) for level in ("low", "medium", "high")],
        "table headings": [("#fff", c["navy"]), (c["ink"], c["head"])],
        "headings and captions": [(c["navy"], "#fff")],
        "draft banner": [("#fff", c["warn"]), (c["warn"], "#fff")],
        "small print": [(c["muted"], "#fff")],
        "notes": [(c["ink"], c["head"]), (c["ink"], "#fdecea")],
    }
    for what, colours in pairs.items():
        for ink, paper in colours:
            assert contrast(ink, paper) >= 4.5, (what, ink, paper, contrast(ink, paper))


def test_diagram_and_pdf_colours_meet_wcag_aa() -> None:
    for level, fill in diagrams.LEVEL_FILL.items():
        assert contrast(diagrams.INK, fill) >= 4.5, level
        assert contrast(diagrams.HEAT_LABEL, fill) >= 4.5, level  # the level's name in each cell
        assert contrast(pdf.LEVEL_INK[level], fill) >= 4.5, level  # coloured level words in the PDF
    for role, (fill, stroke) in diagrams.ROLE_STYLE.items():
        assert contrast(diagrams.INK, fill) >= 4.5, role
        assert contrast(diagrams.GREY, fill) >= 4.5, role  # "Controller", "Processor" under names
        assert contrast(stroke, "#ffffff") >= 3.0, role  # the box edge, a graphical object
    for ink in (diagrams.NAVY, diagrams.RED, diagrams.GREY):
        assert contrast(ink, "#ffffff") >= 4.5, ink  # arrow labels and legend


# --- tables on screen and on a phone ----------------------------------------------------------


def test_every_table_has_a_caption_and_phone_labels(draft: Path) -> None:
    html = (draft / "dpia.html").read_text(encoding="utf-8")
    tables = re.findall(r"<table.*?</table>", html, re.S)
    assert len(tables) >= 14
    for table in tables:
        caption = re.search(r"<caption>(.+?)</caption>", table)
        assert caption and caption.group(1).strip(), table[:120]
        heads = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table)
        tags = parse_html(table).tags
        if len(heads) > 2:
            # restacked into one card per row on a phone: each cell names its column
            assert 'class="stack' in table or "stack\"" in table, caption.group(1)
            labels = [attrs["data-label"] for t, attrs in tags if t == "td"]
            assert labels and set(labels) <= {re.sub(r"<[^>]+>", "", h) for h in heads}
        else:
            assert all("data-label" not in attrs for t, attrs in tags if t == "td")


def test_figures_scroll_on_a_phone_and_are_named(draft: Path) -> None:
    page = parse_html((draft / "dpia.html").read_text(encoding="utf-8"))
    regions = [attrs for t, attrs in page.tags if t == "div" and attrs.get("class") == "figure-scroll"]
    assert len(regions) == 3
    for attrs in regions:
        assert attrs["role"] == "region" and attrs["tabindex"] == "0"
        assert (attrs["aria-label"] or "").startswith("Figure ")


def test_draft_banner_does_not_repeat_the_word_draft(draft: Path) -> None:
    html = (draft / "dpia.html").read_text(encoding="utf-8")
    banner = re.search(r'<p class="status"[^>]*>(.*?)</p>', html)
    assert banner and banner.group(1) == "DRAFT: not signed off"


def test_insecure_transfer_is_said_in_words_not_only_colour(draft: Path) -> None:
    html = (draft / "dpia.html").read_text(encoding="utf-8")
    flows = html[html.index("<caption>Data flows"):]
    flows = flows[:flows.index("</table>")]
    rows = re.findall(r"<tr role=\"row\"><td.*?</tr>", flows)
    insecure = [r for r in rows if "ordinary (unencrypted) email" in r]
    assert insecure and all("Not secure" in r for r in insecure)
    assert all("Not secure" not in r for r in rows if r not in insecure)


def test_flow_dates_never_break_inside(draft: Path) -> None:
    html = (draft / "dpia.html").read_text(encoding="utf-8")
    assert '<span class="nobr">From 1 February 2027</span>' in html
    raw = " ".join(page.extract_text() for page in pypdf.PdfReader(draft / "dpia.pdf").pages)
    assert re.search(r"From[ \xa0]1[ \xa0]February[ \xa0]2027", raw)  # on one line, not "February\n2027"
    assert "nobr" not in (draft / "dpia.md").read_text(encoding="utf-8")


def test_gap_count_reads_naturally(draft: Path) -> None:
    text = " ".join(pdf_pages(draft / "dpia.pdf"))
    # 13 gaps block (its processors' storage too) and one is advice (carers talk about the
    # people they look after): "1 is advice", never "1 are advice" nor "0 are advice"
    assert "13 gaps block sign-off and 1 is advice. Nobody should sign" in text
    assert "0 are advice" not in text and "1 are advice" not in text


# --- the PDF --------------------------------------------------------------------------------------


def test_identifiers_break_only_after_hyphens_in_pdf(draft: Path) -> None:
    """pdf_pages rejoins lines only where they end in a hyphen, so an id split mid-word
    (``insecure-transfer-phon e-answers``) is not found."""
    text = " ".join(pdf_pages(draft / "dpia.pdf"))
    a = assess(load(EMBEDDED_EXAMPLE), TODAY)
    ids = [r.id for r in a.risks] + [g.id for g in a.gaps]
    assert any(len(i) > 30 for i in ids)  # long enough to need breaking in a narrow column
    for ident in ids:
        assert ident in text, ident


def test_long_words_in_cells_break_after_hyphens_dots_and_underscores() -> None:
    lines = diagrams.wrap("no-measures-insecure-transfer-phone-answers", 100, 8.2)
    assert lines == ["no-measures-insecure-", "transfer-phone-answers"]
    assert diagrams.wrap("data_protection.processors[2].contract_in_place", 100, 8.2)[0] == "data_protection."
    assert diagrams.wrap("end. Next", 400, 8.2) == ["end. Next"]  # an ordinary full stop keeps its space
    cell = pdf.markup(blocks.parse_inline("[code]no-measures-insecure-transfer-phone-answers[/code]"),
                      (100, 8.2, False))
    assert "no-measures-insecure-<br/>transfer-phone-answers" in cell


def test_pdf_creation_date_is_the_build_date(tmp_path: Path) -> None:
    project = load(EMBEDDED_EXAMPLE)
    day = date(2027, 3, 9)
    dpia_doc.write(Job(project, assess(project, day), tmp_path))
    first = (tmp_path / "dpia.pdf").read_bytes()
    meta = pypdf.PdfReader(tmp_path / "dpia.pdf").metadata
    assert meta is not None
    assert meta["/CreationDate"].startswith("D:20270309000000")
    assert meta["/ModDate"] == meta["/CreationDate"]
    dpia_doc.write(Job(project, assess(project, day), tmp_path))
    assert (tmp_path / "dpia.pdf").read_bytes() == first  # the same answers and date, the same bytes
