"""Large projects: the data-flow diagram stays readable at 2 to 50 organisations and 5 to 500
flows, every format builds at 50 organisations and 500 flows, and long text lays out in
linear time."""

from __future__ import annotations

import copy
import re
import time
from datetime import date
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import RunDpia
from scale import _Dumper, big_data, big_project

from dpia.answers.loader import load_text
from dpia.render import diagrams, fonts, pdf

LABELS = {
    "figure.role.controller": "Controller",
    "figure.role.processor": "Processor",
    "figure.role.other": "Other organisation",
    "figure.flow": "{n}. {method}; {identifiability}",
    "figure.flow.insecure": "{n}. NOT SECURE: {method}; {identifiability}",
    "figure.part": "Part {part} of {parts}",
    "figure.insecure.legend": "personal data sent by an insecure method",
}


def extent(t: diagrams.Text) -> tuple[float, float, float, float]:
    """(left, right, top, bottom) of a text as drawn."""
    w = fonts.text_width(t.text, t.size, t.bold)
    left = {"start": t.x, "middle": t.x - w / 2, "end": t.x - w}[t.anchor]
    return left, left + w, t.y - t.size * 0.8, t.y + t.size * 0.2


def overlap(a: diagrams.Text, b: diagrams.Text) -> bool:
    al, ar, at, ab = extent(a)
    bl, br, bt, bb = extent(b)
    return al < br and bl < ar and at < bb and bt < ab


@pytest.mark.parametrize(("orgs", "flows"), [(2, 5), (8, 20), (20, 50), (50, 500), (8, 500), (50, 5)])
def test_flow_diagram_is_readable_at_scale(orgs: int, flows: int) -> None:
    p = load_text(big_project(orgs, flows), "big.yaml")
    panels = diagrams.flow_pictures(p, LABELS, "Figure 1. Data flows")
    names = {o.id: o.name for o in p.organisations}
    seen: list[int] = []
    for number, pic in enumerate(panels, start=1):
        assert pic.height <= diagrams.PANEL_HEIGHT, "a panel must fit a page"
        if len(panels) > 1:
            assert f"Part {number} of {len(panels)}" in pic.title
        boxes = [s for s in pic.shapes if isinstance(s, diagrams.Rect) and s.y < 20 and s.h > 20]
        assert 1 <= len(boxes) <= diagrams.MAX_COLUMNS
        texts = [s for s in pic.shapes if isinstance(s, diagrams.Text)]
        for a, b in combinations(texts, 2):
            assert not overlap(a, b), (a.text, b.text)
        for t in texts:
            left, right, _, _ = extent(t)
            assert left >= -0.5 and right <= diagrams.WIDTH + 0.5, t.text
        # Names are whole words, or a word shortened with an ellipsis; never broken mid-word.
        words = {w for name in names.values() for w in name.split()}
        for t in texts:
            if t.bold and boxes and boxes[0].y < t.y < boxes[0].h + boxes[0].y:
                for w in t.text.split():
                    if w == "…":  # words left out (the table names the organisation in full)
                        continue
                    assert w in words, w  # whole words only (none of these is wider than a box)
        # Each head's text stays inside its box.
        for box in boxes:
            inside = [t for t in texts if box.x <= t.x <= box.x + box.w and t.y < box.y + box.h]
            for t in inside:
                left, right, _, bottom = extent(t)
                assert box.x <= left and right <= box.x + box.w and bottom <= box.y + box.h, t.text
        labels = [t.text for t in texts if re.match(r"\d+\. ", t.text)]
        seen += [int(t.split(".")[0]) for t in labels]
    assert sorted(seen) == list(range(1, flows + 1)), "every flow is drawn exactly once"


