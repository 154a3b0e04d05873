"""The register's audit log: append-only JSON lines, each entry chained to the one before.

Every change dpia makes to the register is one entry: when, who (operating-system
user), the operation, the sheet and register key, the row's values before and
after, its position (``seq``) and the hash of the previous entry. An entry's hash
is SHA-256 over its canonical form (sorted keys, compact separators, UTF-8, values
normalised by :func:`norm`: dates as ISO text, ``\\n`` line endings, empty cells
omitted), so a spreadsheet program re-saving the workbook cannot make a logged
value look different.

The log is tamper-evident, not tamper-proof: a person who can rewrite both the
log and the workbook can rewrite history. ``dpia register verify`` prints the
latest hash so that people can record it somewhere else. The workbook records
the log's head and entry count too (document properties, see
:mod:`~dpia.register.workbook`), so entries removed from the end of the log show.

An update reads only the log's last line (its head) and the entries of the rows
it touches, found through an index file (``NAME.audit.index.json``: each row's
latest entry by byte offset). The index is a cache: checked against the log's
size and head on every use, and rebuilt from the log when it does not match.
``verify`` reads the whole log, one line at a time.

Writes are two-phase (see :func:`write_pending`, :func:`finish_pending` and
:func:`recover`), so a crash between saving the workbook and extending the log
is completed or undone on the next run.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from dpia.errors import RegisterError
from dpia.fileio import atomic_write_bytes, file_mode

GENESIS = "0" * 64
INDEX_FORMAT = "dpia-audit-index/1"
NormRow = dict[str, str]
Entry = dict[str, Any]
Offsets = dict[str, dict[str, int]]  # sheet id -> register key -> byte offset of its latest entry


def log_path(register: Path) -> Path:
    return register.with_name(register.stem + ".audit.jsonl")


def pending_path(register: Path) -> Path:
    return register.with_name(register.stem + ".audit.pending.json")


def index_path(register: Path) -> Path:
    return register.with_name(register.stem + ".audit.index.json")


def norm(value: object) -> str:
    """One canonical text for a cell value, however the workbook was last saved.

    Spreadsheet programs turn dates into date-times, empty text into no value
    and ``\\r\\n`` into ``\\n``; all of those compare equal after this.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value
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
    return norm(str(value))


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


def _where(entry: Mapping[str, Any], number: int) -> str:
    return f"log entry {number} ({entry.get('op')} {entry.get('sheet')} {entry.get('key')})"


@dataclass
class KeyState:
    """What the log says dpia last wrote in one row."""

    after: NormRow | None  # None: the row was deleted by a person and that was accepted
    answers: NormRow  # what the answers said, which differs from ``after`` where an edit was kept

    @classmethod
    def of(cls, entry: Mapping[str, Any]) -> KeyState:
        after = entry.get("after")
        return cls(after=after, answers=entry.get("answers", after) or {})


@dataclass
class Chain:
    """Checks the hash chain one entry at a time (so the log need never be held whole)."""

    head: str = GENESIS
    count: int = 0
    problems: list[str] = field(default_factory=list)

    def unreadable(self, number: int, name: str) -> None:
        self.problems.append(f"line {number} of {name} is not a log entry")

    def add(self, entry: Mapping[str, Any]) -> None:
        self.count += 1
        where = _where(entry, self.count)
        if entry.get("prev") != self.head:
            self.problems.append(
                f"{where} does not follow the entry before it: an entry was removed, "
                "inserted or reordered"
            )
        if entry.get("hash") != entry_hash(entry):
            self.problems.append(f"{where} was changed after it was written (its hash does not match)")
        elif entry.get("seq") not in (None, self.count):
            self.problems.append(
                f"{where} says it is entry {entry.get('seq')}: entries were removed or inserted"
            )
        self.head = str(entry.get("hash"))


