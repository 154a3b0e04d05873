"""Helpers for the tests of the pasted and printed texts: build them in-process
from an answers dict, and change example answers for a test."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from conftest import CONTRACT_EXAMPLE, DATA, EMBEDDED_EXAMPLE, TODAY

from dpia.answers.loader import parse
from dpia.answers.model import Project
from dpia.answers.validate import validate
from dpia.assessment.assess import assess
from dpia.render import Job, Output

TEXT_WRITERS = ("notice", "participant", "agreement")


def example_data(which: str) -> dict[str, Any]:
    """'contract', 'embedded', 'capacity' (some may lack capacity) or 'first-edition' (the
    contract example before the format's second edition)."""
    path = {"contract": CONTRACT_EXAMPLE, "first-edition": DATA / "first-edition-example.yaml",
            "capacity": DATA / "capacity-example.yaml"}.get(which, EMBEDDED_EXAMPLE)
    data, _ = parse(path.read_text(encoding="utf-8"))
    return copy.deepcopy(data)


def project_from(data: dict[str, Any]) -> Project:
    project, problems = validate(data)
    assert project is not None, problems
    return project


def build_texts(data: dict[str, Any], out: Path, templates: str | None = None) -> dict[str, str]:
    """Run the text writers; return {relative path: content}."""
    import importlib

    project = project_from(data)
    job = Job(project=project, assessment=assess(project, TODAY), out_dir=out, templates=templates)
    outputs: list[Output] = []
    for name in TEXT_WRITERS:
        outputs += importlib.import_module(f"dpia.render.{name}").write(job)
    return {
        o.path.relative_to(out).as_posix(): o.path.read_text(encoding="utf-8")
        for o in outputs if o.path.suffix in (".txt", ".md", ".html")  # not the Easy Read PDF
    }


def sole(data: dict[str, Any], basis: str, condition: str | None = None) -> dict[str, Any]:
    """The contract example with Healthwatch Northtown as the only controller, on ``basis``."""
    data["data_protection"]["controllers"] = {"arrangement": "sole", "organisations": ["hwn"]}
    data["processing"]["lawful_basis"] = basis
    if condition:
        data["processing"]["special_category_condition"] = condition
        data["processing"].pop("schedule1_condition", None)
    for key in ("special_category_condition", "schedule1_condition"):
        if isinstance(data["processing"].get(key), dict):  # one per controller: keep hwn's
            data["processing"][key] = data["processing"][key]["hwn"]
    return data


def set_methods(data: dict[str, Any], methods: list[str]) -> dict[str, Any]:
    """Change the project's methods, keeping only the participation minutes of methods used."""
    data["project"]["methods"] = methods
    minutes = data["project"].get("participation_minutes", {})
    data["project"]["participation_minutes"] = {m: n for m, n in minutes.items() if m in methods}
    return data
