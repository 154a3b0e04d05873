"""One source of facts: each inconsistency a DPO found between documents built from the
same answers (issue 9, "Why") has a test here. The projects are built from the
first-edition example, so each test also runs against the code before the facts layer
(where it fails) and shows what changed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from conftest import TODAY
from texts_helpers import build_texts, example_data, project_from

from dpia.answers import vocab
from dpia.assessment.assess import assess
from dpia.register.rows import sharing_rows


def first_edition() -> dict[str, Any]:
    return example_data("first-edition")


valid = project_from


def rows_of(data: dict[str, Any]) -> dict[str, Any]:
    p = valid(data)
    return sharing_rows(p, assess(p, TODAY))


def dpia_markdown(data: dict[str, Any], tmp_path: Path) -> str:
    from dpia.render import Job, dpia_doc

    p = valid(data)
    job = Job(project=p, assessment=assess(p, TODAY), out_dir=tmp_path, templates=None)
    doc, ctx = dpia_doc.render_document(job)
    return dpia_doc.render_markdown(job, doc, ctx)


def flow(fid: str, src: str, dst: str, identifiability: str, method: str, **more: Any) -> dict:
    return {"id": fid, "from": src, "to": dst, "data": ["Interview notes"],
            "identifiability": identifiability, "purpose": "Analysis", "method": method,
            "starts": "2026-03-01", "review": "2026-09-01", **more}


def test_interview_sheet_names_the_collecting_controller_as_keeping_the_full_record(
    tmp_path: Path,
) -> None:
    """Only the organisation receiving a pseudonymised flow was said to keep a full record;
    the controller that collects (and holds everything) was left out."""
    data = first_edition()
    data["sharing"] = [flow("coded-notes", "hwn", "ncc", "pseudonymised", "sftp",
                            agreement="MOU-2026-03")]
    data["data_protection"]["processors"] = []
    sheet = " ".join(build_texts(data, tmp_path)["participant-information/interview.txt"].split())
    sentence = next(s for s in re.split(r"(?<=\.) ", sheet) if "full record" in s)
    assert "Healthwatch Northtown" in sentence
    assert "Northtown Carers Centre" not in sentence


def _us_processor() -> dict[str, Any]:
    data = first_edition()
    data["data_protection"]["processors"][0]["location"] = "United States"
    data["processing"]["international_transfers"] = [
        {"country": "United States", "safeguard": "idta", "detail": "Survey hosting"}]
    data["sharing"] += [
        flow("notes-to-council", "hwn", "ngh", "identifiable", "nhsmail", agreement="DSA-1"),
        flow("tapes-by-post", "hwn", "typeright", "identifiable", "post"),
    ]
    return data


def test_a_processor_transfer_stays_with_the_processor() -> None:
    """A processor's United States transfer was put on UK-only flows (to a council, by post
    to a UK transcriber), and the processor itself had no row."""
    data = _us_processor()
    rows = rows_of(data)
    key = data["project"]["id"]
    for fid in ("notes-to-council", "tapes-by-post", "recordings-to-transcriber"):
        assert rows[f"{key}/{fid}"]["transfer_country"] == "none", fid
    data["data_protection"]["processors"][0]["holds_data"] = True
    rows = rows_of(data)
    processor_rows = [r for r in rows.values() if r["to_org"] == "FormsCo Ltd"
                      and r["recipient_relationship"] == vocab.DATA_PROTECTION_ROLES["processor"]]
    assert processor_rows and processor_rows[0]["transfer_country"] == "United States"


def test_a_flow_without_agreement_has_none_in_the_register(tmp_path: Path) -> None:
    """The register filled a flow's agreement from the project's agreement while the
    agreement record listed the flow as still to agree."""
    data = first_edition()
    data["sharing"].append(flow("notes-to-trust", "hwn", "ngh", "identifiable", "nhsmail"))
    rows = rows_of(data)
    assert rows[f"{data['project']['id']}/notes-to-trust"]["agreement_reference"] is None
    agreement = build_texts(data, tmp_path)["partnership-agreement.md"]
    assert "The agreement that covers sending Interview notes from Healthwatch Northtown" in agreement


def test_a_processor_flow_without_contract_says_so() -> None:
    """A flow from a processor got "Processor contract: not applicable" although the
    processor had no contract."""
    data = first_edition()
    data["data_protection"]["processors"][0]["contract_in_place"] = False
    rows = rows_of(data)
    row = rows[f"{data['project']['id']}/survey-export"]  # from the survey processor
    assert row["processor_contract"] == vocab.YES_NO["no"]


def test_one_role_per_organisation_in_every_document(tmp_path: Path) -> None:
    """The trust receiving aggregate findings was 'Receives data' (DPIA), 'no personal data'
    (agreement) and 'controller' (register)."""
    data = first_edition()
    word = vocab.DATA_PROTECTION_ROLES["anonymised_only"]
    md = dpia_markdown(data, tmp_path)
    dpia_row = next(line for line in md.splitlines()
                    if line.startswith("| **Northtown General Hospital"))
    assert word.lower() in dpia_row.lower()
    agreement = build_texts(data, tmp_path / "t")["partnership-agreement.md"]
    agreement_row = next(line for line in agreement.splitlines()
                         if line.startswith("| Northtown General Hospital"))
    assert word in agreement_row
    rows = rows_of(data)
    assert rows[f"{data['project']['id']}/findings-to-trust"]["recipient_relationship"] == word


def test_step_2_does_not_claim_measures_step_6_says_are_not_recorded(tmp_path: Path) -> None:
    """Step 2 said information is written for people in vulnerable circumstances while
    Step 6 said no measures are recorded for that risk; the listed security measures were
    linked to no risk."""
    data = first_edition()
    md = dpia_markdown(data, tmp_path)
    step2 = md[md.index("## Step 2"):md.index("## Step 3")]
    step6 = md[md.index("## Step 6"):md.index("## Step 7")]
    vulnerable = next(line for line in step6.splitlines() if "`vulnerable-people`" in line)
    assert "No measures recorded" in vulnerable
    assert "information is written for them" not in " ".join(step2.split())
    special = next(line for line in step6.splitlines() if "`special-category`" in line)
    for measure in data["processing"]["security_measures"]:
        if "encrypt" in measure.lower() or "authentication" in measure.lower():
            assert measure in special, measure


# --- the register's Article 30 record ---------------------------------------------------


def test_register_row_has_security_measures_and_the_recipients_retention() -> None:
    data = first_edition()
    rows = rows_of(data)
    key = data["project"]["id"]
    transcriber = rows[f"{key}/recordings-to-transcriber"]
    assert transcriber["security_measures"] and "Multi-factor" in transcriber["security_measures"]
    assert transcriber["retention"].startswith("Audio recordings:")
    assert "survey responses" not in transcriber["retention"].lower()
    findings = rows[f"{key}/findings-to-trust"]
    assert findings["retention"] == findings["security_measures"] == "not applicable: no personal data"


def test_register_has_a_row_for_a_processor_holding_data_and_for_no_sharing() -> None:
    data = first_edition()
    data["data_protection"]["processors"][0]["holds_data"] = True
    rows = rows_of(data)
    assert any(r["to_org"] == "FormsCo Ltd" and r["purpose"].endswith("Online survey hosting")
               for r in rows.values())
    data["sharing"] = []
    data["data_protection"]["processors"] = []
    rows = rows_of(data)
    assert len(rows) == 1
    (row,) = rows.values()
    assert row["to_org"].startswith("none") and row["security_measures"]


def test_a_processors_row_holds_what_its_flows_carry_and_its_contract_sets_retention() -> None:
    """A DPO found the survey host's row listing audio recordings and the controllers'
    retention schedule: the row holds what its own flows carry, from the controllers it
    acts for, and says that the processor contract (not the answers) sets its retention."""
    data = example_data("contract")
    rows = rows_of(data)
    (row,) = [r for r in rows.values() if r["register_key"].endswith("processor: formsco")]
    assert "recording" not in row["data_items"].lower()
    assert row["data_items"] == rows["hwn-2026-discharge/survey-export"]["data_items"]
    assert row["from_org"] == "Healthwatch Northtown; Northtown Carers Centre"
    assert "Anonymised transcripts" not in row["retention"]
    assert "processor contract" in row["retention"] and "not recorded in the answers" in row["retention"]
    # no flow to or from it: the answers do not show what it holds, and the row says so
    data["sharing"] = [f for f in data["sharing"] if "formsco" not in (f["from"], f["to"])]
    data["data_protection"]["processors"][0]["contract_in_place"] = False
    data["data_protection"]["processors"][0].pop("contract_reference", None)
    row = next(r for r in rows_of(data).values() if r["register_key"].endswith("processor: formsco"))
    assert row["data_items"].startswith("not recorded in the answers")
    assert row["retention"].startswith("not set: no processor contract")
