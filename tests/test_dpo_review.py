"""What a DPO checks before signing: the DPIA, the privacy-notice section, the
participant texts and the agreement say only what the answers support, and say
the law correctly for each branch of the answers (bases, conditions, controller
arrangements, transfers, criminal-offence data)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import TODAY
from texts_helpers import build_texts, example_data, project_from, sole

from dpia.assessment.assess import assess
from dpia.render import Job, dpia_doc, participant


def dpia_markdown(data: dict[str, Any]) -> str:
    """The DPIA as Markdown, rendered in-process (no PDF)."""
    project = project_from(data)
    job = Job(project, assess(project, TODAY), Path("unused"))
    doc, ctx = dpia_doc.render_document(job)
    return dpia_doc.render_markdown(job, doc, ctx)


def row(markdown: str, label: str) -> str:
    """The table row of the DPIA whose first cell is ``label``."""
    found = [line for line in markdown.splitlines() if line.startswith(f"| {label} |")]
    assert len(found) == 1, label
    return found[0]


def section(markdown: str, start: str, end: str) -> str:
    return markdown.split(start, 1)[1].split(end, 1)[0]


BLANK = r"\_\_\_\_\_\_\_\_\_\_\_\_"


# --- Step 7: sign-off rows hold only what the answers record ----------------------


@pytest.mark.parametrize("which", ["contract", "embedded"])
def test_dpo_advice_row_is_blank_lines_not_a_guessed_name(which: str) -> None:
    data = example_data(which)
    data.get("signoff", {}).get("dpo_advice", {}).pop("given_by", None)
    dpo_names = [o["dpo"]["name"] for o in data["organisations"] if "dpo" in o]
    line = row(dpia_markdown(data), "DPO advice provided")
    cells = [c.strip() for c in line.strip("|").split("|")]
    assert cells[1:4] == [BLANK, BLANK, BLANK]
    assert not any(name in line for name in dpo_names)
    assert "does not record who gave the advice or when" in line


def test_dpo_advice_row_names_who_gave_it_when_recorded() -> None:
    line = row(dpia_markdown(example_data("contract")), "DPO advice provided")
    cells = [c.strip() for c in line.strip("|").split("|")]
    assert cells[1:4] == ["Priya Shah", "Data Protection Officer", "15 January 2026"]
    assert "does not record" not in line


def test_consultation_reviewer_row_is_blank_and_says_why() -> None:
    data = example_data("contract")
    data["signoff"].pop("consultation_reviewed_by")
    line = row(dpia_markdown(data), "Consultation responses reviewed by")
    assert line.count(BLANK) == 3
    assert "does not record who reviewed the responses" in line


def test_consultation_reviewer_row_without_consultation_points_to_step_3() -> None:
    data = example_data("contract")
    data["consultation"] = []
    data["consultation_not_needed_because"] = "The questions repeat an earlier survey."
    line = row(dpia_markdown(data), "Consultation responses reviewed by")
    assert "Nobody was consulted (see Step 3)" in line


def test_article_36_note_does_not_call_an_unrecorded_residual_high() -> None:
    # The contract example records no measures: its high risks have no residual yet.
    line = row(dpia_markdown(example_data("contract")), "Residual risks approved by")
    assert "No residual risk is recorded for the high risks special-category, free-text" in line
    assert "If a high risk remains after the measures, consult the ICO" in line
    assert "The residual risk is high" not in line


def test_article_36_note_names_a_recorded_high_residual() -> None:
    data = example_data("contract")
    data["risks"] = [
        {"id": "special-category", "measures": ["Pseudonymise"], "effect": "reduced",
         "residual": "high", "approved": True},
        {"id": "free-text", "measures": ["Redact"], "effect": "reduced", "residual": "low",
         "approved": True},
    ]
    line = row(dpia_markdown(data), "Residual risks approved by")
    assert "The residual risk is high for special-category:" in line
    assert "consult the ICO before going ahead (UK GDPR Article 36)" in line
    assert "No residual risk is recorded" not in line


def test_article_36_note_when_no_residual_risk_is_high() -> None:
    data = example_data("contract")
    data["risks"] = [
        {"id": rid, "measures": ["A measure"], "effect": "reduced", "residual": "low", "approved": True}
        for rid in ("special-category", "free-text")
    ]
    line = row(dpia_markdown(data), "Residual risks approved by")
    assert "No residual risk is high, so the ICO need not be consulted" in line


def test_draft_banner_says_draft_once() -> None:
    text = dpia_markdown(example_data("embedded"))
    assert "DRAFT: DRAFT" not in text
    assert "> **DRAFT: not signed off**" in text


# --- Step 4: necessity and proportionality -------------------------------------------


def test_step_4_does_not_claim_the_data_is_the_minimum() -> None:
    step4 = section(dpia_markdown(example_data("contract")), "## Step 4", "## Step 5")
    assert "limited to what the project needs" not in step4
    assert "- Personal data collected: name, contact details" in step4
    assert "whether the aim could be reached with less data or in a less intrusive way" in step4
    assert "how the data is kept accurate" in step4


def test_step_4_gives_rights_per_controller_from_its_basis() -> None:
    step4 = section(dpia_markdown(example_data("contract")), "## Step 4", "## Step 5")
    assert (
        "- Rights with Healthwatch Northtown, on public task (Article 6(1)(e)): access, "
        "rectification, restriction, deletion once no longer needed (limited), to object." in step4
    )
    assert (
        "- Rights with Northtown Carers Centre, on legitimate interests (Article 6(1)(f)): access, "
        "rectification, restriction, erasure, to object." in step4
    )
    assert "(access, correction, erasure, objection)" not in step4
    assert "may still use their rights with each joint controller (UK GDPR Article 26(3))" in step4


def test_step_4_rights_under_consent_include_portability_and_withdrawal_not_objection() -> None:
    data = example_data("contract")
    data["processing"]["lawful_basis"] = "consent"
    data["processing"].pop("legitimate_interests")
    step4 = section(dpia_markdown(data), "## Step 4", "## Step 5")
    assert (
        "on consent (Article 6(1)(a)): access, rectification, restriction, erasure, portability, "
        "to withdraw consent." in step4
    )
    assert "to object" not in step4


def test_step_4_independent_controllers_each_answer_for_their_data() -> None:
    data = example_data("contract")
    data["data_protection"]["controllers"] = {"arrangement": "independent", "organisations": ["hwn", "ncc"]}
    step4 = section(dpia_markdown(data), "## Step 4", "## Step 5")
    assert "Each controller remains responsible for requests about the data it holds." in step4
    assert "Article 26(3)" not in step4


def test_step_4_lists_the_information_people_are_given() -> None:
    step4 = section(dpia_markdown(example_data("embedded")), "## Step 4", "## Step 5")
    assert (
        "Information for participants made from these answers: a section to add to each "
        "controller's privacy notice; a short introduction for the online survey; a script read "
        "out at the start of each telephone survey call; an information sheet for interviews; an "
        "information sheet for engagement events." in step4
    )


def test_step_4_reuse_names_healthwatch_and_article_6_4() -> None:
    step4 = section(dpia_markdown(example_data("contract")), "## Step 4", "## Step 5")
    assert "Healthwatch Northtown may reuse the data in its other work." in step4
    assert "statutory work" not in step4
    assert "compatible with this one (UK GDPR Article 6(4))" in step4


@pytest.mark.parametrize(
    ("condition", "schedule1", "expected"),
    [
        ("substantial_public_interest", "Schedule 1, paragraph 6", "appropriate policy document"),
        ("employment", "Schedule 1, paragraph 1", "appropriate policy document"),
        ("health_or_social_care", "Schedule 1, paragraph 2", "duty of confidentiality (Article 9(3)"),
        ("public_health", "Schedule 1, paragraph 3", "owes a duty of confidentiality"),
        ("archiving_research_statistics", "Schedule 1, paragraph 4", "Article 89(1) and section 19"),
        ("explicit_consent", None, "withdraw it at any time, as easily as they gave it (Article 7)"),
    ],
)
def test_step_4_states_what_each_article_9_condition_requires(
    condition: str, schedule1: str | None, expected: str
) -> None:
    data = example_data("contract")
    data["processing"]["special_category_condition"] = condition
    if schedule1:
        data["processing"]["schedule1_condition"] = schedule1
    else:
        data["processing"].pop("schedule1_condition")
    step4 = section(dpia_markdown(data), "## Step 4", "## Step 5")
    assert expected in step4


def test_step_4_criminal_offence_data_needs_an_article_10_condition() -> None:
    data = example_data("contract")
    data["processing"]["criminal_offence_data"] = True
    step4 = section(dpia_markdown(data), "## Step 4", "## Step 5")
    assert "Article 10 and section 10(5) of the Data Protection Act 2018" in step4
    assert "Check that they cover criminal-offence data as well." in step4

    for key in ("special_category_condition", "schedule1_condition"):
        data["processing"].pop(key)
    data["processing"]["special_category"] = []
    text = dpia_markdown(data)
    assert "**No Schedule 1 condition is recorded.**" in section(text, "## Step 4", "## Step 5")
    assert "`criminal-offence-condition`" in text  # the gap, in Annex A


def test_criminal_offence_gap_blocks_only_without_a_schedule_1_condition() -> None:
    data = example_data("contract")
    data["processing"]["criminal_offence_data"] = True
    gaps = {g.id: g for g in assess(project_from(data), TODAY).gaps}
    assert "criminal-offence-condition" not in gaps  # paragraph 6 is recorded
    data["processing"]["special_category"] = []
    for key in ("special_category_condition", "schedule1_condition"):
        data["processing"].pop(key)
    gap = {g.id: g for g in assess(project_from(data), TODAY).gaps}["criminal-offence-condition"]
    assert gap.blocks and gap.path == "processing.schedule1_condition"
    assert "Article 10" in gap.fix


def test_step_4_puts_what_the_texts_assume_to_the_signers() -> None:
    step4 = section(dpia_markdown(example_data("contract")), "## Step 4", "## Step 5")
    assert "no decisions are made about them by computer alone and they are not profiled" in step4
    assert "The answers cannot show these, so the people signing this DPIA must confirm them." in step4


# --- the privacy-notice section -------------------------------------------------------


def notice(data: dict[str, Any], tmp_path: Path) -> str:
    return " ".join(build_texts(data, tmp_path)["privacy-notice.txt"].split())


def test_notice_does_not_claim_a_balancing_test_the_answers_do_not_record(tmp_path: Path) -> None:
    text = notice(example_data("contract"), tmp_path)
    assert "We have checked" not in text
    assert (
        "Northtown Carers Centre relies on legitimate interests. The law allows this only when the "
        "interests are not outweighed by your rights and interests." in text
    )


def test_notice_tells_people_about_reuse_instead_of_only_this_purpose(tmp_path: Path) -> None:
    text = notice(example_data("contract"), tmp_path)  # healthwatch_may_reuse_data: true
    assert "only for the purpose above" not in text
    assert "Healthwatch Northtown may also use it in its other work." in text
    assert "or have its own legal reason. We will tell you before any new use starts." in text

    data = example_data("contract")
    data["findings"]["healthwatch_may_reuse_data"] = False
    assert "We use your information only for the purpose above." in notice(data, tmp_path / "none")

    data = example_data("embedded")  # both may reuse
    text = notice(data, tmp_path / "both")
    assert "Healthwatch Southby may also use it in its other work. The other partners may also use" in text


def test_notice_joint_controllers_rights_with_each(tmp_path: Path) -> None:
    text = notice(example_data("contract"), tmp_path)
    assert "You can also use your rights with each of the organisations." in text
    assert "Healthwatch Northtown handles these requests for every organisation in this project." in text


def test_notice_independent_controllers_each_answer_for_their_own_data(tmp_path: Path) -> None:
    data = example_data("contract")
    data["data_protection"]["controllers"] = {"arrangement": "independent", "organisations": ["hwn", "ncc"]}
    text = notice(data, tmp_path)
    assert "for every organisation in this project" not in text
    assert (
        "Healthwatch Northtown handles requests about this project. You can also contact each "
        "organisation about the information it holds." in text
    )


def test_notice_sole_controller_does_not_speak_of_other_organisations(tmp_path: Path) -> None:
    data = example_data("contract")
    data["data_protection"]["controllers"] = {"arrangement": "sole", "organisations": ["hwn"]}
    data["processing"]["lawful_basis"] = "public_task"
    data["processing"].pop("legitimate_interests")
    for key in ("special_category_condition", "schedule1_condition"):
        data["processing"][key] = data["processing"][key]["hwn"]
    text = notice(data, tmp_path)
    assert "for every organisation" not in text
    assert "It is free, and we will reply within one month." in text


@pytest.mark.parametrize(("safeguard", "copy_offered"), [
    ("idta", True), ("addendum", True), ("binding_corporate_rules", True),
    ("adequacy", False), ("derogation", False),
])
def test_notice_offers_a_copy_of_transfer_safeguards(
    tmp_path: Path, safeguard: str, copy_offered: bool
) -> None:
    data = example_data("contract")
    data["processing"]["international_transfers"] = [{"country": "United States", "safeguard": safeguard}]
    text = notice(data, tmp_path)
    offer = (
        "For a copy of these safeguards, contact Priya Shah (Data Protection Officer, Healthwatch "
        "Northtown): email dpo@hwnorthtown.example"
    )
    assert (offer in text) is copy_offered


def test_small_number_wording_is_about_counts_of_people(tmp_path: Path) -> None:
    data = example_data("contract")  # its anonymisation answer states the rule too: left out
    data["processing"]["anonymisation"] = "Names and contact details are removed before analysis."
    texts = build_texts(data, tmp_path)
    for name in ("privacy-notice.txt", "participant-information/focus-group.txt"):
        text = " ".join(texts[name].split())
        assert "never publish a number" not in text
        assert "If fewer than 5 people gave an answer, we do not publish the number" in text


def test_information_sheet_does_not_say_only_one_organisation_hears_a_focus_group(tmp_path: Path) -> None:
    texts = build_texts(example_data("contract"), tmp_path)
    text = " ".join(texts["participant-information/focus-group.txt"].split())
    assert "will see everything you tell us" not in text
    assert (
        "Only Healthwatch Northtown, and organisations working for it, will keep a full "
        "record of what you tell us."
    ) in text


# --- the partnership agreement record ---------------------------------------------------


def agreement(data: dict[str, Any], tmp_path: Path) -> str:
    return build_texts(data, tmp_path)["partnership-agreement.md"]


def test_agreement_records_transfers_abroad(tmp_path: Path) -> None:
    none = agreement(example_data("contract"), tmp_path)
    assert "**Transfers outside the UK:** No data is sent outside the UK." in none
    data = example_data("contract")
    data["processing"]["international_transfers"] = [
        {"country": "United States", "safeguard": "idta", "detail": "Signed 2026-01-10"}
    ]
    assert (
        "**Transfers outside the UK:** United States (no organisation recorded), under International "
        "Data Transfer Agreement (IDTA) (Signed 2026-01-10)." in agreement(data, tmp_path / "idta")
    )


def test_agreement_is_signed_by_partners_not_processors(tmp_path: Path) -> None:
    text = agreement(example_data("contract"), tmp_path)
    assert "**Signed for Healthwatch Northtown**" in text
    assert "**Signed for Northtown General Hospital NHS Foundation Trust**" in text
    assert "Signed for FormsCo Ltd" not in text
    assert "Signed for TypeRight" not in text
    assert "Processors do not sign: their written contracts with the controllers bind them" in text


def test_agreement_rights_requests_follow_the_arrangement(tmp_path: Path) -> None:
    joint = agreement(example_data("contract"), tmp_path)
    assert "rights with any joint controller (UK GDPR Article 26(3))" in joint
    data = example_data("contract")
    data["data_protection"]["controllers"] = {"arrangement": "independent", "organisations": ["hwn", "ncc"]}
    text = agreement(data, tmp_path / "independent")
    assert "handles every request, for all partners" not in text
    assert "Each controller stays responsible for requests about the data it holds." in text


# --- checks ------------------------------------------------------------------------------


def test_consent_with_an_unexplained_withdrawal_deadline_blocks_sign_off() -> None:
    data = example_data("contract")
    gaps = {g.id for g in assess(project_from(data), TODAY).gaps}
    assert "consent-withdrawal-deadline" not in gaps  # public task and legitimate interests
    data["processing"]["special_category_condition"] = "explicit_consent"
    data["processing"].pop("schedule1_condition")
    gap = {g.id: g for g in assess(project_from(data), TODAY).gaps}["consent-withdrawal-deadline"]
    assert gap.blocks and gap.path == "processing.withdrawal"  # issue 10
    data["processing"]["withdrawal"] = "Participants can withdraw at any time by emailing us."
    assert "consent-withdrawal-deadline" not in {g.id for g in assess(project_from(data), TODAY).gaps}


# --- sources, reuse wording, children --------------------------------------------------


def _with_referrals(data: dict[str, Any]) -> dict[str, Any]:
    """The trust (not a controller of the project) passes carers' details to Healthwatch."""
    data["sharing"].append({
        "id": "referrals", "from": "ngh", "to": "hwn",
        "data": ["Names and phone numbers of carers who agreed to be contacted"],
        "identifiability": "identifiable", "purpose": "Invite carers to interviews",
        "method": "nhsmail", "starts": "2026-03-01", "review": "2026-06-01",
    })
    return data


