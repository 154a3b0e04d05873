"""The start page, index.html, as a research officer opening the output folder meets it.

Golden file: tests/golden/index-contract.html. After an intended wording or layout
change, regenerate it with
    DPIA_REGEN_GOLDEN=1 python -m pytest -q tests/test_index.py
and review `git diff tests/golden`.
"""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import CONTRACT_EXAMPLE, EMBEDDED_EXAMPLE, TODAY, RunDpia, assert_golden
from texts_helpers import example_data, project_from, set_methods, sole

from dpia.answers.loader import load
from dpia.answers.model import Project
from dpia.assessment.assess import Assessment, assess
from dpia.render import WRITERS, Job, Output, build_all, index, readability

EXAMPLES = {"contract": CONTRACT_EXAMPLE, "embedded": EMBEDDED_EXAMPLE}


class Page(HTMLParser):
    """What a reader and a screen reader get from the page: links, ids, headings, text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []  # (href, link text)
        self.ids: set[str] = set()
        self.headings: list[tuple[int, str]] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text = ""
        self._href: str | None = None
        self._link_text = ""
        self._heading: int | None = None
        self._heading_text = ""
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if tag == "a" and a.get("href") is not None:
            self._href, self._link_text = str(a["href"]), ""
        if re.fullmatch(r"h[1-6]", tag):
            self._heading, self._heading_text = int(tag[1]), ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append((self._href, " ".join(self._link_text.split())))
            self._href = None
        if re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            self.headings.append((self._heading, " ".join(self._heading_text.split())))
            self._heading = None

    def handle_data(self, data: str) -> None:
        self.text += data
        if self._href is not None:
            self._link_text += data
        if self._heading is not None:
            self._heading_text += data

    def section(self, start: str, end: str) -> str:
        """The page's text from one heading to the next, on single spaces."""
        flat = " ".join(self.text.split())
        return flat.split(start, 1)[1].split(end, 1)[0].strip()


def built(path_or_project: Path | Project, out: Path) -> tuple[Project, Assessment, list[Output]]:
    project = load(path_or_project) if isinstance(path_or_project, Path) else path_or_project
    assessment = assess(project, TODAY)
    return project, assessment, build_all(Job(project, assessment, out))


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Project, Assessment, Path]]:
    """Both examples, built once for the module."""
    found = {}
    for name, path in EXAMPLES.items():
        out = tmp_path_factory.mktemp(name)
        project, assessment, _ = built(path, out)
        found[name] = (project, assessment, out)
    return found


def page_of(out: Path) -> Page:
    return Page((out / "index.html").read_text(encoding="utf-8"))


# --- the folder and its links ----------------------------------------------------------------


def assert_links_cover_the_folder(out: Path) -> None:
    page = page_of(out)
    written = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert "index.html" in written
    linked: set[str] = set()
    for href, text in page.links:
        assert text, f"a link without text: {href}"
        assert not re.match(r"^[a-z]+:|^/|\.\.", href), f"not a link inside the folder: {href}"
        target, _, fragment = href.partition("#")
        if not target:  # a link within the page
            assert fragment in page.ids, href
            continue
        target = unquote(target)
        assert (out / target).is_file(), f"{href} is not a file in the folder"
        linked.add(target)
        if fragment:
            html = (out / target).read_text(encoding="utf-8")
            assert f'id="{fragment}"' in html, f"{href}: no such id in {target}"
    assert linked == written - {"index.html"}


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_file_is_linked_and_every_link_resolves(builds, example: str) -> None:
    assert_links_cover_the_folder(builds[example][2])


def test_a_sparse_project_links_every_file_too(tmp_path: Path) -> None:
    """Other methods, no agreement form, no shares: other files, the same promise."""
    data = sole(example_data("contract"), "public_task")
    set_methods(data, ["paper_survey", "telephone_survey", "enter_and_view"])
    data["project"].pop("agreement")
    data["sharing"] = []
    project, _, outputs = built(project_from(data), tmp_path)
    assert_links_cover_the_folder(tmp_path)
    text = " ".join(page_of(tmp_path).text.split())
    assert ("Paste participant-information/survey-introduction.txt into the first page of your "
            "paper survey.") in text
    assert "Read participant-information/survey-introduction-telephone.txt aloud" in text
    assert "Print the information sheet for Enter and View visits" in text
    assert "Send partnership-agreement.html to every partner as the confirming email" in text
    assert "The form of this agreement" in text  # an open point, worded as in the agreement
    assert (3, "For Healthwatch Northtown, which controls the data") in page_of(tmp_path).headings


