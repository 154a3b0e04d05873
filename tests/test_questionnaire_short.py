"""Fewer prompts and less help by default, with more on request (issue 12, the 90-prompt,
600-word target): ids suggested and not asked in a new questionnaire (dpia edit asks them),
a DPO's role and, with an email address, the phone number not asked, each help text said
once, a question's first sentence by default and the rest on '?'."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from prompt_keys import CLEAR, CTRL_C, DOWN, ENTER, SPACE, UP, type_, with_keys
from test_questionnaire import ask_section

from dpia.answers.loader import load, to_data
from dpia.questionnaire.interview import Interview
from dpia.questionnaire.prompting import Prompter
from dpia.questionnaire.questions import WORDING, section


@pytest.fixture
def doc(contract_path: Path) -> dict[str, Any]:
    return to_data(load(contract_path))


def recording(p: Prompter, asked: list[str]) -> Prompter:
    """A prompter like ``p`` that also notes every prompt (a list's with its choices)."""

    class Recording(Prompter):
        def text(self, message: str, **kw: Any) -> str:
            asked.append(message)
            return super().text(message, **kw)

        def confirm(self, message: str, **kw: Any) -> bool:
            asked.append(message)
            return super().confirm(message, **kw)

        def select(self, message: str, options: Any, **kw: Any) -> str:
            asked.append(message + " | " + " | ".join(label for _, label, _ in options))
            return super().select(message, options, **kw)

        def checkbox(self, message: str, *args: Any, **kw: Any) -> Any:
            asked.append(message)
            return super().checkbox(message, *args, **kw)

    return Recording(input=p._io["input"], output=p._io["output"], stream=p.stream)


def asked_in(doc: dict[str, Any], name: str, keys: str) -> tuple[list[str], str]:
    """Answer section ``name`` with ``keys``: every prompt with its choices, and the text said."""
    asked: list[str] = []

    def run(ask: Any) -> None:
        Interview(doc, recording(ask(), asked)).run([(section(name), "missing")])

    return asked, with_keys(keys, run)[1]


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
        + type_("IG team, ig@council.example")  # DPO: no role, no phone asked
        + "n" + ENTER  # no contact; add another
        + type_("Northtown Hospital") + "\x1b[B" + ENTER  # an NHS trust; details later
        + type_("IG, ig@hospital.example")
        + "n" + ENTER  # no contact; done
        + ENTER + ENTER  # the council leads; not commissioned
    ))
    council, trust = doc["organisations"]
    assert council["dpo"] == {"name": "IG team", "email": "ig@council.example"}
    assert trust["id"] == "northtown-hospital"
    assert said.count("must have a Data Protection Officer.") == 1


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


def test_a_dpo_is_named_in_one_answer_and_a_company_asked_no_yes_no(
    doc: dict[str, Any],
) -> None:
    """Issue 12 (prompts): a DPO or data protection lead is one answer, name and email; the
    keys run out (EOFError) if a yes/no question or a separate email prompt comes first."""
    doc.pop("organisations")
    del doc["project"]["lead"]
    ask_section(doc, "organisations", (
        type_("Healthwatch Northtown") + ENTER + "n"  # Healthwatch; details later
        + type_("Priya Shah <dpo@hw.example>")
        + "n" + ENTER  # no contact; add another
        + type_("Carers Centre") + "\x1b[B" * 5 + ENTER  # a charity; details later
        + ENTER  # no DPO
        + type_("jo@surveyco.example")  # its data protection lead: an email alone
        + "n" + ENTER + ENTER + ENTER  # no contact; done; Healthwatch leads; not commissioned
    ))
    hwn, surveyco = doc["organisations"]
    assert hwn["dpo"] == {"name": "Priya Shah", "email": "dpo@hw.example"}
    assert "dpo" not in surveyco
    assert surveyco["data_protection_lead"] == {"email": "jo@surveyco.example"}


def test_a_person_answer_that_is_not_one_email_is_refused() -> None:
    from dpia.questionnaire.asking import person_parts

    assert person_parts("Jo Evans, jo@x.example") == {"name": "Jo Evans", "email": "jo@x.example"}
    assert person_parts("IG team") == {"name": "IG team"}
    assert person_parts("a@x.example b@x.example") is None  # two addresses
    assert person_parts("Jo, jo@") is None  # an '@' that is no address
    assert "not a name and one email address" in WORDING.person_problem


