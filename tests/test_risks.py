"""Risks: every rule of risk-rules.md fires when it should, with its id, defaults and measures."""

from __future__ import annotations

from typing import Any

import pytest
from variants import benign, change, project

from dpia.answers import vocab
from dpia.assessment.risks import Risk, derive, rules, slug

REFERENCE_IDS = {
    "special-category", "vulnerable-people", "children", "insecure-transfer",
    "no-processor-contract", "international-transfer", "joint-controllers", "free-text",
    "recordings", "small-numbers", "retention-unclear", "rights-owner", "partner-reuse",
    "findings-suppressed", "large-scale",
    # Second edition of the answers format: not in the reference table, derived from
    # processing.mental_capacity and processing.third_party_subjects.
    "mental-capacity", "third-party-subjects",
}


def risks_of(data: Any, threshold: int = 1000) -> dict[str, Risk]:
    return {r.id: r for r in derive(project(data), threshold)}


def test_the_table_has_every_reference_rule_once() -> None:
    ids = [r.id for r in rules()]
    assert sorted(ids) == sorted(REFERENCE_IDS)
    for rule in rules():
        assert rule.measures and rule.harm and rule.title


# (risk id, changes to the benign project that fire it, likelihood, severity, a trigger)
FIRES: list[tuple[str, dict[str, Any], str, str, str]] = [
    ("special-category", {"processing.special_category": ["health"],
                          "processing.special_category_condition": "explicit_consent"},
     "possible", "severe", "processing.special_category: health"),
    ("vulnerable-people", {"processing.vulnerable_adults": "true"}, "possible", "significant",
     "processing.vulnerable_adults: true"),
    ("vulnerable-people", {"processing.data_subjects": ["patients"]}, "possible", "significant",
     "processing.data_subjects: patients"),
    ("vulnerable-people", {"processing.data_subjects": ["care_home_residents"]}, "possible",
     "significant", "processing.data_subjects: care_home_residents"),
    ("children", {"processing.children": "true"}, "possible", "severe",
     "processing.children: true"),
    ("insecure-transfer-survey-export", {"sharing[1].method": "email"}, "probable", "significant",
     "sharing[1].method: email"),
    ("insecure-transfer-survey-export", {"sharing[1].method": "post"}, "possible", "significant",
     "sharing[1].method: post"),
    ("insecure-transfer-survey-export", {"sharing[1].method": "verbal",
                                         "sharing[1].identifiability": "pseudonymised"},
     "possible", "significant", "sharing[1].identifiability: pseudonymised"),
    ("insecure-transfer-survey-export", {"sharing[1].method": "email",
                                         "processing.special_category": ["health"],
                                         "processing.special_category_condition":
                                             "explicit_consent"},
     "probable", "severe", "sharing[1].method: email"),
    ("no-processor-contract-typeright", {"data_protection.processors[2].contract_in_place":
                                         "false"},
     "probable", "significant", "data_protection.processors[2].contract_in_place: false"),
    ("international-transfer-cote-d-ivoire", {"processing.international_transfers": [
        {"country": "Côte d'Ivoire", "safeguard": "idta"}]},
     "possible", "significant", "processing.international_transfers[1].country: Côte d'Ivoire"),
    ("joint-controllers", {}, "possible", "minimal",
     "data_protection.controllers.arrangement: joint"),
    ("free-text", {"processing.personal_data": ["free_text_experiences"]}, "probable",
     "significant", "processing.personal_data: free_text_experiences"),
    ("recordings", {"processing.personal_data": ["video_recordings", "photographs"]}, "possible",
     "significant", "processing.personal_data: video_recordings, photographs"),
    ("small-numbers", {"processing.small_number_threshold": "3"}, "possible", "significant",
     "processing.small_number_threshold: 3"),
    ("small-numbers", {"processing.small_number_threshold": None}, "possible", "significant",
     "processing.small_number_threshold: not set"),
    ("retention-unclear", {"processing.retention[2].period": "Indefinitely"}, "possible",
     "significant", "processing.retention[2].period: Indefinitely"),
    ("retention-unclear", {"processing.retention[1].period": "TBC"}, "possible", "significant",
     "processing.retention[1].period: TBC"),
    ("rights-owner", {"data_protection.subject_access": "ngh"}, "possible", "significant",
     "data_protection.subject_access: ngh (not a controller)"),
    ("rights-owner", {"organisations[1].dpo.email": None, "organisations[1].dpo.phone": None},
     "possible", "significant", "data_protection.dpo_for_participants: hwn"),
    ("partner-reuse", {"findings.partners_may_reuse_data": "true"}, "possible", "significant",
     "findings.partners_may_reuse_data: true"),
    ("findings-suppressed", {"project.commissioned_by": "ngh"}, "possible", "significant",
     "project.commissioned_by: ngh"),
    ("large-scale", {"processing.special_category": ["health"],
                     "processing.special_category_condition": "explicit_consent",
                     "processing.approx_participants": "1000"},
     "possible", "severe", "processing.approx_participants: 1000 (large scale from 1000)"),
]


