"""The DPIA document (PDF, HTML, Markdown) as a reader, a DPO and an attacker meet it.

Golden files: tests/golden/dpia-contract.html and dpia-contract.md. After an
intended wording or layout change, regenerate them with
    DPIA_REGEN_GOLDEN=1 python -m pytest -q tests/test_dpia_document.py
and review `git diff tests/golden`.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pypdf
import pytest
import yaml
from conftest import CONTRACT_EXAMPLE, EMBEDDED_EXAMPLE, TODAY, RunDpia, assert_golden

from dpia.answers.loader import load
from dpia.assessment.assess import assess
from dpia.render import Job, dpia_doc

STEPS = (
    "Identify the need",
    "Describe the processing",
    "Consultation",
    "Necessity and proportionality",
    "Identify and assess risks",
    "Measures to reduce risk",
    "Sign-off and outcomes",
)
SIGNOFF_ROWS = (
    "Measures approved by",
    "Residual risks approved by",
    "DPO advice provided",
    "Summary of DPO advice",
    "DPO advice accepted or overruled by",
    "Consultation responses reviewed by",
    "This DPIA will be kept under review by",
)
HOSTILE = (
    '<img src="/etc/passwd">',
    '<a href="https://evil.example/x">click me</a>',
    "</para>",
    "R&D",
    "{{ 7*7 }}",
    "<script>alert(1)</script>",
    "<b>unclosed",
    "[link](https://evil.example/md)",
    "@h1 injected heading",
    "[b]not bold[/b] | cell \\ break",
)


def build(path: Path, out: Path) -> Path:
    """Build the DPIA in-process, as `dpia build` does."""
    project = load(path)
    dpia_doc.write(Job(project, assess(project, TODAY), out))
    return out


def variant(tmp_path: Path, name: str, change: Any) -> Path:
    """A copy of the contract example with some answers changed."""
    data = yaml.safe_load(CONTRACT_EXAMPLE.read_text(encoding="utf-8"))
    change(data)
    dumper = yaml.SafeDumper
    dumper.ignore_aliases = lambda *args: True  # type: ignore[method-assign]
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def pdf_pages(path: Path) -> list[str]:
    """Text of each page, with words rejoined where a line broke at a hyphen."""
    pages = [page.extract_text() or "" for page in pypdf.PdfReader(path).pages]
    return [" ".join(re.sub(r"-\s*\n\s*", "-", text).split()) for text in pages]


@pytest.fixture(scope="module")
def contract_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(CONTRACT_EXAMPLE, tmp_path_factory.mktemp("contract"))


@pytest.fixture(scope="module")
def draft_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(EMBEDDED_EXAMPLE, tmp_path_factory.mktemp("draft"))


# --- what the DPO reads ------------------------------------------------------------


def test_pdf_has_every_step_signoff_row_organisation_and_risk(contract_out: Path) -> None:
    text = " ".join(pdf_pages(contract_out / "dpia.pdf"))
    project = load(CONTRACT_EXAMPLE)
    for n, step in enumerate(STEPS, start=1):
        assert f"Step {n}: {step}" in text
    for row in SIGNOFF_ROWS:
        assert row in text
    for org in project.organisations:
        assert org.name in text
    for risk in assess(project, TODAY).risks:
        assert risk.id in text
    assert "Annex A: Gaps found by the checks" in text
    assert "184f618f4cbd" in text  # the answers' fingerprint


def test_signed_dpia_shows_signoff_and_no_draft(contract_out: Path) -> None:
    pages = pdf_pages(contract_out / "dpia.pdf")
    assert len(pages) >= 5
    assert not [i for i, page in enumerate(pages, 1) if "DRAFT" in page]
    assert "Sam Lee" in pages[0] or "25 January 2026" in pages[0]
    assert all(f"Page {i} of {len(pages)}" in page for i, page in enumerate(pages, 1))


def test_unsigned_dpia_says_draft_on_every_page(draft_out: Path) -> None:
    pages = pdf_pages(draft_out / "dpia.pdf")
    assert all("DRAFT" in page for page in pages)
    html = (draft_out / "dpia.html").read_text(encoding="utf-8")
    assert 'class="status"' in html and "DRAFT" in html
    assert (draft_out / "dpia.md").read_text(encoding="utf-8").count("DRAFT") >= 1


def test_gaps_are_listed_in_the_annex(draft_out: Path) -> None:
    text = " ".join(pdf_pages(draft_out / "dpia.pdf"))
    annex = text[text.rindex("Annex A"):]
    assert "blocks sign-off" in annex
    # Long identifiers may wrap inside a narrow cell; compare without white space,
    # so every character, hyphens included, must still be there.
    squeezed = "".join(annex.split())
    project = load(EMBEDDED_EXAMPLE)
    for gap in assess(project, TODAY).gaps:
        assert "".join(gap.id.split()) in squeezed, gap.id
        assert "".join(gap.problem.split()) in squeezed, gap.problem


def test_flow_diagram_marks_the_insecure_transfer(draft_out: Path) -> None:
    text = " ".join(pdf_pages(draft_out / "dpia.pdf"))
    assert "2. NOT SECURE: ordinary (unencrypted) email; identifiable" in text
    html = (draft_out / "dpia.html").read_text(encoding="utf-8")
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert "NOT SECURE" in svg and 'stroke-dasharray' in svg


def test_partnership_bases_and_joint_arrangement(contract_out: Path) -> None:
    text = " ".join(pdf_pages(contract_out / "dpia.pdf"))
    assert "Healthwatch Northtown Public task (Article 6(1)(e))" in text
    assert "Northtown Carers Centre Legitimate interests (Article 6(1)(f))" in text
    assert "Joint arrangement" in text and "keeps no copies of raw data" in text


def test_pdf_metadata_fonts_and_no_helvetica(contract_out: Path) -> None:
    reader = pypdf.PdfReader(contract_out / "dpia.pdf")
    assert reader.metadata is not None
    assert reader.metadata.title.startswith("Data protection impact assessment: Leaving hospital")
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts.add(str(font["/BaseFont"]))
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            assert "/FontFile2" in descendant["/FontDescriptor"], font["/BaseFont"]
    assert all("DejaVuSans" in f for f in fonts), fonts


def test_long_tables_repeat_their_header_row(tmp_path: Path) -> None:
    def many_risks(data: dict[str, Any]) -> None:
        data["risks"] = [
            {"id": f"own-risk-{i}", "description": f"Risk number {i} of the project's own.",
             "likelihood": "possible", "severity": "significant", "measures": ["A measure"],
             "effect": "reduced", "residual": "low", "approved": True}
            for i in range(60)
        ]

    out = build(variant(tmp_path, "many", many_risks), tmp_path / "out")
    pages = pdf_pages(out / "dpia.pdf")
    header = "Risk Source of risk and possible harm to people Likelihood Severity Overall"
    assert sum(header in page for page in pages) >= 2


# --- hostile and international text -------------------------------------------------


def _hostile(data: dict[str, Any]) -> None:
    def pick(i: int) -> str:
        return f"X{i} {HOSTILE[i % len(HOSTILE)]} end"

    data["project"]["title"] = " ".join(HOSTILE)
    data["project"]["summary"] = "\n".join(HOSTILE)
    data["organisations"][0]["name"] = pick(1)
    data["organisations"][1]["name"] = pick(0)
    data["organisations"][2]["name"] = pick(3)
    data["organisations"][0]["dpo"]["name"] = pick(4)
    data["sharing"][0]["purpose"] = pick(5)
    data["sharing"][1]["data"] = [pick(6), pick(7)]
    data["processing"]["storage"] = pick(8)
    data["processing"]["security_measures"] = [pick(9), pick(2)]
    data["consultation"][0]["who"] = pick(11)
    data["findings"]["decision_process"] = pick(12)
    data["signoff"]["dpo_advice"]["summary"] = pick(13)
    data["risks"] = [{"id": "own-hostile", "description": pick(14), "likelihood": "possible",
                      "severity": "severe", "measures": [pick(15)], "effect": "reduced",
                      "residual": "medium", "approved": True}]


@pytest.fixture(scope="module")
def hostile_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("hostile")
    return build(variant(tmp, "hostile", _hostile), tmp / "out")


def test_hostile_text_prints_literally_in_pdf(hostile_out: Path) -> None:
    raw = (hostile_out / "dpia.pdf").read_bytes()
    assert b"/URI" not in raw
    assert not re.search(rb"/Subtype\s*/Image", raw) and b"/XObject" not in raw
    assert b"/JavaScript" not in raw and b"/Launch" not in raw
    text = " ".join(pdf_pages(hostile_out / "dpia.pdf"))
    for payload in HOSTILE:
        assert payload in text, payload
    assert "R&D;" not in text


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_html(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    return parser


def test_hostile_text_prints_literally_in_html(hostile_out: Path) -> None:
    html = (hostile_out / "dpia.html").read_text(encoding="utf-8")
    page = parse_html(html)
    names = [t for t, _ in page.tags]
    assert "img" not in names and "script" not in names and "b" not in names
    assert all(not (attrs.get("href") or "").startswith("http") for _, attrs in page.tags)
    text = " ".join("".join(page.text).split())
    for payload in HOSTILE:
        assert payload in text, payload


def test_hostile_text_prints_literally_in_markdown(hostile_out: Path) -> None:
    from markdown_it import MarkdownIt

    source = (hostile_out / "dpia.md").read_text(encoding="utf-8")
    rendered = MarkdownIt("commonmark", {"html": True}).enable("table").render(source)
    page = parse_html(rendered)
    names = [t for t, _ in page.tags]
    assert "img" not in names and "script" not in names and "a" not in names
    assert names.count("h1") == 1
    clean = parse_html(MarkdownIt("commonmark", {"html": True}).enable("table").render(
        (Path(__file__).parent / "golden" / "dpia-contract.md").read_text(encoding="utf-8")))
    assert [t for t, _ in page.tags if t in ("h2", "h3", "table")] == [
        t for t, _ in clean.tags if t in ("h2", "h3", "table")
    ]
    text = " ".join("".join(page.text).split())
    for payload in HOSTILE:
        assert payload in text, payload


def test_welsh_and_polish_names_survive_the_pdf(tmp_path: Path) -> None:
    names = ("Gwasanaeth Iechyd Meddwl Ŵyn", "Łucja Żółw", "Siân ap Rhŷs", "Zoë Ångström-Øre")

    def international(data: dict[str, Any]) -> None:
        data["organisations"][2]["name"] = names[0]
        data["organisations"][0]["dpo"]["name"] = names[1]
        data["signoff"]["review_by"]["name"] = names[2]
        data["consultation"][0]["who"] = names[3]

    out = build(variant(tmp_path, "cy-pl", international), tmp_path / "out")
    text = " ".join(pdf_pages(out / "dpia.pdf"))
    for name in names:
        assert name in text, name
    assert names[0] in (out / "dpia.html").read_text(encoding="utf-8")


# --- accessible HTML --------------------------------------------------------------------


def test_html_is_accessible_and_self_contained(draft_out: Path) -> None:
    html = (draft_out / "dpia.html").read_text(encoding="utf-8")
    page = parse_html(html)
    assert ("html", {"lang": "en-GB"}) in page.tags
    levels = [int(t[1]) for t, _ in page.tags if re.fullmatch(r"h[1-6]", t)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))
    assert all(attrs.get("scope") in ("col", "row") for t, attrs in page.tags if t == "th")
    assert all("src" not in attrs and "href" not in attrs or (attrs.get("href") or "").startswith("#")
               for _, attrs in page.tags)
    assert "<link" not in html and "<script" not in html
    # every diagram has a title and a text alternative table right after it
    for figure in re.findall(r"<figure.*?</figure>\s*<div class=\"table-wrap\">", html, re.S):
        assert "<title id=" in figure
    assert len(re.findall(r"<figure", html)) == 3
    for svg in re.findall(r"<svg.*?</svg>", html, re.S):
        root = ElementTree.fromstring(svg)  # well-formed, so browsers draw it
        assert root.get("role") == "img"
    assert len(re.findall(r"</figure>\s*<div class=\"table-wrap\">", html)) == 3


# --- reproducible output ---------------------------------------------------------------------


def test_same_answers_and_date_give_identical_files(contract_out: Path, tmp_path: Path) -> None:
    again = build(CONTRACT_EXAMPLE, tmp_path)
    for name in ("dpia.html", "dpia.md", "dpia.pdf"):
        assert (again / name).read_bytes() == (contract_out / name).read_bytes(), name


def test_golden_html_and_markdown(contract_out: Path) -> None:
    assert_golden("dpia-contract.html", (contract_out / "dpia.html").read_text(encoding="utf-8"))
    assert_golden("dpia-contract.md", (contract_out / "dpia.md").read_text(encoding="utf-8"))


# --- the commands -------------------------------------------------------------------------------


def test_build_command_writes_and_lists_the_files(run_dpia: RunDpia, tmp_path: Path) -> None:
    result = run_dpia("build", CONTRACT_EXAMPLE, "--out", tmp_path, "--date", "2026-11-26")
    assert result.returncode == 0, result.stderr
    for name in ("dpia.pdf", "dpia.html", "dpia.md"):
        assert (tmp_path / name).stat().st_size > 1000
        assert name in result.stdout


def test_build_refuses_a_broken_file_with_checks_messages(
    run_dpia: RunDpia, contract_text: str, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(contract_text.replace("method: nhsmail", "method: fax"), encoding="utf-8")
    built = run_dpia("build", bad, "--out", tmp_path / "out")
    checked = run_dpia("check", bad)
    assert built.returncode == checked.returncode == 1
    assert built.stderr == checked.stderr
    assert "sharing[3].method" in built.stderr
    assert not (tmp_path / "out").exists()


def test_demo_builds_the_example_and_says_where_to_look(run_dpia: RunDpia, tmp_path: Path) -> None:
    result = run_dpia("demo", "--out", tmp_path / "demo", "--date", "2026-11-26")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "demo" / "dpia.pdf").exists()
    last = result.stdout.splitlines()[-1]
    assert last.startswith("Start with ") and str(tmp_path / "demo" / "index.html") in last
