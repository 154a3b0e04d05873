"""Every rule of the contract (answers-v1.md), each shown broken and kept.

Cases edit the contract example by field path (see tests/variants.py), write it
out and check it as a file, so each asserts the path and wording people see.
"""

from __future__ import annotations

from typing import Any

import pytest
from variants import DELETE, change, contract_data, only_problem, paths, problems, project

from dpia.answers.model import path_text
from dpia.answers.validate import validate

# With one controller, one Article 9 condition and one Schedule 1 condition for all.
ONE_CONDITION = {
    "processing.special_category_condition": "substantial_public_interest",
    "processing.schedule1_condition": "Schedule 1, paragraph 6: statutory and government purposes",
}

# (name, changes, the one path reported, fragments of its message)
BROKEN: list[tuple[str, dict[str, Any], str, tuple[str, ...]]] = [
    # format and shape
    ("format-wrong", {"format": "dpia-answers/2"}, "format", ("write 'format: dpia-answers/1'",)),
    ("format-missing", {"format": DELETE}, "format", ("required",)),
    ("unknown-top-key", {"projcet": "x"}, "projcet", ("not a field here", "fields allowed here")),
    ("unknown-nested-key", {"sharing[2].methd": "sftp"}, "sharing[2].methd",
     ("did you mean 'method'?",)),
    ("required-missing", {"processing.storage": DELETE}, "processing.storage", ("required",)),
    ("required-empty", {"project.summary": None}, "project.summary", ("is empty", "text")),
    ("text-blank", {"project.title": "   "}, "project.title", ("must not be empty",)),
    ("list-for-text", {"project.title": ["a", "b"]}, "project.title", ("must be text, not a list",)),
    ("mapping-for-list", {"organisations": {"id": "hwn"}}, "organisations",
     ("must be a list", "not a group")),
    ("text-for-group", {"signoff": "yes"}, "signoff", ("group of 'key: value' lines",)),
    # vocabularies
    ("method-unknown", {"sharing[3].method": "fax"}, "sharing[3].method",
     ("'fax' is not allowed", "allowed values: sftp, secure_download")),
    ("method-other-undescribed", {"sharing[3].method": "other"}, "sharing[3].method_detail",
     ("is needed when 'method' is other",)),
    ("method-detail-not-other", {"sharing[3].method_detail": "By hand"}, "sharing[3].method_detail",
     ("is only for 'method: other'",)),
    ("methods-empty", {"project.methods": []}, "project.methods", ("at least one",)),
    ("methods-value", {"project.methods[1]": "survey"}, "project.methods[1]", ("allowed values",)),
    ("org-type", {"organisations[1].type": "charity"}, "organisations[1].type",
     ("allowed values: healthwatch",)),
    ("arrangement", {"data_protection.controllers.arrangement": "shared"},
     "data_protection.controllers.arrangement", ("sole, joint, independent",)),
    ("identifiability", {"sharing[1].identifiability": "named"}, "sharing[1].identifiability",
     ("identifiable, pseudonymised, anonymised, aggregate",)),
    ("special-category-value", {"processing.special_category[1]": "helth"},
     "processing.special_category[1]", ("did you mean 'health'?",)),
    ("article9-value", {"processing.special_category_condition": "consent"},
     "processing.special_category_condition", ("explicit_consent",)),
    ("safeguard", {"processing.international_transfers": [{"country": "USA", "safeguard": "scc"}]},
     "processing.international_transfers[1].safeguard", ("idta",)),
    ("risk-likelihood", {"risks": [{"id": "x", "description": "d", "likelihood": "likely",
                                    "severity": "severe"}]},
     "risks[1].likelihood", ("remote, possible, probable",)),
    ("residual", {"risks": [{"id": "free-text", "residual": "none"}]}, "risks[1].residual",
     ("low, medium, high",)),
    # typed values
    ("bool", {"processing.children": "maybe"}, "processing.children", ("true or false",)),
    ("whole-number", {"processing.approx_participants": "about 300"},
     "processing.approx_participants", ("whole number", "'about 300'")),
    ("whole-number-float", {"processing.approx_participants": "1e400"},
     "processing.approx_participants", ("whole number",)),
    ("whole-number-zero", {"processing.approx_participants": "0"},
     "processing.approx_participants", ("1 or more",)),
    ("whole-number-huge", {"processing.approx_participants": "9" * 12},
     "processing.approx_participants", ("100,000,000 or less",)),
    ("date-format", {"project.start": "02/02/2026"}, "project.start", ("YYYY-MM-DD",)),
    ("date-real", {"project.start": "2026-02-30"}, "project.start", ("not a real date",)),
    ("email", {"organisations[1].dpo.email": "dpo at hw"}, "organisations[1].dpo.email",
     ("not an email address",)),
    ("slug", {"organisations[5].id": "Type Right"}, "organisations[5].id",
     ("lowercase letters",)),
    ("lawful-basis-value", {"processing.lawful_basis": "consnt"}, "processing.lawful_basis",
     ("did you mean 'consent'?",)),
    ("lawful-basis-shape", {"processing.lawful_basis": ["public_task"]}, "processing.lawful_basis",
     ("one lawful basis for every controller", "one 'controller id: basis' line",
      "public_task")),
    ("lawful-basis-map-value", {"processing.lawful_basis.ncc": "interests"},
     "processing.lawful_basis.ncc", ("legitimate_interests",)),
    # ids exist
    ("lead-unknown", {"project.lead": "hwx"}, "project.lead",
     ("'hwx' is not one of the organisations", "hwn, ngh, ncc, formsco, typeright")),
    ("commissioner-unknown", {"project.commissioned_by": "icb"}, "project.commissioned_by",
     ("not one of the organisations",)),
    ("controller-unknown", {"data_protection.controllers.organisations[2]": "nc"},
     "data_protection.controllers.organisations[2]", ("not one of the organisations",)),
    ("processor-unknown", {"data_protection.processors[1].organisation": "forms"},
     "data_protection.processors[1].organisation", ("not one of the organisations",)),
    ("safeguarding-owner", {"data_protection.safeguarding.owner": "x"},
     "data_protection.safeguarding.owner", ("not one of",)),
    ("breach-lead", {"data_protection.breach_lead": "x"}, "data_protection.breach_lead",
     ("not one of",)),
    ("flow-from", {"sharing[1].from": "forms"}, "sharing[1].from", ("not one of",)),
    ("flow-to", {"sharing[2].to": "type"}, "sharing[2].to", ("not one of",)),
    ("data-owner", {"findings.data_owner[1]": "x"}, "findings.data_owner[1]", ("not one of",)),
    ("report-author", {"findings.report_authors[2]": "x"}, "findings.report_authors[2]",
     ("not one of",)),
    ("publisher", {"findings.publisher": "x"}, "findings.publisher", ("not one of",)),
    # duplicates
    ("duplicate-org", {"organisations[5].id": "formsco",
                       "data_protection.processors[2].organisation": "formsco",
                       "data_protection.processors": [{"organisation": "formsco", "service": "s",
                                                       "contract_in_place": "true"}],
                       "sharing[2].to": "ngh"},
     "organisations[5]", ("organisation id 'formsco' appears more than once",)),
    ("duplicate-flow", {"sharing[2].id": "survey-export"}, "sharing[2]",
     ("flow id 'survey-export' appears more than once",)),
    ("duplicate-risk", {"risks": [{"id": "free-text"}, {"id": "free-text"}]}, "risks[2]",
     ("appears more than once",)),
    # controllers and processors
    ("sole-with-two", {"data_protection.controllers.arrangement": "sole",
                       "data_protection.controllers.joint_arrangement": DELETE,
                       "data_protection.controllers.contact_point": DELETE},
     "data_protection.controllers.organisations", ("exactly one controller, not 2",)),
    ("joint-with-one", {"data_protection.controllers.organisations": ["hwn"],
                        "processing.lawful_basis": "public_task",
                        "processing.legitimate_interests": DELETE,
                        **ONE_CONDITION},
     "data_protection.controllers.organisations", ("two or more controllers",)),
    ("independent-with-one", {"data_protection.controllers.arrangement": "independent",
                              "data_protection.controllers.organisations": ["hwn"],
                              "data_protection.controllers.joint_arrangement": DELETE,
                              "data_protection.controllers.contact_point": DELETE,
                              "processing.lawful_basis": "public_task",
                              "processing.legitimate_interests": DELETE,
                              **ONE_CONDITION},
     "data_protection.controllers.organisations", ("two or more controllers",)),
    ("joint-needs-arrangement", {"data_protection.controllers.joint_arrangement": DELETE},
     "data_protection.controllers.joint_arrangement", ("Article 26",)),
    ("joint-needs-contact-point", {"data_protection.controllers.contact_point": DELETE},
     "data_protection.controllers.contact_point", ("required for joint controllers",)),
    ("contact-point-controller", {"data_protection.controllers.contact_point": "ngh"},
     "data_protection.controllers.contact_point", ("must be one of the controllers: hwn, ncc",)),
    ("processor-is-controller", {"data_protection.processors[1].organisation": "ncc"},
     "data_protection.processors[1].organisation", ("is a controller and cannot also be",)),
    ("dpo-for-participants-controller", {"data_protection.dpo_for_participants": "ngh"},
     "data_protection.dpo_for_participants", ("must be one of the controllers",)),
    ("subject-access-processor", {"data_protection.subject_access": "formsco"},
     "data_protection.subject_access", ("is a processor",)),
    ("public-authority-needs-dpo", {"organisations[2].dpo": DELETE}, "organisations[2].dpo",
     ("is an NHS trust, a public authority", "Data Protection Officer")),
    # lawful basis and conditions
    ("basis-map-misses-controller", {"processing.lawful_basis": {"hwn": "public_task"},
                                     "processing.legitimate_interests": DELETE},
     "processing.lawful_basis", ("no basis for controller 'ncc'",)),
    ("basis-map-non-controller", {"processing.lawful_basis.ngh": "public_task"},
     "processing.lawful_basis.ngh", ("is not a controller",)),
    ("legitimate-interests-text", {"processing.legitimate_interests": DELETE},
     "processing.legitimate_interests", ("say what the interests are",)),
    ("article9-condition", {"processing.special_category_condition": DELETE,
                            "processing.schedule1_condition": DELETE},
     "processing.special_category_condition", ("Article 9",)),
    ("schedule1-condition", {"processing.schedule1_condition": DELETE},
     "processing.schedule1_condition", ("Schedule 1",)),
    # other sections
    ("consultation-reason", {"consultation": []}, "consultation",
     ("consultation_not_needed_because",)),
    ("project-dates", {"project.end": "2026-01-01"}, "project.end", ("before the project's start",)),
    ("flow-dates", {"sharing[1].ends": "2026-01-01"}, "sharing[1].ends", ("before the flow",)),
    ("flow-same-org", {"sharing[1].from": "hwn"}, "sharing[1].to", ("different organisation",)),
    ("flow-data-empty", {"sharing[1].data": []}, "sharing[1].data", ("at least one",)),
    ("retention-empty", {"processing.retention": []}, "processing.retention", ("at least one",)),
    ("organisations-empty", {"organisations": []}, "organisations", ("at least one",)),
    ("dpo-advice-reasons", {"signoff.dpo_advice.accepted": "false"},
     "signoff.dpo_advice.reasons", ("not accepted",)),
    ("own-risk-needs-assessment", {"risks": [{"id": "lost-laptop", "description": "A laptop",
                                              "likelihood": "possible"}]},
     "risks[1].severity", ("not a risk the tool derives",)),
]