@pytest.mark.parametrize(
    ("rid", "changes", "likelihood", "severity", "trigger"),
    [pytest.param(*case, id=f"{case[0]}:{i}") for i, case in enumerate(FIRES)],
)
def test_rule_fires_with_defaults(
    rid: str, changes: dict[str, Any], likelihood: str, severity: str, trigger: str
) -> None:
    found = risks_of(change(changes, benign()))
    assert rid in found, sorted(found)
    risk = found[rid]
    assert (risk.likelihood, risk.severity) == (likelihood, severity)
    assert any(trigger in t for t in risk.triggers), risk.triggers
    assert risk.suggested_measures and not risk.recorded


def test_benign_project_derives_only_the_joint_controllers_risk() -> None:
    assert list(risks_of(benign())) == ["joint-controllers"]


# (risk id prefix, changes that come close but must not fire it)
QUIET: list[tuple[str, dict[str, Any]]] = [
    ("insecure-transfer", {"sharing[3].method": "email"}),  # anonymised findings by email
    ("insecure-transfer", {"sharing[1].method": "encrypted_email"}),
    ("insecure-transfer", {"sharing[1].method": "in_person"}),
    ("no-processor-contract", {}),
    ("joint-controllers", {"data_protection.controllers.arrangement": "independent",
                           "data_protection.controllers.joint_arrangement": None,
                           "data_protection.controllers.contact_point": None}),
    ("small-numbers", {"processing.small_number_threshold": "5"}),
    ("retention-unclear", {"processing.retention[1].period": "Until the end of 2027"}),
    ("large-scale", {"processing.approx_participants": "50000"}),  # no special-category data
    ("findings-suppressed", {}),
    ("vulnerable-people", {"processing.data_subjects": ["staff"]}),
]


@pytest.mark.parametrize(("prefix", "changes"), [pytest.param(p, c, id=p) for p, c in QUIET])
def test_rule_stays_quiet(prefix: str, changes: dict[str, Any]) -> None:
    found = risks_of(change(changes, benign()))
    assert not any(rid.startswith(prefix) for rid in found), sorted(found)


def test_one_risk_per_flow_and_processor_with_their_ids() -> None:
    found = risks_of(change({
        "sharing[1].method": "email", "sharing[2].method": "post",
        "data_protection.processors[1].contract_in_place": "false",
        "data_protection.processors[2].contract_in_place": "false",
    }, benign()))
    assert {"insecure-transfer-survey-export", "insecure-transfer-recordings-to-transcriber",
            "no-processor-contract-formsco", "no-processor-contract-typeright"} <= set(found)


def test_two_risks_of_one_kind_are_titled_with_what_tells_them_apart() -> None:
    """Issue 12 point 10: 'Processor without a contract: FormsCo Ltd', not the same title
    twice; a rule that fires once keeps its plain title."""
    found = risks_of(change({
        "sharing[1].method": "email", "sharing[2].method": "post",
        "data_protection.processors[1].contract_in_place": "false",
        "data_protection.processors[2].contract_in_place": "false",
    }, benign()))
    titles = {rid: r.title for rid, r in found.items()}
    assert titles["no-processor-contract-formsco"] == "Processor without a contract: FormsCo Ltd"
    assert titles["no-processor-contract-typeright"] == (
        "Processor without a contract: TypeRight Transcription Services")
    insecure = [t for rid, t in titles.items() if rid.startswith("insecure-transfer-")]
    assert len(insecure) == len(set(insecure)) == 2
    assert all(": " in t and " to " in t for t in insecure), insecure
    one = risks_of(change({"data_protection.processors[1].contract_in_place": "false"}, benign()))
    assert one["no-processor-contract-formsco"].title == "Processor without a contract"


