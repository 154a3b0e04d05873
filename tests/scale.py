"""Large projects for the scale tests and the benchmark: the contract example with
many organisations and many sharing flows added.

    big_project(orgs=50, flows=500)  ->  answers-file text

Names vary in length the way real ones do (a two-letter charity up to a long NHS
trust name), one organisation in five is a processor with a contract, and one flow
in seven goes by an insecure method, so every part of the diagram is exercised.
"""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
CONTRACT_EXAMPLE = HERE / "data" / "contract-example.yaml"

_NAMES = (
    "Northtown {n} Carers Forum",
    "Southshire Community Mental Health and Wellbeing Partnership {n}",
    "AB{n}",
    "Eastvale University Hospitals NHS Foundation Trust (site {n})",
    "Riverside Advice {n}",
    "The Westborough Young Carers and Families Support Network {n}",
    "Hillside Surgery {n}",
    "Independent Age-Friendly Neighbourhoods Consortium {n}",
)
_METHODS = ("sftp", "secure_portal", "nhsmail", "encrypted_email", "shared_workspace", "secure_download",
            "email")
_IDENT = ("identifiable", "pseudonymised", "anonymised", "aggregate")


@cache
def _contract() -> Any:
    return yaml.safe_load(CONTRACT_EXAMPLE.read_text(encoding="utf-8"))


def big_data(orgs: int, flows: int) -> Any:
    """The contract example's data with ``orgs`` organisations in all and ``flows`` flows."""
    data = copy.deepcopy(_contract())
    existing = data["organisations"]
    ids = [o["id"] for o in existing]
    for i in range(len(existing), orgs):
        oid = f"org-{i + 1:02d}"
        existing.append({"id": oid, "name": _NAMES[i % len(_NAMES)].format(n=i + 1),
                         "type": "voluntary" if i % 3 else "commercial"})
        ids.append(oid)
        if i % 5 == 0:
            data["data_protection"]["processors"].append({
                "organisation": oid, "service": f"Service number {i + 1}",
                "contract_in_place": True, "location": "United Kingdom",
            })
    if orgs < len(existing):  # keep the two controllers, drop the rest and every mention of them
        existing[:] = [o for o in existing if o["id"] in ("hwn", "ncc")] + [
            o for o in existing if o["id"] not in ("hwn", "ncc")][: orgs - 2]
        ids = [o["id"] for o in existing]
        dp = data["data_protection"]
        dp["processors"] = [x for x in dp["processors"] if x["organisation"] in ids]
        data["sharing"] = [f for f in data["sharing"] if f["from"] in ids and f["to"] in ids]
        project = data["project"]
        project["contributions"] = {k: v for k, v in project.get("contributions", {}).items() if k in ids}
    controllers = data["data_protection"]["controllers"]["organisations"]
    template = _contract()["sharing"][0]
    sharing = data["sharing"][:flows]
    others = [o for o in ids if o not in controllers]
    for k in range(len(sharing), flows):
        ctl = controllers[k % len(controllers)]
        other = others[(k * 7) % len(others)] if others else controllers[(k + 1) % len(controllers)]
        flow = dict(template)
        flow.update({
            "id": f"flow-{k + 1:03d}",
            "from": ctl if k % 2 else other,
            "to": other if k % 2 else ctl,
            "data": [f"Records of batch {k + 1}"],
            "purpose": f"Purpose number {k + 1}",
            "method": _METHODS[k % len(_METHODS)],
            "identifiability": _IDENT[k % len(_IDENT)],
        })
        sharing.append(flow)
    data["sharing"] = sharing
    return data


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:  # the answers format allows no anchors
        return True


def big_project(orgs: int, flows: int) -> str:
    return yaml.dump(big_data(orgs, flows), Dumper=_Dumper, sort_keys=False, allow_unicode=True)
