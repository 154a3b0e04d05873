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
    # erasure under public task: limited (Article 17(3)(b)), listed as such, not left out
    hwn = notice.split("With Healthwatch Northtown:", 1)[1].split("With Northtown Carers Centre:", 1)[0]
    assert "a limited right to erasure" in hwn and "the right to erasure" not in hwn
    assert not [name for name, text in texts.items() if "different law." in text]
    own = "Each one has its own legal reason for using your information."
    assert [name for name, text in texts.items() if own in text]
    consent = " ".join(build_texts(consent_project(), tmp_path / "c")["privacy-notice.md"].split())
    assert "a limited right to erasure" not in consent


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


# --- what was left of issue 10 -----------------------------------------------------------------

MCA_ROUTE = "is lawful only under sections 30 to 34 of the Mental Capacity Act 2005"


def capacity_data() -> dict[str, Any]:
    """tests/data/capacity-example.yaml: some participants may lack capacity, and Northtown
    Carers Centre relies on the research condition (Article 9(2)(j))."""
    import copy

    from conftest import DATA

    from dpia.answers.loader import parse

    data, _ = parse((DATA / "capacity-example.yaml").read_text(encoding="utf-8"))
    return copy.deepcopy(data)


def flat(text: str) -> str:
    return " ".join(text.split())


def test_capacity_in_research_names_the_mca_route_and_what_to_check() -> None:
    _, md = dpia_doc_of(capacity_data())
    said = flat(md)
    assert MCA_ROUTE in said
    for words in ("an appropriate body (in England, a research ethics committee recognised for the purpose) "
                  "must approve the project (section 31)",
                  "a personal consultee, or a nominated consultee where no one is willing and able to act, "
                  "must be consulted and their advice followed (section 32)",
                  "Northtown Carers Centre relies on the research condition (UK GDPR Article 9(2)(j))",
                  "must check it before they sign: that the approval of an appropriate body under section 31 "
                  "is in place"):
        assert words in said, words
    # section 34 is transitional (projects begun before October 2007): it does not cover this project
    assert "section 34 covers people who lose capacity during the project" not in said
    assert ("Section 34 deals only with projects begun before October 2007, so someone who loses capacity "
            "during this project is covered by sections 30 to 33 from then on") in said
    assert "Adults with Incapacity (Scotland) Act 2000" in said


def test_capacity_without_research_recorded_says_what_to_check() -> None:
    data = capacity_data()
    data["processing"]["special_category_condition"] = "substantial_public_interest"
    data["processing"]["schedule1_condition"] = "Schedule 1, paragraph 6: statutory and government purposes"
    said = flat(dpia_doc_of(data)[1])
    assert MCA_ROUTE not in said  # not asserted as research
    assert ("The answers do not show whether the project is research involving adults who may lack "
            "capacity") in said
    assert ("If it is service evaluation or engagement rather than research, those sections do not "
            "apply") in said
    # nobody who may lack capacity: no Mental Capacity Act paragraph at all
    data["processing"]["mental_capacity"] = "not_expected"
    data["processing"].pop("capacity_approach", None)
    assert "sections 30 to 34" not in flat(dpia_doc_of(data)[1])


def test_step_4_condition_notes_name_the_controllers_relying_on_them() -> None:
    said = flat(dpia_doc_of(capacity_data())[1])
    assert "Research under this condition" not in said
    assert ("Northtown Carers Centre relies on archiving, research and statistics (Article 9(2)(j)). "
            "Processing under that condition needs the safeguards of Article 89(1)") in said
    assert ("Healthwatch Northtown relies on substantial public interest (Article 9(2)(g)). Conditions "
            "in Part 2") in said
    # one condition for every controller: the note stands alone
    data = sole(example_data("contract"), "public_task", "archiving_research_statistics")
    data["processing"]["schedule1_condition"] = "Schedule 1, paragraph 4: research"
    one = flat(dpia_doc_of(data)[1])
    assert "each controller relies on its own. Processing under that condition needs" in one


def anonymous_project(free_text: bool) -> dict[str, Any]:
    data = solo_project()
    data["project"]["methods"] = ["paper_survey", "interview"]
    data["project"]["participation_minutes"] = {"paper_survey": 10, "interview": 30}
    data["processing"]["personal_data"] = ["age_band", "postcode_district"] + (
        ["free_text_experiences"] if free_text else [])
    data["processing"]["retention"] = [{"data": "Survey answers", "period": "2 years",
                                        "then": "Securely deleted"}]
    data["processing"].pop("anonymisation", None)
    return data


def test_anonymous_collection_is_said_the_same_way_in_every_document(tmp_path: Path) -> None:
    data = anonymous_project(free_text=False)
    dpia = flat(dpia_doc_of(data)[1])
    assert "No name, contact details or other identifier is collected, so the controllers cannot tell" in dpia
    assert "(UK GDPR Article 11)" in dpia
    texts = {name: flat(text) for name, text in build_texts(data, tmp_path).items()
             if name.endswith((".md", ".txt"))}
    not_yours = "so we cannot tell which answers are yours"
    for name in ("privacy-notice.md", "privacy-notice.txt", "participant-information/interview.txt"):
        assert not_yours in texts[name], name
        assert "We can only show you, correct or delete your answers if you give us details" in texts[name]
    intro = texts["participant-information/survey-introduction.txt"]
    assert "We do not ask your name." in intro and "We will not use your name" not in intro
    # no anonymisation method recorded: nothing promises anonymity in absolute terms
    for name, text in texts.items():
        assert "no one can be picked out" not in text, name
        assert "We leave out anything that could show who you are" not in text, name
    assert "We try to leave out anything that could show who you are" in texts[
        "participant-information/interview.txt"]


