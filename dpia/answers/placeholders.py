"""Placeholders typed where a fact belongs: ``TBC``, ``unknown``, ``n/a`` ...

The contract lets a placeholder load without error, but it is a gap that blocks
sign-off and no document may state it as a fact. A placeholder in a text field is
kept as a :class:`Placeholder`: a ``str`` whose value (what was typed, used for
equality, saving and the fingerprint) is unchanged, but which prints as
:data:`SHOWN`, the words that say the fact is still missing. A placeholder in an
optional field of another type (a date, a number, a choice) loads as empty and the
model remembers it, so ``dpia check`` can name the field either way.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

# Compared case-insensitively, ignoring spaces at either end.
PLACEHOLDERS = frozenset({"tbc", "tba", "tbd", "unknown", "?", "n/a", "none yet", "to follow"})
# What a document prints where the answers hold a placeholder.
SHOWN = "[not yet decided]"


def is_placeholder(value: object) -> bool:
    return isinstance(value, str) and value.strip().lower() in PLACEHOLDERS


class Placeholder(str):
    """Text that is a placeholder: equal to what was typed, printed as :data:`SHOWN`."""

    __slots__ = ()

    @property
    def typed(self) -> str:
        """What the answers file holds."""
        return str.__str__(self)

    def __str__(self) -> str:
        return SHOWN

    def __format__(self, spec: str) -> str:
        return format(SHOWN, spec)

    def __html__(self) -> str:
        return SHOWN  # no characters that need escaping

    def __repr__(self) -> str:
        return f"Placeholder({self.typed!r})"


def mark(value: str) -> str:
    """``value`` as a :class:`Placeholder` if it is one, else unchanged."""
    return Placeholder(value) if is_placeholder(value) and not isinstance(value, Placeholder) else value


def typed(value: str) -> str:
    """What the answers file holds, for quoting the file itself (e.g. a risk's trigger)."""
    return value.typed if isinstance(value, Placeholder) else value


def shown(value: Any) -> Any:
    """A value for a document: a placeholder becomes :data:`SHOWN`, anything else as is."""
    return SHOWN if isinstance(value, Placeholder) else value


Loc = tuple[str | int, ...]


def found(model: BaseModel, loc: Loc = ()) -> Iterator[tuple[Loc, str]]:
    """Every placeholder in a validated model: (location in the file, what was typed)."""
    blanked: dict[tuple[str, ...], str] = getattr(model, "_blanked", None) or {}
    for name, field in type(model).model_fields.items():
        key = field.alias or name
        if (key,) in blanked:
            yield (*loc, key), blanked[(key,)]
            continue
        yield from _walk(getattr(model, name), (*loc, key))
        for entry, typed in blanked.items():
            if len(entry) == 2 and entry[0] == key:
                yield (*loc, *entry), typed


def _walk(value: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if isinstance(value, Placeholder):
        yield loc, value.typed
    elif isinstance(value, BaseModel):
        yield from found(value, loc)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, (*loc, i))
    elif isinstance(value, dict):
        for k, item in value.items():
            yield from _walk(item, (*loc, k))
