"""Issue 10: the wording a DPO would correct before signing, in the DPIA, the
privacy-notice section, the agreement record and the start page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import TODAY
from texts_helpers import build_texts, example_data, project_from, sole
from variants import DELETE, change

from dpia.assessment.assess import assess
from dpia.render import Job, build_all, dpia_doc, index

LEAD = {"name": "Ann Bell", "role": "Office Manager", "email": "ann@hwn.example"}


def dpia_doc_of(data: dict[str, Any]) -> tuple[Any, str]:
    project = project_from(data)
    job = Job(project, assess(project, TODAY), Path("unused"))
    doc, ctx = dpia_doc.render_document(job)
    return doc, dpia_doc.render_markdown(job, doc, ctx)


def start_page(data: dict[str, Any], out: Path, everything: bool = False) -> str:
    """The start page; with ``everything``, after building every document it points to."""
    project = project_from(data)
    job = Job(project, assess(project, TODAY), out)
    if everything:
        build_all(job)
    else:
        index.write(job)
    return (out / "index.html").read_text(encoding="utf-8")


def test_signed_dpia_with_blocking_gaps_never_says_plain_signed_off(tmp_path: Path) -> None:
    # the contract example is signed, and its risks have no recorded measures: blocking gaps
    data = example_data("contract")
    doc, _ = dpia_doc_of(data)
    assert doc.meta["header.right"] == "Signed off with open gaps"
    page = start_page(data, tmp_path, everything=True)
    publish = next(line for line in page.splitlines() if "Publish" in line)
    assert "website only after the gaps that block sign-off are closed" in publish


def test_unsigned_notice_and_agreement_start_with_a_draft_mark(tmp_path: Path) -> None:
    texts = build_texts(example_data("embedded"), tmp_path)
    mark = ("DRAFT: the DPIA for this project is not signed off yet. Remove this line only after "
            "it is signed off.")
    for name in ("privacy-notice.md", "privacy-notice.txt", "partnership-agreement.md"):
        first = next(line for line in texts[name].splitlines() if line.strip())
        assert first.startswith("DRAFT:"), name
        assert mark in " ".join(texts[name].split()), name
    html = texts["partnership-agreement.html"]
    assert html.index(mark) < html.index("<h1>")
    signed = build_texts(example_data("contract"), tmp_path / "signed")
    assert not [n for n, t in signed.items() if "DRAFT:" in t]


def test_data_protection_officer_only_where_one_is_appointed(tmp_path: Path) -> None:
    data = change({"organisations[1].dpo": DELETE, "organisations[1].data_protection_lead": LEAD,
                   "signoff.dpo_advice": DELETE})
    _, md = dpia_doc_of(data)
    for title in ("DPO for participants", "DPO advice", "the DPO ", "Officer for participants"):
        assert title not in md, title
    assert "| Data protection lead for participants |" in md
    agreement = build_texts(data, tmp_path)["partnership-agreement.md"]
    assert "**Data protection lead for participants:**" in agreement
    assert "Data Protection Officer" not in agreement
    assert "For the data protection lead</h3>" in start_page(data, tmp_path / "i", everything=True)
    # with a DPO appointed, the DPIA and the record say so
    _, md = dpia_doc_of(example_data("contract"))
    assert "| DPO for participants |" in md
    assert "**Data Protection Officer for participants:**" in build_texts(
        example_data("contract"), tmp_path / "c")["partnership-agreement.md"]


def consent_project(**more: Any) -> dict[str, Any]:
    data = sole(example_data("contract"), "consent", "explicit_consent")
    data["processing"].pop("legitimate_interests", None)
    data["findings"]["healthwatch_may_reuse_data"] = True
    for key, value in more.items():
        data["processing"][key] = value
    return data


def test_reuse_under_consent_needs_agreement_not_article_6_4(tmp_path: Path) -> None:
    data = consent_project()
    _, md = dpia_doc_of(data)
    agreement = build_texts(data, tmp_path)["partnership-agreement.md"]
    for text in (md, agreement):
        assert "6(4)" not in text
        assert "reused for another purpose only if participants agree to that purpose first" in " ".join(
            text.split())
    # under public task, compatible reuse (Article 6(4)) is what the law asks
    assert "6(4)" in build_texts(example_data("contract"), tmp_path / "pt")["partnership-agreement.md"]


def test_withdrawal_deadline_under_consent_says_what_can_still_be_withdrawn(tmp_path: Path) -> None:
    notice = build_texts(consent_project(), tmp_path)["privacy-notice.md"]
    said = " ".join(notice.split())
    assert "you can withdraw it at any time" in said
    assert ("The date below is the last day your answers can be taken out of the results. After it you "
            "can still withdraw your consent") in said
    without = consent_project(withdrawal="You can stop taking part at any time.")
    assert "The date below" not in build_texts(without, tmp_path / "w")["privacy-notice.md"]


def test_rights_follow_the_lawful_basis_without_overstating(tmp_path: Path) -> None:
    texts = build_texts(example_data("contract"), tmp_path)
    notice = " ".join(texts["privacy-notice.md"].split())
    assert "Rights not listed do not apply" not in notice
    assert ("You can also ask Healthwatch Northtown to delete your information. Because it relies on a "
            "task in the public interest, this right is limited, not removed") in notice
    assert not [name for name, text in texts.items() if "different law." in text]
    own = "Each one has its own legal reason for using your information."
    assert [name for name, text in texts.items() if own in text]
    consent = " ".join(build_texts(consent_project(), tmp_path / "c")["privacy-notice.md"].split())
    assert "this right is limited" not in consent


def test_processor_without_contract_is_said_once(tmp_path: Path) -> None:
    _, md = dpia_doc_of(example_data("embedded"))
    assert "No no contract" not in md and "no contract" not in md
    assert "Contract in place: **No**" in md or "Contract in place: No" in md


def solo_project() -> dict[str, Any]:
    """The contract example run by Healthwatch Northtown alone, sharing nothing."""
    data = sole(example_data("contract"), "public_task", "substantial_public_interest")
    data["organisations"] = [o for o in data["organisations"] if o["id"] == "hwn"]
    data["data_protection"]["processors"] = []
    data["sharing"] = []
    data["processing"].pop("legitimate_interests", None)
    data["processing"]["schedule1_condition"] = "Schedule 1, paragraph 6: statutory and government purposes"
    data["project"]["contributions"] = {}
    data["project"]["checkins"] = []
    data["project"]["methods"] = ["paper_survey"]
    data["project"]["participation_minutes"] = {"paper_survey": 10}
    data["processing"]["storage"] = "Locked cabinet and Healthwatch Northtown's own server"
    data["findings"]["report_authors"] = ["hwn"]
    data["findings"]["acknowledgement"] = None
    return data


def test_one_organisation_sharing_nothing_gets_a_short_record(tmp_path: Path) -> None:
    record = build_texts(solo_project(), tmp_path)["partnership-agreement.md"]
    assert "## Signatures" not in record and "Signed for" not in record
    assert "Reuse by other partners" not in record and "If a partner disagrees" not in record
    assert "acknowledged in the report" not in record and "## Check-ins" not in record
    assert "A date for the" not in record  # no check-ins between partners to agree
    assert "runs this project alone and shares no data with another organisation" in record
    full = build_texts(example_data("contract"), tmp_path / "full")["partnership-agreement.md"]
    assert "## Signatures" in full and "Reuse by other partners" in full


def test_agreement_states_healthwatch_independence_and_commission_points(tmp_path: Path) -> None:
    record = " ".join(build_texts(example_data("contract"), tmp_path)["partnership-agreement.md"].split())
    assert ("Healthwatch Northtown is a local Healthwatch, with statutory functions under section 221 of "
            "the Local Government and Public Involvement in Health Act 2007 (as amended). Taking part in "
            "this project does not limit its independence or its statutory powers.") in record
    data = example_data("embedded")
    data["project"]["agreement"]["form"] = "email"
    data["findings"]["decision_process"] = "Southby Integrated Care Board approves the findings."
    record = build_texts(data, tmp_path / "c")["partnership-agreement.md"]
    still = record[record.index("## Still to agree"):]
    assert "makes the Healthwatch's independence and statutory powers clear before the work starts" in still
    assert "gives Southby Integrated Care Board, which commissions the work, approval of them" in still
    nobody = build_texts(example_data("embedded"), tmp_path / "n")["partnership-agreement.md"]
    assert "independence and statutory powers clear" not in nobody


def test_heat_maps_only_with_risks_and_figures_numbered_from_1(tmp_path: Path) -> None:
    import re

    _, md = dpia_doc_of(solo_project())  # no flows, so no Figure 1 of flows
    assert re.findall(r"Figure \d+\. Risks [a-z]+ measures", md) == [
        "Figure 1. Risks before measures", "Figure 2. Risks after measures"]
    data = solo_project()
    pr = data["processing"]
    pr.update(special_category=[], vulnerable_adults=False, data_subjects=["public"],
              personal_data=["age_band"], third_party_subjects=[], approx_participants=50)
    for key in ("special_category_condition", "schedule1_condition"):
        pr.pop(key, None)
    data["findings"]["healthwatch_may_reuse_data"] = False
    _, md = dpia_doc_of(data)
    assert "Figure" not in md and "Risks before measures" not in md
    assert "No risks follow from the answers, and the partners recorded none of their own." in md


def test_recordings_harm_names_only_what_is_recorded() -> None:
    def harm(items: list[str]) -> str:
        risks = assess(project_from(change({"processing.personal_data": items})), TODAY).risks
        return next(r.harm for r in risks if r.id == "recordings")

    assert harm(["audio_recordings"]) == "Voices identify people."
    assert harm(["photographs"]) == "Faces identify people."
    assert harm(["video_recordings"]) == "Voices and faces identify people."
