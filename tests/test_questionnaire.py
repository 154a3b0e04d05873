"""The questionnaire driven through prompt_toolkit's pipe input: each section, the
conditional questions, the controller helper, Ctrl-C and resume, --from and edit."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from prompt_keys import CTRL_C, DOWN, ENTER, SPACE, UP, down, replace, type_, with_keys

from dpia.answers import vocab
from dpia.answers.loader import INCOMPLETE_KEY, keep_commented_copy, load, parse, read_text, to_data
from dpia.errors import AnswersError, IncompleteAnswersError, QuestionnaireStopped, UsageError
from dpia.questionnaire import engine as questionnaire
from dpia.questionnaire.interview import Interview
from dpia.questionnaire.questions import SECTIONS, section, suggest_id

# --- a whole questionnaire, from empty ---------------------------------------------------

PROJECT = (
    type_("Carers and discharge")  # title (the id is suggested from it, not asked)
    + type_("We ask carers about leaving hospital.")
    + SPACE + ENTER  # methods: online survey
    + type_("2026-02-01") + type_("2026-01-15")  # start; an end before the start
    + ENTER + ENTER + ENTER + ENTER  # agreement: yes, MOU, no reference, no date
    + down(1)  # check-ins: none
    + replace("2026-09-30")  # asked again at the end of the section: end before start
)
ORGANISATIONS = (
    type_("Healthwatch Northtown; Northtown General Hospital")  # both names in one answer
    + ENTER  # the kind the first name says (local Healthwatch): accepted
    + "n"  # details later
    + type_("Priya Shah, dpo@hw.example")  # a DPO (reached by email), in one answer
    + down(1)  # the hospital's name says no kind: an NHS trust
    + type_("IG Team, ig@ngh.example")  # DPO (required)
    + ENTER  # done (no project contact asked: dpia edit offers it)
    + ENTER + ENTER  # lead: Healthwatch; commissioned by: nobody
)
ROLES = (
    ENTER  # Healthwatch alone decides: the arrangement and the controller in one answer
    + ENTER  # no processors (none ticked)
    + ENTER  # subject access
    + ENTER + ENTER + ENTER + ENTER  # safeguarding owner, role, process; breach lead
)
PROCESSING = (
    DOWN + SPACE + ENTER  # carers
    + type_("120") + ENTER  # participants, no geography
    + SPACE + ENTER  # name
    + ENTER  # special category: health (ticked by default)
    + ENTER * 3  # criminal, children, vulnerable adults: no
    + ENTER  # carers take part: nobody else the answers are about
    + ENTER  # public task (a detail about it: dpia edit)
    + ENTER + ENTER  # Article 9 and Schedule 1 suggestions
    + type_("Microsoft 365 in the UK")
    + ENTER  # no international transfers (the suggestion)
    + type_("Survey answers") + type_("12 months after publication") + ENTER + ENTER
    + ENTER + ENTER  # no anonymisation text; threshold 5
    + type_("Until 1 July") + ENTER  # withdrawal; no security measures
)
SHARING = down(1)
# no acknowledgement, no conflicts of interest; the usual arrangement (Healthwatch owns,
# writes and publishes; its board agrees the findings; partners may correct facts) accepted
FINDINGS = ENTER * 3
CONSULTATION = down(1) + type_("A small survey; the DPO advised")
SIGNOFF = ENTER  # leave a draft

WHOLE = PROJECT + ORGANISATIONS + ROLES + PROCESSING + SHARING + FINDINGS + CONSULTATION + SIGNOFF


def test_whole_questionnaire_from_empty_passes_check(tmp_path: Path) -> None:
    path = tmp_path / "project.yaml"
    project, said = with_keys(WHOLE, lambda ask: questionnaire.new(path, ask))
    for n in range(1, 9):
        assert f"Section {n} of 8" in said
    problem = "Needs another look: this answer is before the project's start date"
    assert said.index(problem) < said.index("Section 2 of 8")  # asked again at once
    loaded = load(path)  # what `dpia check` reads: valid, not marked incomplete
    assert loaded == project
    assert loaded.project.id == "carers-and-discharge"
    assert loaded.project.end == date(2026, 9, 30)
    assert loaded.org_ids == ["healthwatch-northtown", "northtown-general-hospital"]
    ngh = loaded.org("northtown-general-hospital")
    assert ngh.dpo is not None and ngh.dpo.email == "ig@ngh.example"
    assert loaded.controller_ids == ["healthwatch-northtown"]
    assert loaded.processing.schedule1_condition == (
        "Schedule 1, paragraph 6: statutory and government purposes"
    )
    assert loaded.is_draft


def test_script_running_out_saves_instead_of_hanging(tmp_path: Path) -> None:
    path = tmp_path / "project.yaml"
    with pytest.raises(QuestionnaireStopped):
        with_keys(PROJECT, lambda ask: questionnaire.new(path, ask))  # Ctrl-D at the next prompt
    data, _ = parse(read_text(path))
    assert data[INCOMPLETE_KEY]["section"] == "organisations"


# --- sections, one at a time, on top of the contract example -----------------------------


@pytest.fixture
def doc(contract_path: Path) -> dict[str, Any]:
    return to_data(load(contract_path))


def ask_section(data: dict[str, Any], name: str, keys: str, mode: str = "missing") -> str:
    def run(ask: Any) -> None:
        Interview(data, ask()).run([(section(name), mode)])  # type: ignore[list-item]

    return with_keys(keys, run)[1]


def test_project_section(doc: dict[str, Any]) -> None:
    doc.pop("project")
    doc["project"] = {"lead": "hwn"}
    said = ask_section(doc, "project", (
        type_("Waiting well") + type_("We listen.")  # the id is suggested, not asked
        + DOWN * 4 + SPACE + ENTER  # interviews
        + ENTER + ENTER  # no dates
        + "n"  # no written agreement
        + ENTER + DOWN * 2 + ENTER + type_("2027-03-01")  # a check-in at analysis
        + ENTER  # done
    ))
    assert doc["project"] == {
        "lead": "hwn", "title": "Waiting well", "id": "waiting-well", "summary": "We listen.",
        "methods": ["interview"],
        "checkins": [{"milestone": "analysis_and_findings", "date": date(2027, 3, 1)}],
    }
    assert "e.g. a memorandum of understanding" in said


def test_organisations_public_authority_must_name_a_dpo(doc: dict[str, Any]) -> None:
    doc.pop("organisations")
    del doc["project"]["lead"]
    said = ask_section(doc, "organisations", (
        type_("Northtown Council")
        + ENTER  # the kind its name says: a local authority, accepted
        + "n"  # details later
        + type_("Jane Roe, not@an@email")  # refused: not one email address
        + replace("Jane Roe, dpo@council.example")  # name and email in one answer
        # with an email, no phone is asked; no project contact (dpia edit offers it)
        + UP + ENTER  # done (adding another is suggested while there is one)
        + ENTER  # commissioned by: nobody
    ))
    org = doc["organisations"][0]
    assert org["id"] == "northtown-council"
    assert org["type"] == "local_authority"
    assert org["dpo"] == {"name": "Jane Roe", "email": "dpo@council.example"}
    assert "must have a Data Protection Officer" in said
    # The only organisation leads without being asked.
    assert doc["project"]["lead"] == "northtown-council"
    assert "the only possible answer" in said


def test_joint_controllers_are_asked_who_does_what(doc: dict[str, Any]) -> None:
    doc.pop("data_protection")
    said = ask_section(doc, "roles", (
        down(5)  # joint (after "<organisation> alone decides ..." for each of the five)
        + SPACE + DOWN * 2 + SPACE + ENTER  # hwn and ncc
        + type_("HWN designs the survey; NCC recruits carers")
        + ENTER  # contact point: hwn
        + DOWN + SPACE + ENTER  # processors: formsco (ngh, formsco, typeright offered)
        + type_("Survey hosting")
        + UP * 2 + ENTER  # a contract: yes (the pointer starts on "not known yet")
        + ENTER  # it stores the data, where is not known yet: where the pointer starts
        + ENTER * 6
    ))
    ctl = doc["data_protection"]["controllers"]
    assert ctl == {
        "arrangement": "joint", "organisations": ["hwn", "ncc"],
        "joint_arrangement": "HWN designs the survey; NCC recruits carers", "contact_point": "hwn",
    }
    assert doc["data_protection"]["processors"] == [
        {"organisation": "formsco", "service": "Survey hosting", "contract_in_place": True,
         "holds_data": True}
    ]
    assert "Article 26 requires joint controllers" in said


def test_sole_controller_is_not_asked_joint_questions(doc: dict[str, Any]) -> None:
    doc.pop("data_protection")
    said = ask_section(doc, "roles", ENTER  # Healthwatch alone decides
                       + ENTER  # no processors ticked
                       + ENTER * 5)
    assert doc["data_protection"]["controllers"] == {"arrangement": "sole", "organisations": ["hwn"]}
    assert doc["data_protection"]["dpo_for_participants"] == "hwn"  # the only controller
    assert "Article 26 requires" not in said


def test_controller_helper_suggests_joint(doc: dict[str, Any]) -> None:
    doc.pop("data_protection")
    said = ask_section(doc, "roles", (
        UP + ENTER  # "Not sure: help me decide"
        + DOWN * 2 + SPACE + ENTER  # hwn (ticked as lead) and ncc decide
        + ENTER  # together: yes
        + ENTER  # the suggestion is the default
        + ENTER  # the controllers it found are ticked
        + type_("Shared design") + ENTER
        + ENTER  # no processors ticked
        + ENTER * 6
    ))
    ctl = doc["data_protection"]["controllers"]
    assert ctl["arrangement"] == "joint"
    assert ctl["organisations"] == ["hwn", "ncc"]
    assert "decides WHY the data is collected and WHAT it is used for" in said
    assert ("Suggested arrangement: joint controllers (Article 26), because Healthwatch "
            "Northtown and Northtown Carers Centre decide the purposes together.") in said


def test_controller_helper_a_partner_that_only_helped_is_not_a_controller(
    doc: dict[str, Any],
) -> None:
    """Issue 12 point 3: helping write the questions does not make a controller; the result
    is explained in one sentence and the person may override it."""
    names = {o["id"]: o["name"] for o in doc["organisations"]}
    doc.pop("data_protection")
    said = ask_section(doc, "roles", (
        UP + ENTER  # "Not sure: help me decide"
        + ENTER  # only the lead (ticked already) decides the purposes
        + ENTER  # the suggestion ("Healthwatch Northtown alone ...") is the default: accept it
        + ENTER  # no processors ticked
        + ENTER * 5
    ))
    assert doc["data_protection"]["controllers"] == {"arrangement": "sole", "organisations": ["hwn"]}
    assert "Helping write the questions, receiving a report or hosting the survey" in said
    line = next(t for t in said.splitlines() if t.startswith("Suggested arrangement"))
    assert line == (f"Suggested arrangement: {vocab.ARRANGEMENTS['sole']}, because only "
                    f"{names['hwn']} decides why the data is collected and what it is used for; "
                    "the other organisations do not, so they are not controllers.")

    doc.pop("data_protection")
    ask_section(doc, "roles", (
        UP + ENTER + ENTER  # the helper suggests sole again
        + DOWN * 5 + ENTER  # but the person knows better: joint (after the five "alone")
        + DOWN * 2 + SPACE + ENTER  # hwn (ticked, as the helper found it) and ncc
        + type_("Shared design") + ENTER
        + ENTER  # no processors ticked
        + ENTER * 6
    ))
    assert doc["data_protection"]["controllers"]["arrangement"] == "joint"


PROCESSING_TAIL = (
    type_("Microsoft 365") + ENTER + type_("Answers") + type_("1 year") + ENTER
    + ENTER + ENTER + ENTER + type_("Until July") + ENTER
)


def test_processing_legitimate_interests_and_no_schedule1_for_explicit_consent(
    doc: dict[str, Any],
) -> None:
    doc.pop("processing")
    said = ask_section(doc, "processing", (
        DOWN + SPACE + ENTER + type_("350") + ENTER + SPACE + ENTER + ENTER + ENTER * 4
        + "n"  # the controllers rely on different bases
        + ENTER + DOWN + ENTER  # hwn public task, ncc legitimate interests (no detail asked)
        + type_("Improving support for carers")
        + UP * 6 + ENTER  # Article 9: explicit consent
        + PROCESSING_TAIL
    ))
    pr = doc["processing"]
    assert pr["lawful_basis"] == {"hwn": "public_task", "ncc": "legitimate_interests"}
    assert pr["legitimate_interests"] == "Improving support for carers"
    assert pr["special_category_condition"] == "explicit_consent"
    assert "schedule1_condition" not in pr
    assert "Schedule 1 of the Data Protection Act" not in said


def test_processing_schedule1_asked_only_when_the_condition_needs_it(doc: dict[str, Any]) -> None:
    doc.pop("processing")
    said = ask_section(doc, "processing", (
        DOWN + SPACE + ENTER + type_("350") + ENTER + SPACE + ENTER + ENTER + ENTER * 4
        + ENTER + ENTER  # the same basis for both: public task (no detail: dpia edit)
        + DOWN + ENTER  # Article 9: health or social care
        + ENTER  # Schedule 1 paragraph 2, suggested
        + PROCESSING_TAIL
    ))
    pr = doc["processing"]
    assert pr["lawful_basis"] == "public_task"
    assert "legitimate_interests" not in pr
    assert pr["schedule1_condition"] == "Schedule 1, paragraph 2: health or social care purposes"
    assert "UK law adds it to the Article 9 condition." in said


def test_no_special_category_means_no_article9_question(doc: dict[str, Any]) -> None:
    doc.pop("processing")
    ask_section(doc, "processing", (
        DOWN + SPACE + ENTER + type_("20") + ENTER + SPACE + ENTER
        + SPACE + ENTER  # untick health
        + ENTER * 4 + ENTER + ENTER + ENTER + PROCESSING_TAIL
    ))
    assert doc["processing"]["special_category"] == []
    assert "special_category_condition" not in doc["processing"]


def test_sharing_flow_by_email_warns_and_excludes_sender_as_recipient(doc: dict[str, Any]) -> None:
    doc.pop("sharing")
    doc["data_protection"].pop("processors")  # no flows to suggest
    said = ask_section(doc, "sharing", (
        ENTER  # add a flow
        + ENTER + ENTER  # from hwn to ngh (hwn is not offered as recipient); id suggested
        + type_("Findings; Quotes") + ENTER + type_("Inform the trust")
        + down(7)  # ordinary email (after the secure methods and the file-sharing link)
        + ENTER + ENTER + ENTER + ENTER + ENTER  # frequency, agreement, dates
        + ENTER  # done
    ))
    (flow,) = doc["sharing"]
    assert flow["id"] == "hwn-to-ngh" and flow["from"] == "hwn" and flow["to"] == "ngh"
    assert flow["data"] == ["Findings", "Quotes"]
    assert flow["method"] == "email"
    assert flow["starts"] == date(2026, 2, 2)  # the project's start: no fieldwork check-in
    # The fieldwork's end: the check-in after it (analysis), reviewed then.
    assert flow["ends"] == flow["review"] == date(2026, 7, 15)
    assert "not a secure way to send data that identifies people" in said


def _one_flow(doc: dict[str, Any], method_keys: str) -> tuple[dict[str, Any], str]:
    doc.pop("sharing")
    doc["data_protection"].pop("processors")  # no flows to suggest
    said = ask_section(doc, "sharing", (
        ENTER + ENTER + ENTER  # add a flow from hwn to ngh (its id suggested, not asked)
        + type_("Survey answers") + ENTER + type_("Follow-up referrals")  # identifiable
        + method_keys
        + ENTER + ENTER + ENTER + ENTER + ENTER  # frequency, agreement, dates
        + ENTER  # done
    ))
    return doc["sharing"][0], said


@pytest.mark.parametrize(("answer", "method"), [("y", "protected_link"), ("n", "open_link")])
def test_a_file_sharing_link_asks_who_can_open_it(
    doc: dict[str, Any], answer: str, method: str,
) -> None:
    """Issue 12 point 2: one choice for a link, then whether only named people can open it
    (sign-in or a separate password, and an expiry): the second edition's link methods."""
    flow, said = _one_flow(doc, down(6) + answer)
    assert flow["method"] == method
    assert ("not a secure way to send data that identifies people" in said) == (
        method == "open_link")


