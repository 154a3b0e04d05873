"""What a first-time user meets: stopping with Ctrl-D anywhere, going back from an item,
adding an organisation where it is needed, problems caught at the end of their section,
resuming without being asked again, and the edit command named for each gap."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import RunDpia
from prompt_keys import CLEAR, CTRL_C, DOWN, ENTER, SPACE, UP, replace, type_, with_keys
from test_questionnaire import PROJECT, ask_section

from dpia.answers.loader import INCOMPLETE_KEY, load, parse, read_text, to_data
from dpia.errors import QuestionnaireStopped
from dpia.questionnaire import engine as questionnaire
from dpia.questionnaire.interview import Interview
from dpia.questionnaire.questions import WORDING, section

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
        DOWN * 3 + SPACE + ENTER  # ngh, formsco, typeright, then "A new organisation"
        + type_("SurveyCo Ltd") + ENTER + "n"  # a company, as its name says; details later
        # A processor: participants contact the controllers, so no DPO, data protection
        # lead or contact is asked of it (the keys run out if they are)
        + ENTER  # back at the processors: SurveyCo ticked
        + type_("Online survey hosting")
        + UP * 2 + ENTER  # a contract: yes
        + ENTER  # it stores the data, where is not known yet: where the pointer starts
    ))
    assert doc["organisations"][-1] == {
        "name": "SurveyCo Ltd", "id": "surveyco-ltd", "type": "commercial"}
    assert doc["data_protection"]["processors"] == [{
        "organisation": "surveyco-ltd", "service": "Online survey hosting",
        "contract_in_place": True, "holds_data": True}]
    assert "Added SurveyCo Ltd. Back to: Which of these organisations are processors?" in said


def test_an_organisation_named_again_is_offered_instead_of_a_copy(doc: dict[str, Any]) -> None:
    """Issue 12 point 8: the same name (case and spaces aside) warns and offers the one
    already listed, rather than silently adding 'formsco-ltd-2'."""
    del doc["data_protection"]["processors"]
    said = ask_section(doc, "roles", (
        DOWN * 3 + SPACE + ENTER  # "A new organisation"
        + type_("  formsco   LTD ")
        + ENTER  # use the one already listed
        + ENTER  # back at the processors: FormsCo ticked
        + type_("Online survey hosting")
        + UP * 2 + ENTER  # a contract: yes
        + ENTER  # it stores the data, where is not known yet: where the pointer starts
    ))
    assert len(doc["organisations"]) == 5
    assert doc["data_protection"]["processors"] == [{
        "organisation": "formsco", "service": "Online survey hosting",
        "contract_in_place": True, "holds_data": True}]
    assert "formsco   LTD is already in the list of organisations." in said
    assert "Not added again: FormsCo Ltd is already listed." in said
    assert "Using FormsCo Ltd. Back to: Which of these organisations are processors?" in said


def test_an_organisation_named_again_may_still_be_added(doc: dict[str, Any]) -> None:
    doc["organisations"] = doc["organisations"][:1]
    doc["project"].pop("commissioned_by", None)
    said = ask_section(doc, "organisations", (
        ENTER  # the listed one's contact has no phone (the last item is offered what it lacks)
        + ENTER  # add another organisation
        + type_("Healthwatch northtown") + "n"  # not the one listed: a second of that name
        + ENTER + ENTER + "n" + ENTER + ENTER + "n"  # id; type; no details, DPO, lead, contact
        + ENTER + ENTER  # done; not commissioned
    ))
    assert [o["id"] for o in doc["organisations"]] == ["hwn", "healthwatch-northtown"]
    assert "is already in the list of organisations" in said


def test_going_back_from_a_new_item_in_a_choice(doc: dict[str, Any]) -> None:
    del doc["data_protection"]["processors"]
    said = ask_section(doc, "roles", (
        DOWN * 3 + SPACE + ENTER  # a new organisation
        + ENTER  # its name left empty: go back
        + ENTER))  # no processors ticked
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



# --- resuming --------------------------------------------------------------------------


def test_resume_does_not_ask_again_what_was_left_empty(tmp_path: Path) -> None:
    path = tmp_path / "project.yaml"
    at_checkins = PROJECT[: PROJECT.index(DOWN + ENTER)]  # agreement reference and date left empty
    with pytest.raises(QuestionnaireStopped):
        with_keys(at_checkins + CTRL_C, lambda ask: questionnaire.new(path, ask))
    data, _ = parse(read_text(path))
    assert data[INCOMPLETE_KEY] == {
        "section": "project",
        "skipped": ["project.agreement.agreed_on", "project.agreement.reference"],
    }
    # Asked again, the reference would take ENTER and the date the end date below.
    rest = ENTER + replace("2026-09-30")  # no check-ins; the end date, asked again
    with pytest.raises(QuestionnaireStopped):
        with_keys(rest, lambda ask: questionnaire.new(path, ask))
    data, _ = parse(read_text(path))
    assert data["project"]["agreement"] == {"form": "memorandum_of_understanding"}
    assert data["project"]["checkins"] == []
    assert str(data["project"]["end"]) == "2026-09-30"
    assert data[INCOMPLETE_KEY]["section"] == "organisations"


def test_resume_says_where_it_carries_on(tmp_path: Path) -> None:
    path = tmp_path / "project.yaml"
    with pytest.raises(QuestionnaireStopped):
        with_keys(PROJECT + type_("Healthwatch Northtown") + CTRL_C,
                  lambda ask: questionnaire.new(path, ask))
    said = io.StringIO()

    def resume(ask: Any) -> None:
        ask().stream = said  # what is said before the prompt stops
        questionnaire.new(path, ask)

    with pytest.raises(QuestionnaireStopped):
        with_keys(CTRL_C, resume)
    assert "Welcome back: carrying on from section 2, The organisations." in said.getvalue()
    assert "Carrying on with organisation 1: Healthwatch Northtown" in said.getvalue()


# --- file names as typed (Windows users type backslashes) ---------------------------------


def test_messages_name_the_file_as_typed(tmp_path: Path) -> None:
    path = tmp_path / "project.yaml"
    typed = "projects\\project.yaml"
    with pytest.raises(QuestionnaireStopped) as stopped:
        with_keys(CTRL_C, lambda ask: questionnaire.new(path, ask, shown=typed))
    assert f"dpia new {typed}" in str(stopped.value)
    assert f"# Carry on where it stopped with: dpia new {typed}\n" in path.read_text(encoding="utf-8")


def test_new_without_a_terminal_names_the_file_as_typed(tmp_path: Path, run_dpia: RunDpia) -> None:
    result = run_dpia("new", "./project.yaml", cwd=tmp_path, input="")
    assert result.returncode == 2
    assert "dpia new ./project.yaml --from ANSWERS.yaml" in result.stderr


# --- dpia check names the edit command for each gap -------------------------------------


def test_check_names_the_edit_command_for_each_gap(
    tmp_path: Path, run_dpia: RunDpia, example_path: Path
) -> None:
    (tmp_path / "survey.yaml").write_text(example_path.read_text(encoding="utf-8"), encoding="utf-8")
    out = run_dpia("check", "survey.yaml", "--date", "2026-11-26", cwd=tmp_path).stdout
    flat = " ".join(out.split())
    block = flat[flat.index("insecure-transfer-phone-answers (sharing[2].method)"):]
    assert block.index("Or answer again: dpia edit survey.yaml --section sharing") < block.index(
        "no-processor-contract-callpoint")
    assert "dpia edit survey.yaml --section roles" in flat  # the processor without a contract
    assert "dpia edit survey.yaml --section signoff" in flat
    assert "--section risks" not in flat  # no section asks for the measures
    example = run_dpia("check", "--example", "--date", "2026-11-26").stdout
    assert "dpia edit" not in example  # the shipped example is not for editing


def test_every_gap_path_of_the_example_maps_to_a_section_or_to_risks(example_path: Path) -> None:
    from dpia.assessment.assess import assess
    from dpia.questionnaire.questions import section_for_path

    a = assess(load(example_path), date(2026, 11, 26))
    for gap in a.gaps:
        assert (section_for_path(gap.path) is None) == gap.path.startswith("risks"), gap.path


# --- lists: items by name, change or remove one from a short menu -----------------------


def test_remove_an_item_from_its_own_menu(doc: dict[str, Any]) -> None:
    ask_section(doc, "roles", (
        UP + ENTER  # the last processor, typeright, does not say whether it stores the
        # data (a location only): it does not
        + UP + ENTER  # the list: add, formsco, typeright, done; choose typeright
        + DOWN + ENTER + "y"  # change / remove / keep: remove it, yes
        + ENTER  # done
    ))
    assert [p["organisation"] for p in doc["data_protection"]["processors"]] == ["formsco"]


def test_list_items_are_shown_by_name_and_label(doc: dict[str, Any]) -> None:
    from dpia.questionnaire.questions import SECTIONS, Repeat, State

    repeats = {n.path: n for sec in SECTIONS for n in sec.nodes if isinstance(n, Repeat)}
    state = State(doc)
    names = {o["id"]: o["name"] for o in state.orgs()}
    flow = {"from": "hwn", "to": "ngh", "data": ["Findings", "Quotes"]}
    assert repeats[("sharing",)].summary(flow, state) == (
        f"Findings; Quotes ({names['hwn']} to {names['ngh']})")
    processor = doc["data_protection"]["processors"][0]
    assert repeats[("data_protection", "processors")].summary(processor, state) == (
        f"{names['formsco']}: {processor['service']}")
    checkin = {"milestone": "analysis_and_findings", "date": date(2027, 3, 1)}
    assert repeats[("project", "checkins")].summary(checkin, state) == (
        "analysis and findings (01/03/2027)")  # as people type it


# --- dates and numbers as people write them ---------------------------------------------


def test_dates_and_numbers_as_people_write_them(doc: dict[str, Any]) -> None:
    doc["project"].pop("start")
    doc["project"].pop("end")
    doc["processing"].pop("approx_participants")
    ask_section(doc, "project", type_("1 March 2026") + type_("30/09/2026") + ENTER)  # check-ins
    ask_section(doc, "processing", type_("about 2,000") + ENTER * 2)  # transfers, retention
    assert doc["project"]["start"] == date(2026, 3, 1)
    assert doc["project"]["end"] == date(2026, 9, 30)
    assert doc["processing"]["approx_participants"] == 2000


def test_an_impossible_date_is_refused_at_the_prompt(doc: dict[str, Any]) -> None:
    doc["project"].pop("start")
    ask_section(doc, "project", type_("31/02/2026") + CLEAR + type_("28/02/2026") + ENTER)
    assert doc["project"]["start"] == date(2026, 2, 28)


def test_a_date_not_understood_says_what_was_typed_and_the_forms_accepted(
    doc: dict[str, Any],
) -> None:
    """Issue 12 point 9: the message names the answer and the accepted forms, said right
    after the prompt (not at the foot of the terminal), and the prompt is asked again."""
    doc["project"].pop("start")
    said = ask_section(doc, "project", (
        type_("next week") + CLEAR + type_("31/02/2026") + CLEAR + type_("31/03/2026") + ENTER))
    assert doc["project"]["start"] == date(2026, 3, 31)
    assert ("'next week' is not a date this accepts: write the day, month and year, e.g. "
            "31/03/2026, 31 March 2026 or 2026-03-31.") in said
    assert "'31/02/2026' is not a real date" in said


def test_every_date_form_the_prompts_name_is_accepted() -> None:
    import re

    from dpia.answers.fieldtypes import check_value
    from dpia.questionnaire.asking import forgiving

    named = " ".join((WORDING.date, WORDING.date_optional, WORDING.date_problem))
    forms = set(re.findall(r"\d{1,2}/\d{2}/\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2} [A-Z][a-z]+ \d{4}",
                           named))
    assert forms == {"31/03/2026", "2026-03-31", "31 March 2026"}
    for form in forms:
        value, problem = check_value(("project", "start"), forgiving("date", form))
        assert (value, problem) == (date(2026, 3, 31), None), form


def test_a_dpo_without_email_or_phone_is_a_gap_not_a_forced_answer(doc: dict[str, Any]) -> None:
    """Issue 12 point 1: nothing forces a phone number the person does not have."""
    doc.pop("organisations")
    del doc["project"]["lead"]
    ask_section(doc, "organisations", (
        type_("Northtown Council") + ENTER + "n"  # a council, as its name says; details later
        + type_("IG team")  # no email (a DPO's role is not asked)
        + ENTER  # no phone either: accepted, left as a gap
        + UP + ENTER + ENTER  # done; not commissioned
    ))
    assert doc["organisations"][0]["dpo"] == {"name": "IG team"}


def test_a_placeholder_typed_in_an_open_question_is_recorded_as_absent(
    doc: dict[str, Any],
) -> None:
    doc.pop("organisations")
    del doc["project"]["lead"]
    said = ask_section(doc, "organisations", (
        type_("Northtown Council") + ENTER  # a council, as its name says
        + "y" + type_("TBC") + ENTER * 2  # details: ICO number not known yet; no address, no notice
        + type_("IG team") + type_("TBC")  # no email, no phone yet
        + UP + ENTER + ENTER  # done; not commissioned
    ))
    org = doc["organisations"][0]
    assert "ico_registration" not in org
    assert org["dpo"] == {"name": "IG team"}
    assert WORDING.not_known in said


def test_administrative_details_are_asked_once_and_left_for_later(
    doc: dict[str, Any],
) -> None:
    """Issue 12 point 6: one question for the ICO number, address and privacy notice; "No"
    asks none of them (tests/test_checks.py: 'dpia check' lists them for a controller)."""
    doc.pop("organisations")
    del doc["project"]["lead"]
    said = ask_section(doc, "organisations", (
        type_("Healthwatch Northtown; Northtown Carers Centre; SurveyCo Ltd")
        + ENTER  # the kinds two names say: local Healthwatch, company
        + "y" + type_("ZA000001") + type_("1 Market Street") + ENTER  # has two of them
        + type_("Priya Shah, dpo@hw.example")  # a DPO
        + DOWN * 5 + ENTER  # the carers centre: voluntary; details not asked again
        + ENTER + type_("Jo Evans, jo@ncc.example")  # no DPO; a lead (email: no phone)
        # SurveyCo: a company, asked nothing more (whom to contact: once a controller)
        + ENTER + ENTER + ENTER  # done; lead; not commissioned
    ))
    hwn, ncc, surveyco = doc["organisations"]
    for later in (ncc, surveyco):
        assert not {"ico_registration", "address", "privacy_notice_url"} & set(later)
    assert said.count("for the next organisations too") == 1
    assert (hwn["ico_registration"], hwn["address"]) == ("ZA000001", "1 Market Street")
    assert "privacy_notice_url" not in hwn
    assert said.count("register of fee payers") == 1  # the ICO number's help: for hwn only


def test_capacity_and_people_who_do_not_take_part_are_asked(doc: dict[str, Any]) -> None:
    """Issue 12 point 4: after "adults who may be vulnerable: yes", whether some may lack
    capacity and, if so, how they are included; and, as carers take part, who else the
    answers are about."""
    pr = doc["processing"]
    for key in ("vulnerable_adults", "mental_capacity", "third_party_subjects"):
        pr.pop(key)
    said = ask_section(doc, "processing", (
        "y"  # adults who may be vulnerable
        + DOWN + ENTER  # some may lack capacity
        + type_("Only people who can consent for themselves take part.")
        + type_("the person the carer looks after")
        + ENTER + ENTER  # transfers, retention: as they are
    ))
    assert pr["vulnerable_adults"] is True
    assert pr["mental_capacity"] == "may_lack_capacity"
    assert pr["capacity_approach"] == "Only people who can consent for themselves take part."
    assert pr["third_party_subjects"] == ["the person the carer looks after"]
    assert "printed as written in the DPIA and in the information for participants" in said


def test_capacity_is_not_asked_when_nobody_vulnerable_takes_part(doc: dict[str, Any]) -> None:
    pr = doc["processing"]
    for key in ("vulnerable_adults", "mental_capacity", "third_party_subjects"):
        pr.pop(key)
    pr["data_subjects"] = ["public"]
    said = ask_section(doc, "processing", "n" + ENTER + ENTER)
    assert pr["vulnerable_adults"] is False
    assert not {"mental_capacity", "capacity_approach", "third_party_subjects"} & set(pr)
    assert "Mental Capacity Act" not in said


def test_suggested_ids_are_short_and_whole_words() -> None:
    from dpia.questionnaire.questions import _short, suggest_id

    assert suggest_id("Access to general practice appointments in Riverside and Northtown") == (
        "access-to-general-practice-appointments")
    flow = suggest_id(f"{_short('healthwatch-riverside')}-to-{_short('riverside-borough-council')}")
    assert flow == "hr-to-rbc"
    assert suggest_id(f"{_short('hwn')}-to-{_short('ngh')}") == "hwn-to-ngh"


def test_ctrl_c_after_the_questions_says_the_file_is_complete(
    tmp_path: Path, contract_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dpia import cli

    path = tmp_path / "p.yaml"
    path.write_text(contract_text, encoding="utf-8")
    project = load(path)
    args = cli.build_parser().parse_args(["new", "p.yaml", "--date", "2026-11-26"])
    monkeypatch.chdir(tmp_path)

    def stop(ask: Any) -> None:
        monkeypatch.setattr(cli, "_prompter", ask)
        cli._after_questionnaire(project, args, offer_build=True)

    with pytest.raises(QuestionnaireStopped, match="complete and saved") as stopped:
        with_keys(CTRL_C, stop)
    assert "dpia build p.yaml" in str(stopped.value)


def selects_seen(doc: dict[str, Any], name: str, mode: str, keys: str) -> dict[str, list[Any]]:
    """Run one section with ``keys``; the options of every list shown, by its question."""
    from dpia.questionnaire.prompting import Prompter

    seen: dict[str, list[Any]] = {}

    class Recording(Prompter):
        def select(self, message: str, options: Any, **kw: Any) -> str:
            seen[message] = list(options)
            return super().select(message, options, **kw)

    def run(ask: Any) -> None:
        p = ask()
        recording = Recording(input=p._io["input"], output=p._io["output"], stream=p.stream)
        Interview(doc, recording).run([(section(name), mode)])  # type: ignore[list-item]

    with_keys(keys, run)
    return seen


def test_the_lawful_basis_choices_explain_themselves(doc: dict[str, Any]) -> None:
    doc["processing"].pop("lawful_basis")
    doc["processing"].pop("lawful_basis_detail", None)
    # the same basis: public task; lists
    seen = selects_seen(doc, "processing", "missing", "y" + ENTER + ENTER + ENTER * 2)
    options = seen["What is the lawful basis for using the data?"]
    assert all(description for _, _, description in options)


def test_prompt_checks_word_problems_like_the_file_loader() -> None:
    # fieldtypes passes the full location to dpia.answers.messages, so nested keys resolve.
    from dpia.answers.fieldtypes import check_value

    _, problem = check_value(("organisations", 2, "dpo"), {"nme": "Jo"})
    assert problem is not None and "did you mean 'name'?" in problem
    assert "fields allowed here: name, role, email, phone" in problem
    _, problem = check_value(("sharing", 0, "method"), "emial")
    assert problem is not None and "did you mean 'email'?" in problem


def test_change_edits_one_answer_of_one_flow(doc: dict[str, Any]) -> None:
    """Issue 12 point 5: 'change' edits a single field, not all twelve of a flow."""
    before = [dict(f) for f in doc["sharing"]]
    said = ask_section(doc, "sharing", (
        UP * len(before) + ENTER  # the first flow (the menu starts at "Done")
        + ENTER  # change an answer
        + DOWN * 5 + ENTER  # "Why is it shared?"
        + replace("To analyse the answers")
        + ENTER  # done
    ), mode="all")
    assert doc["sharing"][0]["purpose"] == "To analyse the answers"
    assert {k: v for k, v in doc["sharing"][0].items() if k != "purpose"} == {
        k: v for k, v in before[0].items() if k != "purpose"}
    assert doc["sharing"][1:] == before[1:]
    assert "Needs another look" not in said


def test_change_menu_shows_answers_as_people_read_them(doc: dict[str, Any]) -> None:
    """The 'which answer' list names organisations and choices, not their codes."""
    seen = selects_seen(doc, "sharing", "all", UP * len(doc["sharing"]) + ENTER + ENTER
                        + DOWN * 5 + ENTER + replace("To analyse the answers") + ENTER)
    menu = " ".join(label for _, label, _ in seen["Which answer do you want to change?"])
    assert "FormsCo Ltd" in menu and "Healthwatch Northtown" in menu
    assert "formsco" not in menu and "secure_download" not in menu
