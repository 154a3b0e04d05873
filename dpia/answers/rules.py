"""Rules that relate one answer to another, all reported at once.

Field-level rules live on the pydantic models in :mod:`dpia.answers.model`; these
run on a project that has passed them, and :func:`dpia.answers.validate.validate` runs both.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from dpia.answers import vocab
from dpia.answers.messages import Loc
from dpia.answers.words import with_article

if TYPE_CHECKING:
    from dpia.answers.model import Project


def cross_field_problems(p: Project) -> Iterator[tuple[Loc, str]]:
    """Rules that relate one answer to another, all reported at once."""
    orgs = p.org_ids
    known = set(orgs)
    allowed = ", ".join(orgs)

    def ref(loc: Loc, org_id: str | None) -> Iterator[tuple[Loc, str]]:
        if org_id is not None and org_id not in known:
            yield loc, (
                f"'{org_id}' is not one of the organisations listed under "
                f"'organisations'; use one of: {allowed}"
            )

    yield from _duplicates(("organisations",), [o.id for o in p.organisations], "organisation id")
    yield from _duplicates(("sharing",), [f.id for f in p.sharing], "flow id")
    yield from _duplicates(("risks",), [r.id for r in p.risks], "risk id")

    # organisations
    for i, org in enumerate(p.organisations):
        if org.is_public_authority and org.dpo is None:
            yield ("organisations", i, "dpo"), (
                f"{org.name} is {with_article(vocab.ORG_TYPES[org.type])}, a public authority, so it must "
                "have a Data Protection Officer: add 'dpo' with their name and email"
            )

    # project
    yield from ref(("project", "lead"), p.project.lead)
    yield from ref(("project", "commissioned_by"), p.project.commissioned_by)
    for method in p.project.participation_minutes:
        if method not in p.project.methods:
            yield ("project", "participation_minutes", method), (
                f"'{method}' is not one of the project's methods "
                f"({', '.join(p.project.methods)}): give minutes only for methods used"
            )
    for org_id in p.project.contributions:
        yield from ref(("project", "contributions", org_id), org_id)
    if p.project.start and p.project.end and p.project.end < p.project.start:
        yield ("project", "end"), "is before the project's start date"

    # controllers and processors
    dp = p.data_protection
    ctl = dp.controllers
    for i, c in enumerate(ctl.organisations):
        yield from ref(("data_protection", "controllers", "organisations", i), c)
    yield from _duplicates(
        ("data_protection", "controllers", "organisations"), ctl.organisations, "controller"
    )
    count = len(set(ctl.organisations))
    if ctl.arrangement == "sole" and count != 1:
        yield ("data_protection", "controllers", "organisations"), (
            f"a 'sole' arrangement has exactly one controller, not {count}; "
            "use 'joint' or 'independent' for more"
        )
    if ctl.arrangement in ("joint", "independent") and count < 2:
        yield ("data_protection", "controllers", "organisations"), (
            f"a '{ctl.arrangement}' arrangement needs two or more controllers; "
            "use 'sole' for one"
        )
    if ctl.arrangement == "joint":
        if not ctl.joint_arrangement:
            yield ("data_protection", "controllers", "joint_arrangement"), (
                "is required for joint controllers: say who does what (Article 26)"
            )
        if not ctl.recorded("contact_point"):
            yield ("data_protection", "controllers", "contact_point"), (
                "is required for joint controllers: the controller people contact"
            )
    if ctl.contact_point and ctl.contact_point not in ctl.organisations:
        yield ("data_protection", "controllers", "contact_point"), (
            f"'{ctl.contact_point}' must be one of the controllers: "
            f"{', '.join(ctl.organisations)}"
        )
    controllers = set(ctl.organisations)
    processors = set(p.processor_ids)
    for i, proc in enumerate(dp.processors):
        yield from ref(("data_protection", "processors", i, "organisation"), proc.organisation)
        if proc.organisation in controllers:
            yield ("data_protection", "processors", i, "organisation"), (
                f"'{proc.organisation}' is a controller and cannot also be a processor"
            )
    yield from _duplicates(("data_protection", "processors"), p.processor_ids, "processor")

    yield from ref(("data_protection", "dpo_for_participants"), dp.dpo_for_participants)
    if dp.dpo_for_participants in known and dp.dpo_for_participants not in controllers:
        yield ("data_protection", "dpo_for_participants"), (
            f"must be one of the controllers ({', '.join(ctl.organisations)}): "
            "participants contact a controller's DPO"
        )
    yield from ref(("data_protection", "subject_access"), dp.subject_access)
    if dp.subject_access in processors:
        yield ("data_protection", "subject_access"), (
            f"'{dp.subject_access}' is a processor; rights requests are handled by a controller"
        )
    yield from ref(("data_protection", "safeguarding", "owner"), dp.safeguarding.owner)
    yield from ref(("data_protection", "breach_lead"), dp.breach_lead)

    # processing
    pr = p.processing
    # A misspelt controller id is reported once, above, not again for each mapping.
    if controllers <= known:
        yield from _per_controller(pr.lawful_basis, "lawful_basis", "basis", ctl.organisations)
        yield from _per_controller(
            pr.special_category_condition, "special_category_condition", "Article 9 condition",
            [c for c in ctl.organisations
             if not pr.recorded("special_category_condition", c)],
            ctl.organisations,
        )
        yield from _per_controller(
            pr.schedule1_condition, "schedule1_condition", "Schedule 1 condition",
            [c for c in ctl.organisations if p.condition_for(c) in vocab.NEEDS_SCHEDULE1],
            ctl.organisations,
        )
    bases: set[str] = set(
        pr.lawful_basis.values() if isinstance(pr.lawful_basis, dict) else [pr.lawful_basis]
    ) | {f.lawful_basis for f in p.sharing if f.lawful_basis}
    if "legitimate_interests" in bases and not pr.legitimate_interests:
        yield ("processing", "legitimate_interests"), (
            "is required when legitimate interests is a lawful basis: say what the interests are"
        )
    if pr.special_category and not pr.recorded("special_category_condition"):
        yield ("processing", "special_category_condition"), (
            "is required when special-category data is collected: choose the Article 9 "
            "condition, e.g. health_or_social_care or explicit_consent"
        )
    if not isinstance(pr.schedule1_condition, dict) and not pr.recorded("schedule1_condition"):
        needing = {
            str(cond) for c in ctl.organisations
            if (cond := p.condition_for(c)) in vocab.NEEDS_SCHEDULE1
        }
        if needing:
            yield ("processing", "schedule1_condition"), (
                f"is required with the condition '{sorted(needing)[0]}': name the Data "
                "Protection Act 2018 Schedule 1 condition relied on"
            )
    if pr.may_lack_capacity and not pr.capacity_approach:
        yield ("processing", "capacity_approach"), (
            "is required when some participants may lack capacity to consent: say how they are "
            "included or excluded under the Mental Capacity Act 2005 (e.g. a personal "
            "consultee, supported decision-making, or only people who can consent)"
        )
    for i, transfer in enumerate(pr.international_transfers):
        yield from ref(("processing", "international_transfers", i, "organisation"),
                       transfer.organisation)

    # sharing
    for i, flow in enumerate(p.sharing):
        yield from ref(("sharing", i, "from"), flow.from_)
        yield from ref(("sharing", i, "to"), flow.to)
        if flow.from_ == flow.to:
            yield ("sharing", i, "to"), "must be a different organisation from 'from'"
        if flow.ends and flow.ends < flow.starts:
            yield ("sharing", i, "ends"), "is before the flow 'starts'"
        if flow.method == "other" and not flow.method_detail:
            yield ("sharing", i, "method_detail"), (
                "is needed when 'method' is other: say how the data is sent"
            )
        if flow.method_detail and flow.method != "other":
            yield ("sharing", i, "method_detail"), (
                "is only for 'method: other': remove it, or set 'method' to other"
            )

    # findings
    for i, o in enumerate(p.findings.data_owner):
        yield from ref(("findings", "data_owner", i), o)
    for i, o in enumerate(p.findings.report_authors):
        yield from ref(("findings", "report_authors", i), o)
    yield from ref(("findings", "publisher"), p.findings.publisher)
    for i, o in enumerate(p.findings.outputs_owner or []):
        yield from ref(("findings", "outputs_owner", i), o)

    # consultation
    if not p.consultation and not p.consultation_not_needed_because:
        yield ("consultation",), (
            "is empty: list whose views were sought, or explain why not in "
            "'consultation_not_needed_because'"
        )

    # sign-off
    advice = p.signoff.dpo_advice if p.signoff else None
    if advice is not None and not advice.accepted and not advice.reasons:
        yield ("signoff", "dpo_advice", "reasons"), (
            "is required when the DPO's advice was not accepted: give the reasons"
        )

    # Risks of the project's own need their own assessment. An entry for a rule's risk
    # that does not fire now is not an error (answers change); 'check' reports it as a gap.
    for i, entry in enumerate(p.risks):
        if vocab.is_rule_id(entry.id):
            continue
        for key in ("description", "likelihood", "severity"):
            if getattr(entry, key) is None:
                yield ("risks", i, key), (
                    f"is required: '{entry.id}' is not a risk the tool derives, so it is a "
                    "risk of the project's own and needs a description, likelihood and severity"
                )


def _per_controller(
    answer: object, key: str, what: str, needed: list[str], allowed: list[str] | None = None
) -> Iterator[tuple[Loc, str]]:
    """A mapping 'controller id: value' must name each controller in ``needed`` and only
    controllers (``allowed``, default ``needed``)."""
    if not isinstance(answer, dict):
        return
    allowed = needed if allowed is None else allowed
    for c in needed:
        if c not in answer:
            yield ("processing", key), (
                f"names no {what} for controller '{c}': every controller needs one"
            )
    for c in answer:
        if c not in allowed:
            yield ("processing", key, c), (
                f"'{c}' is not a controller; list each {what} only for: {', '.join(allowed)}"
            )


def _duplicates(loc: Loc, values: list[str], what: str) -> Iterator[tuple[Loc, str]]:
    seen: set[str] = set()
    for i, value in enumerate(values):
        if value in seen:
            yield (*loc, i), f"{what} '{value}' appears more than once"
        seen.add(value)