def test_another_method_is_described_and_treated_as_not_secure(doc: dict[str, Any]) -> None:
    flow, said = _one_flow(doc, UP + ENTER + type_("A courier carries an encrypted memory stick"))
    assert flow["method"] == "other"
    assert flow["method_detail"] == "A courier carries an encrypted memory stick"
    assert "records it as a risk needing measures" in said


def test_every_transfer_method_is_described_in_one_line() -> None:
    from dpia.answers import vocab
    from dpia.questionnaire.questions import LINK, LINK_QUESTION, METHOD_CHOICES, METHOD_LINES

    assert set(METHOD_LINES) == set(METHOD_CHOICES)
    assert all(len(line) <= 90 and "\n" not in line for line in METHOD_LINES.values())
    offered = (set(METHOD_CHOICES) - {LINK}) | set(LINK_QUESTION[1:])
    assert offered == set(vocab.TRANSFER_METHODS)


def test_findings_defaults_follow_the_controllers(doc: dict[str, Any]) -> None:
    doc.pop("findings")
    # acknowledgement and conflicts of interest asked; the usual arrangement accepted
    ask_section(doc, "findings", ENTER * 3)
    f = doc["findings"]
    assert f["data_owner"] == ["hwn", "ncc"]
    assert f["report_authors"] == ["hwn"] and f["publisher"] == "hwn"
    assert f["healthwatch_may_reuse_data"] is True and f["partners_may_reuse_data"] is False


