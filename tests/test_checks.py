"""Gaps: each check fires on the answers a DPO would flag, with its level, and only then."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import TODAY
from variants import DELETE, assessment, change, project

from dpia.assessment.checks import find_gaps
from dpia.assessment.risks import derive


def clean() -> Any:
    """The contract example with every gap closed: risks assessed, review due, notices known."""
    data = change({
        "signoff.next_review": "2027-03-31",
        "organisations[3].privacy_notice_url": "https://example.org/ncc/privacy",
        "sharing[3].ends": "2026-10-31",
        "data_protection.processors[2].holds_data": "false",
        "processing.withdrawal": "Participants can withdraw their answers until 1 July 2026; "
                                 "in a focus group, their words are taken out of the notes.",
    })
    data["risks"] = [
        {"id": r.id, "measures": ["A measure"], "effect": "reduced", "residual": "low",
         "approved": "true"}
        for r in derive(project(data))
    ]
    return data


def gaps(data: Any, today: date = TODAY) -> dict[str, str]:
    return {g.id: g.level for g in assessment(data, today).gaps}


def test_clean_variant_has_no_gaps() -> None:
    assert gaps(clean()) == {}


B, A = "blocks-signoff", "advice"
CONSENT: dict[str, Any] = {"processing.lawful_basis": "consent",
                           "processing.special_category_condition": "explicit_consent",
                           "processing.schedule1_condition": DELETE,
                           "processing.legitimate_interests": DELETE}
COMMISSIONED: dict[str, Any] = {"project.commissioned_by": "ngh"}

# (gap id, changes to the clean variant, level, path)
FIRES: list[tuple[str, dict[str, Any], str]] = [
    ("no-measures-special-category", {"risks[1].measures": []}, B),
    ("no-residual-special-category", {"risks[1].residual": DELETE}, B),
    ("high-residual-special-category", {"risks[1].residual": "high"}, B),
    ("measures-not-approved-special-category", {"risks[1].approved": "false"}, A),
    ("unmatched-risk-insecure-transfer-gone", {"risks[9]": {"id": "insecure-transfer-gone"}}, A),
    ("draft", {"signoff": DELETE}, B),
    ("signoff-measures-approved-by", {"signoff.measures_approved_by": DELETE}, B),
    ("signoff-residual-risks-approved-by", {"signoff.residual_risks_approved_by": DELETE}, B),
    ("signoff-dpo-advice", {"signoff.dpo_advice": DELETE}, B),
    ("signoff-dpo-advice-by", {"signoff.dpo_advice.by": DELETE}, B),
    ("no-reviewer", {"signoff.review_by": DELETE}, A),
    ("no-review-date", {"signoff.next_review": DELETE}, A),
    ("review-overdue", {"signoff.next_review": "2026-11-25"}, B),
    ("signed-after-start", {"signoff.residual_risks_approved_by.date": "2026-02-03"}, A),
    ("no-dpo-contact", {"organisations[1].dpo.email": DELETE, "organisations[1].dpo.phone": DELETE},
     B),
    ("rights-not-controller", {"data_protection.subject_access": "ngh"}, B),
    ("no-privacy-notice-hwn", {"organisations[1].privacy_notice_url": DELETE}, A),
    ("no-ico-registration-ncc", {"organisations[3].ico_registration": DELETE}, A),
    ("no-address-ncc", {"organisations[3].address": DELETE}, A),
    ("public-authority-legitimate-interests-ngh", {
        "data_protection.controllers.organisations[3]": "ngh",
        "processing.lawful_basis.ngh": "legitimate_interests",
        "processing.special_category_condition.ngh": "health_or_social_care",
        "processing.schedule1_condition.ngh": "Schedule 1, paragraph 2: health or social care"},
     A),
    ("no-safeguarding-process", {"data_protection.safeguarding.process": DELETE}, B),
    ("insecure-transfer-survey-export", {"sharing[1].method": "email"}, B),
    # Issue 12 point 2: a method dpia does not list is treated as not secure
    ("insecure-transfer-survey-export", {"sharing[1].method": "other",
                                         "sharing[1].method_detail": "A courier"}, B),
    ("method-not-listed-survey-export", {"sharing[1].method": "other",
                                         "sharing[1].method_detail": "A courier"}, A),
    ("insecure-transfer-survey-export", {"sharing[1].method": "open_link"}, B),
    ("flow-review-overdue-findings-to-trust", {"sharing[3].review": "2026-11-01",
                                               "sharing[3].ends": "2027-01-31"}, A),
    ("recipient-role-findings-to-trust", {"sharing[3].identifiability": "pseudonymised"}, A),
    ("no-processor-contract-formsco", {"data_protection.processors[1].contract_in_place": "false"},
     B),
    ("processor-abroad-formsco", {"data_protection.processors[1].location": "Ireland"}, A),
    ("flow-no-end-findings-to-trust", {"sharing[3].ends": DELETE}, A),
    ("retention-unclear-2", {"processing.retention[2].period": "Indefinite"}, A),
    ("small-number-threshold", {"processing.small_number_threshold": "3"}, A),
    ("transfer-derogation-1", {"processing.international_transfers": [
        {"country": "Canada", "safeguard": "derogation"}]}, A),
    ("children-subjects", {"processing.children": "true"}, A),
    ("children-flag", {"processing.data_subjects": ["carers", "children"]}, A),
    ("no-security-measures", {"processing.security_measures": [],
                              "processing.vulnerable_adults": "false"}, A),
    # special-category data about vulnerable people with no measures: blocks
    ("no-security-measures", {"processing.security_measures": []}, B),
    # Article 35(2): DPO advice is needed even when nobody else is consulted
    ("signoff-dpo-advice", {"signoff": DELETE}, B),
    ("signoff-dpo-advice", {"signoff.dpo_advice": DELETE, "consultation": [],
                            "consultation_not_needed_because": "An internal survey of staff views"},
     B),
    ("processor-no-flow-typeright", {"sharing[2].to": "ncc", "sharing[2].identifiability":
                                     "anonymised"}, B),
    # the DPIA cannot say where the data is held: a gap, not advice
    ("processor-storage-typeright", {"data_protection.processors[2].holds_data": DELETE}, B),
    ("processor-no-retention-formsco", {"processing.retention[1].data": "Identifiable notes"}, B),
    ("hosted-storage-no-processor", {"data_protection.processors": [], "sharing[1].from": "hwn",
                                     "sharing[1].to": "ncc", "sharing[1].identifiability":
                                     "anonymised", "sharing[2].to": "ncc",
                                     "sharing[2].identifiability": "anonymised"}, A),
    ("consent-withdrawal-deadline", CONSENT, B),
    ("withdrawal-focus-group", {"processing.withdrawal": "You can withdraw until 1 July 2026."}, A),
    ("consent-partner-reuse", {**CONSENT, "findings.partners_may_reuse_data": "true"}, B),
    ("capacity-approach", {"processing.mental_capacity": "may_lack_capacity",
                           "processing.capacity_approach": "TBC"}, B),
    # commissioned work must make independence clear up front: gaps, not advice
    ("commissioned-email-agreement", {**COMMISSIONED, "project.agreement.form": "email"}, B),
    ("commissioner-approves-findings", {
        **COMMISSIONED, "findings.decision_process":
        "Northtown General Hospital NHS Foundation Trust approves the findings before publication."},
     B),
    ("no-anonymisation", {"processing.anonymisation": DELETE}, A),
    ("no-agreement", {"project.agreement": DELETE}, A),
    ("no-checkins", {"project.checkins": []}, A),
    ("no-acknowledgement", {"findings.acknowledgement": DELETE}, A),
]


@pytest.mark.parametrize(("gid", "changes", "level"), [pytest.param(*c, id=c[0]) for c in FIRES])
def test_gap_fires_with_its_level(gid: str, changes: dict[str, Any], level: str) -> None:
    found = gaps(change(changes, clean()))
    assert gid in found, sorted(found)
    assert found[gid] == level


def test_safeguarding_process_blocks_only_with_vulnerable_people() -> None:
    data = change({"data_protection.safeguarding.process": DELETE,
                   "processing.vulnerable_adults": "false",
                   "processing.data_subjects": ["public"]}, clean())
    assert gaps(data).get("no-safeguarding-process") == A


def test_quiet_on_the_cases_the_law_allows() -> None:
    # a deadline that says what can and cannot still be withdrawn after it
    explained = change({**CONSENT, "processing.withdrawal":
                        "You can withdraw your answers until 1 July 2026. After that you can "
                        "still withdraw consent to further use and have your contact details "
                        "deleted, but answers already anonymised and analysed cannot be taken "
                        "out."}, clean())
    assert "consent-withdrawal-deadline" not in gaps(explained)
    # reuse under public task is not a consent gap; a placeholder capacity approach is one gap
    assert "consent-partner-reuse" not in gaps(
        change({"findings.partners_may_reuse_data": "true"}, clean()))
    tbc = gaps(change({"processing.mental_capacity": "may_lack_capacity",
                       "processing.capacity_approach": "TBC"}, clean()))
    assert "capacity-approach" in tbc
    assert not [g for g in tbc if g.startswith("placeholder")]
    # a commissioned project agreed in a memorandum, with the Healthwatch deciding its findings
    assert not {"commissioned-email-agreement", "commissioner-approves-findings"} & set(
        gaps(change(COMMISSIONED, clean())))


def test_gaps_name_a_dpo_only_where_one_is_appointed() -> None:
    lead = {"name": "Ann Bell", "role": "Office Manager", "email": "ann@hwn.example"}
    data = change({"organisations[1].dpo": DELETE, "organisations[1].data_protection_lead": lead,
                   "signoff.dpo_advice": DELETE, "signoff.next_review": "2026-11-25"}, clean())
    by_id = {g.id: g for g in assessment(data).gaps}
    assert by_id["signoff-dpo-advice"].problem.startswith(
        "No advice from the data protection lead is recorded.")
    assert "the data protection lead" in by_id["review-overdue"].fix
    assert "DPO" not in by_id["review-overdue"].fix
    with_dpo = {g.id: g for g in assessment(change({"signoff.dpo_advice": DELETE}, clean())).gaps}
    assert "Article 35(2)" in with_dpo["signoff-dpo-advice"].problem
    assert with_dpo["signoff-dpo-advice"].problem.startswith(
        "No advice from the Data Protection Officer is recorded.")


def test_review_date_today_is_not_overdue() -> None:
    data = change({"signoff.next_review": TODAY.isoformat()}, clean())
    assert "review-overdue" not in gaps(data)
    assert gaps(data, today=date(2026, 11, 27)).get("review-overdue") == B


def test_processor_in_the_uk_or_with_a_transfer_is_not_flagged() -> None:
    assert gaps(change({"data_protection.processors[1].location": "Leeds, England"}, clean())) == {}
    abroad = change({"data_protection.processors[1].location": "Ireland",
                     "processing.international_transfers": [
                         {"country": "Ireland", "safeguard": "adequacy"}]}, clean())
    assert "processor-abroad-formsco" not in gaps(abroad)


def test_gaps_name_real_field_paths() -> None:
    a = assessment(change({"organisations[3].privacy_notice_url": DELETE,
                           "risks[2].residual": DELETE}, clean()))
    by_id = {g.id: g.path for g in a.gaps}
    assert by_id["no-privacy-notice-ncc"] == "organisations[3].privacy_notice_url"
    assert by_id["no-residual-vulnerable-people"] == "risks[2].residual"


def test_blocking_gaps_come_first_and_every_gap_has_a_fix() -> None:
    a = assessment(change({"signoff": DELETE, "findings.acknowledgement": DELETE,
                           "sharing[1].method": "email"}, clean()))
    levels = [g.level for g in a.gaps]
    assert levels == sorted(levels, key=lambda lv: lv != B)
    assert all(g.fix and g.problem and g.path for g in a.gaps)


def test_embedded_example_gaps(example_path) -> None:  # type: ignore[no-untyped-def]
    from dpia.answers.loader import load
    from dpia.assessment.assess import assess

    a = assess(load(example_path), TODAY)
    ids = {g.id for g in a.gaps}
    assert {"draft", "insecure-transfer-phone-answers", "no-processor-contract-callpoint",
            "no-measures-large-scale"} <= ids
    # the example does not say whether its processors store the data: that blocks too
    assert {"processor-storage-callpoint", "processor-storage-surveyhub"} <= ids
    assert all(g.blocks for g in a.gaps)


def test_embedded_example_says_core_funding_comes_from_the_local_authority(example_path) -> None:  # type: ignore[no-untyped-def]
    example = " ".join(example_path.read_text(encoding="utf-8").split())
    assert "Southby Integrated Care Board funds Healthwatch Southby" not in example
    assert "Healthwatch Southby's core funding comes from the local authority" in example


def test_local_healthwatch_functions_cite_section_221(example_path) -> None:  # type: ignore[no-untyped-def]
    from dpia.questionnaire import questions

    act = ("section 221 of the Local Government and Public Involvement in Health Act 2007 "
           "(as amended)")
    example = " ".join(example_path.read_text(encoding="utf-8").split())
    assert act in example
    assert "Health and Social Care Act 2012" not in example
    source = " ".join(Path(questions.__file__).read_text(encoding="utf-8").replace('"\n', "").split())
    assert "Health and Social Care Act 2012" not in source


def test_find_gaps_is_pure() -> None:
    p = project(clean())
    risks = derive(p)
    assert find_gaps(p, risks, TODAY) == find_gaps(p, risks, TODAY)
