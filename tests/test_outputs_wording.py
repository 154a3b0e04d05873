"""Issue 10: every output of several whole builds, read the way a DPO reads them before
signing: the draft mark first in every format of an unsigned DPIA (and in the register), and
wording defects that must never come back (an apostrophe escaped twice in HTML, a raw <br>
outside a Markdown table, 'a NHS trust', 'Contract in place: No no contract', 'Voices and
faces' for audio-only recordings, third-person 'Participants can' in a text that says 'you')."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import docx
import pypdf
import pytest
from conftest import DATA, TODAY
from texts_helpers import example_data, project_from

from dpia.answers.loader import parse
from dpia.assessment.assess import assess
from dpia.register.rows import project_rows, sharing_rows
from dpia.render import Job, build_all

PROJECTS = ("contract", "embedded", "telephone", "capacity")


def data_of(name: str) -> dict[str, object]:
    if name in ("contract", "embedded"):
        return example_data(name)
    data, _ = parse((DATA / f"{name}-example.yaml").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out: dict[str, Path] = {}
    for name in PROJECTS:
        project = project_from(data_of(name))
        folder = tmp_path_factory.mktemp(name)
        build_all(Job(project, assess(project, TODAY), folder))
        out[name] = folder
    return out


def texts(folder: Path, *suffixes: str) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(folder.rglob("*")) if p.suffix in suffixes}


def first_visible_line(markdown: str) -> str:
    return next(line for line in markdown.splitlines()
                if line.strip() and not line.startswith("<!--"))


def test_unsigned_dpia_carries_the_draft_mark_first_in_every_format(built: dict[str, Path]) -> None:
    folder = built["embedded"]  # not signed off
    markdown = (folder / "dpia.md").read_text(encoding="utf-8")
    assert first_visible_line(markdown) == "> **DRAFT: not signed off**"
    html = (folder / "dpia.html").read_text(encoding="utf-8")
    body = html[html.index("<body>"):]
    assert body.index("DRAFT: not signed off") < body.index("<h1")
    pages = [page.extract_text() or "" for page in pypdf.PdfReader(folder / "dpia.pdf").pages]
    assert pages and all("DRAFT: not signed off" in "\n".join(page.splitlines()[:3]) for page in pages)
    word = docx.Document(str(folder / "dpia.docx"))
    for section in word.sections:
        assert "DRAFT: not signed off" in " ".join(p.text for p in section.header.paragraphs)
    assert word.paragraphs[2].text.startswith("DRAFT. This DPIA has not been signed off.")
    # every paste-ready text too
    for name, text in texts(folder, ".md", ".txt").items():
        if name != "dpia.md":
            assert first_visible_line(text).startswith("DRAFT:"), name


def test_register_rows_show_an_unsigned_dpia_as_draft() -> None:
    project = project_from(example_data("embedded"))
    a = assess(project, TODAY)
    rows = sharing_rows(project, a)
    assert rows and all(str(r["dpia_reference"]).endswith(", DRAFT: not signed off") for r in rows.values())
    assert project_rows(project, a)[project.project.id]["signed_off"] == "no"
    signed = project_from(example_data("contract"))
    signed_rows = sharing_rows(signed, assess(signed, TODAY)).values()
    assert not any("DRAFT" in str(r["dpia_reference"]) for r in signed_rows)


def test_a_sign_off_recorded_with_blocking_gaps_open_is_not_a_plain_yes(built: dict[str, Path]) -> None:
    # The DPIA says nobody should sign while a gap that blocks sign-off is open: the register's
    # Projects sheet and the agreement record say so, with the same count the checks give.
    project = project_from(example_data("contract"))
    a = assess(project, TODAY)
    n = len(a.blocking_gaps)
    assert n > 1 and not project.is_draft
    said = f"recorded as signed off, but {n} gaps that block sign-off are still open"
    assert project_rows(project, a)[project.project.id]["signed_off"] == said
    agreement = " ".join((built["contract"] / "partnership-agreement.md").read_text("utf-8").split())
    assert f"The data protection impact assessment (DPIA) is {said}." in agreement
    assert "is signed off." not in agreement
    dpia_md = (built["contract"] / "dpia.md").read_text("utf-8")
    assert f"| Status | R{said[1:]}: see Annex A. Measures approved" in dpia_md
    one = dataclasses.replace(a, gaps=(a.blocking_gaps[0],))
    assert project_rows(project, one)[project.project.id]["signed_off"] == (
        "recorded as signed off, but 1 gap that blocks sign-off is still open")
    closed = dataclasses.replace(a, gaps=tuple(g for g in a.gaps if not g.blocks))
    assert project_rows(project, closed)[project.project.id]["signed_off"] == "yes"


def test_check_and_build_summaries_do_not_say_signed_off_while_gaps_block_it(
        capsys: pytest.CaptureFixture[str]) -> None:
    from dpia.cli import main

    main(["check", str(DATA / "contract-example.yaml"), "--date", TODAY.isoformat()])
    said = " ".join(capsys.readouterr().out.split())
    assert "recorded as signed off, but 7 gaps that block sign-off are still open" in said
    assert "signed off)" not in said


@pytest.mark.parametrize("name", PROJECTS)
def test_no_double_escaping_in_html(built: dict[str, Path], name: str) -> None:
    for file, text in texts(built[name], ".html").items():
        assert not re.search(r"&amp;(#\d+|[a-z]+);", text), file


@pytest.mark.parametrize("name", PROJECTS)
def test_no_raw_br_outside_markdown_tables(built: dict[str, Path], name: str) -> None:
    for file, text in texts(built[name], ".md").items():
        stray = [line for line in text.splitlines() if "<br" in line and not line.startswith("|")]
        assert not stray, (file, stray)


@pytest.mark.parametrize("name", PROJECTS)
def test_wording_defects_never_come_back(built: dict[str, Path], name: str) -> None:
    every = texts(built[name], ".md", ".txt", ".html")
    assert len(every) > 5
    for file, text in every.items():
        flat = " ".join(text.split())
        assert not re.search(r"\ba NHS\b", flat, re.IGNORECASE), file
        assert not re.search(r"\bno no\b", flat, re.IGNORECASE), file
    personal = set(data_of(name)["processing"]["personal_data"])  # type: ignore[index]
    if "video_recordings" not in personal:
        assert not [f for f, t in every.items() if "Voices and faces" in t]


@pytest.mark.parametrize("name", PROJECTS)
def test_texts_that_say_you_never_say_participants_can(built: dict[str, Path], name: str) -> None:
    for file, text in texts(built[name], ".md", ".txt", ".html").items():
        if file.startswith(("privacy-notice", "participant-information/")):
            assert not re.search(r"\b(Participants|Respondents) can\b", text), file


@pytest.mark.parametrize("name", PROJECTS)
def test_where_people_were_told_names_the_texts_the_build_wrote(
    name: str, built: dict[str, Path]
) -> None:
    # The register named a survey introduction for projects with no survey, and never the
    # consultee sheet: it now names the participant texts this project's build writes.
    from dpia.render.participant import FOLDER, participant_texts

    project = project_from(data_of(name))
    written = {p.name.split(".")[0] for p in (built[name] / FOLDER).iterdir()}
    texts = {stem for _kind, stem, _subject in participant_texts(project)}
    assert texts == {s for s in written if not s.startswith("consent-form")}
    told = {str(r["where_told"]) for r in sharing_rows(project, assess(project, TODAY)).values()}
    assert len(told) == 1
    where = told.pop()
    methods = project.project.methods
    assert ("survey introduction" in where) == any(m.endswith("survey") for m in methods)
    assert ("personal consultee" in where) == project.processing.may_lack_capacity
    assert ("short version" in where) == project.processing.may_lack_capacity
    assert "Easy Read summary" in where
    if name == "capacity":
        assert where.endswith("information sheets for focus groups and interviews; short versions "
                              "of the information sheets, for people who may find it hard to "
                              "decide; information for a personal consultee (Mental Capacity Act "
                              "2005); Easy Read summary")