def test_dpia_edit_shows_a_dpo_as_typed_and_keeps_its_role(doc: dict[str, Any]) -> None:
    """The one-answer DPO in `dpia edit`: the current name and email are the default, and
    Enter keeps them with the role and phone that the answer does not show."""

    doc["organisations"][0]["dpo"] = {"name": "Priya Shah", "role": "DPO",
                                      "email": "dpo@hw.example"}
    defaults: list[str] = []

    class Recording(Prompter):
        def text(self, message: str, **kw: Any) -> str:
            if "Data Protection Officer" in message:
                defaults.append(kw.get("default", ""))
            return super().text(message, **kw)

    def run(ask: Any) -> None:
        p = ask()
        recording = Recording(input=p._io["input"], output=p._io["output"], stream=p.stream)
        item = doc["organisations"][0]
        interview = Interview(doc, recording)
        q = next(n for n in section("organisations").nodes[0].nodes  # type: ignore[union-attr]
                 if getattr(n, "kind", "") == "person" and n.when(interview_state(item)))
        interview.mode, interview.item = "all", item
        interview._ask(q, item, ("organisations", 0), ())

    def interview_state(item: dict[str, Any]) -> Any:
        from dpia.questionnaire.questions import State
        return State(doc, item)

    with_keys(CLEAR + type_("Jo Evans, jo@hw.example"), run)
    assert defaults == ["Priya Shah, dpo@hw.example"]
    assert doc["organisations"][0]["dpo"] == {"name": "Jo Evans", "role": "DPO",
                                              "email": "jo@hw.example"}


def test_findings_usual_arrangement_shown_and_accepted_in_one_answer(
        doc: dict[str, Any]) -> None:
    """Issue 12: the findings' usual Healthwatch arrangement (lead owns, writes and publishes;
    the board agrees the findings; partners may ask for factual corrections) is shown in one
    question, each answer on its line, accepted together or changed one at a time."""
    doc.pop("findings")
    asked, _ = asked_in(doc, "findings", (
        ENTER + ENTER  # acknowledgement, conflicts of interest: none
        + DOWN * 6 + ENTER + CLEAR + type_("The steering group agrees them")  # change one answer
        + ENTER))  # then accept the rest
    f = doc["findings"]
    hw = next(o["name"] for o in doc["organisations"] if o["id"] == "hwn")
    assert f["decision_process"] == "The steering group agrees them"
    assert f["if_partners_disagree"].startswith("Partners may ask for factual corrections")
    offers = [a for a in asked if a.startswith("The usual arrangement for the findings")]
    assert len(offers) == 2 and len(asked) == 5  # 2 asked, the offer, 1 changed, the offer
    for shown_line in ("Who publishes it? (" + hw, "May Healthwatch reuse the data in later "
                       "work? (Yes", f"Who agrees the final findings, and how? ({hw}'s board"):
        assert shown_line in offers[0]
    assert "The steering group" in offers[1]


def test_findings_without_healthwatch_are_asked_not_assumed(doc: dict[str, Any]) -> None:
    """No Healthwatch takes part: its board's usual practice is not offered; the person
    writes who agrees the findings and what happens on disagreement."""
    doc.pop("findings")
    for o in doc["organisations"]:
        if o.get("type") == "healthwatch":
            o["type"] = "voluntary"
    ask_section(doc, "findings", ENTER + type_("The board") + type_("They respond")
                + ENTER + ENTER)
    assert doc["findings"]["decision_process"] == "The board"
    assert doc["findings"]["if_partners_disagree"] == "They respond"


def test_findings_stopped_before_accepting_keeps_no_offered_answer(
        doc: dict[str, Any]) -> None:
    """Ctrl-C at the offer: the answers taken from defaults were not accepted, so they are
    not kept (asked on resume)."""
    doc.pop("findings")
    with pytest.raises(KeyboardInterrupt):
        ask_section(doc, "findings", ENTER + ENTER + CTRL_C)
    assert "decision_process" not in doc.get("findings", {})
    assert "publisher" not in doc.get("findings", {})


def test_a_company_added_is_not_asked_whom_to_contact_until_its_role_needs_it(
        doc: dict[str, Any]) -> None:
    """Issue 12: a company or other organisation, usually a processor or a recipient, is not
    asked for a DPO, data protection lead or project contact while it is added."""
    doc.pop("organisations")
    del doc["project"]["lead"]
    asked, _ = asked_in(doc, "organisations", (
        type_("Healthwatch Northtown; SurveyCo Ltd")
        + ENTER  # the kinds the names say (local Healthwatch, company): accepted
        + "n"  # details later (for SurveyCo too: said once)
        + type_("Priya Shah, dpo@hw.example")  # its DPO (no project contact: dpia edit)
        + ENTER  # done
        + ENTER + ENTER))  # Healthwatch leads; not commissioned
    hwn, surveyco = doc["organisations"]
    assert hwn["dpo"] == {"name": "Priya Shah", "email": "dpo@hw.example"}
    assert not {"dpo", "data_protection_lead", "contact"} & set(surveyco)
    assert sum("Data Protection Officer" in a for a in asked) == 1  # Healthwatch's only
    assert not any("leads on data protection" in a for a in asked)


