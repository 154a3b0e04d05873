"""The typed model of format dpia-answers/1.

Field-level rules (types, allowed values, required keys, unknown keys) are
declared on the pydantic models here; rules that relate one field to another
live in :mod:`dpia.answers.rules`, which returns every problem rather than the first.
:func:`validate` runs both and is the one entry point used by the file loader
and the questionnaire alike.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
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
)

from dpia.answers import messages, vocab
from dpia.answers.messages import Loc, path_text, problems_with_lines
from dpia.answers.vocab import (
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

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# More people than live in the UK: a larger number is a typing mistake.
MAX_PARTICIPANTS = 100_000_000
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


MAX_ID = 64  # ids name folders and files: well within every system's limit on a name
# Names Windows keeps for devices: a folder or file so named cannot be opened there.
_RESERVED = re.compile(r"(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?", re.IGNORECASE)


def _slug(value: str) -> str:
    if not _SLUG.fullmatch(value):
        raise ValueError(
            "must be a short id of lowercase letters, digits and single hyphens, "
            "for example 'hwn' or 'nhs-trust-2'"
        )
    if len(value) > MAX_ID:
        raise ValueError(f"is {len(value)} characters long; an id may have at most {MAX_ID}")
    if _RESERVED.fullmatch(value):
        raise ValueError(
            f"'{value}' is a name Windows keeps for a device, so files named after it cannot "
            "be opened there; choose another id, e.g. 'con-1' or 'the-council'"
        )
    return value


def _key_text(value: str) -> str:
    """A flow's or risk's id: the contract asks only that it is unique, so any single line
    of text will do (it becomes part of register keys and risk ids)."""
    if not value.strip():
        raise ValueError("must not be empty")
    if value != value.strip() or any(ord(c) < 32 or c in "\x7f\u2028\u2029\x85" for c in value):
        raise ValueError(
            "must be one line of text with no spaces at either end, for example 'survey-export'"
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


def _format(value: str) -> str:
    if value != vocab.FORMAT:
        raise ValueError(
            f"{messages.show(value)} is not a format this version reads: write 'format: {vocab.FORMAT}'"
        )
    return value


def _special_category(value: Any) -> Any:
    if isinstance(value, str):
        return vocab.SPECIAL_CATEGORY_ALIASES.get(value, value)
    return value


Text = Annotated[str, AfterValidator(_non_blank)]
Slug = Annotated[str, AfterValidator(_slug)]
KeyText = Annotated[str, AfterValidator(_key_text)]
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
    model_config = ConfigDict(extra="forbid")


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
    id: KeyText
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
    id: KeyText
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
        str, AfterValidator(_format), Field(json_schema_extra={"const": vocab.FORMAT})
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


__all__ = [
    "Loc",
    "Project",
    "path_text",
    "problems_with_lines",
]