def test_consultation_reason_only_when_nobody_was_consulted(doc: dict[str, Any]) -> None:
    doc.pop("consultation")
    ask_section(doc, "consultation", ENTER + type_("Carers panel") + type_("Read the survey")
                + ENTER + ENTER)
    assert doc["consultation"] == [{"who": "Carers panel", "how": "Read the survey"}]
    assert "consultation_not_needed_because" not in doc


def test_signoff_skipped_leaves_a_draft(doc: dict[str, Any]) -> None:
    doc.pop("signoff")
    said = ask_section(doc, "signoff", ENTER)
    assert "signoff" not in doc
    assert "DRAFT on every page" in said


def test_signoff_with_dpo_advice_not_accepted_asks_why(doc: dict[str, Any]) -> None:
    doc.pop("signoff")
    person = type_("Sam Lee") + type_("Chief Executive") + type_("2026-01-25")
    ask_section(doc, "signoff", (
        "y" + ENTER + person + ENTER + person
        + ENTER + type_("Delete recordings sooner") + "n" + type_("Transcripts need checking")
        + ENTER + person
        + "n" + type_("2026-07-31")
    ))
    s = doc["signoff"]
    assert s["dpo_advice"]["accepted"] is False
    assert s["dpo_advice"]["reasons"] == "Transcripts need checking"
    assert s["dpo_advice"]["by"]["date"] == date(2026, 1, 25)
    assert "review_by" not in s
    assert s["next_review"] == date(2026, 7, 31)


