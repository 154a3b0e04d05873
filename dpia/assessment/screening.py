"""Is a DPIA required? A pure function of the answers and the settings.

Three sources of criteria, per the UK regulator's guidance:

* Article 35(3) UK GDPR: a DPIA is always required;
* the regulator's list of processing likely to result in high risk: required;
* the nine European (WP248) criteria: two or more make it required, one
  makes it recommended.

Only criteria the answers file can show are tested; the rest (profiling,
automated decisions, monitoring, innovative technology) are named in
:data:`NOT_ASSESSED` so the document can ask reviewers to consider them.
Invisible processing is tested when the answers show it (people talked about
who are not told directly) and otherwise left for reviewers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from dpia.assessment.risk_rules import DEFAULT_LARGE_SCALE

if TYPE_CHECKING:
    from dpia.answers.model import Project

Verdict = Literal["required", "recommended", "not required"]
Source = Literal["article-35", "ico-list", "european"]

SOURCES: dict[str, str] = {
    "article-35": "UK GDPR Article 35(3): a DPIA is always required",
    "ico-list": "the Information Commissioner's list of high-risk processing",
    "european": "the European criteria for high-risk processing (WP248)",
}

_INVISIBLE = (
    "invisible processing (data not obtained from the people themselves, where telling them "
    "is impossible or would take disproportionate effort)"
)

NOT_ASSESSED: tuple[str, ...] = (
    "profiling, evaluation or scoring of people",
    "automated decisions with legal or similarly significant effects",
    "systematic monitoring of people or public areas",
    "new or innovative technology",
    "denying people a service or a right",
    _INVISIBLE,
    "using children's or other vulnerable people's data for marketing, profiling or automated "
    "decisions, or offering online services directly to children",
    "processing where a breach could put someone's physical safety at risk",
)


@dataclass(frozen=True)
class Settings:
    """Thresholds the law leaves open, recorded in every verdict."""

    large_scale_threshold: int = DEFAULT_LARGE_SCALE


@dataclass(frozen=True)
class Criterion:
    id: str
    source: Source
    title: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Screening:
    verdict: Verdict
    criteria: tuple[Criterion, ...]
    settings: Settings

    @property
    def european_count(self) -> int:
        return sum(1 for c in self.criteria if c.source == "european")

    def by_source(self, source: Source) -> list[Criterion]:
        return [c for c in self.criteria if c.source == source]

    @property
    def not_assessed(self) -> tuple[str, ...]:
        """The criteria the answers cannot show, less those they did show this time."""
        fired = {c.id for c in self.criteria}
        return tuple(
            n for n in NOT_ASSESSED if not (n == _INVISIBLE and "invisible-processing" in fired)
        )


_VULNERABLE_SUBJECTS = ("patients", "carers", "care_home_residents", "children")


def _sensitive(p: Project, s: Settings) -> list[str]:
    why = []
    if p.processing.special_category:
        why.append(f"processing.special_category: {', '.join(p.processing.special_category)}")
    if p.processing.criminal_offence_data:
        why.append("processing.criminal_offence_data: true")
    return why


def _vulnerable(p: Project, s: Settings) -> list[str]:
    pr = p.processing
    why = []
    subjects = [d for d in pr.data_subjects if d in _VULNERABLE_SUBJECTS]
    if subjects:
        why.append(f"processing.data_subjects: {', '.join(subjects)}")
    if pr.vulnerable_adults:
        why.append("processing.vulnerable_adults: true")
    if pr.children:
        why.append("processing.children: true")
    return why


def _large(p: Project, s: Settings) -> list[str]:
    n = p.processing.approx_participants
    if n >= s.large_scale_threshold:
        return [
            f"processing.approx_participants: {n} "
            f"(large scale from {s.large_scale_threshold} people)"
        ]
    return []


def _large_special(p: Project, s: Settings) -> list[str]:
    sensitive = _sensitive(p, s)
    large = _large(p, s)
    return [*large, *sensitive] if sensitive and large else []


# Words that say a flow's data is linked with other data, not only passed on.
_LINKAGE = re.compile(
    r"\b(link(s|ed|ing|age)?|match(es|ed|ing)?|combin\w*|merg\w*|join(s|ed|ing)? (up )?with|"
    r"cross-?referenc\w*|data ?linkage)\b",
    re.IGNORECASE,
)


def _combining(p: Project, s: Settings) -> list[str]:
    """Personal data a controller receives is linked with data it holds: the flow's purpose
    or data items say it is matched, linked or combined.

    One flow between controllers (independent or joint) only passes data on: that is not
    matching or combining datasets unless the answers say the recipient links it with its
    own data, and a processor's upload is the controller's own data coming back.
    """
    processors = set(p.processor_ids)
    return [
        f"sharing[{i}]: {f.identifiability} data from {f.from_} to {f.to}, {f.purpose}"
        for i, f in enumerate(p.sharing, start=1)
        if f.is_personal and f.to not in processors
        and _LINKAGE.search(" ".join([str.__str__(f.purpose), *map(str.__str__, f.data)]))
    ]


def _invisible(p: Project, s: Settings) -> list[str]:
    """People the participants talk about are not told directly: their information comes from
    the participants, and the DPIA relies on the published privacy-notice section instead
    (UK GDPR Article 14(5)(b)). The answers record no other way of telling them."""
    subjects = p.processing.third_party_subjects
    if not subjects:
        return []
    return [
        f"processing.third_party_subjects: {'; '.join(map(str.__str__, subjects))} "
        "(not told directly: the privacy-notice section is relied on, Article 14(5)(b))"
    ]


def _genetic(p: Project, s: Settings) -> list[str]:
    if "genetic" in p.processing.special_category:
        return ["processing.special_category: genetic"]
    return []


def _biometric(p: Project, s: Settings) -> list[str]:
    if "biometric" in p.processing.special_category:
        return ["processing.special_category: biometric"]
    return []


def _besides_biometric(p: Project, fired: list[Criterion]) -> bool:
    """Whether a criterion fired for something other than the biometric data itself
    (biometric data is special-category data, so on its own it fires 'sensitive-data')."""
    pr = p.processing
    other_sensitive = pr.criminal_offence_data or any(c != "biometric" for c in pr.special_category)
    return any(c.id != "sensitive-data" or other_sensitive for c in fired)


Test = Callable[["Project", Settings], list[str]]

# (id, source, title, test). Order is the order shown in the verdict.
CRITERIA: tuple[tuple[str, Source, str, Test], ...] = (
    (
        "large-scale-special-category",
        "article-35",
        "Large-scale processing of special-category or criminal-offence data",
        _large_special,
    ),
    ("genetic-data", "ico-list", "Genetic data", _genetic),
    (
        "invisible-processing",
        "ico-list",
        "Invisible processing: data about people who are not told directly",
        _invisible,
    ),
    ("sensitive-data", "european", "Sensitive or highly personal data", _sensitive),
    ("vulnerable-people", "european", "People in vulnerable circumstances", _vulnerable),
    ("large-scale", "european", "Processing on a large scale", _large),
    ("combining-datasets", "european", "Matching or combining data from different sources", _combining),
)


def screen(p: Project, settings: Settings | None = None) -> Screening:
    settings = settings or Settings()
    fired = [
        Criterion(cid, source, title, tuple(reasons))
        for cid, source, title, test in CRITERIA
        if (reasons := test(p, settings))
    ]
    # Biometric data counts on the regulator's list only with another criterion.
    if _biometric(p, settings) and _besides_biometric(p, fired):
        fired.insert(
            0,
            Criterion(
                "biometric-data",
                "ico-list",
                "Biometric data, with another high-risk criterion",
                tuple(_biometric(p, settings)),
            ),
        )
    european = sum(1 for c in fired if c.source == "european")
    verdict: Verdict
    if any(c.source in ("article-35", "ico-list") for c in fired) or european >= 2:
        verdict = "required"
    elif european == 1:
        verdict = "recommended"
    else:
        verdict = "not required"
    return Screening(verdict, tuple(fired), settings)