def iter_log(register: Path, end: int | None = None) -> Iterator[tuple[int, int, Entry | None]]:
    """Every line of the log as (byte offset, line number, entry or None if not an entry).

    Reads one line at a time. Entries end with ``\\n`` only (a value may hold a line
    separator such as U+2028, which JSON leaves unescaped and text-mode reading would
    split at), so the file is read as bytes.
    """
    path = log_path(register)
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        return
    except OSError as exc:
        raise RegisterError(f"cannot read the register's audit log {path}: {exc.strerror}") from None
    with handle:
        offset = 0
        for number, line in enumerate(handle, start=1):
            if end is not None and offset >= end:
                return
            here, offset = offset, offset + len(line)
            if not line.strip():
                continue
            yield here, number, _parse(line)


def _parse(line: bytes) -> Entry | None:
    try:
        entry = json.loads(line)
    except (ValueError, UnicodeDecodeError):
        return None
    return entry if isinstance(entry, dict) else None


@dataclass
class Tail:
    """The log's end, read without reading the log: its size and its last entry."""

    size: int
    last: Entry | None
    last_offset: int = 0
    broken: str = ""  # the last line is not a whole entry

    @property
    def head(self) -> str:
        return str(self.last["hash"]) if self.last else GENESIS

    @property
    def count(self) -> int:
        return int(self.last.get("seq") or 0) if self.last else 0


def read_tail(register: Path, end: int | None = None) -> Tail:
    """The last entry of the log (of its first ``end`` bytes), reading backwards from the end."""
    path = log_path(register)
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        return Tail(0, None)
    except OSError as exc:
        raise RegisterError(f"cannot read the register's audit log {path}: {exc.strerror}") from None
    with handle:
        size = os.fstat(handle.fileno()).st_size if end is None else end
        pos, tail = size, b""
        while pos > 0:
            step = min(pos, 1 << 16)
            pos -= step
            handle.seek(pos)
            tail = handle.read(step) + tail
            body = tail.rstrip(b"\r\n\t ")
            cut = body.rfind(b"\n")
            if cut >= 0 or pos == 0:
                line = body[cut + 1:]
                if not line:
                    return Tail(size, None)
                entry = _parse(line)
                if entry is None:
                    return Tail(size, None, broken=f"the last line of {path.name} is not a whole log entry")
                return Tail(size, entry, pos + cut + 1)
    return Tail(size, None)


def tail_problem(tail: Tail) -> str:
    """Why the log's last entry cannot be trusted, or ''."""
    if tail.broken:
        return tail.broken
    if tail.last is not None and tail.last.get("hash") != entry_hash(tail.last):
        return f"{_where(tail.last, tail.count)} was changed after it was written (its hash does not match)"
    if tail.last is not None and not isinstance(tail.last.get("seq"), int):
        return f"{_where(tail.last, 0)} has no position (seq): it was not written by this version of dpia"
    return ""


