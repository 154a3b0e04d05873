"""What `dpia check` prints: errors, the screening verdict, risks and gaps, for people or as JSON."""

from __future__ import annotations

import json
import os
import re
import sys
import textwrap
from typing import TYPE_CHECKING, Any

from dpia.answers import vocab
from dpia.assessment.assess import signoff_state
from dpia.assessment.checks import GAP_LEVELS
from dpia.assessment.screening import SOURCES

if TYPE_CHECKING:
    from rich.console import Console

    from dpia.answers.model import Project
    from dpia.assessment.assess import Assessment
    from dpia.assessment.risks import Risk
    from dpia.errors import AnswersError


# Width used when output goes to a file or a pipe (rich would otherwise assume 80).
PIPE_WIDTH = 100
# Below this many columns the risk table becomes a list, so nothing is cut.
NARROW = 64


# Characters a terminal acts on instead of showing: C0 and C1 controls (ESC starts the
# sequences that clear the screen, move the cursor or add hidden links), DEL, and the
# marks that reorder text (bidirectional overrides and isolates).
_UNSHOWN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode control pictures: ␀ ... ␛ ... ␟
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"<U+{code:04X}>"


def visible(text: str) -> str:
    """``text`` with every character a terminal would act on shown as a visible sign instead
    (ESC as ␛, NUL as ␀, a C1 or direction control as <U+009B>); line breaks and tabs stay."""
    return _UNSHOWN.sub(_picture, text)


def _console(stderr: bool = False) -> Console:
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    width = None
    if not (hasattr(stream, "isatty") and stream.isatty()) and not os.environ.get("COLUMNS"):
        width = PIPE_WIDTH
    return Console(file=stream, highlight=False, soft_wrap=False, width=width)


def _wrap(
    con: Console, text: str, indent: int, hang: int | None = None, style: str = "",
    head: int = 0, head_style: str = "bold",
) -> None:
    """Print plain ``text`` wrapped to the console, first line ``indent`` spaces in and the
    rest ``hang`` spaces in; the first ``head`` characters get ``head_style``.

    Wrapping here (not by rich) keeps lines free of trailing spaces, and long words such
    as risk ids are folded, never cut.
    """
    from rich.markup import escape

    rest = indent if hang is None else hang
    lines = textwrap.wrap(
        visible(text),
        width=max(24, con.width - 1),
        initial_indent=" " * indent,
        subsequent_indent=" " * rest,
        break_on_hyphens=False,
    ) or [""]
    for n, line in enumerate(lines):
        if n == 0 and head:
            cut = indent + head
            markup = f"{line[:indent]}[{head_style}]{escape(line[indent:cut])}[/]{escape(line[cut:])}"
        else:
            markup = escape(line)
        con.print(markup, style=style, overflow="fold", crop=False)