def test_a_file_from_an_unknown_writer_is_still_listed(builds, tmp_path: Path) -> None:
    project, assessment, _ = builds["contract"]
    extra = tmp_path / "extra" / "notes & more.csv"
    extra.parent.mkdir()
    extra.write_text("x\n", encoding="utf-8")
    earlier = (Output(extra, "notes from another writer <b>"),)
    [out] = index.write(Job(project, assessment, tmp_path, earlier=earlier))
    page = page_of(tmp_path)
    assert ("extra/notes%20%26%20more.csv", "extra/notes & more.csv") in page.links
    assert "Other files" in [h for _, h in page.headings]
    assert "notes from another writer <b>" in page.text  # as text, escaped
    assert "<b>" not in out.path.read_text(encoding="utf-8")


def test_the_gaps_link_drops_the_annex_when_the_dpia_page_lacks_it(builds, tmp_path: Path) -> None:
    """A user's own DPIA template may rename Annex A: link the page rather than a dead anchor."""
    project, assessment, _ = builds["embedded"]
    page_file = tmp_path / "dpia.html"
    page_file.write_text("<html></html>", encoding="utf-8")
    index.write(Job(project, assessment, tmp_path, earlier=(Output(page_file, "DPIA"),)))
    hrefs = {h for h, text in page_of(tmp_path).links if text == "Annex A of the DPIA"}
    assert hrefs == {"dpia.html"}


def test_the_index_writer_runs_last() -> None:
    assert WRITERS[-1] == "dpia.render.index:write"


# --- what the page says ----------------------------------------------------------------------


def status_of(page: Page) -> str:
    return page.section("Where the project stands", "What to do with each document")


VERDICTS = {"required": "Yes: a DPIA is required", "recommended": "A DPIA is recommended",
            "not required": "No: a DPIA is not required"}


@pytest.mark.parametrize("example", EXAMPLES)
def test_status_and_verdict_match_the_assessment(builds, example: str) -> None:
    project, a, out = builds[example]
    page = page_of(out)
    status = status_of(page)
    box = next(attrs["class"] for tag, attrs in page.tags if tag == "section"
               and "status" in str(attrs.get("class")))
    if project.is_draft:
        assert status.startswith("DRAFT: the DPIA is not signed off yet.")
        assert box == "status draft"
    else:
        assert status.startswith("Signed off on 25 January 2026, but with gaps that block sign-off.")
        assert "approved by Sam Lee (Chief Executive, Healthwatch Northtown)" in status
        assert "Next review: 31 July 2026, which is overdue." in status
        assert box == "status open"
    assert VERDICTS[a.screening.verdict] in status
    for criterion in a.screening.criteria:
        assert criterion.title in status
    blocking = a.blocking_gaps
    assert f"Gaps that block sign-off {len(blocking)}, among them:" in status
    # the top three are named, gaps in the answers before risks lacking measures
    todo = page.section("Close the", "Agree ")
    assert all(g.problem in todo for g in blocking)
    named = sorted(todo.index(g.problem) for g in blocking if g.problem in status)
    assert named == sorted(todo.index(g.problem) for g in blocking)[:index.TOP_GAPS]
    assert f"Answers fingerprint {a.fingerprint}." in status
    assert "Built 26 November 2026" in status
    assert ("dpia.html#annex-a-gaps-found-by-the-checks", "Annex A of the DPIA") in page.links


def test_the_demo_names_the_pressing_gaps_first(builds) -> None:
    status = status_of(page_of(builds["embedded"][2]))
    assert "CallPoint Research Ltd processes data for the project without a contract." in status
    assert "by ordinary (unencrypted) email." in status