@pytest.mark.parametrize(
    ("changes", "path", "fragments"),
    [pytest.param(c, p, f, id=n) for n, c, p, f in BROKEN],
)
def test_broken_rule_is_reported_at_its_path(
    changes: dict[str, Any], path: str, fragments: tuple[str, ...]
) -> None:
    only_problem(change(changes), path, *fragments)


# Each conditional rule kept: a variant that satisfies it is valid.
KEPT: list[tuple[str, dict[str, Any]]] = [
    ("contract-example-unchanged", {}),
    ("sole-with-one", {"data_protection.controllers.arrangement": "sole",
                       "data_protection.controllers.organisations": ["hwn"],
                       "data_protection.controllers.joint_arrangement": DELETE,
                       "data_protection.controllers.contact_point": DELETE,
                       "processing.lawful_basis": "public_task",
                       "processing.legitimate_interests": DELETE,
                       **ONE_CONDITION}),
    ("independent-with-two", {"data_protection.controllers.arrangement": "independent",
                              "data_protection.controllers.joint_arrangement": DELETE,
                              "data_protection.controllers.contact_point": DELETE}),
    ("one-basis-for-all", {"processing.lawful_basis": "public_task",
                           "processing.legitimate_interests": DELETE,
                           **ONE_CONDITION}),
    ("no-special-category-no-condition", {"processing.special_category": [],
                                          "processing.special_category_condition": DELETE,
                                          "processing.schedule1_condition": DELETE}),
    ("explicit-consent-needs-no-schedule1", {
        "processing.special_category_condition": "explicit_consent",
        "processing.schedule1_condition": DELETE}),
    ("ethnicity-alias", {"processing.special_category": ["ethnicity"]}),
    ("consultation-not-needed", {"consultation": [],
                                 "consultation_not_needed_because": "A repeat of last year's "
                                 "survey, reviewed then."}),
    ("voluntary-org-without-dpo", {"organisations[3].data_protection_lead": DELETE}),
    ("dpo-advice-overruled-with-reasons", {"signoff.dpo_advice.accepted": "false",
                                           "signoff.dpo_advice.reasons": "Board decision."}),
    ("no-signoff-is-a-draft", {"signoff": DELETE}),
    ("empty-sharing", {"sharing": []}),
    ("subject-access-non-controller-is-a-gap-not-an-error", {
        "data_protection.subject_access": "ngh"}),
    ("own-risk-complete", {"risks": [{"id": "lost-laptop", "description": "A laptop is lost",
                                      "likelihood": "possible", "severity": "severe"}]}),
    ("derived-risk-assessment-only", {"risks": [{"id": "free-text", "measures": ["Redact"],
                                                 "effect": "reduced", "residual": "low",
                                                 "approved": "true"}]}),
    ("large-scale-assessment-whatever-threshold", {"risks": [{"id": "large-scale"}]}),
    ("assessment-of-a-risk-that-no-longer-fires", {"risks": [{"id": "children"},
                                                             {"id": "insecure-transfer-old"}]}),
    ("same-dates", {"project.end": "2026-02-02", "sharing[1].ends": "2026-03-01"}),
]


