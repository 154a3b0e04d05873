"""The partnership agreement record: what the partners agreed before work began,
with every point the answers leave open listed as still to agree."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dpia.assessment import facts
from dpia.render.texts import text_context, write_formats

if TYPE_CHECKING:
    from dpia.answers.model import Organisation, Project
    from dpia.render import Job, Output

# The check-ins every partnership agrees (planning, analysis, findings and recommendations).
REQUIRED_CHECKINS = ("planning", "analysis_and_findings", "recommendations")
STEM = "partnership-agreement"  # the files' name without the format's suffix


@dataclass(frozen=True)
class OpenPoint:
    """A point still to agree; the template words it from ``code``."""

    code: str
    subject: Any = None


def is_solo(p: Project) -> bool:
    """One organisation (besides its processors) and no data shared: there are no partners,
    so the record has no partner clauses and no partners' signatures."""
    processors = set(p.processor_ids)
    return not p.sharing and len([o for o in p.organisations if o.id not in processors]) == 1


def open_points(p: Project) -> list[OpenPoint]:
    return list(_open_points(p))


def _open_points(p: Project) -> Iterator[OpenPoint]:
    info = p.project
    if info.agreement is None:
        yield OpenPoint("agreement_form")
    else:
        if not info.agreement.reference:
            yield OpenPoint("agreement_reference")
        if not info.agreement.agreed_on:
            yield OpenPoint("agreement_date")
    if "other" in info.methods:
        yield OpenPoint("other_method")
    if not (info.start and info.end):
        yield OpenPoint("project_dates")
    solo = is_solo(p)
    held = {c.milestone for c in info.checkins}
    for milestone in () if solo else REQUIRED_CHECKINS:
        if milestone not in held:
            yield OpenPoint("checkin", milestone)
    for c in p.controller_ids:
        org = p.org(c)
        if org.privacy_contact is None or not org.privacy_contact.has_contact():
            yield OpenPoint("privacy_contact", org)
        if not org.privacy_notice_url:
            yield OpenPoint("privacy_notice", org)
    sg = p.data_protection.safeguarding
    if not sg.lead_role:
        yield OpenPoint("safeguarding_role")
    if not sg.process:
        yield OpenPoint("safeguarding_process")
    for proc in p.data_protection.processors:
        if not proc.contract_in_place:
            yield OpenPoint("processor_contract", p.org(proc.organisation))
    for ff in facts.flow_facts(p):
        if ff.flow.is_insecure:
            yield OpenPoint("insecure_flow", ff.flow)
        if ff.flow.is_personal and not ff.covered and ff.processor is None:
            yield OpenPoint("flow_agreement", ff.flow)
    if not p.findings.acknowledgement and not solo:
        yield OpenPoint("acknowledgement")
    if not p.findings.conflicts_of_interest:
        yield OpenPoint("conflicts_of_interest")
    if not p.findings.outputs_owner:
        yield OpenPoint("outputs_owner")
    if not info.changes_process:
        yield OpenPoint("changes_process")
    for concern in facts.independence_concerns(p):
        yield OpenPoint(concern, p.org(info.commissioned_by) if info.commissioned_by else None)
    if p.is_draft:
        yield OpenPoint("dpia_signoff")


@dataclass(frozen=True)
class Member:
    """One organisation's part in the partnership, as codes the template words."""

    org: Organisation
    partner_role: str  # vocab.PARTNER_ROLES
    data_role: str  # vocab.DATA_PROTECTION_ROLES


def members(p: Project) -> list[Member]:
    processors = set(p.processor_ids)
    roles = facts.roles(p)  # the same role as in the DPIA and the register
    out = []
    for org in p.organisations:
        if org.id in processors:
            partner = "processing"
        elif org.id == p.project.commissioned_by:
            partner = "commissioning"
        else:
            partner = "collaborating"
        out.append(Member(org, partner, roles[org.id]))
    return out


def write(job: Job) -> list[Output]:
    p = job.project
    context = text_context(job)
    points = open_points(p)
    context.update(
        open_points=points,
        solo=is_solo(p),
        members=members(p),
        data_owners=[p.org(o) for o in p.findings.data_owner],
        report_authors=[p.org(o) for o in p.findings.report_authors],
    )
    outputs = write_formats(
        job, STEM, "partnership-agreement", ("md", "html"), context,
        "partnership agreement record, to attach to the agreement or send as the confirming email",
    )
    note = f"{len(points)} point(s) still to agree" if points else "nothing left to agree"
    for out in outputs:
        out.notes.append(note)
    return outputs
