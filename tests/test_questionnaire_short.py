"""Fewer prompts and less help by default, with more on request (issue 12, the 90-prompt,
600-word target): ids suggested and not asked in a new questionnaire (dpia edit asks them),
a DPO's role and, with an email address, the phone number not asked, each help text said
once, a question's first sentence by default and the rest on '?'."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from prompt_keys import ENTER, type_, with_keys
from test_questionnaire import ask_section

from dpia.answers.loader import load, to_data
from dpia.questionnaire.interview import Interview
from dpia.questionnaire.prompting import Prompter
from dpia.questionnaire.questions import section


@pytest.fixture
def doc(contract_path: Path) -> dict[str, Any]:
    return to_data(load(contract_path))


def test_the_rest_of_a_help_text_is_shown_on_request(doc: dict[str, Any]) -> None:
    doc["project"] = {"lead": "hwn"}
    said = ask_section(doc, "project", (
        type_("Waiting well")  # the id is not asked
        + type_("?")  # at the summary: more help, then the question again
        + type_("We listen.")
        + " " + ENTER + ENTER + ENTER  # an online survey; no dates yet
        + "n" + "\x1b[B" + ENTER  # no written agreement; no check-ins
    ))
    assert doc["project"]["summary"] == "We listen."
    assert doc["project"]["id"] == "waiting-well"
    first = said.index("What the project is and what it aims to achieve, in plain words.")
    rest = said.index("This opens the DPIA and the information for participants.")
    assert first < rest
    assert said.count("This opens the DPIA") == 1  # not before the '?'


def test_a_help_text_is_said_once(doc: dict[str, Any]) -> None:
    doc.pop("organisations")
    del doc["project"]["lead"]
    said = ask_section(doc, "organisations", (
        type_("Northtown Council") + "\x1b[B" * 4 + ENTER + "n"  # a council; details later
        + type_("IG team") + type_("ig@council.example")  # DPO: no role, no phone asked
        + "n" + ENTER  # no contact; add another
        + type_("Northtown Hospital") + "\x1b[B" + ENTER + "n"  # an NHS trust
        + type_("IG") + type_("ig@hospital.example")
        + "n" + ENTER  # no contact; done
        + ENTER + ENTER  # the council leads; not commissioned
    ))
    council, trust = doc["organisations"]
    assert council["dpo"] == {"name": "IG team", "email": "ig@council.example"}
    assert trust["id"] == "northtown-hospital"
    assert said.count("Participants are given it to ask about their data.") == 1


def test_dpia_edit_still_asks_the_id(doc: dict[str, Any]) -> None:
    asked: list[str] = []

    class Recording(Prompter):
        def text(self, message: str, **kw: Any) -> str:
            asked.append(message)
            return super().text(message, **kw)

    def run(ask: Any) -> None:
        p = ask()
        recording = Recording(input=p._io["input"], output=p._io["output"], stream=p.stream)
        Interview(doc, recording).run([(section("project"), "all")])

    with pytest.raises(EOFError):
        with_keys(ENTER * 2, run)
    assert asked[:2] == ["What is the project called?", "A short id for the project"]