@pytest.mark.parametrize("changes", [pytest.param(c, id=n) for n, c in KEPT])
def test_kept_rule_is_valid(changes: dict[str, Any]) -> None:
    found = problems(change(changes))
    assert found == [], [p.describe() for p in found]


def test_every_cross_field_problem_is_reported_at_once() -> None:
    found = problems(change({"project.lead": "x", "sharing[1].to": "y", "findings.publisher": "z"}))
    assert paths(found) == ["project.lead", "sharing[1].to", "findings.publisher"]


def test_errors_give_the_line_of_the_field() -> None:
    data = change({"sharing[3].method": "fax"})
    from variants import text_of

    text = text_of(data)
    [problem] = problems(data)
    assert problem.line is not None
    assert text.splitlines()[problem.line - 1].strip() == "method: fax"


def test_missing_key_points_at_its_group() -> None:
    [problem] = problems(change({"sharing[2].purpose": DELETE}))
    assert problem.path == "sharing[2].purpose"
    assert problem.line is not None  # the line of sharing[2]


def test_text_fields_keep_what_was_typed() -> None:
    p = project(change({
        "project.title": "NO",
        "project.agreement.reference": "0123",
        "organisations[1].dpo.phone": "01632 960123",
        "project.checkins[1].milestone": "12:30",
        "organisations[1].ico_registration": "yes",
    }))
    assert p.project.title == "NO"
    assert p.project.agreement is not None and p.project.agreement.reference == "0123"
    assert p.organisations[0].dpo is not None and p.organisations[0].dpo.phone == "01632 960123"
    assert p.project.checkins[0].milestone == "12:30"
    assert p.organisations[0].ico_registration == "yes"


