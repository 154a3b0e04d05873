"""Sharing flows suggested for the processors that store the data, with the dates of the
fieldwork or the report they belong to (issue 12 point 5)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from prompt_keys import CTRL_C, DOWN, ENTER, UP, type_
from test_questionnaire import ask_section

from dpia.answers.loader import load, to_data
from dpia.answers.validate import validate


@pytest.fixture
def doc(contract_path: Path) -> dict[str, Any]:
    data = to_data(load(contract_path))
    data.pop("sharing")
    data["project"]["checkins"].insert(1, {"milestone": "fieldwork", "date": date(2026, 3, 2)})
    return data


def test_processor_flows_are_suggested_and_accepted_in_one_answer(doc: dict[str, Any]) -> None:
    # formsco stores the data (holds_data: true); typeright does not say, so gets none.
    said = ask_section(doc, "sharing", (
        DOWN * 2 + ENTER  # the method for all of them: secure portal
        + type_("Survey settings")  # what Healthwatch sends the survey company
        + type_("Survey responses; Comments")  # what it sends back
        + ENTER  # accept both
        + ENTER  # the list: done (the suggestion)
    ))
    assert "Suggested sharing flows:" in said
    assert "1. Survey settings: Healthwatch Northtown to FormsCo Ltd" in said
    sent, back = doc["sharing"]
    assert (sent["from"], sent["to"], back["from"], back["to"]) == (
        "hwn", "formsco", "formsco", "hwn")
    assert back["data"] == ["Survey responses", "Comments"]
    for flow in (sent, back):
        assert flow["method"] == "secure_portal"
        assert flow["identifiability"] == "identifiable"
        assert flow["agreement"] == "FC-2026-11"  # the processor's contract
        assert flow["starts"] == date(2026, 3, 2)  # the fieldwork check-in, not the start
        assert flow["ends"] == flow["review"] == date(2026, 7, 15)  # the next check-in
    assert "Online survey hosting" in back["purpose"]
    assert len({f["id"] for f in doc["sharing"]}) == 2
    _, problems = validate(doc)
    assert not [p for p in problems if p[0][0] == "sharing"], problems


def test_one_answer_of_one_suggested_flow_is_changed_alone(doc: dict[str, Any]) -> None:
    # The keys run out (EOFError) if any other answer of the flow is asked.
    ask_section(doc, "sharing", (
        ENTER  # the method: the suggestion
        + ENTER + type_("Survey responses")  # nothing sent to the processor; answers back
        + DOWN * 2 + ENTER  # change flow 1 (after "accept" and "accept and add another")
        + DOWN * 4 + ENTER  # which answer: can people be identified?
        + DOWN + ENTER  # pseudonymised
        + ENTER  # accept
        + ENTER  # done
    ))
    (flow,) = doc["sharing"]
    assert flow["identifiability"] == "pseudonymised"
    assert flow["data"] == ["Survey responses"] and flow["method"] == "sftp"
    assert flow["starts"] == date(2026, 3, 2) and flow["agreement"] == "FC-2026-11"


def test_a_report_flow_starts_at_the_report_not_on_the_first_day(doc: dict[str, Any]) -> None:
    doc["data_protection"]["processors"][0]["holds_data"] = False  # nothing to suggest
    ask_section(doc, "sharing", (
        ENTER  # add a flow
        + ENTER + ENTER  # from Healthwatch to the trust
        + ENTER  # suggested id
        + type_("Final report") + DOWN * 3 + ENTER  # aggregate
        + type_("To recommend improvements")
        + ENTER + ENTER + ENTER  # method, frequency, agreement
        + ENTER + ENTER + ENTER  # starts, ends, review: the suggestions
        + ENTER  # done
    ))
    (flow,) = doc["sharing"]
    assert flow["identifiability"] == "aggregate"
    assert flow["starts"] == date(2026, 8, 20)  # the recommendations check-in
    assert flow["starts"] != doc["project"]["start"]
    assert "ends" not in flow
    assert flow["review"] == date(2026, 9, 30)


def test_a_declined_suggestion_adds_nothing(doc: dict[str, Any]) -> None:
    ask_section(doc, "sharing", (
        ENTER + ENTER + type_("Survey responses")
        + UP + ENTER  # add none of them
        + DOWN + ENTER  # the list: none, go on
    ))
    assert doc["sharing"] == []


def test_processors_are_read_as_the_file_gives_them(contract_text: str) -> None:
    """On resume the answers are as read from the file ('true' as text): a processor that
    stores the data still gets its flows, and 'false' is no."""
    from dpia.answers.loader import parse
    from dpia.questionnaire.proposing import holders, proposed_flows
    from dpia.questionnaire.questions import State

    data, _ = parse(contract_text)
    state = State(data)
    assert [p["organisation"] for p in holders(state)] == ["formsco"]
    processor = dict(holders(state)[0], contract_in_place="false")
    processor.pop("contract_reference")
    (flow,) = proposed_flows(state, processor, [], ["Survey responses"], "sftp", [])
    assert "agreement" not in flow  # no contract: no agreement claimed for the flow


def test_a_flow_added_by_hand_takes_the_rest_from_the_project(doc: dict[str, Any]) -> None:
    """From, to, what and why are asked; the method (the usual one chosen for the suggested
    flows), frequency, agreement and dates are offered in one question (issue 12 point 3).
    The keys run out (EOFError) if any of them is asked one by one."""
    said = ask_section(doc, "sharing", (
        DOWN * 2 + ENTER  # the usual method: secure portal
        + ENTER + ENTER + ENTER  # nothing either way: no flow suggested
        + ENTER  # add a flow
        + ENTER + ENTER  # from Healthwatch to the trust
        + type_("Final report") + DOWN * 3 + ENTER  # aggregate
        + type_("To recommend improvements")
        + ENTER  # accept the rest as suggested
        + ENTER  # done
    ))
    (flow,) = doc["sharing"]
    assert flow["method"] == "secure_portal"  # the usual method, not a guess
    assert flow["starts"] == date(2026, 8, 20)  # the report's date: recommendations check-in
    assert "ends" not in flow and "frequency" not in flow
    assert flow["review"] == date(2026, 9, 30)  # the project's end
    assert "from the project's answers" not in said  # the question is a prompt


# With no processor storing the data: a flow added by hand, answered up to the offer of the rest.
FOLLOW_UP_TO_THE_OFFER = (
    ENTER  # add a flow
    + ENTER + ENTER  # from Healthwatch to the trust
    + type_("Names of people asking for follow-up") + DOWN + ENTER  # pseudonymised
    + type_("Follow-up")
    + ENTER  # the method: asked, as no usual method was given (SFTP)
)


def test_one_offered_answer_of_a_flow_is_changed_alone(doc: dict[str, Any]) -> None:
    doc["data_protection"]["processors"][0]["holds_data"] = False  # nothing to suggest
    ask_section(doc, "sharing", (
        FOLLOW_UP_TO_THE_OFFER
        + DOWN + ENTER + type_("Monthly")  # change only: how often? (the rest kept)
        + ENTER  # done
    ))
    (flow,) = doc["sharing"]
    assert flow["frequency"] == "Monthly" and flow["method"] == "sftp"
    assert flow["starts"] == date(2026, 3, 2)  # people's data: the fieldwork's dates
    assert flow["ends"] == flow["review"] == date(2026, 7, 15)


def test_dates_taken_from_a_checkin_are_written_out_not_aliased(doc: dict[str, Any]) -> None:
    """Seen in tmux: a flow dated from a check-in shares its date object, which YAML wrote as
    an anchor and '*id001'; the saved file spells each date out."""
    from dpia.answers.loader import dump

    doc["data_protection"]["processors"][0]["holds_data"] = False
    ask_section(doc, "sharing", (
        ENTER + ENTER + ENTER + type_("Names") + ENTER + type_("Follow-up")
        + ENTER + ENTER + ENTER  # method; accept the rest; done
    ))
    text = dump(doc)
    assert "*id0" not in text and "&id0" not in text
    assert "starts: 2026-03-02" in text


def test_a_hand_added_flow_changes_its_method_in_two_prompts(doc: dict[str, Any]) -> None:
    """Issue 12 point 5: the suggested flows accepted with another to add at once (no list
    menu between), and the offered method of a flow added by hand changed in two prompts:
    'change only: how is it sent?' and the method; the rest kept as shown, not asked again."""
    from test_questionnaire_short import asked_in

    asked, said = asked_in(doc, "sharing", (
        DOWN * 2 + ENTER  # the usual method: secure portal
        + ENTER + type_("Survey responses")  # formsco sends the answers back
        + DOWN + ENTER  # accept it and add another
        + ENTER + ENTER  # from Healthwatch to the trust
        + type_("Names of people asking for follow-up") + DOWN + ENTER  # pseudonymised
        + type_("Follow-up")
        + DOWN + ENTER  # change only: how is it sent?
        + DOWN + ENTER  # NHSmail (secure portal was suggested)
        + ENTER  # the list: done
    ))
    back, follow_up = doc["sharing"]
    assert follow_up["method"] == "nhsmail" and back["method"] == "secure_portal"
    assert follow_up["starts"] == date(2026, 3, 2)  # the rest as offered
    offered = [a for a in asked if a.startswith("The rest of this sharing flow")]
    assert len(offered) == 1  # not shown again after the one change
    assert sum(a.startswith("Sharing flows: what next?") for a in asked) == 1
    assert "Accept this flow and add another" in asked[3]
    assert "the other answers kept as shown" in said


def test_ctrl_c_at_the_offered_answers_keeps_only_what_was_answered(doc: dict[str, Any]) -> None:
    """Offered answers are not answers until accepted: stopped at the offer, the flow keeps
    what was typed (from, to, what, how identifiable, why) and the offered method, frequency,
    agreement and dates are left out, to be offered again when the questionnaire resumes."""
    doc["data_protection"]["processors"][0]["holds_data"] = False  # nothing to suggest
    with pytest.raises(KeyboardInterrupt):
        ask_section(doc, "sharing", (
            FOLLOW_UP_TO_THE_OFFER
            + CTRL_C  # at "The rest of this sharing flow, from the project's answers: accept?"
        ))
    (flow,) = doc["sharing"]
    assert flow["purpose"] == "Follow-up" and flow["method"] == "sftp"  # answered
    for offered in ("starts", "ends", "review", "agreement"):  # only offered
        assert offered not in flow, offered
