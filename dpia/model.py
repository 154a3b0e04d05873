"""The typed model of format dpia-answers/1 and its cross-field rules.

Field-level rules (types, allowed values, required keys, unknown keys) are
declared on the pydantic models; rules that relate one field to another live
in :func:`cross_field_problems`, which returns every problem rather than the
first. :func:`validate` runs both and is the one entry point used by the file
loader and the questionnaire alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
)

from dpia import messages, vocab
from dpia.errors import Problem
from dpia.vocab import (
    AgreementForm,
    Arrangement,
    Article9Condition,
    Effect,
    Identifiability,
    LawfulBasis,
    Level,
    Likelihood,
    Method,
    OrgType,
    Severity,
    SpecialCategory,
    TransferMethod,
    TransferSafeguard,
)

Loc = tuple[str | int, ...]

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# More people than live in the UK: a larger number is a typing mistake.
MAX_PARTICIPANTS = 100_000_000
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _slug(value: str) -> str:
    if not _SLUG.match(value):
        raise ValueError(
            "must be a short id of lowercase letters, digits and single hyphens, "
            "for example 'hwn' or 'nhs-trust-2'"
        )
    return value


def _non_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def _iso_date(value: Any) -> Any:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if not _ISO_DATE.match(text):
            raise ValueError(f"{messages.show(value)} is not a date: write it as YYYY-MM-DD, e.g. 2026-03-31")
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{messages.show(value)} is not a real date (YYYY-MM-DD)") from None
    raise ValueError("must be a date written as YYYY-MM-DD")


def _email(value: str) -> str:
    if not _EMAIL.match(value.strip()):
        raise ValueError(f"{messages.show(value)} is not an email address (name@example.org)")
    return value


def _special_category(value: Any) -> Any:
    if isinstance(value, str):
        return vocab.SPECIAL_CATEGORY_ALIASES.get(value, value)
    return value


Text = Annotated[str, AfterValidator(_non_blank)]
Slug = Annotated[str, AfterValidator(_slug)]
IsoDate = Annotated[date, BeforeValidator(_iso_date)]
Email = Annotated[str, AfterValidator(_email)]
SpecialCategoryCode = Annotated[
    SpecialCategory,
    # Editors reading the JSON Schema should accept the alias too.
    BeforeValidator(
        _special_category,
        json_schema_input_type=Literal[SpecialCategory, "ethnicity"],
    ),
]
TextList = list[Text]


class Base(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


# --- project -----------------------------------------------------------------


class Agreement(Base):
    form: AgreementForm
    reference: Text | None = None
    agreed_on: IsoDate | None = None


class Checkin(Base):
    milestone: Text
    date: IsoDate


class ProjectInfo(Base):
    id: Slug
    title: Text
    summary: Text
    lead: Slug
    commissioned_by: Slug | None = None
    methods: Annotated[list[Method], Field(min_length=1)]
    start: IsoDate | None = None
    end: IsoDate | None = None
    agreement: Agreement | None = None
    checkins: list[Checkin] = Field(default_factory=list)


# --- organisations -----------------------------------------------------------


class Person(Base):
    name: Text | None = None
    role: Text | None = None
    email: Email | None = None
    phone: Text | None = None

    def has_contact(self) -> bool:
        return bool(self.email or self.phone)


class Organisation(Base):
    id: Slug
    name: Text
    type: OrgType
    ico_registration: Text | None = None
    address: Text | None = None
    privacy_notice_url: Text | None = None
    dpo: Person | None = None
    data_protection_lead: Person | None = None
    contact: Person | None = None

    @property
    def is_public_authority(self) -> bool:
        return self.type in vocab.PUBLIC_AUTHORITY_TYPES

    @property
    def privacy_contact(self) -> Person | None:
        """The DPO, or the data protection lead where there is no DPO."""
        return self.dpo or self.data_protection_lead


# --- data protection ---------------------------------------------------------


class Controllers(Base):
    arrangement: Arrangement
    organisations: Annotated[list[Slug], Field(min_length=1)]
    joint_arrangement: Text | None = None
    contact_point: Slug | None = None


class Processor(Base):
    organisation: Slug
    service: Text
    contract_in_place: bool
    location: Text | None = None


class Safeguarding(Base):
    owner: Slug
    lead_role: Text | None = None
    process: Text | None = None


class DataProtection(Base):
    controllers: Controllers
    processors: list[Processor] = Field(default_factory=list)
    dpo_for_participants: Slug
    subject_access: Slug
    safeguarding: Safeguarding
    breach_lead: Slug


# --- processing --------------------------------------------------------------


def _basis_kind(value: Any) -> str | None:
    if isinstance(value, Mapping):
        return "__each__"
    return "__one__" if isinstance(value, str) else None


LawfulBasisAnswer = Annotated[
    Annotated[LawfulBasis, Tag("__one__")] | Annotated[dict[Slug, LawfulBasis], Tag("__each__")],
    Discriminator(
        _basis_kind,
        custom_error_type="lawful_basis_shape",
        custom_error_message=(
            "must be one lawful basis for every controller (e.g. 'lawful_basis: public_task'), "
            "or one 'controller id: basis' line per controller; allowed bases: "
            + ", ".join(vocab.LAWFUL_BASES)
        ),
    ),
]


class InternationalTransfer(Base):
    country: Text
    safeguard: TransferSafeguard
    detail: Text | None = None


class Retention(Base):
    data: Text
    period: Text
    then: Text | None = None


class Processing(Base):
    data_subjects: Annotated[TextList, Field(min_length=1)]
    approx_participants: Annotated[int, Field(ge=1, le=MAX_PARTICIPANTS)]
    geography: Text | None = None
    personal_data: Annotated[TextList, Field(min_length=1)]
    special_category: list[SpecialCategoryCode] = Field(default_factory=list)
    criminal_offence_data: bool
    children: bool
    vulnerable_adults: bool
    lawful_basis: LawfulBasisAnswer
    lawful_basis_detail: Text | None = None
    legitimate_interests: Text | None = None
    special_category_condition: Article9Condition | None = None
    schedule1_condition: Text | None = None
    storage: Text
    international_transfers: list[InternationalTransfer] = Field(default_factory=list)
    retention: Annotated[list[Retention], Field(min_length=1)]
    anonymisation: Text | None = None
    small_number_threshold: Annotated[int, Field(ge=1, le=MAX_PARTICIPANTS)] | None = None
    withdrawal: Text
    security_measures: TextList = Field(default_factory=list)


# --- sharing, findings, consultation, risks, sign-off ------------------------


class Flow(Base):
    id: Slug
    from_: Slug = Field(alias="from")
    to: Slug
    data: Annotated[TextList, Field(min_length=1)]
    identifiability: Identifiability
    purpose: Text
    method: TransferMethod
    frequency: Text | None = None
    agreement: Text | None = None
    starts: IsoDate
    ends: IsoDate | None = None
    review: IsoDate

    @property
    def is_personal(self) -> bool:
        return self.identifiability in vocab.PERSONAL_IDENTIFIABILITY

    @property
    def is_insecure(self) -> bool:
        """Personal data sent by a method that is not secure."""
        return self.is_personal and self.method in vocab.INSECURE_METHODS


class Findings(Base):
    data_owner: Annotated[list[Slug], Field(min_length=1)]
    report_authors: Annotated[list[Slug], Field(min_length=1)]
    publisher: Slug
    healthwatch_may_reuse_data: bool
    partners_may_reuse_data: bool
    acknowledgement: Text | None = None
    decision_process: Text
    if_partners_disagree: Text
    conflicts_of_interest: Text | None = None


class Consultation(Base):
    who: Text
    how: Text
    when: IsoDate | None = None


class RiskEntry(Base):
    id: Slug
    description: Text | None = None
    likelihood: Likelihood | None = None
    severity: Severity | None = None
    measures: TextList = Field(default_factory=list)
    effect: Effect | None = None
    residual: Level | None = None
    approved: bool | None = None


class Signatory(Base):
    name: Text
    role: Text
    date: IsoDate


class Reviewer(Base):
    name: Text
    role: Text


class DpoAdvice(Base):
    summary: Text
    accepted: bool
    by: Signatory | None = None
    reasons: Text | None = None


class Signoff(Base):
    measures_approved_by: Signatory | None = None
    residual_risks_approved_by: Signatory | None = None
    dpo_advice: DpoAdvice | None = None
    review_by: Reviewer | None = None
    next_review: IsoDate | None = None

    @property
    def complete(self) -> bool:
        """Measures and residual risks approved and DPO advice recorded with who acted on it."""
        return bool(
            self.measures_approved_by
            and self.residual_risks_approved_by
            and self.dpo_advice
            and self.dpo_advice.by
        )


class Project(Base):
    """One partnership research project: the whole answers file."""

    format: Annotated[
        str, AfterValidator(lambda v: _format(v)), Field(json_schema_extra={"const": vocab.FORMAT})
    ]
    project: ProjectInfo
    organisations: Annotated[list[Organisation], Field(min_length=1)]
    data_protection: DataProtection
    processing: Processing
    sharing: list[Flow] = Field(default_factory=list)
    findings: Findings
    consultation: list[Consultation] = Field(default_factory=list)
    consultation_not_needed_because: Text | None = None
    risks: list[RiskEntry] = Field(default_factory=list)
    signoff: Signoff | None = None

    # -- lookups used throughout the engine and the templates --

    def org(self, org_id: str) -> Organisation:
        for org in self.organisations:
            if org.id == org_id:
                return org
        raise KeyError(org_id)

    @property
    def org_ids(self) -> list[str]:
        return [o.id for o in self.organisations]

    @property
    def controller_ids(self) -> list[str]:
        return list(self.data_protection.controllers.organisations)

    @property
    def processor_ids(self) -> list[str]:
        return [p.organisation for p in self.data_protection.processors]

    def basis_for(self, controller_id: str) -> LawfulBasis:
        basis = self.processing.lawful_basis
        if isinstance(basis, dict):
            return basis[controller_id]
        return basis

    @property
    def bases(self) -> dict[str, LawfulBasis]:
        """Each controller's Article 6 basis, in controller order."""
        return {c: self.basis_for(c) for c in self.controller_ids}

    @property
    def is_draft(self) -> bool:
        return self.signoff is None or not self.signoff.complete