# --- Ctrl-C and resume ---------------------------------------------------------------------


def test_ctrl_c_keeps_answers_and_resume_finishes(tmp_path: Path) -> None:
    path = tmp_path / "project.yaml"
    with pytest.raises(QuestionnaireStopped) as stopped:
        with_keys(PROJECT + type_("Healthwatch Northtown") + CTRL_C,
                  lambda ask: questionnaire.new(path, ask))
    assert f"dpia new {path}" in str(stopped.value)
    data, _ = parse(read_text(path))
    assert data[INCOMPLETE_KEY]["section"] == "organisations"
    assert data["organisations"] == [{"name": "Healthwatch Northtown",
                                      "id": "healthwatch-northtown"}]  # suggested, not asked
    assert data["project"]["title"] == "Carers and discharge"
    with pytest.raises(IncompleteAnswersError, match="dpia new"):
        load(path)

    rest = (  # the kind its name says suggested; the hospital added from the list's menu
        ENTER + "n" + type_("Priya Shah, dpo@hw.example")
        + ENTER + type_("Northtown General Hospital") + down(1) + type_("IG Team, ig@ngh.example")
        + ENTER + ENTER + ENTER  # done; lead; commissioned by: nobody
    )
    tail = ROLES + PROCESSING + SHARING + FINDINGS + CONSULTATION + SIGNOFF
    project, said = with_keys(rest + tail, lambda ask: questionnaire.new(path, ask))
    assert "what it aims to achieve" not in said  # the finished section is not asked again
    assert "Section 2 of 8" in said
    assert load(path) == project
    assert project.org_ids == ["healthwatch-northtown", "northtown-general-hospital"]


