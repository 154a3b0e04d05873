"""The rule table that derives risks from the answers, as data.

Each :class:`Rule` says when it fires (a function of the project that returns
one :class:`Hit` per instance), the harm to people, default likelihood and
severity, and suggested measures. Per-flow, per-processor and per-country
rules produce one risk each, with that id in the risk id. The wording and
defaults follow the reference table of derived risks; the engine that applies
recorded assessments and scores them is :mod:`dpia.assessment.risks`.

Pure: no I/O, no clock.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from dpia.answers import placeholders, vocab
from dpia.answers.vocab import Likelihood, Severity

if TYPE_CHECKING:
    from dpia.answers.model import Project

Kind = Literal["people", "organisation"]


@dataclass(frozen=True)
class Hit:
    """One instance of a rule firing."""

    suffix: str = ""
    triggers: tuple[str, ...] = ()
    likelihood: Likelihood | None = None
    severity: Severity | None = None
    harm: str | None = None  # the rule's harm, worded for what this hit found
    # What tells this instance from the rule's others, added to the title when the rule
    # fires more than once ("Processor without a contract: FormsCo Ltd").
    label: str = ""


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    harm: str
    likelihood: Likelihood
    severity: Severity
    measures: tuple[str, ...]
    fires: Callable[[Project], list[Hit]]
    kind: Kind = "people"


# --- triggers -------------------------------------------------------------------


def _list(values: list[str]) -> str:
    return ", ".join(values)


def _special(p: Project) -> list[Hit]:
    sc = p.processing.special_category
    return [Hit(triggers=(f"processing.special_category: {_list(list(sc))}",))] if sc else []


_VULNERABLE_SUBJECTS = ("patients", "care_home_residents", "children")


def _vulnerable(p: Project) -> list[Hit]:
    pr = p.processing
    why = []
    if pr.vulnerable_adults:
        why.append("processing.vulnerable_adults: true")
    if pr.children:
        why.append("processing.children: true")
    subjects = [s for s in pr.data_subjects if s in _VULNERABLE_SUBJECTS]
    if subjects:
        why.append(f"processing.data_subjects: {_list(subjects)}")
    return [Hit(triggers=tuple(why))] if why else []


def _capacity(p: Project) -> list[Hit]:
    if p.processing.may_lack_capacity:
        return [Hit(triggers=("processing.mental_capacity: may_lack_capacity",))]
    return []


def _third_parties(p: Project) -> list[Hit]:
    subjects = p.processing.third_party_subjects
    if subjects:
        typed = _list([placeholders.typed(s) for s in subjects])
        return [Hit(triggers=(f"processing.third_party_subjects: {typed}",))]
    return []


def _children(p: Project) -> list[Hit]:
    return [Hit(triggers=("processing.children: true",))] if p.processing.children else []


def _org(p: Project, org_id: str) -> str:
    return str(p.org(org_id).name) if org_id in p.org_ids else org_id


def _insecure(p: Project) -> list[Hit]:
    hits = []
    for i, flow in enumerate(p.sharing, start=1):
        if not flow.is_insecure:
            continue
        lik: Likelihood = "probable" if flow.method == "email" else "possible"
        sev: Severity = "severe" if p.processing.special_category else "significant"
        hits.append(
            Hit(
                suffix=flow.id,
                label=f"{_org(p, flow.from_)} to {_org(p, flow.to)}",
                triggers=(
                    f"sharing[{i}].method: {flow.method}",
                    f"sharing[{i}].identifiability: {flow.identifiability}",
                ),
                likelihood=lik,
                severity=sev,
            )
        )
    return hits


def _no_contract(p: Project) -> list[Hit]:
    return [
        Hit(
            suffix=proc.organisation,
            label=_org(p, proc.organisation),
            triggers=(f"data_protection.processors[{i}].contract_in_place: false",),
        )
        for i, proc in enumerate(p.data_protection.processors, start=1)
        if not proc.contract_in_place
    ]


def slug(text: str) -> str:
    """'Côte d'Ivoire' -> 'cote-d-ivoire': a stable id part from free text."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "unnamed"


def _international(p: Project) -> list[Hit]:
    hits: dict[str, Hit] = {}
    for i, t in enumerate(p.processing.international_transfers, start=1):
        key = slug(t.country)
        if key not in hits:
            hits[key] = Hit(
                suffix=key,
                label=" ".join(t.country.split()),
                triggers=(f"processing.international_transfers[{i}].country: {t.country}",),
            )
    return list(hits.values())


def _joint(p: Project) -> list[Hit]:
    if p.data_protection.controllers.arrangement == "joint":
        return [Hit(triggers=("data_protection.controllers.arrangement: joint",))]
    return []


def _has_data(p: Project, *items: str) -> list[str]:
    return [d for d in p.processing.personal_data if d in items]


