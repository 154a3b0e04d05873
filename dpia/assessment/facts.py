"""Facts more than one document states, computed once from the answers (pure).

The DPIA, the privacy-notice section, the participant texts, the agreement record and
the register rows all read these, so a fact is worked out in one place and worded the
same way everywhere:

* :func:`holdings`: who collects the data and who holds a full or a coded record of it;
* :func:`roles`: each organisation's one data protection role in this project;
* :func:`flow_facts`: for each flow, its lawful basis, the agreement or processor contract
  that covers it (none when none is recorded), its processor and the transfers it carries;
* :func:`transfer_holders` / :func:`transfers_of`: which organisation each transfer
  outside the UK belongs to;
* :func:`grounds`: each controller's lawful basis and conditions;
* :func:`measures_by_risk`: which listed security measures answer which risk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dpia.answers import vocab
from dpia.answers.vocab import Article9Condition, LawfulBasis

if TYPE_CHECKING:
    from dpia.answers.model import Flow, InternationalTransfer, Processor, Project, Retention
    from dpia.assessment.risks import Risk


def _same_country(country: str, location: str | None) -> bool:
    """'United States' matches a processor located in 'United States' or 'Seattle, United
    States' (the country is the location, or its last part)."""
    if not location:
        return False
    a = " ".join(country.casefold().split())
    b = " ".join(location.casefold().split())
    return bool(a) and (a == b or b.split(",")[-1].strip() == a)


def transfer_holders(p: Project, transfer: InternationalTransfer) -> list[str]:
    """The organisations a transfer belongs to: its own 'organisation', else the processors
    located in that country (none: a gap)."""
    if transfer.organisation is not None:
        return [transfer.organisation]
    return [
        proc.organisation
        for proc in p.data_protection.processors
        if _same_country(transfer.country, proc.location)
    ]


@dataclass(frozen=True)
class Grounds:
    """The law one controller relies on: its Article 6 basis and, when special-category data
    is processed, its Article 9 condition and Schedule 1 condition (None: not recorded)."""

    controller: str
    basis: LawfulBasis
    condition: Article9Condition | None
    schedule1: str | None


def grounds(p: Project) -> list[Grounds]:
    """Each controller's lawful basis and conditions, in controller order."""
    special = bool(p.processing.special_category)
    return [
        Grounds(
            c,
            p.basis_for(c),
            p.condition_for(c) if special else None,
            p.schedule1_for(c) if special else None,
        )
        for c in p.controller_ids
    ]


def grouped_grounds(p: Project) -> list[tuple[list[str], Grounds]]:
    """Controllers that rely on exactly the same law, grouped (controller ids, their grounds)."""
    groups: dict[tuple[str, str | None, str | None], tuple[list[str], Grounds]] = {}
    for g in grounds(p):
        key = (g.basis, g.condition, None if g.schedule1 is None else str.__str__(g.schedule1))
        groups.setdefault(key, ([], g))[0].append(g.controller)
    return list(groups.values())


def condition_groups(p: Project) -> list[tuple[list[str], Article9Condition | None, str | None]]:
    """Controllers relying on the same Article 9 and Schedule 1 conditions, grouped
    (controller ids, condition, Schedule 1 condition); empty without special-category data."""
    if not p.processing.special_category:
        return []
    groups: dict[tuple[str | None, str | None], tuple[list[str], Article9Condition | None, str | None]]
    groups = {}
    for g in grounds(p):
        key = (g.condition, None if g.schedule1 is None else str.__str__(g.schedule1))
        groups.setdefault(key, ([], g.condition, g.schedule1))[0].append(g.controller)
    return list(groups.values())


def transfers_of(p: Project, org_id: str) -> list[InternationalTransfer]:
    """The transfers outside the UK that belong to one organisation."""
    return [t for t in p.processing.international_transfers if org_id in transfer_holders(p, t)]


# --- roles ------------------------------------------------------------------------------

# One role per organisation; words in vocab.DATA_PROTECTION_ROLES.
ROLE_ORDER = ("joint_controller", "controller", "processor", "recipient", "anonymised_only", "none")


