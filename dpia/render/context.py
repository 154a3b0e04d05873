"""The context every template receives: the project, the assessment and derived views.

Only lookups and groupings live here; every sentence is in the templates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dpia.answers import vocab
from dpia.render.sandbox import plain_namespace

if TYPE_CHECKING:
    from dpia.render import Job


def base_context(job: Job) -> dict[str, Any]:
    p = job.project
    a = job.assessment
    orgs = {o.id: o for o in p.organisations}
    dp = p.data_protection
    return {
        "p": p,
        "project": p.project,
        "a": a,
        "screening": a.screening,
        "risks": a.risks,
        "gaps": a.gaps,
        "orgs": orgs,
        "controllers": [orgs[c] for c in p.controller_ids],
        "healthwatch_orgs": [o for o in p.organisations if o.type == "healthwatch"],
        "processors": [(orgs[x.organisation], x) for x in dp.processors],
        "lead": orgs[p.project.lead],
        "dpo_org": orgs[dp.dpo_for_participants],
        "rights_org": orgs[dp.subject_access],
        "safeguarding_org": orgs[dp.safeguarding.owner],
        "breach_org": orgs[dp.breach_lead],
        "bases": p.bases,
        "is_draft": p.is_draft,
        "today": job.today,
        "fingerprint": a.fingerprint,
        "vocab": plain_namespace(vocab),  # a read-only mapping, not the module
    }