def print_json(data: Any) -> None:
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "")
    text = json.dumps(data, indent=2, ensure_ascii=encoding != "utf8", default=str)
    # JSON escapes C0 controls itself; the others are written as \uXXXX escapes too.
    sys.stdout.write(_UNSHOWN.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


def errors_json(exc: AnswersError) -> dict[str, Any]:
    return {
        "file": exc.source,
        "file_valid": False,
        "errors": [
            {"path": p.path, "line": p.line, "message": p.message} for p in exc.problems
        ],
    }


def print_errors(exc: AnswersError) -> None:

    con = _console(stderr=True)
    count = len(exc.problems)
    head = f"{exc.source}: {count} error{'s' if count != 1 else ''}"
    _wrap(
        con,
        f"{head} - the file does not keep the answers format. Fix these, then check again:",
        0, 2, head=len(head), head_style="bold red",
    )
    for p in exc.problems:
        where = p.path or "(whole file)"
        line = f" (line {p.line})" if p.line is not None else ""
        _wrap(con, f"{where}{line}: {p.message}", 2, 6, head=len(where))


def check_json(project: Project, a: Assessment, source: str = "") -> dict[str, Any]:
    s = a.screening
    return {
        "file": source,
        "file_valid": True,
        "project": project.project.id,
        "fingerprint": a.fingerprint,
        "today": a.today.isoformat(),
        "draft": project.is_draft,
        "errors": [],
        "screening": {
            "verdict": s.verdict,
            "large_scale_threshold": s.settings.large_scale_threshold,
            "criteria": [
                {"id": c.id, "source": c.source, "title": c.title, "reasons": list(c.reasons)}
                for c in s.criteria
            ],
            "not_assessed": list(s.not_assessed),
        },
        "risks": [
            {
                "id": r.id,
                "kind": r.kind,
                "title": r.title,
                "likelihood": r.likelihood,
                "severity": r.severity,
                "overall": r.level,
                "measures_recorded": r.has_measures,
                "residual": r.level_after,
                "triggers": list(r.triggers),
                "suggested_measures": list(r.suggested_measures),
            }
            for r in a.risks
        ],
        "gaps": [
            {"id": g.id, "level": g.level, "path": g.path, "problem": g.problem, "fix": g.fix}
            for g in a.gaps
        ],
        "blocking_gaps": len(a.blocking_gaps),
    }


_VERDICT_STYLE = {"required": "bold red", "recommended": "bold yellow", "not required": "bold green"}
_LEVEL_STYLE = {"high": "red", "medium": "yellow", "low": "green"}


def _status(project: Project, a: Assessment, draft: str) -> str:
    """Signed off or not, never a plain "signed off" while gaps that block sign-off are open."""
    if project.is_draft:
        return draft
    return "signed off" if not a.blocking_gaps else signoff_state(project, a)


def print_check(project: Project, a: Assessment, edit_file: str | None = None) -> None:
    """The check summary; with ``edit_file``, each gap also names the `dpia edit` command."""
    con = _console()
    s = a.screening
    status = _status(project, a, "DRAFT (not signed off)")
    title = project.project.title
    _wrap(
        con, f"{title} ({project.project.id}, answers {a.fingerprint}, {status})", 0, 2,
        head=len(title),
    )
    con.print("[green]The answers file keeps the format: no errors.[/]\n")

    con.print(
        f"[bold]Is a DPIA needed?[/] [{_VERDICT_STYLE[s.verdict]}]{s.verdict.upper()}[/]"
    )
    if not s.criteria:
        _wrap(con, "None of the high-risk criteria that the answers can show applies.", 2)
    for c in s.criteria:
        _wrap(con, f"- {c.title} ({SOURCES[c.source]})", 2, 4, head=len(c.title) + 2)
        for reason in c.reasons:
            _wrap(con, f"because {reason}", 6, 8, style="dim")
    _wrap(
        con,
        f"Large scale means {s.settings.large_scale_threshold} or more participants "
        "(a setting: change it with --large-scale). Not shown by the answers, so consider "
        f"them yourself: {'; '.join(s.not_assessed)}.",
        2,
        style="dim",
    )
    con.print()
    _print_risks(con, a)
    con.print()
    _print_gaps(con, a, edit_file)


# The summary after the questionnaire: at most this many risks and gaps are named, so it
# fits a 40-line terminal whatever the project (the rest are counted).
SUMMARY_RISKS = 8
SUMMARY_GAPS = 8


def print_summary(project: Project, a: Assessment, file: str) -> None:
    """The short summary the questionnaire ends with: one line per item, one screen at most
    (at most 30 lines), with `dpia check` named for every detail."""
    from rich.markup import escape

    con = _console()

    def one_line(text: str, style: str = "", indent: int = 0) -> None:
        room = max(20, con.width - indent)
        shown = visible(text)
        if len(shown) > room:
            shown = shown[: room - 3].rstrip() + "..."
        body = escape(shown)
        con.print(" " * indent + (f"[{style}]{body}[/]" if style else body), crop=False,
                  overflow="ignore", no_wrap=True)

    s = a.screening
    status = _status(project, a, "draft, not signed off")
    one_line(f"{project.project.title} ({status})", "bold")
    criteria = "; ".join(c.title for c in s.criteria) or "none of the high-risk criteria applies"
    con.print(f"[bold]Is a DPIA needed?[/] [{_VERDICT_STYLE[s.verdict]}]{s.verdict.upper()}[/]")
    one_line(f"because: {criteria}", "dim", 2)
    open_risks = [r for r in a.risks if r.needs_measures and not r.has_measures]
    levels = {lvl: sum(1 for r in a.risks if r.level == lvl) for lvl in ("high", "medium", "low")}
    counts = ", ".join(f"{n} {lvl}" for lvl, n in levels.items() if n)
    con.print(f"[bold]Risks[/] {len(a.risks)}" + (f" ({counts})" if counts else "")
              + (f"; {len(open_risks)} still need measures" if open_risks else ""))
    shown_risks = sorted(a.risks, key=lambda r: (r not in open_risks, -r.score))
    for r in shown_risks[:SUMMARY_RISKS]:
        if r in open_risks:
            mark = f"{r.level}; needs measures"
        elif r.has_measures:
            mark = f"{r.level}; {r.level_after} after measures"
        else:
            mark = r.level
        one_line(f"- {r.title} ({mark})", indent=2)
    if len(a.risks) > SUMMARY_RISKS:
        one_line(f"... and {len(a.risks) - SUMMARY_RISKS} more", "dim", 2)
    blocking = a.blocking_gaps
    con.print(f"[bold]Gaps[/] {len(blocking)} block sign-off, {len(a.gaps) - len(blocking)} "
              "advice")
    # The risks with no measures are named above already.
    gaps = sorted((g for g in a.gaps if not g.id.startswith("no-measures-")),
                  key=lambda g: not g.blocks)
    for g in gaps[:SUMMARY_GAPS]:
        one_line(f"- {g.problem} ({g.path})", "red" if g.blocks else "yellow", 2)
    if len(gaps) > SUMMARY_GAPS:
        one_line(f"... and {len(gaps) - SUMMARY_GAPS} more", "dim", 2)
    one_line(f"Every risk and gap, with what to do: dpia check {file}", "dim")


_RISK_COLUMNS = ("id", "likelihood", "severity", "overall", "measures", "residual")
_GUTTER = "  "
_MIN_ID_WIDTH = 12


def _risk_cells(r: Risk) -> tuple[tuple[str, str], ...]:
    """(text, style) per column of the risk table."""
    measures = "recorded" if r.has_measures else ("none" if r.needs_measures else "-")
    return (
        (r.id, "bold"),
        (vocab.LIKELIHOODS[r.likelihood], ""),
        (vocab.SEVERITIES[r.severity], ""),
        (r.level, _LEVEL_STYLE[r.level]),
        (measures, "red" if measures == "none" else ""),
        (r.level_after, _LEVEL_STYLE[r.level_after]),
    )


def _print_risks(con: Console, a: Assessment) -> None:
    """A table of risks, or one block per risk when the table would not fit: ids are never cut."""
    from rich.markup import escape

    con.print(f"[bold]Risks[/] ({len(a.risks)}: overall before measures, residual after them)")
    if not a.risks:
        _wrap(con, "The answers imply no risks.", 2)
        return
    rows = [_risk_cells(r) for r in a.risks]
    widths = [
        max(len(_RISK_COLUMNS[i]), *(len(row[i][0]) for row in rows))
        for i in range(len(_RISK_COLUMNS))
    ]
    fixed = 2 + sum(widths[1:]) + len(_GUTTER) * (len(widths) - 1)
    widths[0] = min(widths[0], con.width - fixed)
    if widths[0] < _MIN_ID_WIDTH:
        for row in rows:
            (rid, _), lik, sev, overall, measures, residual = row
            _wrap(con, rid, 2, 2, head=len(rid))
            _wrap(
                con,
                f"{lik[0]} x {sev[0]} = {overall[0]}; measures {measures[0]}; "
                f"residual {residual[0]}",
                4,
                6,
            )
        return

    def line(cells: list[tuple[str, str]]) -> str:
        parts = []
        last = len(cells) - 1
        for n, ((text, style), width) in enumerate(zip(cells, widths, strict=True)):
            shown = escape(visible(text if n == last else text.ljust(width)))
            parts.append(f"[{style}]{shown}[/]" if style and text.strip() else shown)
        return ("  " + _GUTTER.join(parts)).rstrip()

    con.print(line([(c, "bold") for c in _RISK_COLUMNS]), crop=False)
    for row in rows:
        # A long id wraps after its hyphens inside its column; it is never cut.
        pieces = textwrap.wrap(row[0][0], width=widths[0], break_on_hyphens=True) or [""]
        con.print(line([(pieces[0], "bold"), *row[1:]]), crop=False, overflow="ignore")
        for piece in pieces[1:]:
            con.print(f"  [bold]{escape(visible(piece))}[/]", crop=False)


def _print_gaps(con: Console, a: Assessment, edit_file: str | None = None) -> None:
    blocking = a.blocking_gaps
    if not a.gaps:
        con.print("[bold green]No gaps found.[/]")
        return
    con.print(
        f"[bold]Gaps[/] ({len(blocking)} block sign-off, {len(a.gaps) - len(blocking)} advice)"
    )
    for g in a.gaps:
        style = "red" if g.blocks else "yellow"
        level = GAP_LEVELS[g.level]
        _wrap(con, f"{level}: {g.id} ({g.path})", 2, 4, head=len(level), head_style=style)
        _wrap(con, g.problem, 6)
        _wrap(con, f"Fix: {g.fix}", 6, style="dim")
        name = _section_for(g.path) if edit_file else None
        if name:
            _wrap(con, f"Or answer again: dpia edit {edit_file} --section {name}", 6, style="dim")


def _section_for(path: str) -> str | None:
    """The questionnaire section that answers a gap's field (the questions load only here)."""
    from dpia.questionnaire.questions import section_for_path

    return section_for_path(path)
