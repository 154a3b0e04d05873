"""The context every template receives: the project, the assessment and derived views.

Only lookups and groupings live here; every sentence is in the templates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dpia.answers import vocab
from dpia.assessment import facts
from dpia.assessment.assess import signoff_state
from dpia.assessment.checks import relies_on_consent
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
        "grounds": facts.grounds(p),
        "grouped_grounds": facts.grouped_grounds(p),
        "condition_groups": facts.condition_groups(p),
        "dp_roles": facts.roles(p),
        "holdings": facts.holdings(p),
        "flow_facts": facts.flow_facts(p),
        # The names of the organisations a transfer outside the UK belongs to.
        "transfer_owner": lambda t: [orgs[o].name for o in facts.transfer_holders(p, t)],
        "measures_by_risk": facts.measures_by_risk(p, a.risks),
        "risks_by_measure": facts.risks_by_measure(p, a.risks),
        "is_draft": p.is_draft,
        # "no", "yes", or a recorded sign-off with the gaps that block it still open.
        "signoff_state": signoff_state(p, a),
        "consent_relied_on": relies_on_consent(p),
        # 'identified', 'free_text' or 'anonymous' (UK GDPR Article 11), the same in every text.
        "identity": facts.collection_identity(p),
        # The anonymisation answer already states the small-number rule: state it once.
        "threshold_stated": facts.anonymisation_states_threshold(p),
        "research_controllers": [orgs[c] for c in facts.research_controllers(p)],
        # "Data Protection Officer" only where one is appointed, else "data protection lead".
        "dp_adviser": facts.dp_adviser(p),
        "dp_adviser_short": facts.dp_adviser(p, short=True),
        "today": job.today,
        "fingerprint": a.fingerprint,
        "vocab": plain_namespace(vocab),  # a read-only mapping, not the module
    }