@dataclass
class AuditLog:
    """The whole log in memory: for tests and small tools; dpia itself streams it."""

    path: Path
    entries: list[Entry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def head(self) -> str:
        return str(self.entries[-1]["hash"]) if self.entries else GENESIS


def read_log(register: Path) -> AuditLog:
    log = AuditLog(log_path(register))
    chain = Chain()
    for _, number, entry in iter_log(register):
        if entry is None:
            chain.unreadable(number, log.path.name)
            continue
        chain.add(entry)
        log.entries.append(entry)
    log.problems = chain.problems
    return log


# --- the index: each row's latest entry by byte offset --------------------------------------


def build_offsets(register: Path, end: int | None = None) -> Offsets:
    """Stream the log and note each row's latest entry."""
    offsets: Offsets = {}
    for offset, _, entry in iter_log(register, end):
        if entry is not None and entry.get("op") != "create":
            offsets.setdefault(str(entry.get("sheet")), {})[str(entry.get("key"))] = offset
    return offsets


def read_offsets(register: Path, tail: Tail) -> Offsets:
    """The index, if it describes this log (same size and head); otherwise rebuilt from the log."""
    try:
        data = json.loads(index_path(register).read_bytes())
        if (data.get("format"), data.get("size"), data.get("head")) == (INDEX_FORMAT, tail.size, tail.head):
            offsets: Offsets = data["keys"]
            return offsets
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    return build_offsets(register, tail.size)


def write_offsets(register: Path, offsets: Offsets, size: int, head: str) -> None:
    """Replace the index (not synced to disk: after a power cut it may be old or empty, and
    is then rebuilt, since it must match the log's size and head to be used)."""
    data = {"format": INDEX_FORMAT, "size": size, "head": head, "keys": offsets}
    path = index_path(register)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(json.dumps(data, separators=(",", ":")).encode("utf-8"))
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def read_entry_at(register: Path, offset: int, sheet: str, key: str) -> Entry | None:
    """The entry at ``offset`` if it is an intact entry of that row, else None."""
    try:
        with log_path(register).open("rb") as handle:
            handle.seek(offset)
            entry = _parse(handle.readline())
    except OSError:
        return None
    if entry is None or (entry.get("sheet"), entry.get("key")) != (sheet, key):
        return None
    return entry if entry.get("hash") == entry_hash(entry) else None


class LogView:
    """What an update needs of the log: its head, and the latest entry of chosen rows."""

    def __init__(self, register: Path) -> None:
        self.register = register
        self.tail = read_tail(register)
        self._offsets: Offsets | None = None

    @property
    def empty(self) -> bool:
        return self.tail.last is None and not self.tail.broken

    @property
    def offsets(self) -> Offsets:
        if self._offsets is None:
            self._offsets = read_offsets(self.register, self.tail)
        return self._offsets

    def states(self, sheet: str, keys: Iterable[str]) -> dict[str, KeyState]:
        """The logged state of these rows (those the log has)."""
        out: dict[str, KeyState] = {}
        for key in keys:
            offset = self.offsets.get(sheet, {}).get(key)
            if offset is None:
                continue
            entry = read_entry_at(self.register, offset, sheet, key)
            if entry is None:  # a stale or damaged index: rebuild it once from the log
                self._offsets = build_offsets(self.register, self.tail.size)
                offset = self._offsets.get(sheet, {}).get(key)
                entry = None if offset is None else read_entry_at(self.register, offset, sheet, key)
                if offset is not None and entry is None:
                    raise RegisterError(
                        f"the audit log {log_path(self.register)} is damaged (the entry of {sheet} "
                        f"'{key}' does not read back), so dpia will not add to it. Run 'dpia register "
                        "verify' for the full report."
                    )
            if entry is not None:
                out[key] = KeyState.of(entry)
        return out

    def keys(self, sheet: str) -> list[str]:
        return list(self.offsets.get(sheet, {}))

    def columns_used(self, sheet: str) -> set[str]:
        """Every column dpia wrote on a sheet (streams the log: needed only when a column is missing)."""
        used: set[str] = set()
        for _, _, entry in iter_log(self.register, self.tail.size):
            if entry is not None and entry.get("sheet") == sheet:
                used.update(entry.get("after") or {})
        return used

    def new_entries(self, changes: Iterable[Mapping[str, Any]], user: str, time: str) -> list[Entry]:
        """Chain new entries (op, sheet, key, before, after[, answers]) after the log's head."""
        prev = self.tail.head
        out = []
        for seq, change in enumerate(changes, start=self.tail.count + 1):
            entry: Entry = {"seq": seq, "time": time, "user": user, **change, "prev": prev}
            entry["hash"] = prev = entry_hash(entry)
            out.append(entry)
        return out


# --- two-phase writes ---------------------------------------------------------------------


def _lines(entries: Iterable[Mapping[str, Any]]) -> list[bytes]:
    return [canonical(e) + b"\n" for e in entries]


def write_pending(register: Path, entries: list[Entry], workbook_sha256: str, log_size: int) -> None:
    """Phase 1: record the entries that belong with the workbook about to replace the register.

    The workbook itself records the last of these entries' hash and position (see
    :func:`dpia.register.workbook.set_log_record`), so the pair is recognised even after
    a person re-saves the workbook in a spreadsheet program.
    """
    data = {"workbook_sha256": workbook_sha256, "log_size": log_size, "entries": entries}
    atomic_write_bytes(pending_path(register), canonical(data))


def finish_pending(
    register: Path, entries: list[Entry], log_size: int, offsets: Offsets | None = None
) -> None:
    """Phase 2: the workbook is in place; append its entries to the log (after its first
    ``log_size`` bytes: anything beyond is a half-written earlier attempt), then the index."""
    path = log_path(register)
    lines = _lines(entries)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, file_mode(path))
    with os.fdopen(fd, "r+b") as handle:
        handle.truncate(log_size)
        separator = b""
        if log_size:  # a log whose last line lost its line break (edited by hand) keeps its entries
            handle.seek(log_size - 1)
            separator = b"" if handle.read(1) == b"\n" else b"\n"
        handle.seek(log_size)
        handle.write(separator + b"".join(lines))
        handle.flush()
        os.fsync(handle.fileno())
    if offsets is not None:
        position = log_size + len(separator)
        for entry, line in zip(entries, lines, strict=True):
            if entry.get("op") != "create":
                offsets.setdefault(str(entry["sheet"]), {})[str(entry["key"])] = position
            position += len(line)
        try:
            write_offsets(register, offsets, position, str(entries[-1]["hash"]))
        except OSError:  # the index is a cache: a missing one is rebuilt next time
            index_path(register).unlink(missing_ok=True)
    pending_path(register).unlink(missing_ok=True)