def _free_text(p: Project) -> list[Hit]:
    if _has_data(p, "free_text_experiences"):
        return [Hit(triggers=("processing.personal_data: free_text_experiences",))]
    return []


def _recordings(p: Project) -> list[Hit]:
    found = _has_data(p, "audio_recordings", "video_recordings", "photographs")
    if not found:
        return []
    voices = "audio_recordings" in found or "video_recordings" in found
    faces = "video_recordings" in found or "photographs" in found
    harm = {(True, True): "Voices and faces identify people.",
            (True, False): "Voices identify people.",
            (False, True): "Faces identify people."}[(voices, faces)]
    return [Hit(triggers=(f"processing.personal_data: {_list(found)}",), harm=harm)]


def _small_numbers(p: Project) -> list[Hit]:
    threshold = p.processing.small_number_threshold
    if threshold is None:
        return [Hit(triggers=("processing.small_number_threshold: not set",))]
    if threshold < 5:
        return [Hit(triggers=(f"processing.small_number_threshold: {threshold}",))]
    return []


_OPEN_ENDED = re.compile(r"\b(indefinite(ly)?|forever|permanent(ly)?|no end|ongoing|tbc|tbd)\b", re.I)


def retention_unclear(period: str) -> bool:
    """A retention period with no end: 'indefinitely', 'TBC', or nothing at all."""
    return not period.strip() or bool(_OPEN_ENDED.search(period))


def _retention(p: Project) -> list[Hit]:
    why = tuple(
        f"processing.retention[{i}].period: {placeholders.typed(r.period)}"
        for i, r in enumerate(p.processing.retention, start=1)
        if retention_unclear(r.period)
    )
    return [Hit(triggers=why)] if why else []


def _rights_owner(p: Project) -> list[Hit]:
    dp = p.data_protection
    why = []
    if dp.subject_access not in p.controller_ids:
        why.append(f"data_protection.subject_access: {dp.subject_access} (not a controller)")
    if dp.dpo_for_participants in p.org_ids:
        contact = p.org(dp.dpo_for_participants).privacy_contact
        if contact is None or not contact.has_contact():
            why.append(
                f"data_protection.dpo_for_participants: {dp.dpo_for_participants} "
                "(no DPO or data protection lead email or phone)"
            )
    return [Hit(triggers=tuple(why))] if why else []


def _partner_reuse(p: Project) -> list[Hit]:
    if p.findings.partners_may_reuse_data:
        return [Hit(triggers=("findings.partners_may_reuse_data: true",))]
    return []


def _suppressed(p: Project) -> list[Hit]:
    why = []
    if not p.findings.if_partners_disagree.strip():
        why.append("findings.if_partners_disagree: empty")
    if p.project.commissioned_by:
        why.append(f"project.commissioned_by: {p.project.commissioned_by}")
    return [Hit(triggers=tuple(why))] if why else []


# Participants at or above this number count as "large scale" unless a caller
# passes another threshold (the law sets none; see screening.Settings).
DEFAULT_LARGE_SCALE = 1000


def _large_scale(threshold: int) -> Callable[[Project], list[Hit]]:
    def fires(p: Project) -> list[Hit]:
        n = p.processing.approx_participants
        if n >= threshold and p.processing.special_category:
            return [
                Hit(
                    triggers=(
                        f"processing.approx_participants: {n} (large scale from {threshold})",
                        "processing.special_category: not empty",
                    )
                )
            ]
        return []

    return fires


_SPECIAL_MEASURES = (
    "Collect only the sensitive details the project needs",
    "Give access by role, only to the people who analyse the data",
    "Encrypt the data when stored and when sent",
    "Pseudonymise responses before analysis",
)


