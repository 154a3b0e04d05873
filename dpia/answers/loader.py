"""Read and write answers files safely.

Loading walks PyYAML's event stream and builds plain data itself, so that:

* every scalar stays the text that was typed (``NO``, ``0123``, ``12:30``);
  the model converts the typed fields (numbers, booleans, dates);
* duplicate keys, anchors/aliases and explicit tags (``!!python/...``) are
  refused before anything is built, so alias bombs never expand;
* each value's line is remembered for error messages.

Saving writes a temporary file beside the target and renames it over, so a
failure leaves the previous file intact; keys keep the contract's order.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from dpia.answers import vocab
from dpia.answers.model import Loc, Project, problems_with_lines
from dpia.answers.placeholders import Placeholder
from dpia.answers.validate import validate
from dpia.errors import AnswersError, IncompleteAnswersError, Problem, UsageError
from dpia.fileio import atomic_write_text, office_kind

MAX_BYTES = 1024 * 1024
# Answers files nest about five levels; anything far deeper is a mistake or an attack.
MAX_DEPTH = 50
# A large project's file holds about 3,000 YAML events (values, lists, groups); reading
# stops at these bounds, so a huge or hostile file is refused in a second or two.
MAX_EVENTS = 30_000
MAX_ITEMS = 1_000  # items in one list (organisations, flows, risks ...)
# Top-level key written by the questionnaire into a file saved part-way through.
INCOMPLETE_KEY = "incomplete"
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})

Lines = dict[Loc, int]


def read_text(path: Path) -> str:
    """Read an answers file as text, refusing anything that is not a small text file.

    A missing file or a folder is a usage error (exit 2): the command named the
    wrong thing. Everything wrong with the file's content is an :class:`AnswersError`.
    Only a regular file is opened: a named pipe, a device or a socket is refused
    from its ``stat``, before anything could wait on it.
    """
    source = str(path)
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        raise UsageError(f"{source}: file not found; check the name and the folder") from None
    except OSError as exc:
        raise AnswersError(source, [Problem("", _unreadable(exc))]) from None
    if stat.S_ISDIR(info.st_mode):
        raise UsageError(f"{source} is a folder, not an answers file: name the .yaml file")
    _refuse_special(info.st_mode, source)
    if info.st_size > MAX_BYTES:
        raise AnswersError(
            source, [Problem("", f"is {info.st_size:,} bytes; answers files are limited to 1 MiB")]
        )
    try:
        # Not blocking: a file swapped for a named pipe after the check cannot hang the read.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as handle:
            _refuse_special(os.fstat(handle.fileno()).st_mode, source)
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise AnswersError(source, [Problem("", _unreadable(exc))]) from None
    return decode(raw, source)


def _unreadable(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return ("cannot be read: permission denied (you, or this program, may not open the file "
                "or one of the folders on its path). Ask whoever manages the folder, or copy "
                "the file somewhere you can read it")
    return f"cannot be read: {(exc.strerror or str(exc)).lower()}"


def _refuse_special(mode: int, source: str) -> None:
    if stat.S_ISREG(mode):
        return
    kind = (
        "a named pipe (FIFO)" if stat.S_ISFIFO(mode)
        else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "a socket" if stat.S_ISSOCK(mode)
        else "not a regular file"
    )
    raise AnswersError(
        source, [Problem("", f"is {kind}, not a file; an answers file must be a plain text file "
                             "saved on disk (name the .yaml file itself)")]
    )


def decode(raw: bytes, source: str) -> str:
    """Bytes to text: UTF-8 (with or without a BOM), or UTF-16 with a BOM as Windows writes it."""
    if len(raw) > MAX_BYTES:
        raise AnswersError(source, [Problem("", "is over 1 MiB; answers files are limited to 1 MiB")])
    kind = office_kind(raw)
    if kind is not None:
        raise AnswersError(source, [Problem("", _NOT_TEXT.format(kind=kind))])
    encoding = "utf-16" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"
    if encoding != "utf-16" and _utf16_without_bom(raw):
        encoding = "utf-16-le" if raw[1:2] == b"\x00" else "utf-16-be"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise AnswersError(
            source,
            [
                Problem(
                    "",
                    f"is not a UTF-8 text file (byte {exc.start + 1} cannot be read); "
                    "save it as UTF-8 text from your editor (in Notepad: File, Save as, "
                    "Encoding: UTF-8)",
                    raw[: exc.start].count(b"\n") + 1 if encoding == "utf-8-sig" else None,
                )
            ],
        ) from None
    if "\x00" in text:
        raise AnswersError(source, [Problem("", "contains binary data; it is not a YAML text file")])
    return text


_NOT_TEXT = (
    "is {kind}, not a text file. An answers file is plain text (YAML): write it with "
    "'dpia new', or copy the text into Notepad and save it from there; renaming a "
    "document to .yaml does not convert it"
)


def _utf16_without_bom(raw: bytes) -> bool:
    """UTF-16 text saved without its byte-order mark: every other byte is zero."""
    sample = raw[:200]
    return len(sample) >= 4 and (sample[1::2].count(0) == len(sample[1::2])
                                 or sample[0::2].count(0) == len(sample[0::2]))


def parse(text: str, source: str = "<answers>") -> tuple[Any, Lines]:
    """Parse YAML text into plain data (dicts, lists, str, None) and a line map."""
    text = text.removeprefix("\ufeff")
    try:
        return _build(yaml.parse(text, Loader=_Loader), source)
    except yaml.reader.ReaderError as exc:
        at = text.count("\n", 0, max(exc.position, 0)) + 1
        code = exc.character if isinstance(exc.character, int) else 0
        raise AnswersError(
            source,
            [
                Problem(
                    "",
                    f"contains a control character (code {code:#04x}) that YAML does not allow; "
                    "delete it (it often comes from copying text out of another program)",
                    at,
                )
            ],
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = exc.problem or exc.context or "not valid YAML"
        if "'\\t'" in what:
            message = (
                "has a tab character where YAML needs spaces; replace tabs with spaces "
                "(YAML indents with spaces only)"
            )
        else:
            message = f"is not valid YAML: {what} (check indentation and quotes)"
        raise AnswersError(source, [Problem("", message, line)]) from None
    except yaml.YAMLError as exc:
        raise AnswersError(source, [Problem("", f"is not valid YAML: {exc}")]) from None
    except RecursionError:
        raise AnswersError(source, [Problem("", "is nested too deeply")]) from None


class _Loader(yaml.SafeLoader):
    """Event source only; the tree is built by :func:`_build`."""


# Only PyYAML's pure-Python parser is used, even where libyaml is installed: libyaml
# accepts a few malformed forms PyYAML refuses (such as '|#'), and the same file must
# get the same verdict on every machine. It costs about 15 ms on a typical file.


def _build(events: Any, source: str) -> tuple[Any, Lines]:
    lines: Lines = {}
    # Stack of containers being filled: (container, loc, pending_key, key_line)
    stack: list[list[Any]] = []
    root: Any = None
    documents = 0

    def problem(message: str, event: Any, loc: Loc | None = None) -> AnswersError:
        from dpia.answers.model import path_text

        where = here() if loc is None else loc
        return AnswersError(source, [Problem(path_text(where), message, event.start_mark.line + 1)])

    def here() -> Loc:
        """Where the next value goes, as a field path."""
        if not stack:
            return ()
        container, loc, key = stack[-1][0], stack[-1][1], stack[-1][2]
        if isinstance(container, list):
            return (*loc, len(container))
        return loc if key is _NO_KEY else (*loc, key)

    def place(value: Any, event: Any) -> Loc | None:
        nonlocal root
        line = event.start_mark.line + 1
        if not stack:
            root = value
            lines[()] = line
            return ()
        frame = stack[-1]
        container, loc = frame[0], frame[1]
        if isinstance(container, list):
            if len(container) >= MAX_ITEMS:
                raise problem(
                    f"has more than {MAX_ITEMS:,} items; an answers file needs far fewer. "
                    "Is it the right file?", event, loc,
                )
            child: Loc = (*loc, len(container))
            container.append(value)
            lines[child] = line
            return child
        if frame[2] is _NO_KEY:
            if not isinstance(value, str):
                raise problem("a key must be plain text, not a list or group", event, loc)
            if value in container:
                raise problem(
                    f"the key '{value}' appears twice in the same group; keep one "
                    "(otherwise the second would silently win)",
                    event,
                    (*loc, value),
                )
            frame[2] = value
            frame[3] = line
            return None
        key = frame[2]
        child = (*loc, key)
        container[key] = value
        lines[child] = frame[3]
        frame[2] = _NO_KEY
        return child

    for count, event in enumerate(events):
        if count >= MAX_EVENTS:
            raise problem(
                f"holds more than {MAX_EVENTS:,} values, lists and groups; an answers file "
                "needs far fewer. Is it the right file? Reading stopped here", event, here()[:3],
            )
        tag = getattr(event, "tag", None)
        if isinstance(event, yaml.AliasEvent):
            raise problem(
                "uses a YAML alias (*name); write the value out in full instead", event
            )
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise problem(
                f"uses a YAML anchor (&{anchor}); anchors and aliases are not allowed", event
            )
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise problem("holds more than one YAML document; keep one", event)
        elif isinstance(event, yaml.ScalarEvent):
            if tag is not None:
                raise problem(_tag_message(tag), event)
            value: Any = event.value
            if not event.style and value in _NULLS:  # plain: None (PyYAML) or '' (libyaml)
                value = None
            place(value, event)
        elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            if tag is not None:
                raise problem(_tag_message(tag), event)
            if len(stack) >= MAX_DEPTH:
                raise problem(
                    f"is nested more than {MAX_DEPTH} levels deep; answers files are much "
                    "flatter, so check the brackets and indentation",
                    event,
                    here()[:3],
                )
            container: Any = [] if isinstance(event, yaml.SequenceStartEvent) else {}
            loc = place(container, event)
            if loc is None:
                raise problem("a key must be plain text, not a list or group", event)
            stack.append([container, loc, _NO_KEY, 0])
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            stack.pop()
    return root, lines


_NO_KEY = object()


def _tag_message(tag: str) -> str:
    shown = "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag
    return f"uses the YAML tag '{shown}'; tags are not allowed, write plain values"


def load(path: Path | str) -> Project:
    """Load and validate an answers file; raise :class:`AnswersError` with every problem."""
    path = Path(path)
    return load_text(read_text(path), str(path))


def load_text(text: str, source: str = "<answers>") -> Project:
    data, lines = parse(text, source)
    if data is None:
        raise AnswersError(source, [Problem("", "is empty: start from 'dpia new' or the example")])
    if not isinstance(data, dict):
        raise AnswersError(
            source,
            [Problem("", "must be a set of 'key: value' lines (a YAML mapping) at the top level")],
        )
    if INCOMPLETE_KEY in data:
        stopped = data[INCOMPLETE_KEY]
        where = stopped.get("section") if isinstance(stopped, dict) else None
        hint = f" (stopped at section '{where}')" if where else ""
        raise IncompleteAnswersError(
            source,
            [
                Problem(
                    INCOMPLETE_KEY,
                    f"this file was saved part-way through the questionnaire{hint}; "
                    f"finish it with: dpia new {source}",
                    lines.get((INCOMPLETE_KEY,)),
                )
            ],
        )
    data = migrate(data)
    project, problems = validate(data)
    if project is None:
        raise AnswersError(source, problems_with_lines(problems, lines))
    return project


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring an older format up to date. Only ``dpia-answers/1`` exists so far."""
    return data


