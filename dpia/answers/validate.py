"""Validation of plain data (as loaded from YAML or gathered at prompts) into a Project.

Field-level rules live on the models (:mod:`dpia.answers.model`); rules that relate one
answer to another live in :mod:`dpia.answers.rules`. This module runs both, after
checking every text in the data for what no document can hold (:func:`text_problems`).
At most :data:`MAX_PROBLEMS` problems are described; the rest are counted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pydantic import ValidationError

from dpia.answers import messages
from dpia.answers.messages import Loc
from dpia.answers.model import Project
from dpia.answers.rules import cross_field_problems

MAX_PROBLEMS = 50  # problems described in full; the rest are only counted
MAX_TEXT = 10_000  # characters in one answer (a long description is about 2,000)
# Characters no document can hold: C0 controls but tab and line breaks, DEL, C1 controls
# (terminal escapes among them) but NEL (a line break), and lone surrogates (half of a
# character).
_BAD_CHAR = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff]")


def validate(data: Any) -> tuple[Project | None, list[tuple[Loc, str]]]:
    """Validate plain data (as loaded from YAML or gathered at prompts).

    Returns the project, or ``None`` with the problems as (location, message): every
    problem up to :data:`MAX_PROBLEMS`, then one line counting the rest.
    """
    problems = _bounded(text_problems(data))
    if problems:
        return None, problems
    try:
        project = Project.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_context=True, include_input=True)
        return None, _bounded(
            (messages.clean_loc(e["loc"]), messages.message(e, Project)) for e in errors
        )
    problems = _bounded(cross_field_problems(project))
    return (None if problems else project), problems


def _bounded(found: Iterator[tuple[Loc, str]] | Any) -> list[tuple[Loc, str]]:
    """The first :data:`MAX_PROBLEMS` problems, then a count of the rest (not described)."""
    shown: list[tuple[Loc, str]] = []
    rest = 0
    for problem in found:
        if len(shown) < MAX_PROBLEMS:
            shown.append(problem)
        else:
            rest += 1
    if rest:
        shown.append(((), f"... and {rest:,} more problem{'s' if rest != 1 else ''}, not "
                          f"listed: fix the first {MAX_PROBLEMS} and check again"))
    return shown


def text_problems(data: Any) -> Iterator[tuple[Loc, str]]:
    """Texts too long for one answer, or holding characters no document can hold.

    Walks the data with its own stack, in file order: data built in Python (not read
    from YAML, which stops at 50 levels) may nest deeper than Python's recursion allows.
    """
    stack: list[tuple[Loc, Any]] = [((), data)]
    while stack:
        loc, value = stack.pop()
        if isinstance(value, dict):
            children: list[tuple[Loc, Any]] = []
            for key, child in value.items():
                where = (*loc, key) if isinstance(key, str) else loc
                if isinstance(key, str):
                    yield from _text_problem(key, where, "name")
                children.append((where, child))
            stack.extend(reversed(children))
        elif isinstance(value, list):
            stack.extend(reversed([((*loc, n), child) for n, child in enumerate(value)]))
        elif isinstance(value, str):
            yield from _text_problem(value, loc, "answer")


def _text_problem(text: str, loc: Loc, what: str) -> Iterator[tuple[Loc, str]]:
    if len(text) > MAX_TEXT:
        yield loc, (f"is {len(text):,} characters long; one {what} may hold at most "
                    f"{MAX_TEXT:,}. Shorten it, or put the detail in a document and name it here")
        return
    bad = _BAD_CHAR.search(text)
    if bad:
        code = ord(bad.group())
        if 0xD800 <= code <= 0xDFFF:
            kind = f"half of a character (an unpaired surrogate, \\u{code:04x})"
        else:
            kind = f"a control character (code {code:#04x})"
        yield loc, (f"contains {kind}, which documents cannot hold (character {bad.start() + 1}); "
                    "delete it (it often comes from copying text out of another program, or "
                    "from an escape such as \\0 or \\v between double quotes)")


__all__ = ["MAX_PROBLEMS", "MAX_TEXT", "text_problems", "validate"]