def test_step_2_says_when_data_does_not_come_from_participants() -> None:
    assert "does not come from the participants" not in dpia_markdown(example_data("contract"))
    # between joint controllers (the embedded example's volunteers' details) it still comes from them
    assert "does not come from the participants" not in dpia_markdown(example_data("embedded"))
    step2 = section(dpia_markdown(_with_referrals(example_data("contract"))), "## Step 2", "## Step 3")
    assert (
        "Some personal data does not come from the participants themselves: Northtown General "
        "Hospital NHS Foundation Trust sends Names and phone numbers of carers who agreed to be "
        "contacted to Healthwatch Northtown (flow 4)." in step2
    )


def test_agreement_names_the_healthwatch_that_may_reuse(tmp_path: Path) -> None:
    text = agreement(example_data("contract"), tmp_path)
    assert (
        "**Reuse by Healthwatch:** Healthwatch Northtown may reuse the data in its other work. A new "
        "purpose must be compatible with this one (UK GDPR Article 6(4))" in text
    )


def test_children_taking_part_notes_that_the_texts_are_for_adults(tmp_path: Path) -> None:
    data = example_data("contract")
    data["processing"]["children"] = True
    data["processing"]["data_subjects"] = ["carers", "children"]
    project = project_from(data)
    job = Job(project, assess(project, TODAY), tmp_path)
    outputs = participant.write(job)
    txt = [o for o in outputs if o.path.suffix == ".txt"]
    assert txt and all(any("children take part" in n for n in o.notes) for o in txt)