# --- saving ---------------------------------------------------------------------


def to_data(project: Project) -> dict[str, Any]:
    """The project as plain data in the contract's key order, without empty optionals."""
    data: dict[str, Any] = project.model_dump(mode="python", by_alias=True, exclude_none=True)
    # A placeholder typed where a date, number or choice belongs loaded as empty: keep it.
    for loc, typed in project.placeholders():
        place: Any = data
        for part in loc[:-1]:
            place = place.setdefault(part, {}) if isinstance(place, dict) else place[part]
        place[loc[-1]] = typed
    return data


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent list items under their key, as people write them by hand.
        super().increase_indent(flow, False)

    def ignore_aliases(self, data: Any) -> bool:
        # A date shared by a check-in and the flows dated from it is written out each time,
        # never as an anchor and '*id001' alias that people reading the file cannot follow.
        return True


# Line breaks YAML readers fold or normalise unless the text is double-quoted.
_ODD_BREAKS = ("\r", "\x85", "\u2028", "\u2029")


def _str_presenter(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if any(c in value for c in _ODD_BREAKS):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str_presenter)
_Dumper.add_representer(
    Placeholder, lambda d, v: _str_presenter(d, v.typed)
)
_Dumper.add_representer(
    date, lambda d, v: d.represent_scalar("tag:yaml.org,2002:timestamp", v.isoformat())
)