def test_a_signed_project_without_gaps_says_so(builds, tmp_path: Path) -> None:
    project, a, _ = builds["contract"]
    clean = dataclasses.replace(a, gaps=())
    index.write(Job(project, clean, tmp_path))
    page = page_of(tmp_path)
    status = status_of(page)
    assert status.startswith("Signed off on 25 January 2026. ")
    assert "Gaps that block sign-off None." in status
    assert ("section", {"class": "status signed", "aria-labelledby": "status"}) in page.tags
    still = page.section("Still to do before the work starts", "Made by dpia")
    assert "Close the" not in still and "Agree 1 point with your partners" in still


def test_documents_are_grouped_by_who_uses_them(builds) -> None:
    page = page_of(builds["contract"][2])
    groups = [h for level, h in page.headings if level == 3]
    assert groups[:5] == [
        "For the data protection officer (DPO)",
        "For the project lead at Healthwatch Northtown",
        "For each partner that controls the data: Healthwatch Northtown and Northtown Carers Centre",
        "For the people who run the online survey, paper survey, focus groups and interviews",
        "For whoever keeps your organisation's data-sharing register",
    ]
    text = " ".join(page.text.split())
    for sentence in (
        "Keep the signed dpia.pdf with the project's records",
        "Review dpia.docx in Word or LibreOffice: it is the copy to edit and comment on. Switch on "
        "tracked changes before you edit",
        "an edit made only in the Word copy is not kept.",
        "Publish dpia.html on your organisation's website",
        "Attach partnership-agreement.html to the memorandum of understanding (MOU-2026-03), or "
        "send it as the confirming email.",
        "Add privacy-notice.html under your own privacy notice",
        "Paste participant-information/survey-introduction.txt into the first page of your online "
        "survey or paper survey.",
        "Print the information sheet for focus groups, participant-information/focus-group.html,",
        "Add the rows in data-sharing-register.xlsx to your organisation's register with dpia register add",
    ):
        assert sentence in text
    draft = " ".join(page_of(builds["embedded"][2]).text.split())
    assert "Read dpia.pdf, and sign it once no gap blocks sign-off" in draft
    assert "agree these texts with your DPO before you use them" in draft


@pytest.mark.parametrize("example", EXAMPLES)
def test_readability_is_the_build_s_own_measure(builds, example: str) -> None:
    """The figures shown are those of the plain text in the folder, as the build measured it."""
    _, _, out = builds[example]
    text = " ".join(page_of(out).text.split())
    shown = 0
    for kind, pattern in (("privacy_notice", "privacy-notice.txt"),
                          ("survey_introduction", "participant-information/survey-introduction.txt"),
                          ("telephone_script", "participant-information/survey-introduction-*.txt"),
                          ("information_sheet", "participant-information/[!s]*.txt")):
        for path in sorted(out.glob(pattern)):
            s = readability.score(kind, path.read_text(encoding="utf-8"))
            r, t = s.result, s.target
            expect = (f"Reading ease {r.ease:.0f} (target {t.min_ease:.0f} or more), "
                      f"grade {r.grade:.1f} (target {t.max_grade:.0f} or less).")
            verdict = "meets the target." if s.meets_target else "below the target"
            assert f"Plain language: {verdict}" in text
            assert expect in text, path
            if kind == "survey_introduction":
                assert f"{r.words} words, within the limit of 150." in text
            shown += 1
    assert shown >= 4


def test_each_text_is_measured_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls: list[str] = []
    original = readability.measure

    def counting(text: str) -> readability.Readability:
        calls.append(text)
        return original(text)

    monkeypatch.setattr(readability, "measure", counting)
    _, _, outputs = built(CONTRACT_EXAMPLE, tmp_path)
    # The notice, the survey introduction, two information sheets and the Easy Read page.
    assert len(calls) == sum(1 for o in outputs if o.score is not None) == 5