# --- a DPO's review of the built packs (this round) ---------------------------------------


def test_reuse_rule_is_the_same_in_dpia_notice_and_agreement(tmp_path: Path) -> None:
    """Three documents gave three rules for a new use; the law's is: compatible or its own
    lawful basis (Article 6(4)), and people told before it starts (Article 13(3))."""
    data = example_data("contract")
    files = build_texts(data, tmp_path)
    step4 = " ".join(section(dpia_markdown(data), "## Step 4", "## Step 5").split())
    agreement = " ".join(files["partnership-agreement.md"].split())
    for text in (step4, agreement):
        assert "compatible with this one (UK GDPR Article 6(4)) or have a lawful basis of its own" in text
        assert "told about it before it starts (Article 13(3))" in text
    assert "If it does not, we will tell you first" not in files["privacy-notice.txt"]


def test_focus_group_sheet_and_form_state_the_answers_withdrawal_not_a_rule_of_their_own(
        tmp_path: Path) -> None:
    data = example_data("contract")
    files = build_texts(data, tmp_path)
    sheet = " ".join(files["participant-information/focus-group.txt"].split())
    assert "You can withdraw your answers until 1 July 2026" in sheet
    assert "stays in our notes" not in sheet
    form = files["participant-information/consent-form-focus-group.md"]
    assert "stays in the notes" not in form and "I know how to withdraw" in form
    p = project_from(data)
    assert "withdrawal-focus-group" in {g.id for g in assess(p, TODAY).gaps}
    data["processing"]["withdrawal"] = ("You can withdraw until 1 July 2026. In a focus group we "
                                        "take your words out of the notes and the transcript.")
    p = project_from(data)
    assert "withdrawal-focus-group" not in {g.id for g in assess(p, TODAY).gaps}


