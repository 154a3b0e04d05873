"""Screening: each criterion fires on the answers that should fire it, and only then."""

from __future__ import annotations

from typing import Any

import pytest
from variants import DELETE, benign, change, project

from dpia.assessment.screening import Settings, screen


def fired(data: Any, threshold: int = 1000) -> dict[str, tuple[str, ...]]:
    s = screen(project(data), Settings(large_scale_threshold=threshold))
    return {c.id: c.reasons for c in s.criteria}


def verdict(data: Any, threshold: int = 1000) -> str:
    return screen(project(data), Settings(large_scale_threshold=threshold)).verdict


SPECIAL = {"processing.special_category": ["health"],
           "processing.special_category_condition": "explicit_consent"}

# (criterion, changes to the benign project that fire it, a reason it must give)
FIRES: list[tuple[str, dict[str, Any], str]] = [
    ("sensitive-data", SPECIAL, "processing.special_category: health"),
    ("sensitive-data", {"processing.criminal_offence_data": "true"},
     "processing.criminal_offence_data: true"),
    ("vulnerable-people", {"processing.data_subjects": ["patients"]},
     "processing.data_subjects: patients"),
    ("vulnerable-people", {"processing.data_subjects": ["carers"]},
     "processing.data_subjects: carers"),
    ("vulnerable-people", {"processing.data_subjects": ["care_home_residents"]},
     "processing.data_subjects: care_home_residents"),
    ("vulnerable-people", {"processing.vulnerable_adults": "true"},
     "processing.vulnerable_adults: true"),
    ("vulnerable-people", {"processing.children": "true"}, "processing.children: true"),
    ("large-scale", {"processing.approx_participants": "1000"},
     "processing.approx_participants: 1000 (large scale from 1000 people)"),
    ("large-scale-special-category", {**SPECIAL, "processing.approx_participants": "5000"},
     "processing.approx_participants: 5000 (large scale from 1000 people)"),
    ("large-scale-special-category", {"processing.criminal_offence_data": "true",
                                      "processing.approx_participants": "5000"},
     "processing.criminal_offence_data: true"),
    ("genetic-data", {"processing.special_category": ["genetic"],
                      "processing.special_category_condition": "explicit_consent"},
     "processing.special_category: genetic"),
    ("biometric-data", {"processing.special_category": ["biometric"],
                        "processing.special_category_condition": "explicit_consent",
                        "processing.vulnerable_adults": "true"},
     "processing.special_category: biometric"),
    ("combining-datasets", {"data_protection.controllers.arrangement": "independent",
                            "data_protection.controllers.joint_arrangement": DELETE,
                            "data_protection.controllers.contact_point": DELETE,
                            "sharing[3].to": "ncc", "sharing[3].identifiability": "identifiable",
                            "sharing[3].purpose": "Matched with the carers' records it holds"},
     "sharing[3]: identifiable data from hwn to ncc, Matched with the carers' records it holds"),
]


@pytest.mark.parametrize(
    ("criterion", "changes", "reason"),
    [pytest.param(c, ch, r, id=f"{c}:{next(iter(ch))}") for c, ch, r in FIRES],
)
def test_criterion_fires_with_its_reason(criterion: str, changes: dict[str, Any], reason: str) -> None:
    assert criterion not in fired(benign())
    reasons = fired(change(changes, benign())).get(criterion)
    assert reasons is not None, f"{criterion} did not fire"
    assert reason in reasons


def test_people_talked_about_and_not_told_directly_are_invisible_processing() -> None:
    # Step 2 relies on Article 14(5)(b) for them: the screening cannot call that unknown.
    talked_about = change(
        {"processing.third_party_subjects": ["the person the carer looks after"]}, benign())
    s = screen(project(talked_about))
    (reason,) = fired(talked_about)["invisible-processing"]
    assert reason.startswith("processing.third_party_subjects: the person the carer looks after")
    assert "not told directly" in reason and "14(5)(b)" in reason
    assert s.verdict == "required"  # on the regulator's list: one is enough
    assert not any("invisible processing" in n for n in s.not_assessed)
    assert "invisible-processing" not in fired(benign())


# (criterion, changes that come close but must not fire it)
QUIET: list[tuple[str, dict[str, Any]]] = [
    ("large-scale", {"processing.approx_participants": "999"}),
    ("large-scale-special-category", {**SPECIAL, "processing.approx_participants": "999"}),
    ("large-scale-special-category", {"processing.approx_participants": "5000"}),
    ("vulnerable-people", {"processing.data_subjects": ["staff", "public", "volunteers"]}),
    # Research with children is not the regulator's "targeting children" (marketing,
    # profiling, online services): the answers cannot show that, so it is named for reviewers.
    ("children", {"processing.children": "true", "processing.data_subjects": ["children"]}),
    ("genetic-data", SPECIAL),
    ("combining-datasets", {"sharing[3].to": "ncc"}),  # anonymised findings
    # between joint controllers: within the one processing their arrangement covers
    ("combining-datasets", {"sharing[3].to": "ncc", "sharing[3].identifiability": "identifiable"}),
    ("combining-datasets", {"sharing[1].identifiability": "identifiable"}),  # from a processor
    # one flow between independent controllers only passes the data on
    ("combining-datasets", {"data_protection.controllers.arrangement": "independent",
                            "data_protection.controllers.joint_arrangement": DELETE,
                            "data_protection.controllers.contact_point": DELETE,
                            "sharing[3].to": "ncc", "sharing[3].identifiability": "identifiable"}),
]


