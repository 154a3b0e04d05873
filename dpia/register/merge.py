"""Deciding what an update changes: pure, no workbook and no files.

For each row a project contributes, compare three versions of every tool column:

* ``logged``: what dpia last wrote (the audit log's latest "after" values),
* ``now``: what the register holds,
* ``new``: what the answers say today.

``now != logged`` means a person edited a cell dpia wrote. dpia never
overwrites that silently: with the policy ``stop`` it reports the difference;
``keep`` keeps the person's value (recorded as an ``accept`` entry, and not
proposed again until the answers change that cell); ``replace`` writes the
answers' value. Otherwise a cell is written when the answers changed it.

A flow that disappears from a project's answers is marked ended, never deleted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from dpia.answers import vocab
from dpia.register.audit import KeyState, NormRow, norm_row
from dpia.register.layout import Sheet
from dpia.register.rows import Row, Value
from dpia.register.workbook import typed

Policy = Literal["stop", "keep", "replace"]
POLICIES: tuple[Policy, ...] = ("stop", "keep", "replace")
DELETED = "(row deleted)"
NOT_LOGGED = "(not written by dpia)"


@dataclass(frozen=True)
class Difference:
    """A tool-written cell that a person changed (or a row they deleted or typed in)."""

    sheet: str
    key: str
    column: str
    logged: str
    now: str
    answers: str

    def describe(self) -> str:
        return (
            f"  {self.sheet} / {self.key} / {self.column}:\n"
            f"      dpia wrote:        {self.logged or '(empty)'}\n"
            f"      register now has:  {self.now or '(empty)'}\n"
            f"      answers now say:   {self.answers or '(empty)'}"
        )


@dataclass
class Action:
    op: str  # add, update, end, accept
    sheet: str
    key: str
    before: NormRow | None
    after: NormRow | None
    answers: NormRow
    write: dict[str, Value] = field(default_factory=dict)
    whole_row: bool = False  # the row is (re)added: write every tool column

    def log_change(self) -> dict[str, Any]:
        change: dict[str, Any] = {
            "op": self.op, "sheet": self.sheet, "key": self.key,
            "before": self.before, "after": self.after,
        }
        if self.answers != (self.after or {}):
            change["answers"] = self.answers
        return change


def ended_row(sheet: Sheet, logged: NormRow) -> Row:
    """A flow no longer in the answers: its last answers, with the status ended."""
    row: Row = {c.key: typed(c, logged.get(c.key, "")) for c in sheet.tool_columns}
    if sheet.status_column:
        row[sheet.status_column] = vocab.REGISTER_STATUSES["ended"]
    return row


def plan_sheet(
    sheet: Sheet,
    wanted: Mapping[str, Row],
    ending: set[str],
    current: Callable[[str], NormRow | None],
    state: Mapping[str, KeyState],
    policy: Policy,
) -> tuple[list[Action], list[Difference]]:
    """Actions for every wanted row (``ending`` are flows that left the answers)."""
    columns = [c.key for c in sheet.tool_columns]
    headers = {c.key: c.header for c in sheet.columns}
    actions: list[Action] = []
    differences: list[Difference] = []
    for key, row in wanted.items():
        new = norm_row(row, columns)
        now = current(key)
        logged_state = state.get(key)
        op_changed = "end" if key in ending else "update"
        if logged_state is not None and logged_state.after is None and now is None:
            continue  # a person deleted this row and that was accepted
        if logged_state is None or logged_state.after is None:
            if now is None:
                actions.append(Action("add", sheet.id, key, None, new, new, dict(row), whole_row=True))
                continue
            # A row with this key that dpia did not write (or wrote, then was deleted and retyped).
            logged: NormRow = {}
            answers_before: NormRow = {}
            edited = {c for c in columns if now.get(c, "") != new.get(c, "")}
            shown_logged = NOT_LOGGED
        else:
            logged = logged_state.after
            answers_before = logged_state.answers
            if now is None:
                if policy == "replace":
                    actions.append(Action("add", sheet.id, key, None, new, new, dict(row), whole_row=True))
                elif policy == "keep":
                    actions.append(Action("accept", sheet.id, key, logged, None, new))
                else:
                    differences.append(Difference(sheet.title, key, "(whole row)", "", DELETED, ""))
                continue
            edited = {c for c in columns if now.get(c, "") != logged.get(c, "")}
            shown_logged = ""
        if edited and policy == "stop":
            for c in columns:
                if c in edited:
                    differences.append(Difference(
                        sheet.title, key, headers[c], shown_logged or logged.get(c, ""),
                        now.get(c, ""), new.get(c, ""),
                    ))
            continue
        after = dict(now)
        write: dict[str, Value] = {}
        for c in columns:
            target = new.get(c, "")
            if c in edited:
                if policy == "replace" and now.get(c, "") != target:
                    write[c] = row.get(c)
            elif target != now.get(c, "") and target != answers_before.get(c, ""):
                write[c] = row.get(c)
        for c in write:
            if new.get(c):
                after[c] = new[c]
            else:
                after.pop(c, None)
        if edited:
            op = "update" if policy == "replace" else "accept"
        elif write:
            op = op_changed
        elif logged_state is not None and new == answers_before:
            continue
        else:
            op = op_changed if logged_state is not None else "accept"
        if not write and not edited and after == logged and new == answers_before:
            continue
        actions.append(Action(op, sheet.id, key, now if edited else logged, after, new, write))
    return actions, differences