def test_easy_read_and_short_version_give_the_last_day_the_answers_give(tmp_path: Path) -> None:
    from dpia.assessment import facts

    data = example_data("contract")
    assert facts.withdrawal_last_day(project_from(data)) == "1 July 2026"
    data["processing"]["withdrawal"] = "You can withdraw until analysis begins."
    assert facts.withdrawal_last_day(project_from(data)) is None
    data = example_data("capacity")
    files = build_texts(data, tmp_path)
    day = facts.withdrawal_last_day(project_from(data))
    short = [t for name, t in files.items() if "short-version" in name and name.endswith(".txt")]
    assert short and day == "1 July 2026"
    assert all(f"The last day to ask is {day}." in " ".join(t.split()) for t in short)
    from dpia.render import easyread
    from dpia.render.participant import participant_context

    job = Job(project_from(data), assess(project_from(data), TODAY), tmp_path)
    assert any(f"The last day to take your answers out is {day}." in pt.lines
               for pt in easyread.points(participant_context(job)))


def test_survey_introduction_and_notice_do_not_hide_safeguarding_referrals(tmp_path: Path) -> None:
    files = build_texts(example_data("contract"), tmp_path)
    intro = " ".join(files["participant-information/survey-introduction.txt"].split())
    assert "will see your answers, except to keep someone safe." in intro
    assert len(intro.split()) <= 150
    notice_text = " ".join(files["privacy-notice.txt"].split())
    receives = notice_text.split("Who receives your information", 1)[1].split("Sending information abroad")[0]
    assert "at risk of harm, we may share what is needed to keep people safe" in receives
    assert "Designated Safeguarding Lead" in receives