def test_flow_accepts_only_from_as_written() -> None:
    data = change({"sharing[1].from_": "formsco", "sharing[1].from": DELETE})
    found = problems(data)
    assert "sharing[1].from_" in paths(found)
    assert "sharing[1].from" in paths(found)


@pytest.mark.parametrize(
    "data",
    [
        None, 0, "x", [1, 2], {"format": None}, {1: 2}, {(1, 2): 3}, {"format": [[[[]]]]},
        {"project": {"title": 10**5000}}, {"processing": {"approx_participants": float("inf")}},
        {"processing": {"approx_participants": 10**5000}}, {"processing": {"children": 10**5000}},
        {"processing": {"lawful_basis": {"a": {"b": []}}}}, {"sharing": [[[[[]]]]]},
        {"risks": [{"id": object()}]}, {"format": "x" * 100_000},
    ],
    ids=lambda d: type(d).__name__,
)
def test_validate_never_raises(data: Any) -> None:
    project_or_none, found = validate(data)
    assert project_or_none is None
    assert found
    for loc, message in found:
        assert isinstance(path_text(loc), str)
        assert isinstance(message, str) and len(message) < 600


def test_validate_accepts_the_contract_data() -> None:
    p, found = validate(contract_data())
    assert found == [] and p is not None
    assert p.controller_ids == ["hwn", "ncc"]


