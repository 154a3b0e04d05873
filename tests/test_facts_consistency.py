"""Property tests: for generated valid projects, every fact more than one output states is
stated identically in the DPIA (Markdown), the privacy-notice section, the participant
texts, the agreement record and the register rows. The projects vary the controller
arrangement, processors with and without contracts and holding data, flows with and
without an agreement and a basis of their own, transfers with and without an organisation,
the methods (including the link methods) and placeholders."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from conftest import TODAY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from texts_helpers import build_texts, project_from

from dpia.answers import vocab
from dpia.assessment import facts
from dpia.assessment.assess import assess
from dpia.register.rows import sharing_rows
from dpia.render import Job, dpia_doc
from dpia.render.templating import md as md_escape

ORGS = {
    "hwn": ("Healthwatch Northtown", "healthwatch"),
    "ncc": ("Carers Centre", "voluntary"),
    "uni": ("Southby University", "university"),
    "ngh": ("General Hospital Trust", "nhs_trust"),
    "forms": ("FormsCo Ltd", "commercial"),
    "typing": ("TypeRight Ltd", "commercial"),
}
CONTROLLERS = {"sole": ["hwn"], "joint": ["hwn", "ncc"], "independent": ["hwn", "uni"]}
PLACEHOLDER = "TBC"


def _org(org_id: str) -> dict[str, Any]:
    name, kind = ORGS[org_id]
    org: dict[str, Any] = {"id": org_id, "name": name, "type": kind}
    if kind in vocab.PUBLIC_AUTHORITY_TYPES or org_id == "hwn":
        org["dpo"] = {"name": f"DPO of {name}", "email": f"dpo@{org_id}.example"}
    return org


@st.composite
def projects(draw: st.DrawFn) -> dict[str, Any]:
    arrangement = draw(st.sampled_from(sorted(CONTROLLERS)))
    controllers = CONTROLLERS[arrangement]
    processors = []
    for org_id, location in (("forms", "United Kingdom"), ("typing", "United States")):
        if draw(st.booleans()):
            contract = draw(st.booleans())
            proc: dict[str, Any] = {"organisation": org_id, "service": f"Service of {org_id}",
                                    "contract_in_place": contract, "location": location}
            if contract and draw(st.booleans()):
                proc["contract_reference"] = f"CT-{org_id}"
            holds = draw(st.sampled_from([None, True, False]))
            if holds is not None:
                proc["holds_data"] = holds
            processors.append(proc)
    bases = vocab.codes(vocab.LawfulBasis)
    basis: Any = draw(st.sampled_from(["public_task", "consent"]))
    if len(controllers) > 1 and draw(st.booleans()):
        basis = {c: draw(st.sampled_from(bases)) for c in controllers}
    special = draw(st.booleans())
    methods = draw(st.lists(st.sampled_from(["online_survey", "focus_group", "paper_survey"]),
                            unique=True, max_size=2))
    methods = ["interview", *methods]
    flows = []
    for i in range(draw(st.integers(0, 4))):
        src, dst = draw(st.lists(st.sampled_from(sorted(ORGS)), min_size=2, max_size=2, unique=True))
        flow: dict[str, Any] = {
            "id": f"flow-{i}", "from": src, "to": dst, "data": [f"Notes {i}"],
            "identifiability": draw(st.sampled_from(vocab.codes(vocab.Identifiability))),
            "purpose": f"Purpose {i}",
            "method": draw(st.sampled_from(["sftp", "email", "protected_link", "open_link", "post"])),
            "starts": "2026-03-01", "review": "2026-09-01",
        }
        agreement = draw(st.sampled_from([None, f"DSA-{i}", PLACEHOLDER]))
        if agreement:
            flow["agreement"] = agreement
        own = draw(st.sampled_from([None, "consent", "public_task"]))
        if own:
            flow["lawful_basis"] = own
        flows.append(flow)
    transfers = []
    for country in draw(st.lists(st.sampled_from(["United States", "Ireland"]), unique=True, max_size=2)):
        t: dict[str, Any] = {"country": country, "safeguard": "idta"}
        owner = draw(st.sampled_from([None, "uni", "ngh", "forms"]))
        if owner:
            t["organisation"] = owner
        transfers.append(t)
    processing: dict[str, Any] = {
        "data_subjects": ["carers"], "approx_participants": 40,
        "personal_data": ["name", "free_text_experiences"],
        "special_category": ["health"] if special else [],
        "criminal_offence_data": False, "children": False, "vulnerable_adults": False,
        "lawful_basis": basis,
        "storage": draw(st.sampled_from(["UK cloud storage", PLACEHOLDER])),
        "international_transfers": transfers,
        "retention": [{"data": "Notes", "period": "one year"}],
        "withdrawal": "Ask us to remove your answers.",
        "security_measures": ["Encrypted storage", "Access by role"],
    }
    if "legitimate_interests" in str(basis) or any(f.get("lawful_basis") == "legitimate_interests"
                                                     for f in flows):
        processing["legitimate_interests"] = "Improving services."
    if special:
        processing["special_category_condition"] = (
            {c: draw(st.sampled_from(["explicit_consent", "health_or_social_care"]))
             for c in controllers} if draw(st.booleans()) else "explicit_consent")
        processing["schedule1_condition"] = "Schedule 1, paragraph 2"
    data_protection: dict[str, Any] = {
        "controllers": {"arrangement": arrangement, "organisations": controllers},
        "processors": processors,
        "dpo_for_participants": "hwn", "subject_access": "hwn",
        "safeguarding": {"owner": "hwn", "process": "Tell the lead."}, "breach_lead": "hwn",
    }
    if arrangement == "joint":
        data_protection["controllers"].update(joint_arrangement="Hwn runs it.", contact_point="hwn")
    project: dict[str, Any] = {
        "id": "generated", "title": "Generated project", "summary": "We ask carers.",
        "lead": "hwn", "methods": methods,
    }
    if draw(st.booleans()):
        project["participation_minutes"] = {"interview": draw(st.integers(10, 90))}
    return {
        "format": "dpia-answers/1",
        "project": project,
        "organisations": [_org(o) for o in ORGS],
        "data_protection": data_protection,
        "processing": processing,
        "sharing": flows,
        "findings": {"data_owner": ["hwn"], "report_authors": ["hwn"], "publisher": "hwn",
                     "healthwatch_may_reuse_data": False, "partners_may_reuse_data": False,
                     "decision_process": "The board agrees.", "if_partners_disagree": "We publish."},
        "consultation_not_needed_because": "A repeat of last year's survey.",
    }


def outputs(data: dict[str, Any], folder: Path) -> tuple[Any, str, dict[str, str], dict[str, Any]]:
    p = project_from(data)
    a = assess(p, TODAY)
    job = Job(project=p, assessment=a, out_dir=folder / "dpia", templates=None)
    doc, ctx = dpia_doc.render_document(job)
    md = dpia_doc.render_markdown(job, doc, ctx)
    texts = build_texts(data, folder / "texts")
    return p, md, texts, sharing_rows(p, a)


def cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(projects())
def test_every_fact_is_stated_identically_everywhere(data: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        p, md, texts, rows = outputs(data, Path(tmp))
    roles = facts.roles(p)
    agreement = texts["partnership-agreement.md"]
    notice = " ".join(texts["privacy-notice.md"].split())

    # One role per organisation: DPIA table, agreement table and the register's rows.
    for org_id, role in roles.items():
        word = vocab.DATA_PROTECTION_ROLES[role]
        name = ORGS[org_id][0]
        dpia_row = next(ln for ln in md.splitlines() if ln.startswith(f"| **{name}**"))
        assert cells(dpia_row)[1].lower().startswith(word.lower()), (org_id, dpia_row)
        agreement_row = next(ln for ln in agreement.splitlines() if ln.startswith(f"| {name} |"))
        assert cells(agreement_row)[3] == word, (org_id, agreement_row)
        for row in rows.values():
            if row["to_org"] == name:
                assert row["recipient_relationship"] == word

    flow_rows = {ln.split("|")[1].strip(): ln for ln in md.splitlines() if re.match(r"\| \d+ \|", ln)}
    agreement_flows = [ln for ln in agreement.splitlines() if " to " in ln and ln.startswith("| ")
                       and any(ln.startswith(f"| {ORGS[o][0]} to ") for o in ORGS)]
    for ff in facts.flow_facts(p):
        flow = ff.flow
        row = rows[f"generated/{flow.id}"]
        dpia_row = flow_rows[str(ff.number)]
        shown_agreement = str(ff.agreement) if ff.agreement else None
        # Cover: the flow's own agreement or its processor's contract, never the project's.
        assert row["agreement_reference"] == (shown_agreement or (
            str(ff.contract_reference) if ff.contract_reference else None))
        assert ("Agreement: " + md_escape(shown_agreement) in dpia_row) if shown_agreement else (
            "Agreement: " not in dpia_row or "none recorded" in dpia_row)
        cover = cells(agreement_flows[ff.number - 1])[-1]
        if shown_agreement:
            assert cover == md_escape(shown_agreement)
        elif ff.processor is not None:
            assert ("still to agree" in cover) == (ff.processor_contract == "no")
        else:
            assert cover.startswith("still to agree" if flow.is_personal else "none needed")
        assert row["processor_contract"] == vocab.YES_NO_NA[ff.processor_contract or "not_applicable"]
        # Transfers: only the recipient's, so a UK-only flow carries none.
        countries = sorted(t.country for t in ff.transfers)
        assert sorted((row["transfer_country"] or "none").split("; ")) == (countries or ["none"])
        assert sorted(re.findall(r"Sent outside the UK: ([A-Za-z ]+?)(?:<br>| \|)", dpia_row)) == countries
        # Conditions: the flow's controller's own, as in that controller's Step 4 row.
        if ff.condition and flow.is_personal and ff.controller:
            label9 = vocab.ARTICLE9_CONDITIONS[ff.condition]
            assert row["article9_condition"] == label9
            step4 = next(ln for ln in md.splitlines()
                         if ln.startswith(f"| {ORGS[ff.controller][0]} | ") and "Article 9(" in ln)
            assert label9[0].upper() + label9[1:] in step4
        # Lawful basis of the flow: its own wherever the flow is described.
        if ff.basis_own:
            label = vocab.LAWFUL_BASES[str(ff.basis)]
            assert row["article6_basis"] == label
            assert f"Lawful basis for this flow: {label}" in dpia_row
            assert f"The law that allows this: {label}" in notice
        else:
            assert "Lawful basis for this flow" not in dpia_row

    # Transfers: each names the same organisations in the DPIA, the notice and the agreement.
    for t in p.processing.international_transfers:
        holders = [ORGS[o][0] for o in facts.transfer_holders(p, t)]
        line = next(ln for ln in md.splitlines() if ln.startswith(f"- Transfer to {t.country}"))
        for name in ORGS.values():
            assert (name[0] in line) == (name[0] in holders), (line, holders)
        if holders:
            assert f"{t.country} ({holders[0]}" in notice
            assert f"{t.country} ({holders[0]}" in agreement

    # Who keeps the full record: the information sheet names exactly those controllers.
    sheet = " ".join(texts["participant-information/interview.txt"].split())
    sentence = next(s for s in re.split(r"(?<=\.) ", sheet) if "full record" in s)
    keepers = facts.holdings(p).full_record
    for org_id in p.controller_ids:
        assert (ORGS[org_id][0] in sentence) == (org_id in keepers), (sentence, keepers)

    # Minutes: stated in the sheet exactly when recorded.
    minutes = p.minutes_for("interview")
    assert (f"takes about {minutes} minutes" in sheet) if minutes else ("takes about" not in sheet)

    # Placeholders are never printed as facts.
    for text in (md, *texts.values()):
        assert not re.search(rf"\b{PLACEHOLDER}\b", text)
    for row in rows.values():
        assert not any(re.search(rf"\b{PLACEHOLDER}\b", str(v)) for v in row.values())