def test_still_to_do_lists_the_gaps_and_the_points_to_agree(builds) -> None:
    page = page_of(builds["embedded"][2])
    still = page.section("Still to do before the work starts", "Made by dpia")
    assert "Close the 13 gaps that block sign-off" in still
    assert "Agree 3 points with your partners" in still
    agreement = (builds["embedded"][2] / "partnership-agreement.md").read_text(encoding="utf-8")
    for point in ("A written contract with CallPoint Research Ltd, which processes data for the "
                  "controllers (UK GDPR Article 28).",
                  "Sign-off of the DPIA: approval of the measures and residual risks, and the DPO's advice."):
        assert point in still and point in agreement
    assert "Use SFTP, NHSmail, encrypted email or a secure portal" in still  # how to close a gap


# --- safety, accessibility, determinism --------------------------------------------------------

PAYLOAD = '<script>alert(1)</script> <img src=x onerror=alert(1)> "quoted" R&D {{ 7*7 }}'


def test_hostile_project_and_organisation_names_are_escaped(tmp_path: Path) -> None:
    data = example_data("embedded")
    data["project"]["title"] = "Title " + PAYLOAD
    data["project"]["agreement"]["reference"] = "Ref " + PAYLOAD
    for n, org in enumerate(data["organisations"]):
        org["name"] = f"Org {n} {PAYLOAD}"
    project, _, _ = built(project_from(data), tmp_path)
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "R&amp;D" in html
    assert "{{ 7*7 }}" in html  # printed, never evaluated
    page = Page(html)
    assert page.headings[0] == (1, "Title " + PAYLOAD)
    assert f"Org 0 {PAYLOAD}" in page.text  # the lead, in the heading and the points to agree
    assert f"Ref {PAYLOAD}" in page.text
    assert_links_cover_the_folder(tmp_path)


@pytest.mark.parametrize("example", EXAMPLES)
def test_the_page_is_accessible_and_self_contained(builds, example: str) -> None:
    html = (builds[example][2] / "index.html").read_text(encoding="utf-8")
    assert html.startswith('<!DOCTYPE html>\n<html lang="en-GB">')
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    page = Page(html)
    levels = [level for level, _ in page.headings]
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), "a heading level is skipped"
    assert not any(tag in ("script", "link", "img", "iframe") for tag, _ in page.tags)
    assert "@media print" in html and "@media (max-width" in html
    assert not re.search(r"url\(|@import|https?://", html), "the page loads nothing from elsewhere"


def test_byte_identical_for_the_same_answers_and_date(builds, tmp_path: Path) -> None:
    _, _, first = builds["contract"]
    again = tmp_path / "another" / "folder"
    built(CONTRACT_EXAMPLE, again)
    assert (again / "index.html").read_bytes() == (first / "index.html").read_bytes()


def test_golden_contract_page(builds) -> None:
    assert_golden("index-contract.html", (builds["contract"][2] / "index.html").read_text(encoding="utf-8"))


# --- the command -----------------------------------------------------------------------------


def test_build_ends_by_naming_the_start_page(run_dpia: RunDpia, tmp_path: Path) -> None:
    out = tmp_path / "documents"
    result = run_dpia("build", CONTRACT_EXAMPLE, "--out", out, "--date", "2026-11-26")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == f"Start with {out / 'index.html'} (open it in a web browser)."
    assert "  index.html  start here" in result.stdout
    assert (out / "index.html").is_file()


def test_the_build_and_the_start_page_count_the_same_files(
    run_dpia: RunDpia, tmp_path: Path,
) -> None:
    """Issue 12 point 10: 'Built N files' and the start page's 'made the N files' agree, and
    N is what is in the folder (the start page lists every other file)."""
    out = tmp_path / "documents"
    result = run_dpia("build", CONTRACT_EXAMPLE, "--out", out, "--date", "2026-11-26")
    built_n = int(re.search(r"Built (\d+) files", result.stdout).group(1))  # type: ignore[union-attr]
    page = page_of(out)
    said_n = int(re.search(r"made the (\d+) files in this folder, this page among them",
                           page.text).group(1))  # type: ignore[union-attr]
    in_folder = sum(1 for p in out.rglob("*") if p.is_file())
    listed = {unquote(h.partition("#")[0]) for h, _ in page.links if h.partition("#")[0]}
    assert built_n == said_n == in_folder == len(listed) + 1