def test_existing_finished_file_is_not_overwritten(tmp_path: Path, contract_text: str) -> None:
    path = tmp_path / "done.yaml"
    path.write_text(contract_text, encoding="utf-8")
    with pytest.raises(UsageError, match="dpia edit"):
        questionnaire.new(path, _no_prompts)
    assert path.read_text(encoding="utf-8") == contract_text


# --- --from ------------------------------------------------------------------------------------


def _no_prompts() -> Any:
    raise AssertionError("no question should be asked")


def test_from_complete_file_asks_nothing(tmp_path: Path, contract_path: Path) -> None:
    out = tmp_path / "out.yaml"
    project = questionnaire.new(out, _no_prompts, from_path=contract_path, interactive=False)
    assert load(out) == project == load(contract_path)


def test_from_partial_asks_only_what_is_missing(
    tmp_path: Path, doc: dict[str, Any]
) -> None:
    from dpia.answers.loader import save_raw

    partial = copy.deepcopy(doc)
    del partial["processing"]["storage"]
    del partial["findings"]["publisher"]
    del partial["data_protection"]["controllers"]["joint_arrangement"]  # a cross-field rule
    src = tmp_path / "partial.yaml"
    save_raw(partial, src)
    out = tmp_path / "out.yaml"
    keys = type_("Microsoft 365, UK") + ENTER + type_("HWN holds the data")
    project, said = with_keys(keys, lambda ask: questionnaire.new(out, ask, from_path=src))
    assert project.processing.storage == "Microsoft 365, UK"
    assert project.findings.publisher == "hwn"
    assert project.data_protection.controllers.joint_arrangement == "HWN holds the data"
    assert "Section 1 of 8" not in said and "Section 2 of 8" not in said
    assert load(out) == project