def test_a_company_that_is_a_controller_is_asked_whom_to_contact_in_the_roles(
        doc: dict[str, Any]) -> None:
    """The company turns out to be a joint controller: its DPO (or lead) and contact are
    asked in the roles section, under a heading naming it; a company that is not a
    controller is not asked."""
    doc["organisations"].append({"id": "surveyco", "name": "SurveyCo Ltd",
                                 "type": "commercial"})
    doc["organisations"].append({"id": "typists", "name": "Typists Ltd", "type": "commercial"})
    doc["data_protection"]["controllers"] = {
        "arrangement": "joint", "organisations": ["hwn", "surveyco"],
        "joint_arrangement": "Healthwatch designs; SurveyCo hosts", "contact_point": "hwn"}
    for o in doc["organisations"][:-2]:
        o.setdefault("contact", {"name": "Someone", "email": "someone@x.example"})
    keys = (ENTER  # no DPO at SurveyCo
            + type_("Jo Evans, jo@surveyco.example"))  # its data protection lead
    # (a project contact is not asked by dpia new: dpia edit offers it)
    asked: list[str] = []

    def run(ask: Any) -> None:
        from dpia.questionnaire.questions import Each

        each = next(n for n in section("roles").nodes if isinstance(n, Each))
        interview = Interview(doc, recording(ask(), asked))
        interview.mode = "missing"
        interview._each(each, doc, ())

    _, said = with_keys(keys, run)
    surveyco = doc["organisations"][-2]
    assert surveyco["data_protection_lead"] == {"name": "Jo Evans", "email": "jo@surveyco.example"}
    assert "Whom to contact at SurveyCo Ltd" in said
    assert "Typists Ltd" not in said and "data_protection_lead" not in doc["organisations"][-1]
    assert len(asked) == 2  # only SurveyCo's two questions


def test_dpia_edit_still_asks_a_company_whom_to_contact(doc: dict[str, Any]) -> None:
    """'dpia edit' (every answer of the organisation) asks a company's DPO, lead and contact
    too, and Enter keeps its DPO."""
    from dpia.questionnaire.questions import CONTACTS

    company = {"id": "surveyco", "name": "SurveyCo Ltd", "type": "commercial",
               "dpo": {"name": "Ann Lee", "email": "ann@surveyco.example"}}
    doc["organisations"].append(company)
    asked: list[str] = []

    def run(ask: Any) -> None:
        interview = Interview(doc, recording(ask(), asked))
        interview.mode, interview.item = "all", company
        interview.editing = True
        interview._nodes(CONTACTS, company, ("organisations", len(doc["organisations"]) - 1))

    with_keys(ENTER * 2 + "n", run)  # the DPO kept; no role; no project contact
    assert asked == ["Its Data Protection Officer (DPO): name and email", "Role",
                     "Add a project contact at this organisation?"]
    assert company["dpo"] == {"name": "Ann Lee", "email": "ann@surveyco.example"}


# --- fewer prompts for the organisations and roles (issue 12: 90 prompts) -------------------


def test_organisations_are_named_in_one_answer_with_the_kinds_their_names_say(
        doc: dict[str, Any]) -> None:
    """All the names in one answer; the kinds the names say shown and accepted together; a
    name typed twice pointed out and kept once (issue 12 point 8); no 'what next?' after
    each organisation and no project contact asked (dpia edit offers it)."""
    doc.pop("organisations")
    del doc["project"]["lead"]
    asked, said = asked_in(doc, "organisations", (
        type_("Healthwatch Northtown; Opinion Works Ltd; healthwatch  northtown; "
              "Sam Patel Transcription")
        + ENTER  # the second Healthwatch Northtown: the one already listed
        + ENTER  # the kinds the names say: accepted
        + "n" + type_("Priya Shah, dpo@hw.example")  # Healthwatch: details later; its DPO
        + DOWN * 8 + ENTER  # Sam Patel: its name says no kind: other organisation
        + ENTER  # the list: done
        + ENTER + ENTER))  # Healthwatch leads; not commissioned
    assert [(o["id"], o["type"]) for o in doc["organisations"]] == [
        ("healthwatch-northtown", "healthwatch"), ("opinion-works-ltd", "commercial"),
        ("sam-patel-transcription", "other")]
    assert "healthwatch  northtown is already in the list of organisations." in said
    assert "  Opinion Works Ltd: company" in said
    assert sum(a.startswith("Organisations: what next?") for a in asked) == 1
    assert sum(a.startswith("What kind of organisation") for a in asked) == 1
    assert not any("project contact" in a for a in asked)
    assert "add them later with 'dpia edit'" in said