def test_erasure_is_the_same_limited_right_in_every_document(tmp_path: Path) -> None:
    """The notice said Healthwatch's erasure right is limited, not removed; the DPIA, the
    agreement and the sheets left it out. Every document now lists the same limited right."""
    from dpia.answers import vocab

    data = example_data("contract")  # hwn: public task
    files = build_texts(data, tmp_path)
    assert vocab.RIGHTS["erasure_limited"] in " ".join(files["privacy-notice.txt"].split())
    assert vocab.RIGHTS_PLAIN["erasure_limited"] in files["participant-information/focus-group.txt"]
    name = vocab.RIGHT_NAMES["erasure_limited"]
    assert f"public task (Article 6(1)(e)) | access, rectification, restriction, {name}" in (
        files["partnership-agreement.md"])
    assert f"access, rectification, restriction, {name}, to object" in dpia_markdown(data)


def test_consent_form_says_signing_is_not_the_lawful_basis_unless_it_is(tmp_path: Path) -> None:
    files = build_texts(example_data("contract"), tmp_path)
    form = files["participant-information/consent-form-focus-group.md"]
    assert "It is not the legal reason we use your information." in form
    files = build_texts(sole(example_data("contract"), "consent", "explicit_consent"), tmp_path / "c")
    forms = [t for n, t in files.items() if "consent-form" in n]
    assert forms and all("not the legal reason" not in t for t in forms)


