"""Validation of plain data (as loaded from YAML or gathered at prompts) into a Project.

Field-level rules live on the models (:mod:`dpia.answers.model`); rules that relate one
answer to another live in :mod:`dpia.answers.rules`. This module runs both.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from dpia.answers import messages
from dpia.answers.messages import Loc
from dpia.answers.model import Project
from dpia.answers.rules import cross_field_problems


def validate(data: Any) -> tuple[Project | None, list[tuple[Loc, str]]]:
    """Validate plain data (as loaded from YAML or gathered at prompts).

    Returns the project, or ``None`` with every problem as (location, message).
    """
    try:
        project = Project.model_validate(data)
    except ValidationError as exc:
        return None, [
            (messages.clean_loc(e["loc"]), messages.message(e, Project)) for e in exc.errors()
        ]
    problems = list(cross_field_problems(project))
    return (None if problems else project), problems


__all__ = ["validate"]