def roles(p: Project) -> dict[str, str]:
    """Each organisation's data protection role in this project, used identically by the
    DPIA, the agreement record and the register: a controller (joint when the arrangement is
    joint), a processor, a recipient of personal data (which becomes a controller of the copy
    it receives), a recipient of anonymised or aggregate data only, or no personal data."""
    controllers = set(p.controller_ids)
    joint = p.data_protection.controllers.arrangement == "joint"
    processors = set(p.processor_ids)
    personal = {f.to for f in p.sharing if f.is_personal}
    other = {f.to for f in p.sharing if not f.is_personal}
    out: dict[str, str] = {}
    for org_id in p.org_ids:
        if org_id in controllers:
            out[org_id] = "joint_controller" if joint else "controller"
        elif org_id in processors:
            out[org_id] = "processor"
        elif org_id in personal:
            out[org_id] = "recipient"
        elif org_id in other:
            out[org_id] = "anonymised_only"
        else:
            out[org_id] = "none"
    return out


# --- who collects and who holds the data ---------------------------------------------------


@dataclass(frozen=True)
class Holdings:
    """Who keeps the participants' data (organisation ids, in the order of the file)."""

    full_record: list[str]  # controllers that hold identifiable data
    coded_record: list[str]  # organisations that receive pseudonymised data only
    processors: list[str]  # processors that hold the data on the controllers' behalf

    @property
    def full_record_keepers(self) -> list[str]:
        """Everyone who keeps a full record: the controllers, then processors holding it."""
        return [*self.full_record, *self.processors]


def holdings(p: Project) -> Holdings:
    controllers = p.controller_ids
    processors = set(p.processor_ids)
    personal = [f for f in p.sharing if f.is_personal]
    identifiable_in = {f.to for f in personal if f.identifiability == "identifiable"}
    # A controller that sends personal data on holds it; a controller that receives
    # identifiable data holds it; a processor's upload ends with the controller it serves.
    holds = {f.from_ for f in personal if f.from_ in controllers} | (identifiable_in & set(controllers))
    full = [c for c in controllers if c in holds] or list(controllers)
    coded_in = {f.to for f in personal if f.identifiability == "pseudonymised"}
    coded = [o for o in p.org_ids if o in coded_in and o not in full and o not in processors]
    held_by_processor = [
        proc.organisation for proc in p.data_protection.processors
        if proc.holds_data or any(proc.organisation in (f.from_, f.to) for f in personal)
    ]
    return Holdings(full, coded, held_by_processor)


# --- flows -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlowFacts:
    """What every document says about one flow."""

    flow: Flow
    number: int  # 1-based, as in the DPIA's table and Figure 1
    basis: LawfulBasis | None  # the flow's own, else its controller's (None: not known)
    basis_own: bool  # the flow records a basis of its own
    controller: str | None  # the controller whose basis and conditions apply
    condition: Article9Condition | None
    schedule1: str | None
    agreement: str | None  # the agreement recorded for this flow (never the project's)
    processor: Processor | None  # the processor at either end, if any
    transfers: list[InternationalTransfer] = field(default_factory=list)
    retention: list[Retention] = field(default_factory=list)  # kept by the recipient

    @property
    def processor_contract(self) -> str | None:
        """'yes' / 'no' for a processor flow, None when no processor is involved."""
        if self.processor is None:
            return None
        return "yes" if self.processor.contract_in_place else "no"

    @property
    def contract_reference(self) -> str | None:
        if self.processor is None or not self.processor.contract_in_place:
            return None
        return self.processor.contract_reference

    @property
    def covered(self) -> bool:
        """An agreement is recorded for it, or its processor has a contract."""
        return bool(self.agreement) or self.processor_contract == "yes"


_WORD = re.compile(r"[a-z]{4,}")
_COMMON = frozenset({"data", "including", "with", "from", "after", "each", "only", "their"})


def _words(text: str) -> set[str]:
    words = {w.rstrip("s") for w in _WORD.findall(str.__str__(text).casefold())}
    return words - _COMMON


def recipient_retention(p: Project, flow: Flow) -> list[Retention]:
    """The retention entries that concern what this flow sends: those whose 'data' shares a
    word with the flow's data items (none for anonymised or aggregate data)."""
    if not flow.is_personal:
        return []
    sent = set().union(*(_words(d) for d in flow.data)) if flow.data else set()
    return [r for r in p.processing.retention if _words(r.data) & sent]


def flow_facts(p: Project) -> list[FlowFacts]:
    controllers = p.controller_ids
    procs = {x.organisation: x for x in p.data_protection.processors}
    special = bool(p.processing.special_category)
    out = []
    for n, flow in enumerate(p.sharing, start=1):
        controller = next((o for o in (flow.from_, flow.to) if o in controllers), None)
        basis = flow.lawful_basis or (p.basis_for(controller) if controller else None)
        processor = procs.get(flow.to) or procs.get(flow.from_)
        out.append(FlowFacts(
            flow=flow,
            number=n,
            basis=basis,
            basis_own=flow.lawful_basis is not None,
            controller=controller,
            condition=p.condition_for(controller) if controller and special else None,
            schedule1=p.schedule1_for(controller) if controller and special else None,
            agreement=flow.agreement,
            processor=processor,
            transfers=transfers_of(p, flow.to) if flow.is_personal else [],
            retention=recipient_retention(p, flow),
        ))
    return out


