"""Gaps that are not contract errors: what a DPO reviewing the file would flag.

A gap either blocks sign-off (the DPIA should not be signed while it is open)
or is advice. Pure: today's date is passed in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal

from dpia.answers import vocab
from dpia.answers.messages import path_text
from dpia.answers.placeholders import Placeholder
from dpia.assessment.facts import (
    anonymisation_mentions_suppression,
    anonymisation_states_threshold,
    anonymous_withdrawal_promised,
    dp_adviser,
    independence_concerns,
    recipient_retention,
    transfer_holders,
    withdrawal_deadline,
    withdrawal_explained,
    withdrawal_mentions_groups,
)
from dpia.assessment.risk_rules import retention_unclear
from dpia.assessment.risks import Risk

if TYPE_CHECKING:
    from dpia.answers.model import Flow, Project

GapLevel = Literal["blocks-signoff", "advice"]
GAP_LEVELS: dict[str, str] = {
    "blocks-signoff": "blocks sign-off",
    "advice": "advice",
}


@dataclass(frozen=True)
class Gap:
    id: str
    level: GapLevel
    path: str
    problem: str
    fix: str

    @property
    def blocks(self) -> bool:
        return self.level == "blocks-signoff"


def find_gaps(p: Project, risks: list[Risk], today: date) -> list[Gap]:
    """Every gap, those that block sign-off first (otherwise in the order of the checks)."""
    gaps = [gap for check in CHECKS for gap in check(p, risks, today)]
    gaps.sort(key=lambda g: 0 if g.blocks else 1)
    return gaps


B: GapLevel = "blocks-signoff"
A: GapLevel = "advice"


def _risk_gaps(p: Project, risks: list[Risk], today: date) -> Iterator[Gap]:
    index = {e.id: i for i, e in enumerate(p.risks, start=1)}
    for r in risks:
        where = f"risks[{index[r.id]}]" if r.id in index else "risks"
        if r.needs_measures and not r.has_measures:
            yield Gap(
                f"no-measures-{r.id}", B, where,
                f"The {r.level} risk '{r.id}' has no recorded measures.",
                f"Add an entry with id '{r.id}' under 'risks' with the measures taken, "
                "their effect, the residual risk and whether they are approved.",
            )
        elif r.needs_measures and r.residual is None and r.effect != "eliminated":
            yield Gap(
                f"no-residual-{r.id}", B, f"{where}.residual",
                f"The measures for the {r.level} risk '{r.id}' are recorded, but not the "
                "risk that remains after them.",
                "Add 'residual' (low, medium or high) and 'effect' (eliminated, reduced or "
                "accepted) to the entry.",
            )
        if r.residual == "high" and r.effect != "eliminated":
            yield Gap(
                f"high-residual-{r.id}", B, f"{where}.residual",
                f"The residual risk of '{r.id}' is high.",
                "Consult the Information Commissioner's Office before processing begins "
                "(UK GDPR Article 36), or add measures that bring the risk down.",
            )
        if r.has_measures and r.needs_measures and r.approved is False:
            yield Gap(
                f"measures-not-approved-{r.id}", A, f"{where}.approved",
                f"The measures for '{r.id}' are recorded as not approved.",
                "Have the measures approved, or record why the risk is accepted.",
            )
    listed = {r.id for r in risks}
    for i, entry in enumerate(p.risks, start=1):
        if entry.id not in listed:
            yield Gap(
                f"unmatched-risk-{entry.id}", A, f"risks[{i}]",
                f"The entry '{entry.id}' under 'risks' matches no risk the answers imply now, "
                "so it is not shown.",
                "Remove it, or give it a description, likelihood and severity to keep it as a "
                "risk of the project's own.",
            )


def _dpo_advice_gaps(p: Project, risks: list[Risk], today: date) -> Iterator[Gap]:
    if p.signoff is None or p.signoff.dpo_advice is None:
        # Whether or not people are consulted (consultation_not_needed_because), the
        # controller must seek the DPO's advice when carrying out a DPIA.
        yield Gap(
            "signoff-dpo-advice", B, "signoff.dpo_advice",
            f"No advice from the {dp_adviser(p)} is recorded. "
            + ("A controller must seek its Data Protection Officer's advice when carrying out a "
               "DPIA (UK GDPR Article 35(2)), even when the views of participants are not sought."
               if dp_adviser(p) == "Data Protection Officer" else
               "Without a Data Protection Officer, the data protection lead's advice does the "
               "work Article 35(2) of the UK GDPR gives a DPO's: record it even when the views "
               "of participants are not sought."),
            "Ask for the advice and record it in 'signoff.dpo_advice' (summary, given_by, "
            "accepted, by).",
        )


def _signoff_gaps(p: Project, risks: list[Risk], today: date) -> Iterator[Gap]:
    if p.signoff is None:
        yield Gap(
            "draft", B, "signoff",
            "The DPIA has not been signed off, so every document is marked DRAFT.",
            "Add 'signoff' with who approved the measures and residual risks and the "
            f"{dp_adviser(p, short=True)}'s advice.",
        )
        return
    s = p.signoff
    for key, what in (
        ("measures_approved_by", "who approved the measures"),
        ("residual_risks_approved_by", "who approved the residual risks"),
    ):
        if getattr(s, key) is None:
            yield Gap(
                f"signoff-{key.replace('_', '-')}", B, f"signoff.{key}",
                f"The sign-off does not record {what}.",
                f"Add 'signoff.{key}'.",
            )
    if s.dpo_advice is not None and s.dpo_advice.by is None:
        yield Gap(
            "signoff-dpo-advice-by", B, "signoff.dpo_advice.by",
            f"The sign-off does not record who accepted or overruled the {dp_adviser(p, short=True)}'s "
            "advice.",
            "Add 'signoff.dpo_advice.by' with name, role and date.",
        )
    if s.review_by is None:
        yield Gap(
            "no-reviewer", A, "signoff.review_by",
            "Nobody is named to keep the DPIA under review.",
            "Add 'signoff.review_by' with a name and role.",
        )
    if s.next_review is None:
        yield Gap(
            "no-review-date", A, "signoff.next_review",
            "There is no date for the next review of the DPIA.",
            "Add 'signoff.next_review' (YYYY-MM-DD).",
        )
    elif s.next_review < today:
        yield Gap(
            "review-overdue", B, "signoff.next_review",
            f"The DPIA was due for review on {s.next_review.isoformat()}.",
            f"Review the DPIA with the {dp_adviser(p, short=True)}, then set a new "
            "'signoff.next_review'.",
        )
    signed = [x.date for x in (s.measures_approved_by, s.residual_risks_approved_by) if x]
    start = p.project.start
    if start and signed and max(signed) > start:
        yield Gap(
            "signed-after-start", A, "signoff.residual_risks_approved_by.date",
            f"The DPIA was signed on {max(signed).isoformat()}, after the project started on "
            f"{start.isoformat()}.",
            "A DPIA should be completed before processing begins; record why it was late in the "
            f"{dp_adviser(p, short=True)}'s advice, and check nothing was collected before sign-off.",
        )


def _contact_gaps(p: Project, risks: list[Risk], today: date) -> Iterator[Gap]:
    dp = p.data_protection
    positions = {o.id: i for i, o in enumerate(p.organisations, start=1)}
    if dp.dpo_for_participants in positions:
        org = p.org(dp.dpo_for_participants)
        contact = org.privacy_contact
        if contact is None or not contact.has_contact():
            key = "dpo" if org.dpo else "data_protection_lead"
            yield Gap(
                "no-dpo-contact", B, f"organisations[{positions[org.id]}].{key}",
                f"Participants are told to contact {org.name}'s "
                f"{'Data Protection Officer' if org.dpo else 'data protection lead'}, "
                "but there is no email address or phone number for them.",
                f"Add an email or phone under the 'dpo' (or 'data_protection_lead') of '{org.id}'.",
            )
    if dp.subject_access not in p.controller_ids:
        yield Gap(
            "rights-not-controller", B, "data_protection.subject_access",
            f"Rights requests go to {_name(p, dp.subject_access)}, which is not a controller.",
            "Name one of the controllers, which remains responsible for answering requests.",
        )
    for cid in p.controller_ids:
        if cid not in positions:
            continue
        org, where = p.org(cid), f"organisations[{positions[cid]}]"
        if not org.privacy_notice_url:
            yield Gap(
                f"no-privacy-notice-{cid}", A, f"{where}.privacy_notice_url",
                f"{org.name} is a controller but no privacy notice address is recorded.",
                "Add 'privacy_notice_url' so participants can be pointed to it.",
            )
        if not org.address:
            yield Gap(
                f"no-address-{cid}", A, f"{where}.address",
                f"{org.name} is a controller but its postal address is not recorded.",
                "Add 'address': the privacy notice gives each controller's address.",
            )
        if not org.ico_registration:
            yield Gap(
                f"no-ico-registration-{cid}", A, f"{where}.ico_registration",
                f"{org.name} is a controller but its ICO registration number is not recorded.",
                "Add 'ico_registration' (most controllers must pay the data protection fee).",
            )
        if org.is_public_authority and p.basis_for(cid) == "legitimate_interests":
            yield Gap(
                f"public-authority-legitimate-interests-{cid}", A, "processing.lawful_basis",
                f"{org.name} is a public authority relying on legitimate interests.",
                "Public authorities cannot rely on legitimate interests for their tasks "
                "(UK GDPR Article 6(1)); use public task, or explain why the work falls outside "
                "its tasks in 'lawful_basis_detail'.",
            )
    sg = dp.safeguarding
    if not sg.process or not sg.process.strip():
        level: GapLevel = B if (p.processing.vulnerable_adults or p.processing.children) else A
        yield Gap(
            "no-safeguarding-process", level, "data_protection.safeguarding.process",
            "There is no written process for acting on a safeguarding disclosure.",
            "Describe who is told, how quickly, and who decides on a referral.",
        )


_UK = re.compile(
    r"\b(uk|u\.k\.|united kingdom|england|scotland|wales|northern ireland|great britain|"
    r"britain)\b",
    re.IGNORECASE,
)


def _method(flow: Flow) -> str:
    label = vocab.TRANSFER_METHODS[flow.method]
    return f"{label} ({flow.method_detail})" if flow.method_detail else label


def _sharing_gaps(p: Project, risks: list[Risk], today: date) -> Iterator[Gap]:
    dp = p.data_protection
    known = set(p.controller_ids) | set(p.processor_ids)
    for i, flow in enumerate(p.sharing, start=1):
        if flow.method == "other":
            yield Gap(
                f"method-not-listed-{flow.id}", A, f"sharing[{i}].method",
                f"Data goes from {_name(p, flow.from_)} to {_name(p, flow.to)} by a method "
                f"that is not one of those listed ({flow.method_detail or 'not described'}), so "
                "dpia treats it as not secure.",
                "If one of the listed methods describes it (for example a file-sharing link "
                "limited to named people, or encrypted email), choose that method instead.",
            )
        if flow.is_insecure:
            yield Gap(
                f"insecure-transfer-{flow.id}", B, f"sharing[{i}].method",
                f"{vocab.IDENTIFIABILITY[flow.identifiability].capitalize()} data goes from "
                f"{_name(p, flow.from_)} to {_name(p, flow.to)} by {_method(flow)}.",
                "Use SFTP, NHSmail, encrypted email or a secure portal, or send only "
                "anonymised or aggregate data this way.",
            )
        active = flow.ends is None or flow.ends >= today
        if flow.review < today and active and flow.starts <= today:
            yield Gap(
                f"flow-review-overdue-{flow.id}", A, f"sharing[{i}].review",
                f"The review of flow '{flow.id}' was due on {flow.review.isoformat()}.",
                "Review the flow and set a new review date.",
            )
        if flow.is_personal and flow.to not in known:
            yield Gap(
                f"recipient-role-{flow.id}", A, f"sharing[{i}].to",
                f"{_name(p, flow.to)} receives {flow.identifiability} data but is neither a controller "
                "nor a processor of this project.",
                "Record its role: add it as a controller or processor, or share only anonymised "
                "or aggregate data with it.",
            )
    for i, proc in enumerate(dp.processors, start=1):
        if not proc.contract_in_place:
            yield Gap(
                f"no-processor-contract-{proc.organisation}", B,
                f"data_protection.processors[{i}].contract_in_place",
                f"{_name(p, proc.organisation)} processes data for the project without a contract.",
                "Sign an Article 28 processor contract before sharing any data.",
            )
        abroad = proc.location and not _UK.search(proc.location)
        if abroad and not p.processing.international_transfers:
            yield Gap(
                f"processor-abroad-{proc.organisation}", A,
                f"data_protection.processors[{i}].location",
                f"{_name(p, proc.organisation)} processes the data in '{proc.location}', but no "
                "international transfer is recorded.",
                "Add the country and its safeguard under 'processing.international_transfers', "
                "or correct the location.",
            )
    yield from _processor_record_gaps(p)
    proj = p.project
    if proj.end and proj.end < today:
        for i, flow in enumerate(p.sharing, start=1):
            if flow.ends is None:
                yield Gap(
                    f"flow-no-end-{flow.id}", A, f"sharing[{i}].ends",
                    f"The project ended on {proj.end.isoformat()} but flow '{flow.id}' has no "
                    "end date.",
                    "Add 'ends' to the flow, or confirm that the sharing continues.",
                )


# Storage that is a service run by another organisation (cloud, hosted survey platform).
_HOSTED = re.compile(
    r"\b(cloud|microsoft 365|office 365|m365|sharepoint|onedrive|google|dropbox|box\.com|"
    r"aws|amazon web services|azure|icloud|survey ?monkey|smart ?survey|qualtrics|"
    r"jisc online surveys|online survey|typeform|hosted)\b",
    re.IGNORECASE,
)


def _processor_record_gaps(p: Project) -> Iterator[Gap]:
    """What the DPIA must say about each processor: how data reaches it, whether it stores
    the data, and how long it keeps it; and a hosted store with no processor recorded."""
    for i, proc in enumerate(p.data_protection.processors, start=1):
        where, name = f"data_protection.processors[{i}]", _name(p, proc.organisation)
        flows = [f for f in p.sharing if proc.organisation in (f.from_, f.to)]
        if not flows:
            yield Gap(
                f"processor-no-flow-{proc.organisation}", B, "sharing",
                f"{name} is a processor, but no flow of data to or from it is recorded, so the "
                "DPIA cannot say what it receives or how.",
                f"Add a flow under 'sharing' with '{proc.organisation}' as 'from' or 'to'.",
            )
        if proc.holds_data is None:
            yield Gap(
                f"processor-storage-{proc.organisation}", B, where,
                f"The answers do not say whether {name} stores the data itself or only "
                "handles it.",
                "Add 'holds_data: true' (it stores the data, e.g. a survey platform or cloud "
                "storage) or 'holds_data: false'.",
            )
        personal = [f for f in flows if f.is_personal]
        if personal and not any(recipient_retention(p, f) for f in personal):
            yield Gap(
                f"processor-no-retention-{proc.organisation}", B, "processing.retention",
                f"No retention period covers the data {name} handles, so it is not known when "
                "it deletes it.",
                "Add an entry under 'processing.retention' for that data (for example 'Survey "
                "responses held by the platform'), with its period and what happens then.",
            )
    pr = p.processing
    hosted = _HOSTED.search(str.__str__(pr.storage)) or "online_survey" in p.project.methods
    if hosted and not p.data_protection.processors:
        yield Gap(
            "hosted-storage-no-processor", A, "data_protection.processors",
            "The data is held by an online service (the storage or an online survey), but no "
            "processor is recorded.",
            "Add the company that runs the service under 'data_protection.processors' with its "
            "contract (UK GDPR Article 28), or say in 'storage' that the organisation runs it "
            "itself.",
        )


def relies_on_consent(p: Project) -> bool:
    """Consent is an Article 6 basis of a controller, or explicit consent the Article 9 condition."""
    return "consent" in p.bases.values() or (
        bool(p.processing.special_category)
        and any(c in vocab.CONSENT_CONDITIONS for c in p.conditions.values())
    )



def _processing_gaps(p: Project, risks: list[Risk], today: date) -> Iterator[Gap]:
    pr = p.processing
    for i, ret in enumerate(pr.retention, start=1):
        if retention_unclear(ret.period):
            yield Gap(
                f"retention-unclear-{i}", A, f"processing.retention[{i}].period",
                f"The retention period for '{ret.data}' has no end ('{ret.period}').",
                "Give a period or an event after which the data is deleted.",
            )
    if anonymisation_mentions_suppression(p) and not anonymisation_states_threshold(p):
        yield Gap(
            "small-number-two-rules", A, "processing.anonymisation",
            "The anonymisation answer states a small-number rule that does not give the "
            f"threshold in 'small_number_threshold' ({pr.small_number_threshold or 'none'}), so "
            "the documents would state two rules.",
            "Make the two agree, or leave the rule out of 'anonymisation' and set only "
            "'small_number_threshold'.",
        )
    if pr.small_number_threshold is None or pr.small_number_threshold < 5:
        yield Gap(
            "small-number-threshold", A, "processing.small_number_threshold",
            "Published results have no small-number threshold of at least 5.",
            "Set 'small_number_threshold' to 5 or more.",
        )
    for i, t in enumerate(pr.international_transfers, start=1):
        if t.safeguard == "derogation":
            yield Gap(
                f"transfer-derogation-{i}", A, f"processing.international_transfers[{i}]",
                f"The transfer to {t.country} relies on an Article 49 exception.",
                "Exceptions are for occasional transfers; prefer the IDTA or the Addendum.",
            )
    if pr.children and "children" not in pr.data_subjects:
        yield Gap(
            "children-subjects", A, "processing.data_subjects",
            "The answers say children take part, but 'children' is not among the data subjects.",
            "Add 'children' to 'data_subjects'.",
        )
    if "children" in pr.data_subjects and not pr.children:
        yield Gap(
            "children-flag", A, "processing.children",
            "'children' is among the data subjects, but the answers say no children take part.",
            "Set 'children: true' (children's data needs extra care), or remove 'children' "
            "from 'data_subjects'.",
        )
    if pr.criminal_offence_data and not pr.schedule1_condition:
        yield Gap(
            "criminal-offence-condition", B, "processing.schedule1_condition",
            "Criminal-offence data is processed, but no Data Protection Act 2018 Schedule 1 "
            "condition is recorded.",
            "UK GDPR Article 10 allows criminal-offence data only under a condition in Parts 1 to 3 "
            "of Schedule 1: name it in 'schedule1_condition', or set 'criminal_offence_data: false'.",
        )
    if relies_on_consent(p) and withdrawal_deadline(p) and not withdrawal_explained(p):
        yield Gap(
            "consent-withdrawal-deadline", B, "processing.withdrawal",
            "Consent is relied on, and consent can be withdrawn at any time (UK GDPR Article 7(3)), "
            "but the withdrawal answer sets a deadline without saying what can still be "
            "withdrawn after it.",
            "Say what happens after the deadline: that people can still withdraw consent to "
            "further use and have their contact details deleted, but that answers already "
            "anonymised and analysed cannot be taken out.",
        )
    if anonymous_withdrawal_promised(p):
        yield Gap(
            "anonymous-withdrawal", B, "processing.withdrawal",
            "No name, contact details or other identifier is collected, so an answer cannot be "
            "found once it is given (UK GDPR Article 11), but the withdrawal answer offers to "
            "take answers back.",
            "Say that answers cannot be taken back once given, because nobody can tell whose "
            "they are (people can stop or skip questions before they submit), or give each "
            "participant a reference they can quote to withdraw.",
        )
    if ("focus_group" in p.project.methods and p.processing.withdrawal
            and not withdrawal_mentions_groups(p)):
        yield Gap(
            "withdrawal-focus-group", A, "processing.withdrawal",
            "The focus-group information sheet tells people the withdrawal answer as it is, but "
            "the answer does not say how it works in a group discussion, where one person's "
            "words are in the notes and any recording among other people's.",
            "Check that what it promises can be done for a focus group, or say in 'withdrawal' "
            "what a group participant can take back (for example their words in the notes and "
            "transcript) and what cannot be (for example the group recording until it is "
            "deleted).",
        )
    if relies_on_consent(p) and p.findings.partners_may_reuse_data:
        yield Gap(
            "consent-partner-reuse", B, "findings.partners_may_reuse_data",
            "The data is collected on consent, but the partners may reuse it in their other work: "
            "consent covers only the purposes people agreed to, so reuse needs their agreement "
            "first.",
            "Set 'partners_may_reuse_data: false', or name the reuse purposes and ask people to "
            "agree to them when they take part.",
        )
    if pr.may_lack_capacity and (
        not pr.capacity_approach or isinstance(pr.capacity_approach, Placeholder)
    ):
        yield Gap(
            "capacity-approach", B, "processing.capacity_approach",
            "Some participants may lack capacity to consent, but how they are included or "
            "excluded is not decided.",
            "Describe the approach under the Mental Capacity Act 2005 in 'capacity_approach' "
            "(for research, a consultee under sections 30 to 34; otherwise supported "
            "decision-making, or only people who can consent).",
        )
    if not pr.security_measures:
        vulnerable = bool(pr.special_category) and (pr.vulnerable_adults or pr.children)
        yield Gap(
            "no-security-measures", B if vulnerable else A, "processing.security_measures",
            "No security measures are listed"
            + (" for special-category data about vulnerable people." if vulnerable else "."),
            "List the main measures (access control, encryption, multi-factor sign-in).",
        )
    if pr.special_category and not pr.anonymisation:
        yield Gap(
            "no-anonymisation", A, "processing.anonymisation",
            "Sensitive data is collected but the answers do not say how it is anonymised.",
            "Describe how names and identifying details are removed before analysis.",
        )


# Fields whose placeholder a check of its own words more precisely.
_OWN_CHECK = frozenset({"processing.capacity_approach"})


def _placeholder_gaps(p: Project, risks: list[Risk], today: date) -> Iterator[Gap]:
    for loc, _typed in p.placeholders():
        where = path_text(loc)
        if where in _OWN_CHECK:
            continue
        yield Gap(
            f"placeholder-{where}", B, where,
            f"'{where}' holds a placeholder, not an answer: the documents say it is not yet "
            "decided.",
            "Record the decision in its place before sign-off.",
        )


def _transfer_gaps(p: Project, risks: list[Risk], today: date) -> Iterator[Gap]:
    for i, t in enumerate(p.processing.international_transfers, start=1):
        if t.organisation is None and not transfer_holders(p, t):
            yield Gap(
                f"transfer-no-organisation-{i}", B,
                f"processing.international_transfers[{i}].organisation",
                f"The transfer to {t.country} names no organisation, and no processor is "
                f"located in {t.country}, so it is not known who receives the data there.",
                "Add 'organisation' (the id of the organisation that receives or holds the data "
                "in that country), or the processor's 'location'.",
            )


def _partnership_gaps(p: Project, risks: list[Risk], today: date) -> Iterator[Gap]:
    proj = p.project
    if proj.agreement is None:
        yield Gap(
            "no-agreement", A, "project.agreement",
            "The form of the partnership agreement is not recorded.",
            "Add 'project.agreement' (e.g. memorandum_of_understanding or email) and its reference.",
        )
    if not proj.checkins:
        yield Gap(
            "no-checkins", A, "project.checkins",
            "No check-in dates between the partners are recorded.",
            "Add check-ins at planning, analysis and findings, and recommendations.",
        )
    concerns = independence_concerns(p)
    if "email_agreement" in concerns:
        yield Gap(
            "commissioned-email-agreement", B, "project.agreement.form",
            f"The work is commissioned by {_name(p, proj.commissioned_by or '')}, but the terms are "
            "agreed only by email.",
            "Agree a written document (e.g. a memorandum of understanding) that sets out the "
            "Healthwatch's independence and statutory powers before the work starts.",
        )
    if "commissioner_approves" in concerns:
        yield Gap(
            "commissioner-approves-findings", B, "findings.decision_process",
            f"The decision process gives the commissioner, {_name(p, proj.commissioned_by or '')}, "
            "approval of the findings.",
            "Make clear that the Healthwatch decides its own findings and recommendations; the "
            "commissioner may correct facts and respond in writing.",
        )
    if not p.findings.acknowledgement:
        yield Gap(
            "no-acknowledgement", A, "findings.acknowledgement",
            "How each partner is acknowledged in the report is not recorded.",
            "Add 'findings.acknowledgement'.",
        )


Check = Callable[["Project", list[Risk], date], Iterator[Gap]]
# The checks, in the order their gaps are listed (after sorting blockers first).
CHECKS: tuple[Check, ...] = (
    _risk_gaps,
    _signoff_gaps,
    _contact_gaps,
    _sharing_gaps,
    _processing_gaps,
    _transfer_gaps,
    _dpo_advice_gaps,
    _partnership_gaps,
    _placeholder_gaps,
)


def _name(p: Project, org_id: str) -> str:
    """An organisation's name for a message (its id if, unusually, it is not declared)."""
    return p.org(org_id).name if org_id in p.org_ids else org_id
