"""Every fixed vocabulary of format dpia-answers/1, with its plain-English wording.

Prompts, templates and register dropdowns all read their labels from here, so
a choice is worded the same way everywhere. Each ``Literal`` type is the set of
codes the answers file accepts; the matching dict gives the wording.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

FORMAT: Final = "dpia-answers/1"

# --- project -----------------------------------------------------------------

Method = Literal[
    "online_survey",
    "paper_survey",
    "telephone_survey",
    "focus_group",
    "interview",
    "engagement_event",
    "enter_and_view",
    "other",
]
METHODS: Final[dict[str, str]] = {
    "online_survey": "online survey",
    "paper_survey": "paper survey",
    "telephone_survey": "telephone survey",
    "focus_group": "focus groups",
    "interview": "interviews",
    "engagement_event": "engagement events",
    "enter_and_view": "Enter and View visits",
    "other": "other methods",
}
SURVEY_METHODS: Final = ("online_survey", "paper_survey", "telephone_survey")

AgreementForm = Literal[
    "email",
    "memorandum_of_understanding",
    "collaboration_agreement",
    "terms_of_reference",
    "data_sharing_agreement",
    "contract",
]
AGREEMENT_FORMS: Final[dict[str, str]] = {
    "email": "confirming email",
    "memorandum_of_understanding": "memorandum of understanding",
    "collaboration_agreement": "collaboration agreement",
    "terms_of_reference": "terms of reference",
    "data_sharing_agreement": "data sharing agreement",
    "contract": "contract",
}

CHECKIN_MILESTONES: Final[dict[str, str]] = {
    "planning": "planning",
    "fieldwork": "fieldwork",
    "analysis_and_findings": "analysis and findings",
    "recommendations": "recommendations",
    "publication": "publication",
}

# --- organisations -----------------------------------------------------------

OrgType = Literal[
    "healthwatch",
    "nhs_trust",
    "icb",
    "gp_practice",
    "local_authority",
    "voluntary",
    "university",
    "commercial",
    "other",
]
ORG_TYPES: Final[dict[str, str]] = {
    "healthwatch": "local Healthwatch",
    "nhs_trust": "NHS trust",
    "icb": "integrated care board",
    "gp_practice": "GP practice",
    "local_authority": "local authority (council)",
    "voluntary": "voluntary or community organisation (charity)",
    "university": "university",
    "commercial": "company",
    "other": "other organisation",
}
# Public authorities must appoint a Data Protection Officer (UK GDPR Article 37).
PUBLIC_AUTHORITY_TYPES: Final = frozenset(
    {"nhs_trust", "icb", "gp_practice", "local_authority", "university"}
)

# --- data protection roles ---------------------------------------------------

Arrangement = Literal["sole", "joint", "independent"]
ARRANGEMENTS: Final[dict[str, str]] = {
    "sole": "one data controller",
    "joint": "joint controllers (Article 26)",
    "independent": "separate, independent controllers",
}

LawfulBasis = Literal[
    "consent",
    "contract",
    "legal_obligation",
    "vital_interests",
    "public_task",
    "legitimate_interests",
]
LAWFUL_BASES: Final[dict[str, str]] = {
    "consent": "consent (Article 6(1)(a))",
    "contract": "contract (Article 6(1)(b))",
    "legal_obligation": "legal obligation (Article 6(1)(c))",
    "vital_interests": "vital interests (Article 6(1)(d))",
    "public_task": "public task (Article 6(1)(e))",
    "legitimate_interests": "legitimate interests (Article 6(1)(f))",
}

SpecialCategory = Literal[
    "health",
    "racial_or_ethnic_origin",
    "religion",
    "political_opinions",
    "trade_union",
    "genetic",
    "biometric",
    "sex_life",
    "sexual_orientation",
]
SPECIAL_CATEGORIES: Final[dict[str, str]] = {
    "health": "health",
    "racial_or_ethnic_origin": "racial or ethnic origin",
    "religion": "religious or philosophical beliefs",
    "political_opinions": "political opinions",
    "trade_union": "trade union membership",
    "genetic": "genetic data",
    "biometric": "biometric data used to identify people",
    "sex_life": "sex life",
    "sexual_orientation": "sexual orientation",
}
SPECIAL_CATEGORY_ALIASES: Final[dict[str, str]] = {"ethnicity": "racial_or_ethnic_origin"}

Article9Condition = Literal[
    "explicit_consent",
    "employment",
    "vital_interests",
    "not_for_profit_body",
    "made_public",
    "legal_claims",
    "substantial_public_interest",
    "health_or_social_care",
    "public_health",
    "archiving_research_statistics",
]
ARTICLE9_CONDITIONS: Final[dict[str, str]] = {
    "explicit_consent": "explicit consent (Article 9(2)(a))",
    "employment": "employment, social security and social protection (Article 9(2)(b))",
    "vital_interests": "vital interests (Article 9(2)(c))",
    "not_for_profit_body": "not-for-profit bodies (Article 9(2)(d))",
    "made_public": "made public by the person (Article 9(2)(e))",
    "legal_claims": "legal claims (Article 9(2)(f))",
    "substantial_public_interest": "substantial public interest (Article 9(2)(g))",
    "health_or_social_care": "health or social care (Article 9(2)(h))",
    "public_health": "public health (Article 9(2)(i))",
    "archiving_research_statistics": (
        "archiving, research and statistics (Article 9(2)(j))"
    ),
}
# Conditions that need a Data Protection Act 2018 Schedule 1 condition as well.
NEEDS_SCHEDULE1: Final = frozenset(
    {
        "substantial_public_interest",
        "health_or_social_care",
        "public_health",
        "archiving_research_statistics",
        "employment",
    }
)

MentalCapacity = Literal["not_expected", "may_lack_capacity"]
MENTAL_CAPACITY: Final[dict[str, str]] = {
    "not_expected": "all participants are expected to have capacity to consent",
    "may_lack_capacity": "some participants may lack capacity to consent (Mental Capacity Act 2005)",
}

TransferSafeguard = Literal["adequacy", "idta", "addendum", "binding_corporate_rules", "derogation"]
TRANSFER_SAFEGUARDS: Final[dict[str, str]] = {
    "adequacy": "UK adequacy regulations",
    "idta": "International Data Transfer Agreement (IDTA)",
    "addendum": "UK Addendum to the EU standard contractual clauses",
    "binding_corporate_rules": "binding corporate rules",
    "derogation": "an Article 49 exception (derogation)",
}

# --- processing --------------------------------------------------------------

DATA_SUBJECTS: Final[dict[str, str]] = {
    "patients": "patients",
    "carers": "unpaid carers",
    "service_users": "people who use services",
    "public": "members of the public",
    "staff": "staff",
    "volunteers": "volunteers",
    "children": "children and young people",
    "care_home_residents": "care home residents",
}

PERSONAL_DATA: Final[dict[str, str]] = {
    "name": "name",
    "contact_details": "contact details",
    "age_band": "age band",
    "date_of_birth": "date of birth",
    "gender": "gender",
    "postcode_district": "postcode district",
    "address": "address",
    "free_text_experiences": "experiences described in their own words",
    "audio_recordings": "audio recordings",
    "video_recordings": "video recordings",
    "photographs": "photographs",
    "nhs_number": "NHS number",
}

# --- sharing -----------------------------------------------------------------

Identifiability = Literal["identifiable", "pseudonymised", "anonymised", "aggregate"]
IDENTIFIABILITY: Final[dict[str, str]] = {
    "identifiable": "identifiable",
    "pseudonymised": "pseudonymised",
    "anonymised": "anonymised",
    "aggregate": "aggregate figures only",
}
PERSONAL_IDENTIFIABILITY: Final = frozenset({"identifiable", "pseudonymised"})

TransferMethod = Literal[
    "sftp",
    "secure_download",
    "secure_portal",
    "nhsmail",
    "encrypted_email",
    "shared_workspace",
    "protected_link",
    "open_link",
    "email",
    "in_person",
    "post",
    "verbal",
    "other",
]
TRANSFER_METHODS: Final[dict[str, str]] = {
    "sftp": "secure file transfer (SFTP)",
    "secure_download": "secure download",
    "secure_portal": "secure portal",
    "nhsmail": "NHSmail",
    "encrypted_email": "encrypted email",
    "shared_workspace": "shared workspace with access control",
    "protected_link": "file-sharing link limited to named people (sign-in or separate password, expiry date)",
    "open_link": "open file-sharing link (anyone who has the link can open it)",
    "email": "ordinary (unencrypted) email",
    "in_person": "handed over in person",
    "post": "post",
    "verbal": "spoken (verbal)",
    "other": "another method, not one of those listed",
}
# "other" is treated as not secure until the method is described as one of the listed ones.
INSECURE_METHODS: Final = frozenset({"email", "open_link", "post", "verbal", "other"})

# --- risks -------------------------------------------------------------------

Likelihood = Literal["remote", "possible", "probable"]
LIKELIHOODS: Final[dict[str, str]] = {
    "remote": "remote",
    "possible": "possible",
    "probable": "probable",
}
LIKELIHOOD_SCORE: Final[dict[str, int]] = {"remote": 1, "possible": 2, "probable": 3}

Severity = Literal["minimal", "significant", "severe"]
SEVERITIES: Final[dict[str, str]] = {
    "minimal": "minimal",
    "significant": "significant",
    "severe": "severe",
}
SEVERITY_SCORE: Final[dict[str, int]] = {"minimal": 1, "significant": 2, "severe": 3}

Effect = Literal["eliminated", "reduced", "accepted"]
EFFECTS: Final[dict[str, str]] = {
    "eliminated": "eliminated",
    "reduced": "reduced",
    "accepted": "accepted",
}

Level = Literal["low", "medium", "high"]
LEVELS: Final[dict[str, str]] = {"low": "low", "medium": "medium", "high": "high"}


def level_for_score(score: int) -> Level:
    """Score = likelihood x severity: 1-2 low, 3-4 medium, 6-9 high."""
    if score <= 2:
        return "low"
    if score <= 4:
        return "medium"
    return "high"


def codes(literal: object) -> tuple[str, ...]:
    """The codes of a ``Literal`` type, in declaration order."""
    return tuple(str(a) for a in get_args(literal))


def label(table: dict[str, str], code: str) -> str:
    """Plain-English wording for ``code``; free text is used as written."""
    return table.get(code, code)


# --- rights of the people whose data is used -----------------------------------

Right = Literal[
    "access",
    "rectification",
    "restriction",
    "erasure",
    "erasure_limited",
    "portability",
    "object",
    "withdraw_consent",
]
# Formal names, for the privacy-notice section and the partnership agreement.
RIGHTS: Final[dict[str, str]] = {
    "access": "the right of access (to a copy of your information)",
    "rectification": "the right to rectification (to have wrong information corrected)",
    "restriction": "the right to restrict processing (to limit how it is used)",
    "erasure": "the right to erasure (to have your information deleted)",
    "erasure_limited": ("a limited right to erasure (information still needed for the task in "
                        "the public interest or the legal duty is kept; it must be deleted once "
                        "it is no longer needed, or if it was used unlawfully: UK GDPR Article "
                        "17(3)(b))"),
    "portability": "the right to data portability (to get your information in a form you can reuse)",
    "object": "the right to object (to ask us to stop using your information)",
    "withdraw_consent": "the right to withdraw consent at any time",
}
# Everyday wording, for participant texts: each completes "You can ...".
RIGHTS_PLAIN: Final[dict[str, str]] = {
    "access": "ask us for a copy of what we hold about you",
    "rectification": "ask us to correct anything that is wrong",
    "restriction": "ask us to limit how we use it",
    "erasure": "ask us to delete it",
    "erasure_limited": "ask us to delete what we no longer need for this work",
    "portability": "ask for it in a form you can pass to someone else",
    "object": "ask us to stop using it",
    "withdraw_consent": "change your mind and withdraw your agreement",
}
# UK GDPR Articles 15-21: these three apply whatever the lawful basis.
ALWAYS_RIGHTS: Final[tuple[Right, ...]] = ("access", "rectification", "restriction")
# The rights that depend on the Article 6 basis (the regulator's table; under a public task
# or a legal duty, erasure is limited by Article 17(3)(b) rather than absent).
RIGHTS_BY_BASIS: Final[dict[str, tuple[Right, ...]]] = {
    "consent": ("erasure", "portability", "withdraw_consent"),
    "contract": ("erasure", "portability"),
    "legal_obligation": ("erasure_limited",),
    "vital_interests": ("erasure",),
    "public_task": ("erasure_limited", "object"),
    "legitimate_interests": ("erasure", "object"),
}
# Explicit consent under Article 9 can be withdrawn whatever the Article 6 basis.
CONSENT_CONDITIONS: Final = frozenset({"explicit_consent"})


def rights_for(basis: str, article9_condition: str | None = None) -> tuple[Right, ...]:
    """The rights that apply to processing on ``basis``, in the order of :data:`RIGHTS`."""
    held: set[Right] = {*ALWAYS_RIGHTS, *RIGHTS_BY_BASIS[basis]}
    if article9_condition in CONSENT_CONDITIONS:
        held.add("withdraw_consent")
    return tuple(r for r in get_args(Right) if r in held)


# --- participant information ---------------------------------------------------

# Methods that get a full information sheet, with the sheet's file name.
INFORMATION_SHEETS: Final[dict[str, str]] = {
    "focus_group": "focus-group",
    "interview": "interview",
    "engagement_event": "engagement-event",
    "enter_and_view": "enter-and-view",
}
# Surveys people fill in themselves; a telephone survey is read aloud instead.
SELF_COMPLETED_SURVEYS: Final = ("online_survey", "paper_survey")
# What the lawful basis means, in everyday words: completes "... relies on X: ...".
LAWFUL_BASES_PLAIN: Final[dict[str, str]] = {
    "consent": "you have agreed to it",
    "contract": "it is needed for a contract with you",
    "legal_obligation": "the law requires it",
    "vital_interests": "it is needed to protect someone's life",
    "public_task": "it is part of official work done in the public interest",
    "legitimate_interests": "it has a legitimate interest, balanced against your rights",
}
# How identifiable shared data is, as a sentence about the people in it.
IDENTIFIABILITY_PLAIN: Final[dict[str, str]] = {
    "identifiable": "This can identify you.",
    "pseudonymised": "Names are replaced by a code.",
    "anonymised": "No one can be identified from it.",
    "aggregate": "These are totals only, so no one can be identified.",
}
INFORMATION_SHEET_TITLES: Final[dict[str, str]] = {
    "focus_group": "Taking part in a focus group",
    "interview": "Taking part in an interview",
    "engagement_event": "Talking to us at an event",
    "enter_and_view": "Our Enter and View visit",
}
# The part each organisation plays in a partnership.
PARTNER_ROLES: Final[dict[str, str]] = {
    "commissioning": "commissioning",
    "collaborating": "collaborating",
    "processing": "processing (acts only on the controllers' instructions)",
}
# Each organisation's one role in a project (dpia.assessment.facts.roles): the DPIA, the
# agreement record and the register's "Recipient's role" column all use these words.
DATA_PROTECTION_ROLES: Final[dict[str, str]] = {
    "controller": "data controller",
    "joint_controller": "joint controller",
    "processor": "processor",
    "recipient": "receives personal data (a controller of the copy it receives)",
    "anonymised_only": "receives anonymised or aggregate data only",
    "none": "no personal data",
}
# Short names of the rights, for tables.
RIGHT_NAMES: Final[dict[str, str]] = {
    "access": "access",
    "rectification": "rectification",
    "restriction": "restriction",
    "erasure": "erasure",
    "erasure_limited": "deletion once no longer needed (limited)",
    "portability": "portability",
    "object": "to object",
    "withdraw_consent": "to withdraw consent",
}
# --- data-sharing register ---------------------------------------------------
# Fixed choices of register columns (dropdown lists); see registers/*.yaml.

REGISTER_STATUSES: Final[dict[str, str]] = {
    "planned": "planned",
    "active": "active",
    "ended": "ended",
}
RECIPIENT_RELATIONSHIPS: Final[dict[str, str]] = DATA_PROTECTION_ROLES
DPIA_VERDICTS: Final[dict[str, str]] = {
    "required": "required",
    "recommended": "recommended",
    "not required": "not required",
}
YES_NO: Final[dict[str, str]] = {"yes": "yes", "no": "no"}
YES_NO_NA: Final[dict[str, str]] = {"yes": "yes", "no": "no", "not_applicable": "not applicable"}


# --- ids of the risks the tool derives -----------------------------------------------
# The answers file may record the assessment of a derived risk under its id (see
# dpia.assessment.risk_rules, whose rule table must give exactly these ids; a test holds
# the two together). Rules that give one risk per flow, processor or country carry a suffix.
RISK_RULE_IDS = frozenset({
    "children", "findings-suppressed", "free-text", "insecure-transfer", "international-transfer",
    "joint-controllers", "large-scale", "mental-capacity", "no-processor-contract", "partner-reuse",
    "recordings", "retention-unclear", "rights-owner", "small-numbers", "special-category",
    "third-party-subjects", "vulnerable-people",
})
PER_INSTANCE_RISKS = frozenset({"insecure-transfer", "no-processor-contract", "international-transfer"})


def is_rule_id(risk_id: str) -> bool:
    """Whether an id names a risk the rules can derive (whether or not it fires now)."""
    return risk_id in RISK_RULE_IDS or any(risk_id.startswith(f"{rule}-") for rule in PER_INSTANCE_RISKS)
