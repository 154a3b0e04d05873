"""Facts more than one document states, computed once from the answers (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from dpia.answers.vocab import Article9Condition, LawfulBasis

if TYPE_CHECKING:
    from dpia.answers.model import InternationalTransfer, Project


def _same_country(country: str, location: str | None) -> bool:
    if not location:
        return False
    a, b = country.strip().casefold(), location.strip().casefold()
    return a == b or a in b.replace(",", " ").split(" ") or b.endswith(a)


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
