"""Risks as assessed: the rule table's risks with any recorded assessment, and scoring.

The rules themselves (when each fires, its harm, defaults and suggested
measures) are data in :mod:`dpia.assessment.risk_rules`. An entry in the answers file's
``risks`` list with the id of a derived risk records its assessment and
overrides the defaults; other entries are the project's own risks.

Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from dpia.answers import vocab
from dpia.answers.vocab import Effect, Level, Likelihood, Severity, level_for_score
from dpia.assessment.risk_rules import (
    DEFAULT_LARGE_SCALE,
    Hit,
    Kind,
    Rule,
    is_rule_id,
    retention_unclear,
    rules,
    slug,
)

if TYPE_CHECKING:
    from dpia.answers.model import Project, RiskEntry

__all__ = [
    "DEFAULT_LARGE_SCALE",
    "Hit",
    "Risk",
    "Rule",
    "derive",
    "is_rule_id",
    "retention_unclear",
    "rules",
    "slug",
]


@dataclass(frozen=True)
class Risk:
    """A risk as assessed: derived defaults, overridden by any recorded entry."""

    id: str
    rule: str | None  # None for a risk of the project's own
    kind: Kind
    title: str
    harm: str
    triggers: tuple[str, ...]
    likelihood: Likelihood
    severity: Severity
    suggested_measures: tuple[str, ...]
    measures: tuple[str, ...] = ()
    effect: Effect | None = None
    residual: Level | None = None
    approved: bool | None = None
    recorded: bool = False

    @property
    def score(self) -> int:
        return vocab.LIKELIHOOD_SCORE[self.likelihood] * vocab.SEVERITY_SCORE[self.severity]

    @property
    def level(self) -> Level:
        """Overall risk before measures."""
        return level_for_score(self.score)

    @property
    def has_measures(self) -> bool:
        return bool(self.measures)

    @property
    def needs_measures(self) -> bool:
        return self.level in ("medium", "high")

    @property
    def level_after(self) -> Level:
        """Residual risk: as recorded, else unchanged from before measures."""
        if self.effect == "eliminated":
            return "low"
        return self.residual or self.level

    @property
    def cell_after(self) -> tuple[Likelihood, Severity] | None:
        """Where the risk sits on the heat map after measures: its cell before them while the
        measures leave its level unchanged. None when it is eliminated, and None when the
        measures change its level: only the residual level is recorded, not the likelihood
        or severity after the measures, so no cell (least of all 'remote') can be known."""
        if self.effect == "eliminated" or self.level_after != self.level:
            return None
        return (self.likelihood, self.severity)

    @property
    def unplaced_after(self) -> bool:
        """Measures changed the risk's level, but no likelihood after them is recorded."""
        return self.effect != "eliminated" and self.level_after != self.level


def _instances(p: Project, threshold: int) -> Iterator[tuple[Rule, Hit, str, str]]:
    """Each risk a rule finds: (rule, hit, id, title). A rule that fires more than once
    titles each with what tells it from the others; the id tells them apart if the
    labels do not."""
    for rule in rules(threshold):
        hits = rule.fires(p)
        labels = [h.label or h.suffix for h in hits]
        for hit, label in zip(hits, labels, strict=True):
            rid = f"{rule.id}-{hit.suffix}" if hit.suffix else rule.id
            if len(hits) > 1 and labels.count(label) > 1 and hit.suffix:
                label = f"{label} ({hit.suffix})"
            title = f"{rule.title}: {label}" if len(hits) > 1 and label else rule.title
            yield rule, hit, rid, title


def derive(p: Project, threshold: int = DEFAULT_LARGE_SCALE) -> list[Risk]:
    """Every risk: derived ones (with any recorded assessment applied), then the project's own."""
    entries = {e.id: e for e in p.risks}
    out: list[Risk] = []
    seen: set[str] = set()
    for rule, hit, rid, title in _instances(p, threshold):
        seen.add(rid)
        risk = Risk(
            id=rid,
            rule=rule.id,
            kind=rule.kind,
            title=title,
            harm=hit.harm or rule.harm,
            triggers=hit.triggers,
            likelihood=hit.likelihood or rule.likelihood,
            severity=hit.severity or rule.severity,
            suggested_measures=rule.measures,
        )
        entry = entries.get(rid)
        out.append(_apply(risk, entry) if entry else risk)
    for entry in p.risks:
        if entry.id in seen or entry.likelihood is None or entry.severity is None:
            continue
        out.append(
            _apply(
                Risk(
                    id=entry.id,
                    rule=None,
                    kind="people",
                    title=entry.description or entry.id,
                    harm=entry.description or "",
                    triggers=("risks: recorded by the project",),
                    likelihood=entry.likelihood,
                    severity=entry.severity,
                    suggested_measures=(),
                ),
                entry,
            )
        )
    return out


def _apply(risk: Risk, entry: RiskEntry) -> Risk:
    return replace(
        risk,
        harm=entry.description or risk.harm,
        likelihood=entry.likelihood or risk.likelihood,
        severity=entry.severity or risk.severity,
        measures=tuple(entry.measures),
        effect=entry.effect,
        residual=entry.residual,
        approved=entry.approved,
        recorded=True,
    )


