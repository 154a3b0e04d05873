"""Pydantic's validation errors, rewritten for the people who edit answers files.

Each message says what was wrong and what is allowed; values are echoed back
shortened, and never by ``repr`` (which can recurse or overflow on hostile
input). Pure: no I/O.
"""

from __future__ import annotations

import difflib
import re
import types
from collections.abc import Mapping
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from dpia.errors import Problem

Loc = tuple[str | int, ...]

_SHOWN = 60
_QUOTED = re.compile(r"'([^']*)'")


def show(value: Any) -> str:
    """A short, safe rendering of an input value for a message."""
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, Mapping):
        return "a group of 'key: value' lines"
    if isinstance(value, str):
        text = value
    else:
        try:
            text = str(value)
        except ValueError:  # an int too long to print
            return "a number far too large"
    text = " ".join(text.split())
    if len(text) > _SHOWN:
        text = text[: _SHOWN - 3] + "..."
    return f"'{text}'"


_WANTS = {
    "string_type": "text",
    "list_type": "a list (one item per line, each starting with '- ')",
    "model_type": "a group of 'key: value' lines",
    "model_attributes_type": "a group of 'key: value' lines",
    "dict_type": "a group of 'key: value' lines",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "int_parsing_size": "a whole number",
    "finite_number": "a whole number",
}


def message(error: Mapping[str, Any], root: type[BaseModel]) -> str:
    """The user's message for one pydantic error (from ``ValidationError.errors()``)."""
    kind = str(error["type"])
    ctx = error.get("ctx") or {}
    value = error.get("input")
    loc = tuple(error.get("loc", ()))
    if kind == "missing":
        return "is required but missing"
    if kind == "extra_forbidden":
        return _unknown_key(loc, root)
    if kind == "literal_error":
        allowed = _QUOTED.findall(str(ctx.get("expected", "")))
        listed = ", ".join(allowed)
        if value is None:
            return f"is empty; write one of: {listed}"
        if not isinstance(value, str):
            return f"must be one value, not {show(value)}; allowed values: {listed}"
        hint = difflib.get_close_matches(value.strip().lower(), allowed, n=1, cutoff=0.6)
        did_you = f" (did you mean '{hint[0]}'?)" if hint else ""
        return f"{show(value)} is not allowed here{did_you}; allowed values: {listed}"
    if kind == "value_error":
        return str(ctx.get("error", error.get("msg", "is not valid")))
    if kind == "greater_than_equal":
        return f"must be {ctx.get('ge')} or more, not {show(value)}"
    if kind == "less_than_equal":
        return f"must be {_number(ctx.get('le'))} or less"
    if kind == "too_short":
        return "needs at least one entry"
    if kind in ("invalid_key",) or (kind == "string_type" and loc and loc[-1] == "[key]"):
        return "a key must be plain text"
    wants = _WANTS.get(kind)
    if wants is not None:
        if value is None:
            return f"is empty; write {wants}"
        if kind == "int_parsing_size":
            return "is far too large a number"
        return f"must be {wants}, not {show(value)}"
    # Custom errors (e.g. the shape of lawful_basis) carry a message written for people.
    return str(error.get("msg", "is not valid"))


def _number(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def clean_loc(loc: tuple[Any, ...]) -> Loc:
    """Drop pydantic's union tags and the ``[key]`` marker (locations already use aliases)."""
    out: list[str | int] = []
    for part in loc:
        if isinstance(part, str) and (part.startswith("__") or part == "[key]"):
            continue
        keep = isinstance(part, (str, int)) and not isinstance(part, bool)
        out.append(part if keep else show(part))
    return tuple(out)


def _unknown_key(loc: Loc, root: type[BaseModel]) -> str:
    key = loc[-1] if loc else ""
    fields = fields_at(clean_loc(loc[:-1]), root)
    if not fields:
        return "is not a field of this format (check the spelling, or remove it)"
    hint = difflib.get_close_matches(str(key).lower(), fields, n=1, cutoff=0.6)
    did_you = f"did you mean '{hint[0]}'? " if hint else ""
    return (
        f"is not a field here ({did_you}a misspelt key would silently drop an answer); "
        f"fields allowed here: {', '.join(fields)}"
    )


def fields_at(loc: Loc, root: type[BaseModel]) -> list[str]:
    """The keys allowed in the group at ``loc`` (as written in the file), or [] if unknown."""
    current: Any = root
    for part in loc:
        current = _core(current)
        if isinstance(part, int):
            if get_origin(current) is not list:
                return []
            current = get_args(current)[0]
        elif isinstance(current, type) and issubclass(current, BaseModel):
            field = next(
                (f for n, f in current.model_fields.items() if part in (n, f.alias)), None
            )
            if field is None:
                return []
            current = field.annotation
        else:
            return []
    current = _core(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or n for n, f in current.model_fields.items()]
    return []


def _core(annotation: Any) -> Any:
    """Strip ``Annotated`` and ``Optional`` wrappers."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def path_text(loc: Loc) -> str:
    """('sharing', 1, 'method') -> 'sharing[2].method' (list items count from 1)."""
    out = ""
    for part in loc:
        if isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part + 1}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def problems_with_lines(
    problems: list[tuple[Loc, str]], lines: Mapping[Loc, int] | None = None
) -> list[Problem]:
    """Attach the nearest known line to each problem."""
    result = []
    for loc, message in problems:
        line = None
        if lines and loc:  # a problem of the whole file has no one line
            probe = loc
            while probe and probe not in lines:
                probe = probe[:-1]
            line = lines.get(probe)
        result.append(Problem(path_text(loc), message, line))
    return result
