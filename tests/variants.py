"""Variants of the contract example, made by editing its parsed data.

Each rule test changes one or two fields of the contract example (a valid,
signed, joint-controller project) by the path people see in error messages,
then dumps the data back to YAML with the project's own writer and loads it
again, exactly as a hand-edited file would be checked:

    problems(change({"sharing[2].method": "fax"}))  ->  [Problem('sharing[2].method', ...)]
"""

from __future__ import annotations

import copy
import re
from datetime import date
from functools import cache
from typing import Any

from conftest import CONTRACT_EXAMPLE, TODAY

from dpia.answers.loader import dump, load_text, parse
from dpia.answers.model import Project
from dpia.assessment.assess import Assessment, assess
from dpia.assessment.screening import Settings
from dpia.errors import AnswersError, Problem

DELETE = object()
_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


@cache
def _contract() -> Any:
    data, _ = parse(CONTRACT_EXAMPLE.read_text(encoding="utf-8"))
    return data


def contract_data() -> Any:
    """A fresh, editable copy of the contract example's data."""
    return copy.deepcopy(_contract())


def _steps(path: str) -> list[str | int]:
    steps: list[str | int] = []
    for name, index in _PART.findall(path):
        steps.append(int(index) - 1 if index else name)
    return steps


def set_path(data: Any, path: str, value: Any) -> Any:
    """Set (or with ``DELETE`` remove) the value at a path like 'sharing[2].method'."""
    *parents, last = _steps(path)
    target = data
    for step in parents:
        target = target[step]
    if value is DELETE:
        target.pop(last, None)
    elif isinstance(target, list) and isinstance(last, int) and last >= len(target):
        target.append(value)
    else:
        target[last] = value
    return data


def get_path(data: Any, path: str) -> Any:
    target = data
    for step in _steps(path):
        target = target[step]
    return target


def change(changes: dict[str, Any], data: Any = None) -> Any:
    """The contract example (or ``data``) with each path set to its value, in order."""
    data = contract_data() if data is None else copy.deepcopy(data)
    for path, value in changes.items():
        set_path(data, path, value)
    return data


def text_of(data: Any) -> str:
    return dump(data)


def problems(data: Any) -> list[Problem]:
    """Every problem found when the data is written out and checked ([] if it is valid)."""
    try:
        load_text(text_of(data), "variant.yaml")
    except AnswersError as exc:
        return exc.problems
    return []


def project(data: Any = None) -> Project:
    return load_text(text_of(contract_data() if data is None else data), "variant.yaml")


def assessment(data: Any = None, today: date = TODAY, threshold: int | None = None) -> Assessment:
    settings = Settings() if threshold is None else Settings(large_scale_threshold=threshold)
    return assess(project(data), today, settings)


def paths(found: list[Problem]) -> list[str]:
    return [p.path for p in found]


def only_problem(data: Any, path: str, *fragments: str) -> Problem:
    """Assert the data has exactly one problem, at ``path``, whose message has ``fragments``."""
    found = problems(data)
    assert [p.path for p in found] == [path], [p.describe() for p in found]
    for fragment in fragments:
        assert fragment in found[0].message, found[0].message
    return found[0]


def benign() -> Any:
    """A valid variant that meets no screening criterion and derives as few risks as possible."""
    return change(
        {
            "processing.special_category": [],
            "processing.special_category_condition": DELETE,
            "processing.schedule1_condition": DELETE,
            "processing.third_party_subjects": DELETE,
            "processing.data_subjects": ["public"],
            "processing.vulnerable_adults": "false",
            "processing.personal_data": ["age_band", "postcode_district"],
        }
    )
