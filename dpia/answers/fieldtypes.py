"""Each answer checked with the model's own field type, found by its path in the file.

``check_value(("processing", "approx_participants"), "350")`` validates with the
pydantic ``TypeAdapter`` of that field's annotation (metadata and validators
included), so a prompt accepts exactly what the file loader accepts.
"""

from __future__ import annotations

import types
import typing
from functools import cache
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from dpia.answers import messages
from dpia.answers.model import Loc, Project


def _bare(tp: Any) -> Any:
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    return tp


def _arms(tp: Any) -> list[Any]:
    tp = _bare(tp)
    if get_origin(tp) in (typing.Union, types.UnionType):
        return [arm for a in get_args(tp) if a is not type(None) for arm in _arms(a)]
    return [tp]


def _full(f: FieldInfo) -> Any:
    if not f.metadata:
        return f.annotation
    return Annotated.__class_getitem__((f.annotation, *f.metadata))  # type: ignore[attr-defined]


@cache
def _field(path: tuple[str | int, ...]) -> tuple[Any, FieldInfo | None]:
    tp: Any = Project
    info: FieldInfo | None = None
    for seg in path:
        for arm in _arms(tp):
            if isinstance(seg, int) and get_origin(arm) is list:
                tp, info = get_args(arm)[0], None
                break
            if isinstance(seg, str) and isinstance(arm, type) and issubclass(arm, BaseModel):
                found = [(n, f) for n, f in arm.model_fields.items() if seg in (n, f.alias)]
                if found:
                    tp, info = _full(found[0][1]), found[0][1]
                    break
            if isinstance(seg, str) and get_origin(arm) is dict:
                tp, info = get_args(arm)[1], None
                break
        else:
            raise KeyError(path)
    return tp, info


def _norm(loc: Loc) -> tuple[str | int, ...]:
    return tuple(0 if isinstance(p, int) else p for p in loc)


@cache
def _adapter(path: tuple[str | int, ...]) -> TypeAdapter[Any]:
    return TypeAdapter(_field(path)[0])


def check_value(loc: Loc, value: Any) -> tuple[Any, str | None]:
    """Validate one answer with the model's field type: (converted value, problem or None)."""
    try:
        return _adapter(_norm(loc)).validate_python(value), None
    except ValidationError as exc:
        error = exc.errors()[0]
        full = {**error, "loc": (*loc, *error.get("loc", ()))}
        return value, messages.message(full, Project)


def is_required(loc: Loc) -> bool:
    info = _field(_norm(loc))[1]
    return info is None or info.is_required()