# --- the second review (telephone survey on consent, the built-in example) ---------------


def test_telephone_script_names_every_sensitive_kind_and_safeguarding(tmp_path: Path) -> None:
    files = build_texts(example_data("telephone"), tmp_path)  # health and ethnicity, consent
    script = " ".join(files["participant-information/survey-introduction.txt"].split())
    assert "This includes what you tell us about your health and your ethnic background." in script
    assert "Some questions are about your health and your ethnic background." in script
    assert ("If you tell me that someone is at risk of harm, we may have to tell someone who can "
            "help.") in script
    # the caller works for a processor: "work for us" would be the caller's company
    assert "work for this project and see your answers." in script and "keep copies" not in script


def test_consent_project_notice_reuse_needs_agreement_and_third_parties_are_not_consenters(
        tmp_path: Path) -> None:
    data = example_data("telephone")
    notice = " ".join(build_texts(data, tmp_path)["privacy-notice.txt"].split())
    assert "We will only use it for a new purpose if you agree to that purpose first." in notice
    assert "fit with this purpose" not in notice
    assert "except that you cannot withdraw a consent you did not give" in notice
    p = project_from(data)
    gaps = {g.id: g.level for g in assess(p, TODAY).gaps}
    assert gaps.get("consent-third-parties") == "advice"
    # the withdrawal answer says what stays after the deadline: no blocking gap claims it does not
    assert "consent-withdrawal-deadline" not in gaps