def test_from_without_terminal_lists_what_is_missing(tmp_path: Path, doc: dict[str, Any]) -> None:
    from dpia.answers.loader import save_raw

    del doc["processing"]["withdrawal"]
    src = tmp_path / "partial.yaml"
    save_raw(doc, src)
    with pytest.raises(AnswersError) as err:
        questionnaire.new(tmp_path / "out.yaml", _no_prompts, from_path=src, interactive=False)
    assert "processing.withdrawal" in str(err.value)
    assert not (tmp_path / "out.yaml").exists()


def test_from_with_a_misspelt_key_names_it(tmp_path: Path, contract_text: str) -> None:
    src = tmp_path / "partial.yaml"
    src.write_text(contract_text.replace("  summary:", "  sumary:"), encoding="utf-8")
    with pytest.raises(AnswersError) as err:
        questionnaire.new(tmp_path / "out.yaml", _no_prompts, from_path=src)
    assert "project.sumary" in str(err.value)


# --- edit ------------------------------------------------------------------------------------


def test_edit_accepting_every_default_changes_nothing(tmp_path: Path, contract_text: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(contract_text, encoding="utf-8")
    before = load(path)
    project, _ = with_keys(ENTER * 12, lambda ask: questionnaire.edit(path, ask, "roles"))
    assert project == before == load(path)


@pytest.mark.parametrize("name", [s.name for s in SECTIONS])
@pytest.mark.parametrize("example", ["contract", "embedded"])
def test_edit_sections_keeps_answers_when_every_default_is_accepted(
    tmp_path: Path, contract_path: Path, example_path: Path, name: str, example: str
) -> None:
    path = tmp_path / "p.yaml"
    source = contract_path if example == "contract" else example_path
    path.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    before = load(path)
    project, _ = with_keys(ENTER * 80, lambda ask: questionnaire.edit(path, ask, name))
    assert project == before == load(path)


def test_edit_joint_to_sole_drops_joint_answers_and_fixes_the_basis(
    tmp_path: Path, contract_text: str
) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(contract_text, encoding="utf-8")
    keys = (
        UP * 5 + ENTER  # Healthwatch Northtown alone (was joint): the controller set with it
        + ENTER * 7  # processors done, then the rest as they were
        + ENTER * 3  # asked again: the lawful basis and the two conditions, now that ncc is no controller
    )
    project, said = with_keys(keys, lambda ask: questionnaire.edit(path, ask, "roles"))
    ctl = project.data_protection.controllers
    assert ctl.arrangement == "sole" and ctl.organisations == ["hwn"]
    assert ctl.joint_arrangement is None and ctl.contact_point is None
    assert project.processing.lawful_basis == "public_task"
    assert project.condition_for("hwn") == "substantial_public_interest"
    assert "Before going on, some answers need another look." in said
    assert "In the section: The data and the lawful basis" in said
    assert load(path) == project


def test_edit_keeps_a_copy_of_a_file_with_comments(tmp_path: Path, contract_text: str) -> None:
    """Saving drops hand-written comments, so the file as it was is kept beside it."""
    path = tmp_path / "p.yaml"
    path.write_text(contract_text, encoding="utf-8")
    keys = UP * 5 + ENTER + ENTER * 7 + ENTER * 3  # as in the joint-to-sole test: a real change
    _, said = with_keys(keys, lambda ask: questionnaire.edit(path, ask, "roles"))
    kept = tmp_path / "p.before-edit.yaml"
    assert kept.read_text(encoding="utf-8") == contract_text
    assert "p.before-edit.yaml" in said and "comments" in said
    # The edited file now has only dpia's own header; a second edit needs no copy.
    assert keep_commented_copy(path) is None


def test_edit_that_changes_nothing_leaves_no_copy(tmp_path: Path, contract_text: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(contract_text, encoding="utf-8")
    with_keys(ENTER * 12, lambda ask: questionnaire.edit(path, ask, "roles"))
    assert path.read_text(encoding="utf-8") == contract_text
    assert not (tmp_path / "p.before-edit.yaml").exists()


def test_suggest_id() -> None:
    assert suggest_id("Healthwatch Northtown") == "healthwatch-northtown"
    assert suggest_id("St. Mary's (NHS) Trust!") == "st-mary-s-nhs-trust"
    assert suggest_id("Healthwatch Northtown", ["healthwatch-northtown"]) == "healthwatch-northtown-2"


def test_only_prompting_imports_questionary() -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    importers = sorted(
        p.name for p in (root / "dpia").rglob("*.py")
        if any(line.startswith(("import questionary", "from questionary"))
               for line in p.read_text(encoding="utf-8").splitlines())
    )
    assert importers == ["prompting.py"]
    code = "import sys, dpia.cli; dpia.cli.build_parser(); print('questionary' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr


def test_the_usual_checkins_are_accepted_in_one_answer(doc: dict[str, Any]) -> None:
    """Planning, analysis and findings, recommendations, dated from the project's start and
    end, in one answer (issue 12 point 4); the keys run out if the list is asked as well."""
    doc.pop("project")
    doc["project"] = {"lead": "hwn"}
    said = ask_section(doc, "project", (
        type_("Waiting well") + type_("We listen.")
        + DOWN * 4 + SPACE + ENTER  # interviews
        + type_("05/01/2026") + type_("30/09/2026")
        + "n"  # no written agreement
        + ENTER  # accept the usual three
    ))
    assert doc["project"]["checkins"] == [
        {"milestone": "planning", "date": date(2026, 1, 5)},
        {"milestone": "analysis_and_findings", "date": date(2026, 7, 2)},
        {"milestone": "recommendations", "date": date(2026, 9, 30)},
    ]
    assert "2. analysis and findings (02/07/2026)" in said  # as people type dates


def test_one_usual_checkin_is_changed_then_more_added(doc: dict[str, Any]) -> None:
    doc.pop("project")
    doc["project"] = {"lead": "hwn"}
    ask_section(doc, "project", (
        type_("Waiting well") + type_("We listen.")
        + DOWN * 4 + SPACE + ENTER
        + type_("05/01/2026") + type_("30/09/2026") + "n"
        + DOWN * 3 + ENTER  # change check-in 2
        + DOWN + ENTER + replace("01/07/2026")  # which answer: its date
        + DOWN + ENTER  # accept these 3 and add another
        + ENTER  # the list: done (the suggestion)
    ))
    dates = [c["date"] for c in doc["project"]["checkins"]]
    assert dates == [date(2026, 1, 5), date(2026, 7, 1), date(2026, 9, 30)]


def test_no_usual_checkins_without_the_project_dates(doc: dict[str, Any]) -> None:
    from dpia.questionnaire.questions import State, usual_checkins

    assert usual_checkins(State({"project": {"start": date(2026, 1, 5)}})) == []
    assert usual_checkins(State({"project": {"start": "2026-09-30", "end": "2026-01-05"}})) == []
