"""After the checks, the measures in place for every open risk (issue 12: the questionnaire in
30 minutes): one checklist for all of them, a heading per risk; the remaining risk asked only
of the risks still medium or high (the others recorded as low), never suggested; one approval
question. Saved after each answer, so Ctrl-C keeps what was ticked."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import TODAY
from prompt_keys import CTRL_C, DOWN, ENTER, SPACE, UP, type_, with_keys

from dpia.answers.loader import load, save, to_data
from dpia.answers.model import Project
from dpia.answers.validate import validate
from dpia.assessment.assess import assess
from dpia.assessment.risks import Risk
from dpia.questionnaire.measures import record_risks
from dpia.questionnaire.prompting import HEADING, Prompter
from dpia.questionnaire.questions import RISK_WORDING, WORDING

Asked = list[tuple[str, str, list[tuple[str, str, str | None]]]]


def recording(p: Prompter, asked: Asked) -> Prompter:
    """A prompter like ``p`` that also notes every prompt: (kind, message, options)."""

    class Recording(Prompter):
        def text(self, message: str, **kw: Any) -> str:
            asked.append(("text", message, []))
            return super().text(message, **kw)

        def confirm(self, message: str, **kw: Any) -> bool:
            asked.append(("confirm", message, []))
            return super().confirm(message, **kw)

        def select(self, message: str, options: Any, **kw: Any) -> str:
            asked.append(("select", message, list(options)))
            return super().select(message, options, **kw)

        def checkbox(self, message: str, options: Any, **kw: Any) -> list[str]:
            asked.append(("checkbox", message, list(options)))
            return super().checkbox(message, options, **kw)

    return Recording(input=p._io["input"], output=p._io["output"], stream=p.stream)


def open_risks(project: Project) -> list[Risk]:
    return [r for r in assess(project, TODAY).risks if r.needs_measures and not r.has_measures]


def ticking(risks: list[Risk], wanted: dict[int, list[int]]) -> str:
    """Keys for the one checklist: tick choice i (the suggested measures, then 'Other') under
    risk n for each n: [i, ...] in ``wanted``; the pointer passes over the headings."""
    keys = ""
    for n, risk in enumerate(risks):
        for i in range(len(risk.suggested_measures) + 1):
            keys += (SPACE if i in wanted.get(n, []) else "") + DOWN
    return keys + ENTER


def other(risk: Risk) -> int:
    return len(risk.suggested_measures)


def record(path: Path, keys: str) -> tuple[Project, Asked, str]:
    project = load(path)
    asked: Asked = []
    result, said = with_keys(keys, lambda ask: record_risks(
        path, project, list(assess(project, TODAY).risks), recording(ask(), asked)))
    return result, asked, said


@pytest.fixture
def path(tmp_path: Path, contract_path: Path) -> Path:
    copy = tmp_path / "p.yaml"
    shutil.copy(contract_path, copy)
    return copy


def test_a_heading_in_a_checklist_is_never_pointed_at_nor_ticked() -> None:
    options = [(HEADING, "Risk 1", None), ("a", "A", None), (HEADING, "Risk 2", None),
               ("b", "B", None)]
    ticked, _ = with_keys(SPACE + DOWN + SPACE + ENTER,
                          lambda ask: ask().checkbox("Which?", options))
    assert ticked == ["a", "b"]


def test_one_checklist_holds_every_open_risks_measures(path: Path) -> None:
    risks = open_risks(load(path))
    assert len(risks) == 5
    keys = ticking(risks, {n: [0] for n in range(len(risks))}) + ENTER + "n"
    recorded, asked, said = record(path, keys)
    # Three prompts for five risks: the measures, the risks still medium or high, approval.
    assert [(kind, message) for kind, message, _ in asked] == [
        ("checkbox", RISK_WORDING.measures), ("checkbox", RISK_WORDING.residual),
        ("confirm", RISK_WORDING.approved)]
    expected: list[tuple[bool, str, str | None]] = []
    for n, risk in enumerate(risks, start=1):
        expected.append((True, f"Risk {n} of 5: {risk.title} ({risk.level} before measures)",
                         None))
        expected += [(False, label, risk.harm)  # the harm shown under each of its measures
                     for label in [*risk.suggested_measures, WORDING.other_choice]]
    assert [(value == HEADING, label, harm) for value, label, harm in asked[0][2]] == expected
    assert "Enter with nothing ticked leaves them for later; dpia check lists them" in said
    assert load(path) == recorded
    entries = {e.id: e for e in recorded.risks}
    for risk in risks:
        entry = entries[risk.id]
        assert entry.measures == [risk.suggested_measures[0]]
        assert (entry.effect, entry.residual, entry.approved) == ("reduced", "low", None)


def test_other_measures_are_recorded_for_the_risk_they_were_ticked_under(path: Path) -> None:
    risks = open_risks(load(path))
    keys = (ticking(risks, {0: [1, other(risks[0])], 1: [other(risks[1])], 2: [0]})
            + type_("Weekly access review") + type_("Easy Read leaflet; Carer present")
            + ENTER + "y")
    recorded, asked, said = record(path, keys)
    # What was ticked is said under the risk it was ticked for.
    assert (f"Ticked: Risk 1 of 5: {risks[0].title} (high before measures): "
            f"{risks[0].suggested_measures[1]}; {WORDING.other_choice}") in said
    texts = [message for kind, message, _ in asked if kind == "text"]
    assert texts == [RISK_WORDING.other_text.format(title=risks[0].title),
                     RISK_WORDING.other_text.format(title=risks[1].title)]
    entries = {e.id: e for e in recorded.risks}
    assert entries[risks[0].id].measures == [risks[0].suggested_measures[1], "Weekly access review"]
    assert entries[risks[1].id].measures == ["Easy Read leaflet", "Carer present"]
    assert entries[risks[2].id].measures == [risks[2].suggested_measures[0]]
    assert risks[3].id not in entries and risks[4].id not in entries  # left open
    assert all(entries[r.id].approved for r in risks[:3])


def test_only_the_risks_ticked_as_still_medium_or_high_are_asked_their_level(path: Path) -> None:
    risks = open_risks(load(path))
    high, medium, medium_too = risks[0], risks[1], risks[2]
    assert (high.level, medium.level, medium_too.level) == ("high", "medium", "medium")
    keys = (ticking(risks, {0: [0], 1: [0], 2: [0]})
            + SPACE + DOWN + SPACE + ENTER  # still medium or high: the first two
            + UP + ENTER  # the high one: medium now (the list starts at its level before)
            + "n")
    recorded, asked, said = record(path, keys)
    residual = next(o for kind, m, o in asked if m == RISK_WORDING.residual)
    assert [v for v, _, _ in residual] == [high.id, medium.id, medium_too.id]
    assert "any left unticked is recorded as low" in RISK_WORDING.residual
    selects = [(m, o) for kind, m, o in asked if kind == "select"]
    assert selects == [(RISK_WORDING.level.format(title=high.title),
                        [("medium", "medium", None), ("high", "high", None)])]
    entries = {e.id: e for e in recorded.risks}
    assert entries[high.id].residual == "medium"
    assert entries[medium.id].residual == "medium"  # was medium: nothing lower to ask about
    assert entries[medium_too.id].residual == "low"  # left unticked
    assert said.count("Article 36") == 1


def test_a_high_risk_left_at_its_level_stays_high(path: Path) -> None:
    risks = open_risks(load(path))
    keys = ticking(risks, {0: [0]}) + SPACE + ENTER + ENTER + "n"
    recorded, _, _ = record(path, keys)
    assert {e.id: e.residual for e in recorded.risks}[risks[0].id] == "high"


def test_nothing_ticked_records_nothing_and_leaves_the_risks_open(path: Path) -> None:
    before = path.read_text(encoding="utf-8")
    project = load(path)
    recorded, asked, said = record(path, ENTER)
    assert [kind for kind, _, _ in asked] == ["checkbox"]  # no 'Record them now?' first
    assert recorded == project
    assert path.read_text(encoding="utf-8") == before
    assert RISK_WORDING.none_recorded.format(n=5) in said
    assert len(open_risks(recorded)) == 5


def test_ctrl_c_keeps_what_was_ticked(path: Path) -> None:
    risks = open_risks(load(path))
    # Stopped at the remaining risk: the measures are kept, with no remaining level judged.
    with pytest.raises(KeyboardInterrupt):
        record(path, ticking(risks, {0: [0], 1: [0, 1]}) + CTRL_C)
    entries = {e.id: e for e in load(path).risks}
    assert entries[risks[0].id].measures == [risks[0].suggested_measures[0]]
    assert entries[risks[1].id].measures == list(risks[1].suggested_measures[:2])
    assert entries[risks[0].id].residual is None
    assert risks[2].id not in entries
    # Stopped while typing a risk's other measures: those ticked under the others are kept.
    with pytest.raises(KeyboardInterrupt):
        record(path, ticking(open_risks(load(path)), {0: [0], 1: [other(risks[3])]}) + CTRL_C)
    entries = {e.id: e for e in load(path).risks}
    assert entries[risks[2].id].measures == [risks[2].suggested_measures[0]]
    assert risks[3].id not in entries


def test_risks_of_the_same_kind_have_headings_naming_what_tells_them_apart(
    tmp_path: Path, example_path: Path,
) -> None:
    data = to_data(load(example_path))
    for proc in data["data_protection"]["processors"]:
        proc["contract_in_place"] = False
    # Two of the project's own risks described alike: told apart by their ids.
    data["risks"] += [{"id": f"lost-{n}", "description": "Notes could be lost",
                       "likelihood": "possible", "severity": "significant"} for n in (1, 2)]
    project, problems = validate(data)
    assert project is not None, problems
    path = tmp_path / "p.yaml"
    save(project, path)
    _, asked, _ = record(path, ENTER)
    headings = [label for value, label, _ in asked[0][2] if value == HEADING]
    assert len(headings) == len(set(headings))
    names = {o.id: o.name for o in project.organisations}
    for proc in project.data_protection.processors:
        assert any(f"Processor without a contract: {names[proc.organisation]}" in h
                   for h in headings), headings
    assert [h.split(": ", 1)[1] for h in headings if "Notes could be lost" in h] == [
        "Notes could be lost (lost-1) (medium before measures)",
        "Notes could be lost (lost-2) (medium before measures)"]