def test_kinds_the_names_say() -> None:
    from dpia.questionnaire.questions import kind_from_name

    assert [kind_from_name(n) for n in (
        "Healthwatch Northtown", "Opinion Works Ltd", "Northtown Hospitals NHS Foundation Trust",
        "Northtown Borough Council", "University of Northtown", "Sam Patel Transcription",
        "Northtown Carers Centre")] == [
        "healthwatch", "commercial", "nhs_trust", "local_authority", "university", None, None]


def test_the_controller_is_picked_with_the_arrangement(doc: dict[str, Any]) -> None:
    """'<organisation> alone decides why and how the data is used': the arrangement and the
    controller in one answer (issue 12)."""
    doc.pop("data_protection")
    asked, _ = asked_in(doc, "roles", (
        DOWN * 2 + ENTER  # Northtown Carers Centre alone decides
        + ENTER  # no processors ticked
        + ENTER * 5))
    assert doc["data_protection"]["controllers"] == {"arrangement": "sole",
                                                    "organisations": ["ncc"]}
    assert "Northtown Carers Centre alone decides why and how the data is used" in asked[0]
    assert "Several decide together, for a shared purpose (joint controllers)" in asked[0]
    assert not any(a.startswith("Which organisation is the controller?") for a in asked)


def two_processors(formsco_contract: bool, typeright_contract: bool) -> list[dict[str, Any]]:
    """FormsCo hosting the survey, storing it in the UK; TypeRight transcribing, storing nothing."""
    return [
        {"organisation": "formsco", "service": "Survey hosting",
         "contract_in_place": formsco_contract, "location": "United Kingdom", "holds_data": True},
        {"organisation": "typeright", "service": "Transcription",
         "contract_in_place": typeright_contract, "holds_data": False}]


def test_processors_are_ticked_in_one_list_and_nothing_is_taken_as_signed(
        doc: dict[str, Any]) -> None:
    """The processors ticked among the organisations that are not controllers; each asked
    what it does, whether a contract is in place (the pointer on 'not known yet', never on
    yes) and whether and where it stores the data, in one answer; no list menu after."""
    del doc["data_protection"]["processors"]
    asked, _ = asked_in(doc, "roles", (
        DOWN + SPACE + DOWN + SPACE + ENTER  # formsco and typeright (ngh not ticked)
        + type_("Survey hosting") + ENTER  # a contract: Enter, not known yet
        + UP * 3 + ENTER  # it stores the data in the United Kingdom (from "not known yet")
        + type_("Transcription") + UP * 2 + ENTER  # a contract: yes
        + UP * 4 + ENTER  # it does not store the data itself (never where the pointer starts)
        + ENTER * 5))
    assert doc["data_protection"]["processors"] == two_processors(False, True)
    assert asked[0].startswith("Which of these organisations are processors?")
    assert not any(a.startswith("Processors: what next?") for a in asked)


def test_dpia_edit_shows_a_processor_as_answered(doc: dict[str, Any]) -> None:
    """'dpia edit': the contract and where the data is stored start from the answers (yes;
    the United Kingdom), and the list's menu changes or removes a processor."""
    asked: list[str] = []

    def run(ask: Any) -> None:
        Interview(doc, recording(ask(), asked)).run([(section("roles"), "all")])

    before = copy.deepcopy(doc["data_protection"]["processors"])
    with_keys(ENTER * 40, run)
    assert doc["data_protection"]["processors"][0] == before[0]  # Enter keeps each answer
    assert any(a.startswith("Processors: what next?") for a in asked)