def _format(value: str) -> str:
    if value != vocab.FORMAT:
        raise ValueError(
            f"{messages.show(value)} is not a format this version reads: write 'format: {vocab.FORMAT}'"
        )
    return value


# --- validation ---------------------------------------------------------------


def validate(data: Any) -> tuple[Project | None, list[tuple[Loc, str]]]:
    """Validate plain data (as loaded from YAML or gathered at prompts).

    Returns the project, or ``None`` with every problem as (location, message).
    """
    try:
        project = Project.model_validate(data)
    except ValidationError as exc:
        return None, [
            (messages.clean_loc(e["loc"]), messages.message(e, Project)) for e in exc.errors()
        ]
    problems = list(cross_field_problems(project))
    return (None if problems else project), problems


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
                f"{org.name} is a {vocab.ORG_TYPES[org.type]}, a public authority, so it must "
                "have a Data Protection Officer: add 'dpo' with their name and email"
            )

    # project
    yield from ref(("project", "lead"), p.project.lead)
    yield from ref(("project", "commissioned_by"), p.project.commissioned_by)
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
        if not ctl.contact_point:
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
    # A misspelt controller id is reported once, above, not again for each basis.
    if isinstance(pr.lawful_basis, dict) and controllers <= known:
        for c in ctl.organisations:
            if c not in pr.lawful_basis:
                yield ("processing", "lawful_basis"), (
                    f"names no basis for controller '{c}': every controller needs one"
                )
        for c in pr.lawful_basis:
            if c not in controllers:
                yield ("processing", "lawful_basis", c), (
                    f"'{c}' is not a controller; list bases only for: {', '.join(ctl.organisations)}"
                )
    bases: Iterable[str] = (
        pr.lawful_basis.values() if isinstance(pr.lawful_basis, dict) else [pr.lawful_basis]
    )
    if "legitimate_interests" in bases and not pr.legitimate_interests:
        yield ("processing", "legitimate_interests"), (
            "is required when legitimate interests is a lawful basis: say what the interests are"
        )
    if pr.special_category and not pr.special_category_condition:
        yield ("processing", "special_category_condition"), (
            "is required when special-category data is collected: choose the Article 9 "
            "condition, e.g. health_or_social_care or explicit_consent"
        )
    if pr.special_category_condition in vocab.NEEDS_SCHEDULE1 and not pr.schedule1_condition:
        yield ("processing", "schedule1_condition"), (
            f"is required with the condition '{pr.special_category_condition}': name the Data "
            "Protection Act 2018 Schedule 1 condition relied on"
        )

    # sharing
    for i, flow in enumerate(p.sharing):
        yield from ref(("sharing", i, "from"), flow.from_)
        yield from ref(("sharing", i, "to"), flow.to)
        if flow.from_ == flow.to:
            yield ("sharing", i, "to"), "must be a different organisation from 'from'"
        if flow.ends and flow.ends < flow.starts:
            yield ("sharing", i, "ends"), "is before the flow 'starts'"

    # findings
    for i, o in enumerate(p.findings.data_owner):
        yield from ref(("findings", "data_owner", i), o)
    for i, o in enumerate(p.findings.report_authors):
        yield from ref(("findings", "report_authors", i), o)
    yield from ref(("findings", "publisher"), p.findings.publisher)

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
    from dpia.risks import is_rule_id

    for i, entry in enumerate(p.risks):
        if is_rule_id(entry.id):
            continue
        for key in ("description", "likelihood", "severity"):
            if getattr(entry, key) is None:
                yield ("risks", i, key), (
                    f"is required: '{entry.id}' is not a risk the tool derives, so it is a "
                    "risk of the project's own and needs a description, likelihood and severity"
                )


def _duplicates(loc: Loc, values: list[str], what: str) -> Iterator[tuple[Loc, str]]:
    seen: set[str] = set()
    for i, value in enumerate(values):
        if value in seen:
            yield (*loc, i), f"{what} '{value}' appears more than once"
        seen.add(value)


def path_text(loc: Loc) -> str:
    """('sharing', 1, 'method') -> 'sharing[2].method' (list items count from 1)."""
    out = ""
    for part in loc:
        if isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part + 1}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def problems_with_lines(
    problems: list[tuple[Loc, str]], lines: Mapping[Loc, int] | None = None
) -> list[Problem]:
    """Attach the nearest known line to each problem."""
    result = []
    for loc, message in problems:
        line = None
        if lines:
            probe = loc
            while probe and probe not in lines:
                probe = probe[:-1]
            line = lines.get(probe)
        result.append(Problem(path_text(loc), message, line))
    return result