def test_easy_read_under_consent_says_consent_can_still_be_withdrawn(tmp_path: Path) -> None:
    from dpia.render import easyread
    from dpia.render.participant import participant_context

    p = project_from(example_data("telephone"))
    lines = [ln for pt in easyread.points(participant_context(Job(p, assess(p, TODAY), tmp_path)))
             for ln in pt.lines]
    assert "The last day to take your answers out is 1 July 2026." in lines
    assert "After that, you can still ask us to stop using your details." in lines


def test_carers_without_third_party_subjects_get_advice() -> None:
    data = example_data("embedded")
    assert "carers" in data["processing"]["data_subjects"]
    assert not data["processing"].get("third_party_subjects")
    p = project_from(data)
    assert "carers-third-parties" in {g.id for g in assess(p, TODAY).gaps}


def test_register_gives_no_lawful_basis_for_a_flow_of_no_personal_data() -> None:
    from dpia.register.rows import sharing_rows

    p = project_from(example_data("telephone"))
    rows = sharing_rows(p, assess(p, TODAY))
    findings = [r for k, r in rows.items() if k.endswith("findings-to-trust")]
    assert findings and findings[0]["article6_basis"] == "not applicable: no personal data"


def test_event_sheet_says_rights_need_details_to_find_what_was_said(tmp_path: Path) -> None:
    files = build_texts(example_data("embedded"), tmp_path)
    sheet = " ".join(files["participant-information/engagement-event.txt"].split())
    assert "we can only find what you told us if you give us details that let us find it" in sheet


def test_gap_count_without_advice_does_not_say_zero_are_advice() -> None:
    data = example_data("embedded")
    data["processing"]["third_party_subjects"] = ["the people the carers look after"]
    p = project_from(data)
    a = assess(p, TODAY)
    assert a.gaps and all(g.blocks for g in a.gaps)
    md = " ".join(dpia_markdown(data).split())
    assert f"{len(a.gaps)} gaps block sign-off. Nobody should sign" in md
    assert "are advice" not in md and "is advice" not in md
