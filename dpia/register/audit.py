"""The register's audit log: append-only JSON lines, each entry chained to the one before.

Every change dpia makes to the register is one entry: when, who (operating-system
user), the operation, the sheet and register key, the row's values before and
after, and the hash of the previous entry. An entry's hash is SHA-256 over its
canonical form (sorted keys, compact separators, UTF-8, values normalised by
:func:`norm`: dates as ISO text, ``\\n`` line endings, empty cells omitted), so
a spreadsheet program re-saving the workbook cannot make a logged value look
different.

The log is tamper-evident, not tamper-proof: a person who can rewrite both the
log and the workbook can rewrite history. ``dpia register verify`` prints the
latest hash so that people can record it somewhere else.

Writes are two-phase (see :func:`write_pending`, :func:`finish_pending` and
:func:`recover`), so a crash between saving the workbook and extending the log
is completed or undone on the next run.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from dpia.errors import RegisterError
from dpia.fileio import atomic_write_bytes

GENESIS = "0" * 64
NormRow = dict[str, str]


def log_path(register: Path) -> Path:
    return register.with_name(register.stem + ".audit.jsonl")


def pending_path(register: Path) -> Path:
    return register.with_name(register.stem + ".audit.pending.json")


def norm(value: object) -> str:
    """One canonical text for a cell value, however the workbook was last saved.

    Spreadsheet programs turn dates into date-times, empty text into no value
    and ``\\r\\n`` into ``\\n``; all of those compare equal after this.
    """
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == datetime.min.time() and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def norm_row(row: Mapping[str, object], columns: Iterable[str]) -> NormRow:
    """The canonical form of a row's tool-written columns; empty cells are left out."""
    out: NormRow = {}
    for key in columns:
        text = norm(row.get(key))
        if text:
            out[key] = text
    return out


def canonical(data: Mapping[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def entry_hash(entry: Mapping[str, Any]) -> str:
    body = {k: v for k, v in entry.items() if k != "hash"}
    return hashlib.sha256(canonical(body)).hexdigest()


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment (rare on Windows services)
        return os.environ.get("USERNAME") or os.environ.get("USER") or "unknown"


def now_text() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class KeyState:
    """What the log says dpia last wrote in one row."""

    after: NormRow | None  # None: the row was deleted by a person and that was accepted
    answers: NormRow  # what the answers said, which differs from ``after`` where an edit was kept
    order: int  # position of the row's first entry, for the order check


@dataclass
class AuditLog:
    path: Path
    entries: list[dict[str, Any]] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # lines that are not entries

    @property
    def head(self) -> str:
        return str(self.entries[-1]["hash"]) if self.entries else GENESIS

    def chain_problems(self) -> list[str]:
        """Every break in the chain: an edited, removed, inserted or reordered entry."""
        problems = list(self.unreadable)
        prev = GENESIS
        for i, entry in enumerate(self.entries, start=1):
            where = f"log entry {i} ({entry.get('op')} {entry.get('sheet')} {entry.get('key')})"
            if entry.get("prev") != prev:
                problems.append(
                    f"{where} does not follow the entry before it: an entry was removed, "
                    "inserted or reordered"
                )
            if entry.get("hash") != entry_hash(entry):
                problems.append(f"{where} was changed after it was written (its hash does not match)")
            prev = str(entry.get("hash"))
        return problems

    def state(self) -> dict[tuple[str, str], KeyState]:
        """Replay the log: what dpia last wrote in each row, by (sheet, key)."""
        out: dict[tuple[str, str], KeyState] = {}
        for i, entry in enumerate(self.entries):
            if entry.get("op") == "create":
                continue
            ident = (str(entry["sheet"]), str(entry["key"]))
            after = entry.get("after")
            answers = entry.get("answers", after) or {}
            old = out.get(ident)
            out[ident] = KeyState(after=after, answers=answers, order=old.order if old else i)
        return out

    def new_entries(self, changes: Iterable[Mapping[str, Any]], user: str, time: str) -> list[dict[str, Any]]:
        """Chain new entries (op, sheet, key, before, after[, answers]) after the log's head."""
        prev = self.head
        out = []
        for seq, change in enumerate(changes, start=len(self.entries) + 1):
            entry: dict[str, Any] = {"seq": seq, "time": time, "user": user, **change, "prev": prev}
            entry["hash"] = prev = entry_hash(entry)
            out.append(entry)
        return out


def read_log(register: Path) -> AuditLog:
    path = log_path(register)
    log = AuditLog(path)
    if not path.exists():
        return log
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RegisterError(f"cannot read the register's audit log {path}: {exc}") from None
    # Entries end with "\n" only: splitlines() would also split at a line separator
    # (U+2028) or NEL inside a value, which JSON leaves unescaped.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            entry = None
        if not isinstance(entry, dict):
            log.unreadable.append(f"line {number} of {path.name} is not a log entry")
            continue
        log.entries.append(entry)
    return log


def _lines(entries: Iterable[Mapping[str, Any]]) -> bytes:
    return b"".join(canonical(e) + b"\n" for e in entries)


def write_pending(register: Path, entries: list[dict[str, Any]], workbook_sha256: str) -> None:
    """Phase 1: record the entries that belong with the workbook about to replace the register."""
    data = {"workbook_sha256": workbook_sha256, "entries": entries}
    atomic_write_bytes(pending_path(register), canonical(data))


def finish_pending(register: Path, entries: list[dict[str, Any]]) -> None:
    """Phase 2: the workbook is in place; add its entries to the log."""
    path = log_path(register)
    old = path.read_bytes() if path.exists() else b""
    if old and not old.endswith(b"\n"):
        old += b"\n"
    atomic_write_bytes(path, old + _lines(entries))
    pending_path(register).unlink(missing_ok=True)


def recover(register: Path) -> str | None:
    """Complete or undo an update that stopped between saving the workbook and the log.

    Returns a sentence saying what was done, or None when there was nothing to do.
    """
    pending = pending_path(register)
    if not pending.exists():
        return None
    try:
        data = json.loads(pending.read_bytes())
        entries = list(data["entries"])
        expected = str(data["workbook_sha256"])
    except (ValueError, KeyError, TypeError):
        pending.unlink()
        return "An unfinished update's notes were unreadable and were removed; the register was not changed."
    actual = hashlib.sha256(register.read_bytes()).hexdigest() if register.exists() else ""
    if actual == expected and entries:
        if read_log(register).head == entries[0].get("prev"):
            finish_pending(register, entries)
        pending.unlink(missing_ok=True)
        return "An update that stopped part-way was completed: its entries were added to the audit log."
    pending.unlink()
    return "An update that stopped before the register was replaced was discarded; the register is as it was."