@dataclass
class Pending:
    entries: list[Entry]
    workbook_sha256: str
    log_size: int | None

    @property
    def head(self) -> str:
        return str(self.entries[-1].get("hash"))

    @property
    def count(self) -> int:
        return int(self.entries[-1].get("seq") or 0)


def read_pending(register: Path) -> Pending | None:
    """The unfinished update's notes; raises ValueError if they are unreadable."""
    path = pending_path(register)
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_bytes())
        entries = list(data["entries"])
        size = data.get("log_size")
        pending = Pending(entries, str(data["workbook_sha256"]), int(size) if size is not None else None)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(str(exc)) from None
    if not entries or not all(isinstance(e, dict) for e in entries):
        raise ValueError("no entries")
    return pending


def pending_applies(register: Path, pending: Pending, recorded: tuple[str, int] | None) -> bool:
    """Does the register in place hold the pending update? By the head it records (which
    survives a re-save in Excel or LibreOffice), or else by its exact bytes."""
    if recorded is not None:
        return recorded == (pending.head, pending.count)
    if not register.exists():
        return False
    with register.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest() == pending.workbook_sha256


def recover(register: Path, recorded: tuple[str, int] | None) -> str | None:
    """Complete or undo an update that stopped between saving the workbook and the log.

    ``recorded``: the log head and entry count the workbook records (None if it
    records none). Returns a sentence saying what was done, or None when there was
    nothing to do. Call with the register's lock held.
    """
    path = pending_path(register)
    try:
        pending = read_pending(register)
    except ValueError:
        path.unlink()
        return "An unfinished update's notes were unreadable and were removed; the register was not changed."
    if pending is None:
        return None
    if not pending_applies(register, pending, recorded):
        path.unlink()
        return ("An update that stopped before the register was replaced was discarded; "
                "the register is as it was.")
    tail = read_tail(register)
    if tail.head == pending.head:  # the log was extended; only the notes were left
        path.unlink()
        return None
    size = pending.log_size
    if size is None or size > tail.size or read_tail(register, size).head != pending.entries[0].get("prev"):
        path.unlink()
        return (
            "An update that stopped part-way could not be completed: the audit log changed since. "
            "Run 'dpia register verify'."
        )
    finish_pending(register, pending.entries, size)
    index_path(register).unlink(missing_ok=True)  # rebuilt on next use
    return "An update that stopped part-way was completed: its entries were added to the audit log."