def dump(data: Mapping[str, Any], header: str = "") -> str:
    body = yaml.dump(
        dict(data),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=88,
        indent=2,
    )
    return header + body


def save(project: Project, path: Path | str) -> None:
    """Write a valid project to ``path`` atomically."""
    header = f"# An answers file in format {vocab.FORMAT}. Check it with: dpia check <file>\n"
    _write_readable(Path(path), dump(to_data(project), header))


def save_raw(data: Mapping[str, Any], path: Path | str, header: str = "") -> None:
    """Write plain (possibly incomplete) data atomically, e.g. a questionnaire in progress."""
    _write_readable(Path(path), dump(data, header))


def _write_readable(path: Path, text: str) -> None:
    """Write ``text`` only if loading would accept its size: a file dpia saved must open again."""
    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        raise AnswersError(str(path), [Problem("", (
            f"would be {size:,} bytes, over the 1 MiB an answers file may hold, so it was not "
            "saved (the file on disk is as it was). Shorten the longest answers and save again"
        ))])
    atomic_write_text(path, text)


def keep_commented_copy(path: Path) -> Path | None:
    """Before dpia rewrites a file that a person annotated with comments, keep it as it was.

    Saving writes the answers afresh, so hand-written ``#`` comments would be lost. The
    old file is copied to ``NAME.before-edit.yaml`` beside it (atomically) and that path
    returned; a file without comments of its own needs no copy (None).
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeError):
        return None
    if not any(line.lstrip().startswith("#") and not _ours(line) for line in text.splitlines()):
        return None
    copy_path = path.with_name(f"{path.stem}.before-edit{path.suffix or '.yaml'}")
    atomic_write_text(copy_path, text)
    return copy_path


def _ours(line: str) -> bool:
    """A header line dpia itself writes at the top of the files it saves."""
    text = line.strip()
    return text.startswith(("# An answers file in format", "# Saved part-way through the dpia",
                            "# Carry on where it stopped with"))
