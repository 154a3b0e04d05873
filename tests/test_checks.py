"""Gaps: each check fires on the answers a DPO would flag, with its level, and only then."""

from __future__ import annotations

from datetime import date
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
    ("public-authority-legitimate-interests-ngh", {
        "data_protection.controllers.organisations[3]": "ngh",
        "processing.lawful_basis.ngh": "legitimate_interests",
        "processing.special_category_condition.ngh": "health_or_social_care",
        "processing.schedule1_condition.ngh": "Schedule 1, paragraph 2: health or social care"},
     A),
    ("no-safeguarding-process", {"data_protection.safeguarding.process": DELETE}, B),
    ("insecure-transfer-survey-export", {"sharing[1].method": "email"}, B),
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
    ("no-security-measures", {"processing.security_measures": []}, A),
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
    assert all(g.blocks for g in a.gaps)


def test_find_gaps_is_pure() -> None:
    p = project(clean())
    risks = derive(p)
    assert find_gaps(p, risks, TODAY) == find_gaps(p, risks, TODAY)