# --- security measures and risks -------------------------------------------------------------

# Which risks a security measure can answer, by the words it uses.
_MEASURE_WORDS: dict[str, tuple[str, ...]] = {
    "special-category": ("encrypt", "access", "password", "multi-factor", "mfa", "two-factor",
                         "pseudonym", "role", "permission", "locked"),
    "large-scale": ("encrypt", "access", "multi-factor", "mfa", "breach", "backup"),
    "insecure-transfer": ("encrypt", "sftp", "nhsmail", "secure", "transfer", "portal"),
    "recordings": ("record", "audio", "video", "transcri", "delete"),
    "free-text": ("redact", "remove", "identif", "pseudonym", "anonymis"),
    "small-numbers": ("suppress", "small number", "fewer than"),
    "retention-unclear": ("delete", "deletion", "destroy", "retention"),
    "international-transfer": ("encrypt", "uk-hosted", "hosted in the uk", "transfer"),
}


def _rule_of(risk_id: str) -> str:
    for rule in _MEASURE_WORDS:
        if risk_id == rule or risk_id.startswith(f"{rule}-"):
            return rule
    return risk_id


def measures_by_risk(p: Project, risks: list[Risk] | tuple[Risk, ...]) -> dict[str, list[str]]:
    """For each risk, the listed security measures (processing.security_measures) that bear
    on it, in the order listed. A risk no listed measure answers is left out."""
    out: dict[str, list[str]] = {}
    for r in risks:
        words = _MEASURE_WORDS.get(_rule_of(r.id), ())
        found = [m for m in p.processing.security_measures
                 if any(w in str.__str__(m).casefold() for w in words)]
        if found:
            out[r.id] = found
    return out


def risks_by_measure(p: Project, risks: list[Risk] | tuple[Risk, ...]) -> list[tuple[str, list[str]]]:
    """Each listed security measure with the ids of the risks it answers."""
    linked = measures_by_risk(p, risks)
    return [(m, [r for r, ms in linked.items() if m in ms]) for m in p.processing.security_measures]


# --- commissioned work ------------------------------------------------------------------------

# A decision process that gives someone approval of the findings ("approves", "signs off").
_APPROVAL = re.compile(r"\b(approv\w*|sign\w* off|signs? them off|veto\w*)\b", re.IGNORECASE)


def independence_concerns(p: Project) -> list[str]:
    """What, in a commissioned project, leaves the Healthwatch's independence unclear:
    'email_agreement' (the terms were agreed only by email) and 'commissioner_approves'
    (the decision process names the commissioner next to approving the findings).
    Empty for a project nobody commissioned."""
    commissioner = p.project.commissioned_by
    if commissioner is None:
        return []
    out = []
    agreement = p.project.agreement
    if agreement is not None and agreement.form == "email":
        out.append("email_agreement")
    text = str.__str__(p.findings.decision_process)
    names = [commissioner]
    if commissioner in p.org_ids:
        names.append(str.__str__(p.org(commissioner).name))
    named = any(n.casefold() in text.casefold() for n in names) or re.search(
        r"\bcommission(er|ers|ing body)\b", text, re.IGNORECASE)
    if named and _APPROVAL.search(text):
        out.append("commissioner_approves")
    return out


# --- who gives data protection advice ----------------------------------------------------------


def dp_adviser(p: Project, short: bool = False) -> str:
    """What the DPIA and the gaps call the person who advises on data protection: the
    Data Protection Officer ('DPO' when short) of the controller participants contact
    (data_protection.dpo_for_participants) when it has one, else its data protection lead.
    Only an organisation that has appointed a DPO may be said to have one."""
    org_id = p.data_protection.dpo_for_participants
    has_dpo = org_id in p.org_ids and p.org(org_id).dpo is not None
    if has_dpo:
        return "DPO" if short else "Data Protection Officer"
    return "data protection lead"


# --- withdrawal -----------------------------------------------------------------------------

# A withdrawal answer that sets a deadline ("until 1 July", "before analysis begins").
_DEADLINE = re.compile(r"\b(until|till|before|no later than|deadline|up to)\b", re.IGNORECASE)
_AFTER = re.compile(r"\b(after|afterwards|from then|once)\b", re.IGNORECASE)
_CANNOT = re.compile(r"\b(cannot|can ?not|can't|no longer|not possible|not be|stays?|remains?)\b",
                     re.IGNORECASE)


