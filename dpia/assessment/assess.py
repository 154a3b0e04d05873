"""Project -> Assessment: the screening verdict, the risks and the gaps, in one value.

Pure: today's date and the settings are passed in.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from dpia.assessment.checks import Gap, find_gaps
from dpia.assessment.risks import Risk, derive
from dpia.assessment.screening import Screening, Settings, screen

if TYPE_CHECKING:
    from dpia.answers.model import Project


@dataclass(frozen=True)
class Assessment:
    today: date
    screening: Screening
    risks: tuple[Risk, ...]
    gaps: tuple[Gap, ...]
    fingerprint: str

    @property
    def people_risks(self) -> list[Risk]:
        return [r for r in self.risks if r.kind == "people"]

    @property
    def organisation_risks(self) -> list[Risk]:
        return [r for r in self.risks if r.kind == "organisation"]

    @property
    def blocking_gaps(self) -> list[Gap]:
        return [g for g in self.gaps if g.blocks]


def signoff_state(project: Project, assessment: Assessment) -> str:
    """Whether the DPIA is signed off, in the words the register and the agreement record share.

    A sign-off recorded while gaps that block sign-off are open is not a plain "yes": the DPIA
    says nobody should sign while one is open, so the open gaps are counted.
    """
    if project.is_draft:
        return "no"
    n = len(assessment.blocking_gaps)
    if not n:
        return "yes"
    gaps = "1 gap that blocks sign-off is" if n == 1 else f"{n} gaps that block sign-off are"
    return f"recorded as signed off, but {gaps} still open"


def fingerprint(project: Project) -> str:
    """A short hash of the answers' content, so a reader can tell which answers made a document.

    Computed over the validated data in canonical JSON, so comments, quoting and
    layout in the YAML file do not change it.
    """
    data = project.model_dump(mode="json", by_alias=True, exclude_none=True)
    # A placeholder typed where a date or choice belongs loads as empty; it still counts.
    blanked = [[list(loc), typed] for loc, typed in project.placeholders()
               if loc[-1] not in _present(data, loc[:-1])]
    if blanked:
        data["(placeholders)"] = blanked
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]


def _present(data: Any, loc: tuple[str | int, ...]) -> Any:
    for part in loc:
        inside = part in data if isinstance(data, dict) else (
            isinstance(data, list) and isinstance(part, int) and part < len(data)
        )
        if inside:
            data = data[part]
        else:
            return {}
    return data


def assess(project: Project, today: date, settings: Settings | None = None) -> Assessment:
    settings = settings or Settings()
    risks = derive(project, settings.large_scale_threshold)
    return Assessment(
        today=today,
        screening=screen(project, settings),
        risks=tuple(risks),
        gaps=tuple(find_gaps(project, risks, today)),
        fingerprint=fingerprint(project),
    )