@pytest.mark.parametrize(
    ("criterion", "changes"), [pytest.param(c, ch, id=c) for c, ch in QUIET]
)
def test_criterion_stays_quiet(criterion: str, changes: dict[str, Any]) -> None:
    assert criterion not in fired(change(changes, benign()))


BIOMETRIC = {"processing.special_category": ["biometric"],
             "processing.special_category_condition": "explicit_consent"}


def test_biometric_alone_is_not_a_criterion_but_is_with_another() -> None:
    # Biometric data is special-category data: the 'sensitive-data' it fires by itself
    # is not the other criterion the regulator's list asks for.
    assert set(fired(change(BIOMETRIC, benign()))) == {"sensitive-data"}
    assert verdict(change(BIOMETRIC, benign())) == "recommended"
    with_patients = change({**BIOMETRIC, "processing.data_subjects": ["patients"]}, benign())
    assert "biometric-data" in fired(with_patients)
    with_health = change({**BIOMETRIC, "processing.special_category": ["biometric", "health"]},
                         benign())
    assert fired(with_health)["biometric-data"] == ("processing.special_category: biometric",)
    criminal = change({**BIOMETRIC, "processing.criminal_offence_data": "true"}, benign())
    assert "biometric-data" in fired(criminal)


def test_verdict_not_required_recommended_required() -> None:
    assert verdict(benign()) == "not required"
    assert fired(benign()) == {}
    assert verdict(change({"processing.data_subjects": ["patients"]}, benign())) == "recommended"
    two = change({"processing.data_subjects": ["patients"], **SPECIAL}, benign())
    assert verdict(two) == "required"
    assert verdict(change({"processing.special_category": ["genetic"],
                           "processing.special_category_condition": "explicit_consent"},
                          benign())) == "required"  # on the regulator's list: one is enough


def test_contract_example_is_required_because_of_health_data_about_carers() -> None:
    result = fired(None)
    assert verdict(None) == "required"
    assert "processing.special_category: health, racial_or_ethnic_origin" in result["sensitive-data"]
    assert "processing.data_subjects: carers, patients" in result["vulnerable-people"]


def test_large_scale_threshold_is_a_setting_shown_in_the_verdict() -> None:
    data = change({"processing.approx_participants": "350"}, benign())
    assert "large-scale" not in fired(data)
    assert fired(data, threshold=300)["large-scale"] == (
        "processing.approx_participants: 350 (large scale from 300 people)",
    )
    s = screen(project(data), Settings(large_scale_threshold=300))
    assert s.settings.large_scale_threshold == 300


def test_screening_is_pure() -> None:
    p = project(None)
    assert screen(p) == screen(p)


def test_special_category_without_condition_never_reaches_screening() -> None:
    # the contract rule catches it first, so screening never sees a half-answered project
    from variants import problems

    assert problems(change({"processing.special_category": ["health"],
                            "processing.special_category_condition": DELETE,
                            "processing.schedule1_condition": DELETE}, benign()))


def test_criteria_the_answers_cannot_show_are_named_for_reviewers() -> None:
    # The regulator's list and the European criteria, as dpia-structure.md gives them:
    # each is either tested from the answers or named for reviewers to consider.
    from dpia.assessment.screening import CRITERIA, NOT_ASSESSED

    tested = " ".join(title.lower() for _, _, title, _ in CRITERIA)
    named = " ".join(NOT_ASSESSED)
    for words in ("profiling", "automated decisions", "monitoring", "innovative technology",
                  "denying people a service", "physical safety", "children", "marketing"):
        assert words in named and words not in tested
    # tested when the answers show it (people talked about), otherwise left for reviewers
    assert "invisible processing" in named and "invisible processing" in tested
    assert any("invisible processing" in n for n in screen(project(benign())).not_assessed)
    for words in ("genetic", "sensitive", "vulnerable", "large-scale", "combining"):
        assert words in tested


def test_research_with_children_alone_is_recommended_for_the_vulnerable_criterion() -> None:
    children = change({"processing.children": "true", "processing.data_subjects": ["children"]}, benign())
    assert set(fired(children)) == {"vulnerable-people"}
    assert verdict(children) == "recommended"


def test_matching_or_combining_needs_a_real_linkage() -> None:
    joint = change({"sharing[3].to": "ncc", "sharing[3].identifiability": "identifiable"}, benign())
    assert "combining-datasets" not in fired(joint)
    # data from an organisation outside the project, only passed on: not combining either
    from_trust = {"sharing[3].from": "ngh", "sharing[3].to": "hwn",
                  "sharing[3].identifiability": "identifiable"}
    assert "combining-datasets" not in fired(change(from_trust, benign()))
    # linked with the recipient's own data: combining
    linked = change({**from_trust, "sharing[3].purpose": "Linked to Healthwatch case records"},
                    benign())
    assert fired(linked)["combining-datasets"] == (
        "sharing[3]: identifiable data from ngh to hwn, Linked to Healthwatch case records",)
