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

from dpia.answers import placeholders, vocab
from dpia.assessment import facts
from dpia.assessment.assess import signoff_state
from dpia.register.layout import Layout, load_layout

if TYPE_CHECKING:
    from dpia.answers.model import Flow, InternationalTransfer, Project, Retention
    from dpia.assessment.assess import Assessment

Value = str | date | None
Row = dict[str, Value]
Rows = dict[str, dict[str, Row]]  # sheet id -> register key -> row

JOIN = "; "


def sharing_key(project_id: str, flow_id: str) -> str:
    return f"{project_id}/{flow_id}"


def project_of(sharing_key_: str) -> str:
    return sharing_key_.split("/", 1)[0]


DRAFT_REFERENCE = "DRAFT: not signed off"


def dpia_reference(project: Project, assessment: Assessment) -> str:
    """The project id and answers fingerprint; a DPIA not yet signed off says so on every row."""
    reference = f"{project.project.id} ({assessment.fingerprint})"
    return f"{reference}, {DRAFT_REFERENCE}" if project.is_draft else reference


def flow_status(flow: Flow, today: date) -> str:
    return _dated_status(flow.starts, flow.ends, today)


def _join(items: Iterable[str]) -> str | None:
    text = JOIN.join(str(i) for i in items if i)
    return text or None


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


def _conditions(p: Project) -> tuple[str | None, str | None]:
    """(Article 9 condition, Schedule 1 condition) of the project's controllers."""
    if not p.processing.special_category:
        return None, _per_controller(p, {c: p.schedule1_for(c) for c in p.controller_ids})
    grounds = facts.grounds(p)
    return (
        _per_controller(p, {g.controller: vocab.ARTICLE9_CONDITIONS[g.condition] if g.condition
                            else None for g in grounds}),
        _per_controller(p, {g.controller: g.schedule1 for g in grounds}),
    )


def _transfers(transfers: list[InternationalTransfer], none: str | None) -> tuple[str | None, str | None]:
    return (
        _join(t.country for t in transfers) or none,
        _join(vocab.TRANSFER_SAFEGUARDS[t.safeguard] for t in transfers) or none,
    )


def _retention(entries: list[Retention]) -> str | None:
    return _join(f"{r.data}: {r.period}" for r in entries)


def _dated_status(starts: date | None, ends: date | None, today: date) -> str:
    if ends is not None and ends < today:
        return vocab.REGISTER_STATUSES["ended"]
    if starts is not None and starts > today:
        return vocab.REGISTER_STATUSES["planned"]
    return vocab.REGISTER_STATUSES["active"]


# Register keys of the rows that are not flows. A flow id may be any text, so these use
# words no flow id is likely to take; a project whose flow ids collide keeps the flow's row.
PROCESSOR_KEY = "processor: {org}"
NO_SHARING_KEY = "no sharing"


