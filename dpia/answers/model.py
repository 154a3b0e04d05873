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
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PrivateAttr,
    Tag,
    ValidatorFunctionWrapHandler,
    model_validator,
)
from pydantic.fields import FieldInfo

from dpia.answers import messages, placeholders, vocab
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
    MentalCapacity,
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
    # A placeholder ('TBC', 'unknown') loads, but prints as "not yet decided".
    return placeholders.mark(value)


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


def _takes_text(annotation: Any) -> bool:
    """Whether a field's type accepts free text (where a placeholder is kept as text)."""
    if get_origin(annotation) is Annotated:
        args = get_args(annotation)
        if any(isinstance(m, AfterValidator) and m.func is _non_blank for m in args[1:]):
            return True
        return _takes_text(args[0])
    if get_origin(annotation) in (Union, UnionType):
        return any(_takes_text(a) for a in get_args(annotation))
    return False


def _is_mapping(annotation: Any) -> bool:
    """Whether a field's type is (or may be) a dict, not a nested model."""
    if get_origin(annotation) is dict:
        return True
    return any(_is_mapping(a) for a in get_args(annotation))


def _field_takes_text(field: FieldInfo) -> bool:
    return any(isinstance(m, AfterValidator) and m.func is _non_blank for m in field.metadata) or (
        _takes_text(field.annotation)
    )


