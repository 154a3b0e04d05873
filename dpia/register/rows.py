"""Project + Assessment -> the register's rows: one per flow, organisation and project.

Pure: no I/O and no clock (the assessment carries today's date). Wording of
fixed choices comes from :mod:`dpia.answers.vocab`; the few other words from the
layout file. Register keys:

* sharing: ``<project id>/<flow id>`` (both are slugs, so the ``/`` is unambiguous);
* organisations: the organisation id;
* projects: the project id.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from dpia.answers import vocab
from dpia.register.layout import Layout, load_layout

if TYPE_CHECKING:
    from dpia.answers.model import Flow, Project
    from dpia.assessment.assess import Assessment

Value = str | date | None
Row = dict[str, Value]
Rows = dict[str, dict[str, Row]]  # sheet id -> register key -> row

JOIN = "; "


def sharing_key(project_id: str, flow_id: str) -> str:
    return f"{project_id}/{flow_id}"


def project_of(sharing_key_: str) -> str:
    return sharing_key_.split("/", 1)[0]


def dpia_reference(project: Project, assessment: Assessment) -> str:
    return f"{project.project.id} ({assessment.fingerprint})"


def flow_status(flow: Flow, today: date) -> str:
    if flow.ends is not None and flow.ends < today:
        return vocab.REGISTER_STATUSES["ended"]
    if flow.starts > today:
        return vocab.REGISTER_STATUSES["planned"]
    return vocab.REGISTER_STATUSES["active"]


def _join(items: Iterable[str]) -> str | None:
    text = JOIN.join(str(i) for i in items if i)
    return text or None


def _relationship(project: Project, org_id: str) -> str:
    if org_id in project.processor_ids:
        return vocab.RECIPIENT_RELATIONSHIPS["processor"]
    ctl = project.data_protection.controllers
    if org_id in ctl.organisations and ctl.arrangement == "joint":
        return vocab.RECIPIENT_RELATIONSHIPS["joint_controller"]
    return vocab.RECIPIENT_RELATIONSHIPS["controller"]


def _processor_contract(project: Project, org_id: str) -> str:
    for proc in project.data_protection.processors:
        if proc.organisation == org_id:
            return vocab.YES_NO["yes" if proc.contract_in_place else "no"]
    return vocab.YES_NO_NA["not_applicable"]


def _bases(project: Project) -> str | None:
    bases = project.bases
    labels = {vocab.LAWFUL_BASES[b] for b in bases.values()}
    if len(labels) == 1:
        return labels.pop()
    return _join(f"{project.org(c).name}: {vocab.LAWFUL_BASES[b]}" for c, b in bases.items())


def _per_controller(project: Project, values: dict[str, str | None]) -> str | None:
    """One value when every controller has the same, else 'controller: value' for each."""
    shown = {c: v for c, v in values.items() if v}
    if not shown:
        return None
    if len(set(shown.values())) == 1 and len(shown) == len(values):
        return next(iter(shown.values()))
    return _join(f"{project.org(c).name}: {v}" for c, v in shown.items())


def sharing_rows(project: Project, assessment: Assessment, layout: Layout | None = None) -> dict[str, Row]:
    layout = layout or load_layout()
    words = layout.words
    p = project
    pr = p.processing
    dp = p.data_protection
    today = assessment.today
    agreement = p.project.agreement
    approved = p.signoff.measures_approved_by if p.signoff else None
    told = [p.org(c).privacy_notice_url or "" for c in p.controller_ids]
    told.append(words.get("participant_information", ""))
    transfers = pr.international_transfers
    rows: dict[str, Row] = {}
    for flow in p.sharing:
        personal = flow.is_personal
        recipient = p.org(flow.to)
        if not personal:
            special: str | None = words.get("not_personal")
        elif pr.special_category:
            special = _join(vocab.SPECIAL_CATEGORIES[c] for c in pr.special_category)
        else:
            special = words.get("none")
        rows[sharing_key(p.project.id, flow.id)] = {
            "register_key": sharing_key(p.project.id, flow.id),
            "project_id": p.project.id,
            "project_title": p.project.title,
            "status": flow_status(flow, today),
            "from_org": p.org(flow.from_).name,
            "to_org": recipient.name,
            "recipient_type": vocab.ORG_TYPES[recipient.type],
            "recipient_relationship": _relationship(p, flow.to),
            "purpose": flow.purpose,
            "data_subjects": _join(vocab.label(vocab.DATA_SUBJECTS, s) for s in pr.data_subjects),
            "data_items": _join(flow.data),
            "identifiability": vocab.IDENTIFIABILITY[flow.identifiability],
            "special_category": special,
            "article6_basis": (
                vocab.LAWFUL_BASES[flow.lawful_basis] if flow.lawful_basis else _bases(p)
            ),
            "article9_condition": _per_controller(p, {
                c: vocab.ARTICLE9_CONDITIONS[cond] if (cond := p.condition_for(c)) else None
                for c in p.controller_ids
            }) if pr.special_category else None,
            "schedule1_condition": _per_controller(p, {
                c: str(s) if (s := p.schedule1_for(c)) else None for c in p.controller_ids
            }),
            "where_told": _join(told),
            "dpia_status": vocab.DPIA_VERDICTS[assessment.screening.verdict],
            "dpia_reference": dpia_reference(p, assessment),
            "agreement_form": vocab.AGREEMENT_FORMS[agreement.form] if agreement else None,
            "agreement_reference": flow.agreement or (agreement.reference if agreement else None),
            "processor_contract": _processor_contract(p, flow.to),
            "transfer_method": vocab.TRANSFER_METHODS[flow.method],
            "method_secure": vocab.YES_NO["no" if flow.method in vocab.INSECURE_METHODS else "yes"],
            "frequency": flow.frequency,
            "starts": flow.starts,
            "ends": flow.ends,
            "transfer_country": _join(t.country for t in transfers) or words.get("none"),
            "transfer_safeguard": _join(vocab.TRANSFER_SAFEGUARDS[t.safeguard] for t in transfers)
            or words.get("none"),
            "retention": _join(f"{r.data}: {r.period}" for r in pr.retention),
            "rights_requests": p.org(dp.subject_access).name,
            "safeguarding_owner": p.org(dp.safeguarding.owner).name,
            "breach_lead": p.org(dp.breach_lead).name,
            "decision_maker": f"{approved.name}, {approved.role}" if approved else None,
            "decision_date": approved.date if approved else None,
            "review_date": flow.review,
        }
    return rows


def organisation_rows(project: Project) -> dict[str, Row]:
    rows: dict[str, Row] = {}
    for org in project.organisations:
        contact = org.privacy_contact
        rows[org.id] = {
            "org_id": org.id,
            "name": org.name,
            "type": vocab.ORG_TYPES[org.type],
            "ico_registration": org.ico_registration,
            "dpo_name": (contact.name or contact.role) if contact else None,
            "dpo_email": contact.email if contact else None,
            "privacy_notice": org.privacy_notice_url,
            "address": org.address,
        }
    return rows


def project_rows(project: Project, assessment: Assessment) -> dict[str, Row]:
    p = project
    agreement_signoff = p.signoff
    return {
        p.project.id: {
            "project_id": p.project.id,
            "title": p.project.title,
            "lead": p.org(p.project.lead).name,
            "controllers": _join(p.org(c).name for c in p.controller_ids),
            "arrangement": vocab.ARRANGEMENTS[p.data_protection.controllers.arrangement],
            "processors": _join(p.org(x).name for x in p.processor_ids) or None,
            "dpia_status": vocab.DPIA_VERDICTS[assessment.screening.verdict],
            "dpia_reference": dpia_reference(p, assessment),
            "signed_off": vocab.YES_NO["no" if p.is_draft else "yes"],
            "starts": p.project.start,
            "ends": p.project.end,
            "next_review": agreement_signoff.next_review if agreement_signoff else None,
        }
    }


def project_register_rows(project: Project, assessment: Assessment, layout: Layout | None = None) -> Rows:
    """Every row this project contributes, by sheet."""
    return {
        "sharing": sharing_rows(project, assessment, layout),
        "organisations": organisation_rows(project),
        "projects": project_rows(project, assessment),
    }