def test_the_basis_detail_is_left_to_dpia_edit(doc: dict[str, Any]) -> None:
    from dpia.questionnaire.questions import Ask

    doc.pop("processing")
    asked, _ = asked_in(doc, "processing", (
        DOWN + SPACE + ENTER + type_("350") + ENTER + SPACE + ENTER + ENTER + ENTER * 4
        + ENTER + ENTER  # the same basis for both: public task
        + ENTER + ENTER  # Article 9, Schedule 1
        + type_("Microsoft 365") + ENTER + type_("Answers") + type_("1 year") + ENTER
        + ENTER + ENTER + ENTER + type_("Until July") + ENTER))
    assert not any("Anything to add about the basis" in a for a in asked)
    assert "lawful_basis_detail" not in doc["processing"]
    detail = next(n for n in section("processing").nodes
                  if isinstance(n, Ask) and n.path == ("processing", "lawful_basis_detail"))
    edited: list[str] = []

    def run(ask: Any) -> None:
        interview = Interview(doc, recording(ask(), edited))
        interview.mode = "all"
        interview._ask(detail, doc, ())

    with_keys(type_("Section 221 of the 2007 Act"), run)
    assert edited == ["Anything to add about the basis?"]
    assert doc["processing"]["lawful_basis_detail"] == "Section 221 of the 2007 Act"


def test_ctrl_c_among_organisations_named_together_keeps_every_name(tmp_path: Path) -> None:
    """Stopped at the first organisation's questions: every name typed is saved, and the
    resumed questionnaire asks each what it has not answered (the first one's DPO too)."""
    from test_questionnaire import PROJECT

    from dpia.answers.loader import INCOMPLETE_KEY, parse, read_text
    from dpia.errors import QuestionnaireStopped
    from dpia.questionnaire import engine as questionnaire

    path = tmp_path / "project.yaml"
    with pytest.raises(QuestionnaireStopped):
        with_keys(PROJECT + type_("Healthwatch Northtown; Northtown General Hospital")
                  + ENTER  # the kind the first name says: accepted
                  + CTRL_C,  # at its administrative details
                  lambda ask: questionnaire.new(path, ask))
    data, _ = parse(read_text(path))
    assert data[INCOMPLETE_KEY]["section"] == "organisations"
    assert [o["name"] for o in data["organisations"]] == [
        "Healthwatch Northtown", "Northtown General Hospital"]
    rest = (
        "n" + type_("Priya Shah, dpo@hw.example")  # Healthwatch: details later; its DPO
        + DOWN + ENTER + type_("IG Team, ig@ngh.example")  # the hospital: an NHS trust; DPO
        + ENTER + ENTER + ENTER  # done; lead; not commissioned
        + ENTER + ENTER + ENTER * 5  # Healthwatch alone; no processors; the rest
    )
    with pytest.raises(QuestionnaireStopped):  # the keys run out in a later section
        with_keys(rest, lambda ask: questionnaire.new(path, ask))
    data, _ = parse(read_text(path))
    hwn, ngh = data["organisations"]
    assert hwn["dpo"] == {"name": "Priya Shah", "email": "dpo@hw.example"}
    assert ngh["type"] == "nhs_trust" and ngh["dpo"]["email"] == "ig@ngh.example"
    assert data["data_protection"]["controllers"]["organisations"] == ["healthwatch-northtown"]


def test_a_kind_the_name_says_may_be_changed(doc: dict[str, Any]) -> None:
    doc.pop("organisations")
    del doc["project"]["lead"]
    asked, said = asked_in(doc, "organisations", (
        type_("Northtown Council; Opinion Works Ltd")
        + DOWN * 2 + ENTER  # change: Opinion Works Ltd (company)
        + DOWN + ENTER  # other organisation (the pointer starts on company)
        + ENTER  # the kinds, as changed: accepted
        + "n" + type_("IG, ig@council.example")  # the council: details later; its DPO
        + ENTER + ENTER + ENTER))  # done; the council leads; not commissioned
    assert [o["type"] for o in doc["organisations"]] == ["local_authority", "other"]
    assert "  Opinion Works Ltd: other organisation" in said
    assert sum(a.startswith("The kinds of organisation their names say") for a in asked) == 2


def test_ctrl_c_among_processors_ticked_keeps_each_and_resume_asks_the_rest(
        doc: dict[str, Any]) -> None:
    del doc["data_protection"]["processors"]
    doc["data_protection"]["controllers"] = {"arrangement": "sole", "organisations": ["hwn"]}
    with pytest.raises(KeyboardInterrupt):
        ask_section(doc, "roles", DOWN * 2 + SPACE + DOWN + SPACE + ENTER + CTRL_C)
    assert doc["data_protection"]["processors"] == [
        {"organisation": "formsco"}, {"organisation": "typeright"}]
    said = ask_section(doc, "roles", (
        type_("Survey hosting") + UP * 2 + ENTER + UP * 3 + ENTER  # formsco: yes; the UK
        + type_("Transcription") + UP + ENTER + UP * 4 + ENTER  # typeright: no, not yet; not stored
        + ENTER  # the list: done
        + ENTER * 6))
    assert doc["data_protection"]["processors"] == two_processors(True, False)
    assert "Carrying on with processor 2" in said