def test_large_scale_threshold_is_passed_in() -> None:
    data = change({"processing.special_category": ["health"],
                   "processing.special_category_condition": "explicit_consent"}, benign())
    assert "large-scale" not in risks_of(data)  # 350 people
    assert "large-scale" in risks_of(data, threshold=300)


@pytest.mark.parametrize("likelihood", vocab.codes(vocab.Likelihood))
@pytest.mark.parametrize("severity", vocab.codes(vocab.Severity))
def test_overall_level_follows_the_matrix(likelihood: str, severity: str) -> None:
    score = vocab.LIKELIHOOD_SCORE[likelihood] * vocab.SEVERITY_SCORE[severity]
    expected = {1: "low", 2: "low", 3: "medium", 4: "medium", 6: "high", 9: "high"}[score]
    risk = risks_of(change({"risks": [{"id": "own", "description": "d", "likelihood": likelihood,
                                       "severity": severity}]}, benign()))["own"]
    assert risk.level == expected
    assert risk.needs_measures == (expected != "low")


def test_recorded_assessment_overrides_the_defaults() -> None:
    entry = {"id": "joint-controllers", "description": "Participants ask the wrong partner",
             "likelihood": "probable", "severity": "significant",
             "measures": ["One contact point on every form"], "effect": "reduced",
             "residual": "low", "approved": "true"}
    risk = risks_of(change({"risks": [entry]}, benign()))["joint-controllers"]
    assert risk.recorded and risk.rule == "joint-controllers"
    assert (risk.likelihood, risk.severity, risk.level) == ("probable", "significant", "high")
    assert risk.harm == "Participants ask the wrong partner"
    assert risk.measures == ("One contact point on every form",)
    assert (risk.effect, risk.residual, risk.approved, risk.level_after) == (
        "reduced", "low", True, "low")


def test_partial_assessment_keeps_the_derived_likelihood_and_severity() -> None:
    risk = risks_of(change({"risks": [{"id": "joint-controllers", "measures": ["x"]}]},
                           benign()))["joint-controllers"]
    assert (risk.likelihood, risk.severity) == ("possible", "minimal")
    assert risk.has_measures


def test_projects_own_risks_are_added_after_the_derived_ones() -> None:
    found = list(risks_of(change({"risks": [
        {"id": "lost-laptop", "description": "A laptop with notes is lost",
         "likelihood": "remote", "severity": "severe"}]}, benign())))
    assert found == ["joint-controllers", "lost-laptop"]


def test_eliminated_risk_has_low_residual_and_no_cell_after() -> None:
    risk = risks_of(change({"risks": [{"id": "joint-controllers", "measures": ["x"],
                                       "effect": "eliminated"}]}, benign()))["joint-controllers"]
    assert risk.level_after == "low" and risk.cell_after is None


def test_findings_suppressed_is_an_organisational_risk() -> None:
    risk = risks_of(change({"project.commissioned_by": "ngh"}, benign()))["findings-suppressed"]
    assert risk.kind == "organisation"


@pytest.mark.parametrize(("text", "expected"), [
    ("United States", "united-states"), ("Côte d'Ivoire", "cote-d-ivoire"), ("日本", "unnamed"),
])
def test_slug(text: str, expected: str) -> None:
    assert slug(text) == expected


def test_derive_is_pure() -> None:
    p = project(None)
    assert derive(p) == derive(p)


def test_the_answers_layer_knows_every_derived_risk_id() -> None:
    from dpia.answers import vocab
    from dpia.assessment import risk_rules

    assert risk_rules.RULE_IDS == vocab.RISK_RULE_IDS
    assert risk_rules.PER_INSTANCE <= vocab.RISK_RULE_IDS
