"""The second edition of dpia-answers/1: every new field loads, is checked against the
others, and appears where a reader expects it; placeholders load, block sign-off and are
never printed as facts; every first-edition file stays valid."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import CONTRACT_EXAMPLE, DATA, TODAY
from texts_helpers import build_texts
from variants import DELETE, change, contract_data, paths, problems, project

from dpia.answers.loader import dump, load_text, to_data
from dpia.answers.placeholders import PLACEHOLDERS, SHOWN
from dpia.assessment.assess import assess, fingerprint
from dpia.render import Job

FIRST_EDITION = DATA / "first-edition-example.yaml"


def dpia_markdown(data: Any, tmp_path: Path) -> str:
    from dpia.render import dpia_doc

    p = project(data)
    job = Job(project=p, assessment=assess(p, TODAY), out_dir=tmp_path, templates=None)
    doc, ctx = dpia_doc.render_document(job)
    return dpia_doc.render_markdown(job, doc, ctx)


# --- every file valid before stays valid ------------------------------------------


def test_first_edition_file_still_loads_and_builds(run_dpia, tmp_path) -> None:  # type: ignore[no-untyped-def]
    checked = run_dpia("check", FIRST_EDITION, "--date", TODAY.isoformat())
    assert checked.returncode == 0, checked.stderr
    built = run_dpia("build", FIRST_EDITION, "--out", tmp_path / "out", "--date", TODAY.isoformat())
    assert built.returncode == 0, built.stderr


def test_contract_example_passes_check_and_builds(run_dpia, tmp_path) -> None:  # type: ignore[no-untyped-def]
    checked = run_dpia("check", CONTRACT_EXAMPLE, "--date", TODAY.isoformat(), "--json")
    assert checked.returncode == 0, checked.stderr
    assert json.loads(checked.stdout)["file_valid"] is True
    built = run_dpia("build", CONTRACT_EXAMPLE, "--out", tmp_path / "out", "--date", TODAY.isoformat())
    assert built.returncode == 0, built.stderr


# --- cross-field rules of the new fields ----------------------------------------------

RULES = [
    ("condition-misses-controller",
     {"processing.special_category_condition": {"hwn": "substantial_public_interest"}},
     "processing.special_category_condition", "names no Article 9 condition for controller 'ncc'"),
    ("condition-names-non-controller",
     {"processing.special_category_condition.ngh": "health_or_social_care"},
     "processing.special_category_condition.ngh", "'ngh' is not a controller"),
    ("schedule1-misses-controller",
     {"processing.schedule1_condition": {"hwn": "Schedule 1, paragraph 6"}},
     "processing.schedule1_condition", "names no Schedule 1 condition for controller 'ncc'"),
    ("schedule1-missing",
     {"processing.schedule1_condition": DELETE},
     "processing.schedule1_condition", "Schedule 1 condition"),
    ("capacity-approach",
     {"processing.mental_capacity": "may_lack_capacity"},
     "processing.capacity_approach", "Mental Capacity Act 2005"),
    ("transfer-organisation",
     {"processing.international_transfers": [
         {"country": "Ireland", "safeguard": "adequacy", "organisation": "cloudco"}]},
     "processing.international_transfers[1].organisation", "'cloudco' is not one of"),
    ("flow-basis",
     {"sharing[1].lawful_basis": "goodwill"},
     "sharing[1].lawful_basis", "'goodwill'"),
    ("minutes-method-not-used",
     {"project.participation_minutes.telephone_survey": 10},
     "project.participation_minutes.telephone_survey", "not one of the project's methods"),
    ("contribution-org",
     {"project.contributions.nobody": "Tea and biscuits."},
     "project.contributions.nobody", "'nobody' is not one of"),
    ("outputs-owner-org",
     {"findings.outputs_owner": ["hwn", "nobody"]},
     "findings.outputs_owner[2]", "'nobody' is not one of"),
    ("flow-basis-legitimate-interests",
     {"processing.lawful_basis": "public_task", "processing.legitimate_interests": DELETE,
      "sharing[1].lawful_basis": "legitimate_interests"},
     "processing.legitimate_interests", "legitimate interests"),
]


@pytest.mark.parametrize(("name", "changes", "path", "words"), RULES, ids=[r[0] for r in RULES])
def test_new_rule_names_the_field(name: str, changes: dict[str, Any], path: str, words: str) -> None:
    found = problems(change(changes))
    assert any(p.path == path and words in p.message for p in found), found


KEPT = [
    ("one-condition-for-all", {"processing.special_category_condition": "explicit_consent",
                               "processing.schedule1_condition": DELETE}),
    ("schedule1-only-where-needed", {
        "processing.special_category_condition": {"hwn": "substantial_public_interest",
                                                  "ncc": "explicit_consent"},
        "processing.schedule1_condition": {"hwn": "Schedule 1, paragraph 6"}}),
    ("capacity-with-approach", {"processing.mental_capacity": "may_lack_capacity",
                                "processing.capacity_approach": "Only people who can consent."}),
    ("transfer-to-a-processor-there", {
        "data_protection.processors[1].location": "Ireland",
        "processing.international_transfers": [{"country": "Ireland", "safeguard": "adequacy"}]}),
    ("link-methods", {"sharing[1].method": "protected_link", "sharing[2].method": "open_link"}),
]


@pytest.mark.parametrize(("name", "changes"), KEPT, ids=[k[0] for k in KEPT])
def test_new_field_combination_is_valid(name: str, changes: dict[str, Any]) -> None:
    assert problems(change(changes)) == []


# --- placeholders ------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["TBC", " tba ", "Tbd", "UNKNOWN", "?", "N/A", "None yet", "to follow"])
def test_placeholder_loads_and_blocks_signoff_naming_the_field(typed: str) -> None:
    p = project(change({"processing.storage": typed, "project.end": typed}))
    gaps = {g.path: g for g in assess(p, TODAY).gaps}
    for path in ("processing.storage", "project.end"):
        assert path in gaps and gaps[path].blocks, sorted(gaps)
    assert str(p.processing.storage) == SHOWN


def test_placeholder_words_are_the_contracts() -> None:
    assert {"tbc", "tba", "tbd", "unknown", "?", "n/a", "none yet", "to follow"} == PLACEHOLDERS


def test_placeholder_survives_saving_and_counts_in_the_fingerprint() -> None:
    data = change({"project.end": "TBC", "processing.storage": "unknown"})
    p = project(data)
    saved = dump(to_data(p))
    assert "end: TBC" in saved and "storage: unknown" in saved
    again = load_text(saved, "saved.yaml")
    assert again.placeholders() == p.placeholders()
    assert fingerprint(p) != fingerprint(project(change({"project.end": DELETE,
                                                          "processing.storage": "unknown"})))


def _with_placeholders(word: str) -> Any:
    d = contract_data()
    pr, dp = d["processing"], d["data_protection"]
    pr["storage"] = pr["withdrawal"] = pr["geography"] = pr["anonymisation"] = word
    pr["retention"][0]["period"] = pr["retention"][0]["then"] = word
    pr["third_party_subjects"] = [word]
    pr["schedule1_condition"]["ncc"] = word
    pr["lawful_basis_detail"] = pr["legitimate_interests"] = word
    pr["security_measures"].append(word)
    pr["personal_data"].append(word)
    pr["data_subjects"].append(word)
    dp["processors"][0].update(contract_reference=word, location=word, service=word)
    dp["controllers"]["joint_arrangement"] = word
    dp["safeguarding"].update(process=word, lead_role=word)
    d["sharing"][0].update(agreement=word, purpose=word, frequency=word, ends=word)
    d["sharing"][0]["data"].append(word)
    d["project"]["contributions"]["ncc"] = word
    d["project"].update(changes_process=word, end=word)
    d["project"]["agreement"]["reference"] = word
    d["project"]["participation_minutes"]["focus_group"] = word
    d["findings"].update(acknowledgement=word, conflicts_of_interest=word, decision_process=word)
    d["organisations"][0].update(address=word, ico_registration=word)
    d["organisations"][0]["dpo"]["phone"] = word
    d["consultation"][0]["how"] = word
    d["signoff"]["dpo_advice"]["summary"] = word
    d["signoff"]["consultation_reviewed_by"]["comments"] = word
    for r in d.get("risks", []):
        r["measures"].append(word)
    return d


def test_no_document_or_register_row_prints_a_placeholder(run_dpia, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from dpia.register.rows import project_register_rows

    word = "TBC"
    data = _with_placeholders(word)
    answers = tmp_path / "placeholders.yaml"
    answers.write_text(dump(data), encoding="utf-8")
    built = run_dpia("build", answers, "--out", tmp_path / "out", "--date", TODAY.isoformat())
    assert built.returncode == 0, built.stderr
    printed = []
    for f in sorted((tmp_path / "out").rglob("*")):
        if f.suffix in (".md", ".html", ".txt"):
            text = f.read_text(encoding="utf-8")
            printed += [f"{f.name}: {line.strip()[:120]}" for line in text.splitlines()
                        if re.search(rf"\b{word}\b", line)]
    assert printed == []
    assert "not yet decided" in (tmp_path / "out" / "dpia.md").read_text(encoding="utf-8")
    p = project(data)
    rows = project_register_rows(p, assess(p, TODAY))
    cells = [str(v) for sheet in rows.values() for row in sheet.values() for v in row.values()]
    assert [c for c in cells if re.search(rf"\b{word}\b", c)] == []


def test_placeholder_in_a_required_choice_is_an_error() -> None:
    assert "sharing[1].method" in paths(problems(change({"sharing[1].method": "TBC"})))


# --- the new fields where a reader expects them --------------------------------------------


def test_each_controller_is_described_with_its_own_condition(tmp_path: Path) -> None:
    """A charity on legitimate interests is never said to rely on the Healthwatch's
    statutory-purposes condition."""
    md = dpia_markdown(contract_data(), tmp_path)
    step4 = md[md.index("## Step 4"):md.index("## Step 5")]
    row = next(line for line in step4.splitlines() if line.startswith("| Northtown Carers Centre"))
    assert "Archiving, research and statistics" in row and "paragraph 4: research" in row
    assert "statutory" not in row and "Substantial public interest" not in row
    texts = build_texts(contract_data(), tmp_path / "texts")
    notice = texts["privacy-notice.md"]
    charity = next(line for line in notice.splitlines()
                   if "Northtown Carers Centre also relies on" in line)
    assert "archiving, research and statistics" in charity and "statutory" not in charity


def test_article_14_wording_when_people_do_not_take_part(tmp_path: Path) -> None:
    md = dpia_markdown(contract_data(), tmp_path)
    step2 = md[md.index("## Step 2"):md.index("## Step 3")]
    assert "collected directly" not in step2
    assert "Article 14" in step2 and "the person the carer looks after" in step2
    notice = build_texts(contract_data(), tmp_path / "t")["privacy-notice.md"]
    assert "do not take part themselves: the person the carer looks after" in notice
    without = change({"processing.third_party_subjects": DELETE})
    assert "collected directly" in dpia_markdown(without, tmp_path / "w")


def test_capacity_and_third_parties_each_derive_a_risk() -> None:
    p = project(change({"processing.mental_capacity": "may_lack_capacity",
                        "processing.capacity_approach": "A personal consultee is asked."}))
    ids = {r.id for r in assess(p, TODAY).risks}
    assert {"mental-capacity", "third-party-subjects"} <= ids
    p = project(change({"processing.third_party_subjects": DELETE}))
    ids = {r.id for r in assess(p, TODAY).risks}
    assert not {"mental-capacity", "third-party-subjects"} & ids


def test_open_link_is_insecure_and_protected_link_secure() -> None:
    from dpia.register.rows import sharing_rows

    data = change({"sharing[1].method": "open_link", "sharing[2].method": "protected_link"})
    p = project(data)
    a = assess(p, TODAY)
    ids = {r.id for r in a.risks}
    assert "insecure-transfer-survey-export" in ids
    assert "insecure-transfer-recordings-to-transcriber" not in ids
    rows = sharing_rows(p, a)
    assert rows["hwn-2026-discharge/survey-export"]["method_secure"] == "no"
    assert rows["hwn-2026-discharge/recordings-to-transcriber"]["method_secure"] == "yes"


def test_signoff_rows_are_filled_from_the_answers(tmp_path: Path) -> None:
    md = dpia_markdown(contract_data(), tmp_path)
    advice = next(line for line in md.splitlines() if line.startswith("| DPO advice provided"))
    assert "Priya Shah | Data Protection Officer | 15 January 2026" in advice
    reviewed = next(line for line in md.splitlines()
                    if line.startswith("| Consultation responses reviewed by"))
    assert "Tom Okafor | Research and Engagement Lead | 12 January 2026" in reviewed
    assert "shorter questions" in reviewed


def test_flow_basis_shown_where_the_flow_is_described(tmp_path: Path) -> None:
    from dpia.register.rows import sharing_rows

    data = change({"sharing[1].lawful_basis": "consent"})
    md = dpia_markdown(data, tmp_path)
    assert "Lawful basis for this flow: consent" in md
    texts = build_texts(data, tmp_path / "t")
    assert "lawful basis for this flow: consent" in texts["partnership-agreement.md"]
    assert "The law that allows this: consent" in texts["privacy-notice.md"]
    p = project(data)
    row = sharing_rows(p, assess(p, TODAY))["hwn-2026-discharge/survey-export"]
    assert row["article6_basis"] == "consent (Article 6(1)(a))"


def test_minutes_contributions_changes_and_outputs_owner_are_shown(tmp_path: Path) -> None:
    texts = build_texts(contract_data(), tmp_path)
    assert "It takes about 10 minutes." in texts["participant-information/survey-introduction.txt"]
    assert "takes about 90 minutes" in texts["participant-information/focus-group.txt"]
    agreement = texts["partnership-agreement.md"]
    assert "Recruits carers, co-facilitates the focus groups" in agreement
    assert "agreed by email between the project leads" in agreement
    assert "**The report and other outputs are owned by:** Healthwatch Northtown" in agreement
    assert "Who owns the final report" not in agreement
    bare = change({"findings.outputs_owner": DELETE, "project.changes_process": DELETE})
    agreement = build_texts(bare, tmp_path / "bare")["partnership-agreement.md"]
    assert "Who owns the final report and the project's other outputs." in agreement
    assert "How changes to the project, its data use or this agreement are agreed." in agreement


def test_schema_takes_the_new_fields_and_placeholders(run_dpia) -> None:  # type: ignore[no-untyped-def]
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(run_dpia("schema").stdout)
    validator = jsonschema.Draft202012Validator(schema)
    data = json.loads(json.dumps(yaml.safe_load(CONTRACT_EXAMPLE.read_text(encoding="utf-8")),
                                 default=str))
    assert list(validator.iter_errors(data)) == []
    for path, value in [("project.end", "TBC"), ("processing.mental_capacity", " unknown "),
                        ("sharing[1].lawful_basis", "n/a"), ("processing.storage", "to follow"),
                        ("project.participation_minutes.interview", "TBC")]:
        edited = change({path: value}, data)
        assert list(validator.iter_errors(edited)) == [], path
    bad = change({"processing.mental_capacity": "sometimes"}, data)
    assert list(validator.iter_errors(bad))