def rules(large_scale_threshold: int = DEFAULT_LARGE_SCALE) -> tuple[Rule, ...]:
    """The rule table, in the order risks are listed."""
    return (
        Rule(
            "special-category",
            "Sensitive (special-category) data",
            "Health or other sensitive details are seen by people who should not see them, "
            "causing distress or discrimination.",
            "possible", "severe", _SPECIAL_MEASURES, _special,
        ),
        Rule(
            "vulnerable-people",
            "People in vulnerable circumstances",
            "People may not understand what they are agreeing to, or may feel unable to say no.",
            "possible", "significant",
            (
                "Offer accessible and Easy Read information",
                "Check that people have understood before they take part",
                "Make clear that taking part is voluntary and will not affect their care",
            ),
            _vulnerable,
        ),
        Rule(
            "mental-capacity",
            "People who may lack capacity to consent",
            "Someone takes part, or their information is used, without a valid decision: they "
            "could not understand or weigh up what taking part means, and no one acted for them "
            "as the Mental Capacity Act 2005 requires.",
            "possible", "severe",
            (
                "Assess capacity before taking part, and record how it was assessed",
                "Support people to decide for themselves (simpler information, more time)",
                "Where someone cannot consent, follow the recorded approach (e.g. a personal "
                "consultee) or do not include them",
            ),
            _capacity,
        ),
        Rule(
            "third-party-subjects",
            "Information about people who do not take part",
            "People who never agreed to take part are described in the answers without knowing, "
            "and may be recognised or upset (UK GDPR Article 14).",
            "possible", "significant",
            (
                "Ask participants to describe others only as far as the project needs",
                "Remove names and identifying details of other people before analysis",
                "Publish the privacy notice, which covers people the data is about who do not "
                "take part",
            ),
            _third_parties,
        ),
        Rule(
            "children",
            "Children's data",
            "Children's data needs extra care; children may not understand how it is used.",
            "possible", "severe",
            (
                "Involve parents or carers where appropriate",
                "Give information written for the children's age",
            ),
            _children,
        ),
        Rule(
            "insecure-transfer",
            "Personal data sent by an insecure method",
            "Data is read by the wrong person or sent to the wrong address.",
            "possible", "significant",
            (
                "Use SFTP, NHSmail, encrypted email or a secure portal instead",
                "Check recipients before sending",
                "Send only the minimum data needed",
            ),
            _insecure,
        ),
        Rule(
            "no-processor-contract",
            "Processor without a contract",
            "The processor uses the data in ways nobody agreed to.",
            "probable", "significant",
            ("Sign an Article 28 processor contract before any data is shared",),
            _no_contract,
        ),
        Rule(
            "international-transfer",
            "Data sent outside the UK",
            "Data has weaker legal protection abroad.",
            "possible", "significant",
            (
                "Rely on UK adequacy regulations, the IDTA or the UK Addendum",
                "Complete a transfer risk assessment",
            ),
            _international,
        ),
        Rule(
            "joint-controllers",
            "Joint controllers",
            "People do not know whom to ask about their data.",
            "possible", "minimal",
            (
                "Publish the essence of the joint arrangement",
                "Give one contact point for everyone",
            ),
            _joint,
        ),
        Rule(
            "free-text",
            "Free-text answers",
            "People write details that identify them or others, or disclose a safeguarding "
            "concern.",
            "probable", "significant",
            (
                "Say next to the box what not to include",
                "Remove identifying details before sharing",
                "Follow the safeguarding process for any disclosure",
            ),
            _free_text,
        ),
        Rule(
            "recordings",
            "Recordings and images",
            "Voices and faces identify people.",
            "possible", "significant",
            (
                "Ask for agreement to record",
                "Delete recordings after transcription",
                "Use a transcriber under a processor contract",
            ),
            _recordings,
        ),
        Rule(
            "small-numbers",
            "Small numbers in published results",
            "People are recognised from small counts or quotes in the report.",
            "possible", "significant",
            (
                "Suppress counts below a threshold of at least 5",
                "Check quotes for identifying details before publishing",
            ),
            _small_numbers,
        ),
        Rule(
            "retention-unclear",
            "Retention with no end",
            "Data is kept longer than needed.",
            "possible", "significant",
            ("Set a dated retention schedule and keep a deletion log",),
            _retention,
        ),
        Rule(
            "rights-owner",
            "Unclear route for rights requests",
            "Requests from participants are lost or not answered.",
            "possible", "significant",
            ("Name the controller that handles requests and give a monitored contact address",),
            _rights_owner,
        ),
        Rule(
            "partner-reuse",
            "Partners may reuse the data",
            "Data is used for purposes people were not told about.",
            "possible", "significant",
            (
                "Limit reuse in the partnership agreement",
                "Tell participants about any reuse",
                "A new purpose needs its own lawful basis",
            ),
            _partner_reuse,
        ),
        Rule(
            "large-scale",
            "Sensitive data about many people",
            "A breach touches many people.",
            "possible", "severe",
            (*_SPECIAL_MEASURES, "Rehearse the personal data breach procedure"),
            _large_scale(large_scale_threshold),
        ),
        Rule(
            "findings-suppressed",
            "Findings changed or suppressed",
            "A partner changes or suppresses findings, undermining Healthwatch's independence.",
            "possible", "significant",
            (
                "Agree the decision process for findings in writing",
                "Publish partners' responses beside the report",
            ),
            _suppressed,
            kind="organisation",
        ),
    )




# The ids the answers layer knows as derived (vocab.RISK_RULE_IDS) are these rules' ids;
# tests/test_risks.py holds the two together.
PER_INSTANCE = vocab.PER_INSTANCE_RISKS
RULE_IDS = frozenset(rule.id for rule in rules())
is_rule_id = vocab.is_rule_id