def test_deeply_nested_value_is_reported_not_recursed() -> None:
    deep: list[Any] = []
    cur = deep
    for _ in range(10_000):
        nxt: list[Any] = []
        cur.append(nxt)
        cur = nxt
    _, found = validate(change({"processing.lawful_basis": deep}))
    assert [path_text(loc) for loc, _ in found] == ["processing.lawful_basis"]


def test_path_text_counts_from_one() -> None:
    assert path_text(("sharing", 1, "method")) == "sharing[2].method"
    assert path_text(()) == ""


def test_flow_and_risk_ids_are_any_single_line_of_text() -> None:
    """The contract asks only that flow ids are unique; ids such as 'Survey export 1'
    or 'flow_2' are valid, and a risk assessment can name the risk they imply."""
    from variants import assessment
    from variants import project as load_project

    changes = {
            "sharing[1].id": "Survey export 1",
            "sharing[1].method": "email",
            "risks": [{"id": "insecure-transfer-Survey export 1", "measures": ["Use SFTP"],
                       "effect": "reduced", "residual": "low", "approved": True}],
    }
    loaded = load_project(change(changes))
    assert loaded.sharing[0].id == "Survey export 1"
    risk = {r.id: r for r in assessment(change(changes)).risks}["insecure-transfer-Survey export 1"]
    assert risk.recorded and risk.residual == "low"


@pytest.mark.parametrize("bad", ["two\nlines", " padded", "tab\there", ""])
def test_flow_id_must_be_one_clean_line(bad: str) -> None:
    found = problems(change({"sharing[1].id": bad}))
    assert [p.path for p in found] == ["sharing[1].id"]