def withdrawal_deadline(p: Project) -> bool:
    """The withdrawal answer sets a deadline for taking answers back."""
    return bool(_DEADLINE.search(str.__str__(p.processing.withdrawal)))


_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November"
           "|December")
_LAST_DAY = re.compile(
    rf"\b(?:until|till|before|no later than|deadline|up to)\b\W+(?:the\s+)?"
    rf"(\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}}"
    rf"|\d{{1,2}}/\d{{1,2}}/\d{{4}})",
    re.IGNORECASE,
)


def withdrawal_last_day(p: Project) -> str | None:
    """The date the withdrawal answer gives as its deadline, as written ('1 July 2026'), when
    it gives one right after 'until', 'before' and the like; None otherwise."""
    found = _LAST_DAY.search(str.__str__(p.processing.withdrawal))
    return found.group(1) if found else None


def withdrawal_mentions_groups(p: Project) -> bool:
    """The withdrawal answer says how it works for a group discussion."""
    return bool(re.search(r"\b(group|focus|discussion)", str.__str__(p.processing.withdrawal),
                          re.IGNORECASE))


def withdrawal_explained(p: Project) -> bool:
    """The withdrawal answer says what happens after its deadline: what can still be
    withdrawn and what cannot (e.g. answers already anonymised and analysed)."""
    text = str.__str__(p.processing.withdrawal)
    return bool(_AFTER.search(text) and _CANNOT.search(text))


# --- suppression of small numbers -------------------------------------------------------------

_SUPPRESSION = re.compile(r"\b(suppress\w*|fewer than|not publish\w*|withh[eo]ld\w*)", re.IGNORECASE)


def anonymisation_mentions_suppression(p: Project) -> bool:
    """The anonymisation answer states a rule for suppressing small numbers."""
    return bool(p.processing.anonymisation
                and _SUPPRESSION.search(str.__str__(p.processing.anonymisation)))


# "fewer than five" states the threshold 5 as well as "fewer than 5" does
_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                 "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
                 "seventeen", "eighteen", "nineteen", "twenty")


def anonymisation_states_threshold(p: Project) -> bool:
    """The anonymisation answer already states the small-number rule with the threshold
    recorded in 'small_number_threshold' (so the documents state it once, in those words)."""
    pr = p.processing
    if not pr.anonymisation or pr.small_number_threshold is None:
        return False
    text = str.__str__(pr.anonymisation)
    n = pr.small_number_threshold
    number = rf"{n}|{_NUMBER_WORDS[n]}" if n < len(_NUMBER_WORDS) else str(n)
    return anonymisation_mentions_suppression(p) and bool(
        re.search(rf"\b(?:{number})\b", text, re.IGNORECASE))


# --- anonymous collection (UK GDPR Article 11) ------------------------------------------------

# Personal data items that identify a person directly.
IDENTIFIERS = ("name", "contact_details", "address", "date_of_birth", "nhs_number",
               "audio_recordings", "video_recordings", "photographs")


def collection_identity(p: Project) -> str:
    """How identifiable what is collected is: 'identified' (an identifier such as a name,
    contact details or a recording is collected, or an item in words of its own that may be
    one), 'free_text' (no identifier, but people's
    own words, which can identify them or others) or 'anonymous' (neither)."""
    items = {str.__str__(i) for i in p.processing.personal_data}
    # An item typed in words of its own ('email address') may identify people: no claim.
    if items & set(IDENTIFIERS) or items - set(vocab.PERSONAL_DATA):
        return "identified"
    return "free_text" if "free_text_experiences" in items else "anonymous"


# --- research and mental capacity ---------------------------------------------------------------


def research_controllers(p: Project) -> list[str]:
    """The controllers whose special-category condition is research (Article 9(2)(j)): the
    only way the answers record that the project is research."""
    if not p.processing.special_category:
        return []
    return [c for c, cond in p.conditions.items() if cond == "archiving_research_statistics"]


_TAKE_BACK = re.compile(r"\b(withdraw\w*|take back|taken back|remove\w*|delete\w*)\b", re.IGNORECASE)


def anonymous_withdrawal_promised(p: Project) -> bool:
    """No identifier is collected, yet the withdrawal answer offers to take answers back
    (without saying that they cannot be found once given)."""
    text = str.__str__(p.processing.withdrawal)
    return (collection_identity(p) != "identified" and bool(_TAKE_BACK.search(text))
            and not _CANNOT.search(text))