@pytest.mark.parametrize("orgs", [8, 20, 50])
def test_flows_are_drawn_between_their_own_organisations(orgs: int) -> None:
    p = load_text(big_project(orgs, 120), "big.yaml")
    groups = diagrams._column_groups(p, diagrams.flow_orgs(p))
    assert sorted(n for _, flows in groups for n, _ in flows) == list(range(1, 121))
    for columns, flows in groups:
        assert len(columns) <= diagrams.MAX_COLUMNS
        assert set(p.controller_ids) <= set(columns)  # the controllers head every group
        for _, flow in flows:
            assert flow.from_ in columns and flow.to in columns
    for pic in diagrams.flow_pictures(p, LABELS, "Flows"):
        heads = [s for s in pic.shapes if isinstance(s, diagrams.Rect) and s.y <= 16 and s.h > 20]
        centres = {round(r.x + r.w / 2, 3) for r in heads}
        lifelines = [s for s in pic.shapes if isinstance(s, diagrams.Line) and s.dash == (2.0, 2.0)]
        assert {round(s.points[0][0], 3) for s in lifelines} == centres
        bottom = max(s.points[-1][1] for s in lifelines)  # the legend's arrow is below
        for line in pic.shapes:
            if isinstance(line, diagrams.Line) and line.arrow and line.points[0][1] < bottom:
                (x0, _), (x1, _) = line.points  # arrows run from lifeline to lifeline
                assert any(abs(x0 - c) <= 3.01 for c in centres) and any(abs(x1 - c) <= 3.01 for c in centres)


def test_shortened_names_lose_whole_words_and_only_an_over_wide_word_is_cut() -> None:
    name = "Eastvale University Hospitals NHS Foundation Trust and Partners"
    lines = diagrams.shorten(name, 64, 6, True, 3)
    assert len(lines) == 3 and lines[-1].endswith(" …")
    assert all(w in name.split() for line in lines for w in line.split() if w != "…")
    assert all(fonts.text_width(line, 6, True) <= 64 for line in lines)
    (line,) = diagrams.shorten("Supercalifragilisticexpialidocious", 64, 6, True, 3)
    assert line.endswith("…") and fonts.text_width(line, 6, True) <= 64


def test_a_small_project_is_one_panel_without_a_part_label() -> None:
    p = load_text(big_project(5, 3), "small.yaml")
    (pic,) = diagrams.flow_pictures(p, LABELS, "Figure 1")
    assert pic.title == "Figure 1"
    assert not any(isinstance(t, diagrams.Text) and t.text.startswith("Part ") for t in pic.shapes)


def test_a_template_without_the_part_label_gets_a_clear_message() -> None:
    from dpia.errors import OutputError

    p = load_text(big_project(50, 100), "big.yaml")
    labels = {k: v for k, v in LABELS.items() if k != "figure.part"}
    with pytest.raises(OutputError, match="@meta figure.part"):
        diagrams.flow_pictures(p, labels, "Figure 1")


@pytest.fixture(scope="module")
def big_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import os
    import subprocess
    import sys

    from conftest import ROOT

    tmp = tmp_path_factory.mktemp("big")
    answers = tmp / "big.yaml"
    answers.write_text(big_project(50, 500), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-m", "dpia", "build", str(answers), "--out", str(tmp / "out"),
         "--date", "2026-11-26"],
        capture_output=True, text=True, env=env, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return tmp / "out"


def test_fifty_organisations_and_500_flows_build_in_every_format(big_build: Path) -> None:
    pages = pdf_text(big_build / "dpia.pdf")
    parts = int(re.search(r"Part 1 of (\d+)", pages).group(1))  # type: ignore[union-attr]
    assert parts > 1
    for i in range(1, parts + 1):
        assert f"Part {i} of {parts}" in pages
    assert "500. " in pages and "Figure 1. Data flows between the organisations" in pages

    html = (big_build / "dpia.html").read_text(encoding="utf-8")
    figure = html[html.index('<figure aria-describedby="fig-flows-note">'):]
    figure = figure[:figure.index("</figure>")]
    titles = re.findall(r'<svg [^>]*aria-labelledby="([^"]+)"', figure)
    assert len(titles) == parts == len(set(titles))  # one titled image per panel, ids unique
    for ident in titles:
        assert f'<title id="{ident}">' in figure
    table = html[html.index("<caption>Data flows"):]
    table = table[:table.index("</table>")]
    assert len(re.findall(r"<tr role=\"row\"><td", table)) == 500  # the text alternative, in full

    md = (big_build / "dpia.md").read_text(encoding="utf-8")
    assert re.search(r"^\| 500 \|", md, re.M)
    for name in ("privacy-notice.txt", "privacy-notice.html", "privacy-notice.md",
                 "partnership-agreement.html", "partnership-agreement.md", "data-sharing-register.xlsx",
                 "index.html"):
        assert (big_build / name).stat().st_size > 0, name
    assert list((big_build / "participant-information").glob("*.txt"))