class Base(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Optional fields (or entries of an optional mapping) that held a placeholder where a
    # date, number or choice belongs: (key,) or (key, entry) -> what was typed. They load
    # as empty; dpia check reports them as gaps.
    _blanked: dict[tuple[str, ...], str] = PrivateAttr(default_factory=dict)

    @model_validator(mode="wrap")
    @classmethod
    def _placeholders(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        blanked: dict[tuple[str, ...], str] = {}
        if isinstance(data, Mapping):
            data = dict(data)
            for name, field in cls.model_fields.items():
                key = field.alias or name
                value = data.get(key)
                if field.is_required() or _field_takes_text(field):
                    continue
                if isinstance(value, str) and placeholders.is_placeholder(value):
                    blanked[(key,)] = value
                    data[key] = None
                elif isinstance(value, Mapping) and _is_mapping(field.annotation):
                    gone = {k: v for k, v in value.items()
                            if isinstance(v, str) and placeholders.is_placeholder(v)}
                    if gone:
                        blanked.update({(key, str(k)): v for k, v in gone.items()})
                        data[key] = {k: v for k, v in value.items() if k not in gone}
        result = handler(data)
        if blanked and isinstance(result, Base):
            result._blanked = blanked
        return result

    def recorded(self, name: str, entry: str | None = None) -> bool:
        """Whether the field (or an entry of a mapping field) holds an answer; a placeholder
        counts, as it is reported as a gap."""
        field = type(self).model_fields[name]
        key = field.alias or name
        value = getattr(self, name)
        if entry is None:
            return value is not None or (key,) in self._blanked
        return (isinstance(value, dict) and entry in value) or (key, entry) in self._blanked


def _one_or_each(what: str, example: str, allowed: str) -> Discriminator:
    """One value for every controller, or a mapping 'controller id: value' naming each."""
    return Discriminator(
        _basis_kind,
        custom_error_type=f"{what.replace(' ', '_')}_shape",
        custom_error_message=(
            f"must be one {what} for every controller (e.g. '{example}'), or one "
            f"'controller id: {what}' line per controller; allowed: {allowed}"
        ),
    )


def _basis_kind(value: Any) -> str | None:
    if isinstance(value, Mapping):
        return "__each__"
    return "__one__" if isinstance(value, str) else None


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
    # How long taking part takes, in whole minutes, per method used.
    participation_minutes: dict[Method, Annotated[int, Field(ge=1, le=24 * 60)]] = Field(
        default_factory=dict
    )
    # Organisation id -> what it brings to and gets from the project.
    contributions: dict[Slug, Text] = Field(default_factory=dict)
    changes_process: Text | None = None


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
    contract_reference: Text | None = None
    location: Text | None = None
    # It stores the data itself (a survey platform, cloud storage), not only handles it.
    holds_data: bool | None = None


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


Article9Answer = Annotated[
    Annotated[Article9Condition, Tag("__one__")]
    | Annotated[dict[Slug, Article9Condition], Tag("__each__")],
    _one_or_each(
        "condition", "special_category_condition: health_or_social_care",
        ", ".join(vocab.ARTICLE9_CONDITIONS),
    ),
]
Schedule1Answer = Annotated[
    Annotated[Text, Tag("__one__")] | Annotated[dict[Slug, Text], Tag("__each__")],
    _one_or_each(
        "condition", "schedule1_condition: Schedule 1, paragraph 4: research", "any text"
    ),
]


class InternationalTransfer(Base):
    country: Text
    safeguard: TransferSafeguard
    detail: Text | None = None
    # The organisation that receives or holds the data in that country; without it the
    # transfer belongs to the processors located there.
    organisation: Slug | None = None


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
    special_category_condition: Article9Answer | None = None
    schedule1_condition: Schedule1Answer | None = None
    mental_capacity: MentalCapacity | None = None
    capacity_approach: Text | None = None
    third_party_subjects: TextList = Field(default_factory=list)
    storage: Text
    international_transfers: list[InternationalTransfer] = Field(default_factory=list)
    retention: Annotated[list[Retention], Field(min_length=1)]
    anonymisation: Text | None = None
    small_number_threshold: Annotated[int, Field(ge=1, le=MAX_PARTICIPANTS)] | None = None
    withdrawal: Text
    security_measures: TextList = Field(default_factory=list)

    @property
    def may_lack_capacity(self) -> bool:
        return self.mental_capacity == "may_lack_capacity"


# --- sharing, findings, consultation, risks, sign-off ------------------------


class Flow(Base):
    id: KeyText
    from_: Slug = Field(alias="from")
    to: Slug
    data: Annotated[TextList, Field(min_length=1)]
    identifiability: Identifiability
    purpose: Text
    method: TransferMethod
    # With method 'other': what the method is, in the person's words.
    method_detail: Text | None = None
    frequency: Text | None = None
    # Absent: no agreement is recorded for this flow (the project's is not assumed).
    agreement: Text | None = None
    # The Article 6 basis for this flow when it differs from the sender's.
    lawful_basis: LawfulBasis | None = None
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
    # Who owns the final report and other outputs; absent means still to agree.
    outputs_owner: list[Slug] | None = None
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


class ConsultationReview(Base):
    name: Text
    role: Text
    date: IsoDate
    comments: Text | None = None


class DpoAdvice(Base):
    summary: Text
    # The DPO (or data protection lead) who gave the advice.
    given_by: Signatory | None = None
    accepted: bool
    # Who accepted or overruled the advice.
    by: Signatory | None = None
    reasons: Text | None = None


class Signoff(Base):
    measures_approved_by: Signatory | None = None
    residual_risks_approved_by: Signatory | None = None
    dpo_advice: DpoAdvice | None = None
    consultation_reviewed_by: ConsultationReview | None = None
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

    def condition_for(self, controller_id: str) -> Article9Condition | None:
        """The Article 9 condition a controller relies on (None when none is recorded)."""
        cond = self.processing.special_category_condition
        if isinstance(cond, dict):
            return cond.get(controller_id)
        return cond

    def schedule1_for(self, controller_id: str) -> str | None:
        """The Schedule 1 condition a controller relies on (None when none is recorded)."""
        cond = self.processing.schedule1_condition
        if isinstance(cond, dict):
            return cond.get(controller_id)
        return cond

    @property
    def conditions(self) -> dict[str, Article9Condition | None]:
        """Each controller's Article 9 condition, in controller order."""
        return {c: self.condition_for(c) for c in self.controller_ids}

    def flow_basis(self, flow: Flow) -> LawfulBasis | None:
        """A flow's Article 6 basis: its own, else the sending controller's (None if the
        sender is not a controller)."""
        if flow.lawful_basis is not None:
            return flow.lawful_basis
        return self.basis_for(flow.from_) if flow.from_ in self.controller_ids else None

    def minutes_for(self, method: str) -> int | None:
        """How long taking part by ``method`` takes, in minutes (None: not recorded)."""
        return next((n for m, n in self.project.participation_minutes.items() if m == method), None)

    def placeholders(self) -> list[tuple[Loc, str]]:
        """Every placeholder typed where a fact belongs: (location, what was typed)."""
        return list(placeholders.found(self))

    @property
    def is_draft(self) -> bool:
        return self.signoff is None or not self.signoff.complete


def _any_case(word: str) -> str:
    # Plain characters and "\?" only: valid in every regular-expression dialect editors use.
    return "".join(
        f"[{c.lower()}{c.upper()}]" if c.isalpha() else ("\\?" if c == "?" else c) for c in word
    )


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the answers file, for editors. Where a placeholder ('TBC',
    'unknown') loads in a field that is not text, the schema accepts it there too."""
    schema: dict[str, Any] = Project.model_json_schema(by_alias=True)
    words = "|".join(_any_case(w) for w in sorted(placeholders.PLACEHOLDERS))
    defs = schema.setdefault("$defs", {})
    defs["Placeholder"] = {
        "type": "string",
        "pattern": rf"^\s*({words})\s*$",
        "description": "a placeholder: loads, but is a gap that blocks sign-off",
    }
    models: list[type[Base]] = []
    todo: list[type[Base]] = [Project]
    while todo:
        cls = todo.pop()
        if cls in models:
            continue
        models.append(cls)
        for field in cls.model_fields.values():
            todo += [t for t in _models_in(field.annotation) if t not in models]
    for cls in models:
        node = schema if cls is Project else defs.get(cls.__name__)
        if node is None:
            continue
        props = node.get("properties", {})
        for name, field in cls.model_fields.items():
            key = field.alias or name
            if key in props and not field.is_required() and not _field_takes_text(field):
                prop = props[key]
                for arm in prop.get("anyOf", [prop]):
                    if isinstance(arm.get("additionalProperties"), dict):  # a mapping's entries
                        arm["additionalProperties"] = {
                            "anyOf": [arm["additionalProperties"], {"$ref": "#/$defs/Placeholder"}]
                        }
                extra = {k: prop.pop(k) for k in ("title", "description", "default") if k in prop}
                props[key] = {**extra, "anyOf": [prop, {"$ref": "#/$defs/Placeholder"}]}
    return schema


def _models_in(annotation: Any) -> list[type[Base]]:
    if isinstance(annotation, type) and issubclass(annotation, Base):
        return [annotation]
    return [m for arg in get_args(annotation) for m in _models_in(arg)]


__all__ = [
    "Loc",
    "Project",
    "json_schema",
    "path_text",
    "problems_with_lines",
]
