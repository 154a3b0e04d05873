"""What a first-time user meets: stopping with Ctrl-D anywhere, going back from an item,
adding an organisation where it is needed, problems caught at the end of their section,
resuming without being asked again, and the edit command named for each gap."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from prompt_keys import DOWN, ENTER, UP, type_, with_keys
from test_questionnaire import PROJECT, ask_section

from dpia import questionnaire
from dpia.answers import INCOMPLETE_KEY, load, parse, read_text, to_data
from dpia.errors import QuestionnaireStopped

CTRL_D = "\x04"


@pytest.fixture
def doc(contract_path: Path) -> dict[str, Any]:
    return to_data(load(contract_path))


def test_ctrl_d_in_a_choice_list_saves_and_stops(tmp_path: Path) -> None:
    path = tmp_path / "project.yaml"
    # At the check-ins list. Without the binding, Ctrl-D is ignored, DOWN + ENTER goes on
    # to the organisations, and the script runs out there.
    keys = PROJECT[: PROJECT.index(DOWN + ENTER)] + CTRL_D + DOWN + ENTER
    with pytest.raises(QuestionnaireStopped) as stopped:
        with_keys(keys, lambda ask: questionnaire.new(path, ask))
    assert f"dpia new {path}" in str(stopped.value)
    data, _ = parse(read_text(path))
    assert data[INCOMPLETE_KEY]["section"] == "project"
    assert data["project"]["title"] == "Carers and discharge"


# --- going back from an item, and adding an organisation where it is needed ----------------


def test_processor_from_an_organisation_added_there_and_then(doc: dict[str, Any]) -> None:
    del doc["data_protection"]["processors"]
    said = ask_section(doc, "roles", (
        ENTER  # add a processor
        + DOWN * 3 + ENTER  # ngh, formsco, typeright, then "A new organisation"
        + type_("SurveyCo Ltd") + ENTER + DOWN * 7 + ENTER + ENTER * 3  # a company
        + "n" + "n" + "n"  # no DPO, no data protection lead, no contact
        + type_("Online survey hosting") + ENTER + ENTER  # contract in place; no location
        + ENTER  # done
    ))
    assert doc["organisations"][-1] == {
        "name": "SurveyCo Ltd", "id": "surveyco-ltd", "type": "commercial"}
    assert doc["data_protection"]["processors"] == [{
        "organisation": "surveyco-ltd", "service": "Online survey hosting",
        "contract_in_place": True}]
    assert "Added SurveyCo Ltd. Back to: Which organisation is the processor?" in said


def test_going_back_from_a_new_item_in_a_choice(doc: dict[str, Any]) -> None:
    del doc["data_protection"]["processors"]
    said = ask_section(doc, "roles", ENTER + UP + ENTER + DOWN + ENTER)  # add; go back; none
    assert doc["data_protection"]["processors"] == []
    assert "Not added." in said
    assert len(doc["organisations"]) == 5


def test_going_back_from_a_new_item_with_an_empty_answer(doc: dict[str, Any]) -> None:
    del doc["consultation"]
    said = ask_section(doc, "consultation", (
        ENTER + ENTER  # add a consultation; leave "Who was consulted?" empty
        + DOWN + ENTER + type_("A small survey")  # none; why not
    ))
    assert doc["consultation"] == []
    assert doc["consultation_not_needed_because"] == "A small survey"
    assert "Not added." in said