def pdf_text(path: Path) -> str:
    import subprocess

    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_long_text_is_cut_in_linear_time() -> None:
    fonts.register()
    start = time.perf_counter()
    lines = diagrams.wrap("x" * 10_000, 100, 8)
    cut = pdf._fit("y" * 10_000, 8, False, 300)
    assert time.perf_counter() - start < 1.0  # quadratic took over a minute
    assert "".join(lines) == "x" * 10_000 and all(fonts.text_width(s, 8) <= 100 for s in lines)
    assert cut.endswith("…") and fonts.text_width(cut, 8) <= 300
    assert fonts.text_width(cut[:-1] + "y…", 8) > 300  # the longest start that fits


@pytest.mark.parametrize("title", ["x" * 10_000, "Wordy " * 1_666])
def test_a_10000_character_title_builds(title: str, tmp_path: Path, run_dpia: RunDpia) -> None:
    data = copy.deepcopy(big_data(5, 3))
    data["project"]["title"] = title
    answers = tmp_path / "long.yaml"
    answers.write_text(yaml.dump(data, Dumper=_Dumper, sort_keys=False), encoding="utf-8")
    start = time.perf_counter()
    result = run_dpia("build", answers, "--out", tmp_path / "out", "--date", "2026-11-26", timeout=120)
    took = time.perf_counter() - start
    assert result.returncode == 0, result.stderr
    assert "internal error" not in result.stderr
    assert took < 60, took  # generous: about 1.5 s on a quiet machine, 100 s when it was quadratic
    assert (tmp_path / "out" / "dpia.pdf").stat().st_size > 0


def _dpia_document(orgs: int, flows: int) -> tuple[Any, Any]:
    from dpia.assessment.assess import assess
    from dpia.render import Job, dpia_doc

    project = load_text(big_project(orgs, flows), "big.yaml")
    job = Job(project=project, assessment=assess(project, date(2026, 11, 26)), out_dir=Path("unused"))
    doc, _ = dpia_doc.render_document(job)
    return doc, dpia_doc.pictures(job, doc)


def test_contents_pass_without_drawing_gives_the_same_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first layout pass (it only learns the contents' page numbers) draws nothing; the
    PDF must be byte for byte the one two drawn passes give, on a many-page document too."""
    from reportlab.platypus import Frame

    doc, pics = _dpia_document(20, 50)
    drawn: list[int] = []
    original = pdf._Frame.add

    def counting(self: pdf._Frame, flowable: object, canv: object, trySplit: int = 0) -> int:  # noqa: N803
        drawn.append(not self.dry)
        return original(self, flowable, canv, trySplit)

    monkeypatch.setattr(pdf._Frame, "add", counting)
    fast = pdf.render_pdf(doc, pics, date(2026, 11, 26))
    assert 0 < sum(drawn) < len(drawn), "one pass placed without drawing, one drew"
    monkeypatch.setattr(pdf._Frame, "add", Frame.add)  # every pass drawn, as reportlab does
    assert pdf.render_pdf(doc, pics, date(2026, 11, 26)) == fast


def test_long_tables_measure_each_row_once_and_give_the_same_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rest of a table split over pages keeps the row heights already measured; the PDF
    is byte for byte the one reportlab gives measuring every remaining row on every page."""
    from reportlab.platypus import Table

    doc, pics = _dpia_document(8, 150)
    measured: list[int] = []
    original = Table._calc_height

    def counting(self: Table, *args: Any, **kwargs: Any) -> Any:
        measured.append(sum(h is None for h in self._argH))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Table, "_calc_height", counting)
    fast = pdf.render_pdf(doc, pics, date(2026, 11, 26))
    once = sum(measured)
    measured.clear()

    def split_measuring_again(self: pdf._Table, width: float, height: float) -> Any:
        self._calc(width, height)
        self.splitInRow = int(max(self._rowHeights, default=0) > self.page_height)
        return Table.split(self, width, height)

    monkeypatch.setattr(pdf._Table, "split", split_measuring_again)
    assert pdf.render_pdf(doc, pics, date(2026, 11, 26)) == fast
    assert once * 2 < sum(measured)  # rows measured again on every page, before