def sharing_rows(project: Project, assessment: Assessment, layout: Layout | None = None) -> dict[str, Row]:
    """The Article 30 record of the project's sharing: one row per flow, one per processor
    that holds the data itself, and one row for a project that shares nothing."""
    layout = layout or load_layout()
    words = layout.words
    p = project
    pr = p.processing
    dp = p.data_protection
    today = assessment.today
    agreement = p.project.agreement
    approved = p.signoff.measures_approved_by if p.signoff else None
    # Imported here: the register commands that never build texts do not load the templates.
    from dpia.render.participant import told_in

    told = [p.org(c).privacy_notice_url or "" for c in p.controller_ids]
    told += told_in(p)  # the texts this project's build writes, no others
    roles = facts.roles(p)
    article9, schedule1 = _conditions(p)
    subjects = _join(vocab.label(vocab.DATA_SUBJECTS, s) for s in pr.data_subjects)
    special_personal = (
        _join(vocab.SPECIAL_CATEGORIES[c] for c in pr.special_category) if pr.special_category
        else words.get("none")
    )
    security = _join(pr.security_measures) or words.get("none")

    def common(personal: bool) -> Row:
        return {
            "project_id": p.project.id,
            "project_title": p.project.title,
            "data_subjects": subjects,
            "special_category": special_personal if personal else words.get("not_personal"),
            "article9_condition": article9 if personal else None,
            "schedule1_condition": schedule1 if personal else None,
            "where_told": _join(told),
            "dpia_status": vocab.DPIA_VERDICTS[assessment.screening.verdict],
            "dpia_reference": dpia_reference(p, assessment),
            "agreement_form": vocab.AGREEMENT_FORMS[agreement.form] if agreement else None,
            "security_measures": security if personal else words.get("not_personal"),
            "rights_requests": p.org(dp.subject_access).name,
            "safeguarding_owner": p.org(dp.safeguarding.owner).name,
            "breach_lead": p.org(dp.breach_lead).name,
            "decision_maker": f"{approved.name}, {approved.role}" if approved else None,
            "decision_date": approved.date if approved else None,
        }

    rows: dict[str, Row] = {}
    for ff in facts.flow_facts(p):
        flow = ff.flow
        recipient = p.org(flow.to)
        key = sharing_key(p.project.id, flow.id)
        country, safeguard = _transfers(ff.transfers, words.get("none"))
        own_conditions: Row = {}
        if ff.condition and flow.is_personal:  # the conditions of the flow's own controller
            own_conditions = {"article9_condition": vocab.ARTICLE9_CONDITIONS[ff.condition],
                              "schedule1_condition": ff.schedule1}
        rows[key] = {
            **common(flow.is_personal),
            **own_conditions,
            "register_key": key,
            "status": flow_status(flow, today),
            "from_org": p.org(flow.from_).name,
            "to_org": recipient.name,
            "recipient_type": vocab.ORG_TYPES[recipient.type],
            "recipient_relationship": vocab.DATA_PROTECTION_ROLES[roles[flow.to]],
            "purpose": flow.purpose,
            "data_items": _join(flow.data),
            "identifiability": vocab.IDENTIFIABILITY[flow.identifiability],
            "article6_basis": vocab.LAWFUL_BASES[ff.basis] if ff.basis else _bases(p),
            "agreement_reference": ff.agreement or ff.contract_reference,
            "processor_contract": vocab.YES_NO_NA[ff.processor_contract or "not_applicable"],
            "transfer_method": vocab.TRANSFER_METHODS[flow.method],
            "method_secure": vocab.YES_NO["no" if flow.method in vocab.INSECURE_METHODS else "yes"],
            "frequency": flow.frequency,
            "starts": flow.starts,
            "ends": flow.ends,
            "transfer_country": country,
            "transfer_safeguard": safeguard,
            "retention": (_retention(ff.retention) or words.get("see_schedule"))
            if flow.is_personal else words.get("not_personal"),
            "review_date": flow.review,
        }
    controllers = _join(p.org(c).name for c in p.controller_ids)
    data_items = _join(vocab.label(vocab.PERSONAL_DATA, d) for d in pr.personal_data)
    next_review = p.signoff.next_review if p.signoff else None
    for proc in dp.processors:
        key = sharing_key(p.project.id, PROCESSOR_KEY.format(org=proc.organisation))
        if not proc.holds_data or key in rows:
            continue
        org = p.org(proc.organisation)
        country, safeguard = _transfers(facts.transfers_of(p, org.id), words.get("none"))
        # What it holds, as far as the answers show: the personal data of the flows to or
        # from it (never the whole project's list: a survey host does not hold recordings).
        held = [f for f in p.sharing if f.is_personal and proc.organisation in (f.from_, f.to)]
        rows[key] = {
            **common(True),
            "register_key": key,
            "status": _dated_status(p.project.start, p.project.end, today),
            "from_org": controllers,
            "to_org": org.name,
            "recipient_type": vocab.ORG_TYPES[org.type],
            "recipient_relationship": vocab.DATA_PROTECTION_ROLES["processor"],
            "purpose": f"{words.get('processor_holds', '')}{proc.service}",
            "data_items": _join(dict.fromkeys(d for f in held for d in f.data))
            or words.get("processor_data"),
            "identifiability": vocab.IDENTIFIABILITY[
                "identifiable" if not held or any(f.identifiability == "identifiable" for f in held)
                else "pseudonymised"],
            "article6_basis": _bases(p),
            "agreement_reference": proc.contract_reference if proc.contract_in_place else None,
            "processor_contract": vocab.YES_NO["yes" if proc.contract_in_place else "no"],
            "transfer_method": None,
            "method_secure": None,
            "frequency": None,
            "starts": p.project.start,
            "ends": p.project.end,
            "transfer_country": country,
            "transfer_safeguard": safeguard,
            "retention": words.get("processor_retention" if proc.contract_in_place
                                   else "processor_retention_no_contract"),
            "review_date": next_review,
        }
    if not rows:
        key = sharing_key(p.project.id, NO_SHARING_KEY)
        rows[key] = {
            **common(True),
            "register_key": key,
            "status": _dated_status(p.project.start, p.project.end, today),
            "from_org": _join(p.org(c).name for c in p.controller_ids),
            "to_org": words.get("no_sharing"),
            "recipient_type": None,
            "recipient_relationship": None,
            "purpose": p.project.summary,
            "data_items": data_items,
            "identifiability": vocab.IDENTIFIABILITY["identifiable"],
            "article6_basis": _bases(p),
            "agreement_reference": None,
            "processor_contract": vocab.YES_NO_NA["not_applicable"],
            "transfer_method": None,
            "method_secure": None,
            "frequency": None,
            "starts": p.project.start,
            "ends": p.project.end,
            "transfer_country": words.get("none"),
            "transfer_safeguard": words.get("none"),
            "retention": _retention(pr.retention),
            "review_date": next_review,
        }
    return _shown(rows)


def _shown(rows: dict[str, Row]) -> dict[str, Row]:
    """A placeholder in the answers is never written as a fact: its cell says it is missing."""
    return {k: {c: placeholders.shown(v) for c, v in row.items()} for k, row in rows.items()}


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
            "signed_off": signoff_state(p, assessment),
            "starts": p.project.start,
            "ends": p.project.end,
            "next_review": agreement_signoff.next_review if agreement_signoff else None,
        }
    }


def project_register_rows(project: Project, assessment: Assessment, layout: Layout | None = None) -> Rows:
    """Every row this project contributes, by sheet."""
    return {
        "sharing": sharing_rows(project, assessment, layout),
        "organisations": _shown(organisation_rows(project)),
        "projects": _shown(project_rows(project, assessment)),
    }