def test_an_item_in_words_of_its_own_is_never_taken_for_anonymous() -> None:
    from dpia.assessment.facts import collection_identity

    assert collection_identity(project_from(anonymous_project(free_text=False))) == "anonymous"
    data = anonymous_project(free_text=False)
    data["processing"]["personal_data"].append("Email address for a prize draw")
    assert collection_identity(project_from(data)) == "identified"
    assert "cannot tell whose answers are whose" not in dpia_doc_of(data)[1]


def test_anonymous_answers_cannot_be_promised_for_withdrawal() -> None:
    # the contract's withdrawal answer offers to take answers back until 1 July
    for free_text in (False, True):
        gaps = {g.id: g for g in assess(project_from(anonymous_project(free_text)), TODAY).gaps}
        assert gaps["anonymous-withdrawal"].blocks
    honest = anonymous_project(free_text=False)
    honest["processing"]["withdrawal"] = ("You can stop at any time before you send your answers. "
                                          "After that they cannot be taken back, because we cannot "
                                          "tell whose they are.")
    assert "anonymous-withdrawal" not in {g.id for g in assess(project_from(honest), TODAY).gaps}
    # with names collected, withdrawing answers can be honoured
    assert "anonymous-withdrawal" not in {
        g.id for g in assess(project_from(example_data("contract")), TODAY).gaps}


def test_free_text_without_identifiers_is_not_called_anonymous(tmp_path: Path) -> None:
    data = anonymous_project(free_text=True)
    dpia = flat(dpia_doc_of(data)[1])
    assert "experiences described in people's own words can identify them" in dpia
    assert "cannot tell whose answers are whose" not in dpia
    texts = {name: flat(text) for name, text in build_texts(data, tmp_path).items()
             if name.endswith((".md", ".txt"))}
    for name in ("privacy-notice.md", "participant-information/interview.txt"):
        assert "what you tell us in your own words could show who you are" in texts[name], name
        assert "cannot tell which answers are yours" not in texts[name], name
    intro = texts["participant-information/survey-introduction.txt"]
    assert "Please do not give names or details that could show who you or others are." in intro
    # a project that collects names says none of this
    contract = flat(build_texts(example_data("contract"), tmp_path / "c")["privacy-notice.md"])
    assert "cannot tell which answers are yours" not in contract
    assert "own words could show who you are" not in contract


def test_suppression_rule_is_stated_once(tmp_path: Path) -> None:
    # the contract example's anonymisation answer states the rule with the same threshold
    md = dpia_doc_of(example_data("contract"))[1]
    assert md.count("suppress any count") == 1
    notice = flat(build_texts(example_data("contract"), tmp_path)["privacy-notice.md"])
    assert notice.count("suppress any count") + notice.count("we do not publish the number") == 1
    # without the rule in the anonymisation answer, the threshold states it
    data = change({"processing.anonymisation": "Names and contact details are removed before analysis."})
    md = dpia_doc_of(data)[1]
    assert md.count("Published results suppress any count below 5.") == 1
    # two different rules: advice to make them agree
    odd = change({"processing.anonymisation": "Published tables suppress any count under 3."})
    gaps = {g.id: g.level for g in assess(project_from(odd), TODAY).gaps}
    assert gaps["small-number-two-rules"] == "advice"


def test_a_risk_without_likelihood_after_measures_is_listed_never_placed() -> None:
    from dpia.render import diagrams

    # only the residual level is recorded: the likelihood after the measures is not
    data = change({"risks": [{"id": "special-category", "measures": ["Encrypt the data"],
                              "effect": "reduced", "residual": "low", "approved": True}]})
    a = assess(project_from(data), TODAY)
    after = diagrams.heat_cells(a, after=True)
    assert not [cell for cell, ids in after.items() if "special-category" in ids]  # not 'remote'
    assert "special-category" in diagrams.heat_cells(a, after=False)[("possible", "severe")]
    md = flat(dpia_doc_of(data)[1])
    assert ("Likelihood not recorded after measures, so not placed in Figure 3: `special-category` "
            "(residual risk low). Only the level of the residual risk is recorded") in md
    # the drawn figure lists it under the grid, not in a cell
    panel = diagrams.heatmap_picture(a, True, dpia_doc_of(data)[0].meta, "Figure 3")
    words = " ".join(getattr(shape, "text", "") for shape in panel.shapes)
    assert "Likelihood not recorded after measures (not placed): special-category (low)" in words
    # a residual level equal to the level before stays in its cell
    same = change({"risks": [{"id": "special-category", "measures": ["Encrypt the data"],
                              "effect": "accepted", "residual": "high", "approved": True}]})
    kept = diagrams.heat_cells(assess(project_from(same), TODAY), after=True)
    assert "special-category" in kept[("possible", "severe")]
    assert "Likelihood not recorded after measures" not in dpia_doc_of(same)[1]
