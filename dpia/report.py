"""What `dpia check` prints: errors, the screening verdict, risks and gaps, for people or as JSON."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

from dpia import vocab
from dpia.checks import GAP_LEVELS
from dpia.screening import NOT_ASSESSED, SOURCES

if TYPE_CHECKING:
    from rich.console import Console

    from dpia.assess import Assessment
    from dpia.errors import AnswersError
    from dpia.model import Project


def _console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


def errors_json(exc: AnswersError) -> dict[str, Any]:
    return {
        "file": exc.source,
        "valid": False,
        "errors": [
            {"path": p.path, "line": p.line, "message": p.message} for p in exc.problems
        ],
    }


def print_errors(exc: AnswersError) -> None:
    from rich.markup import escape

    con = _console(stderr=True)
    count = len(exc.problems)
    con.print(
        f"[bold red]{escape(exc.source)}: {count} error{'s' if count != 1 else ''}[/] "
        "- the file does not keep the answers format. Fix these, then check again:"
    )
    for p in exc.problems:
        where = p.path or "(whole file)"
        line = f" [dim](line {p.line})[/]" if p.line is not None else ""
        con.print(f"  [bold]{escape(where)}[/]{line}: {escape(p.message)}")


def check_json(project: Project, a: Assessment) -> dict[str, Any]:
    s = a.screening
    return {
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
            "not_assessed": list(NOT_ASSESSED),
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
    }


_VERDICT_STYLE = {"required": "bold red", "recommended": "bold yellow", "not required": "bold green"}
_LEVEL_STYLE = {"high": "red", "medium": "yellow", "low": "green"}


def print_check(project: Project, a: Assessment) -> None:
    from rich.markup import escape
    from rich.table import Table

    con = _console()
    s = a.screening
    status = "DRAFT (not signed off)" if project.is_draft else "signed off"
    con.print(
        f"[bold]{escape(project.project.title)}[/] [dim]({escape(project.project.id)}, "
        f"answers {a.fingerprint}, {status})[/]"
    )
    con.print("[green]The answers file keeps the format: no errors.[/]\n")

    con.print(
        f"[bold]Is a DPIA needed?[/] [{_VERDICT_STYLE[s.verdict]}]{s.verdict.upper()}[/]"
    )
    if not s.criteria:
        con.print("  None of the high-risk criteria that the answers can show applies.")
    for c in s.criteria:
        con.print(f"  - {escape(c.title)} [dim]({SOURCES[c.source]})[/]")
        for reason in c.reasons:
            con.print(f"      because {escape(reason)}", style="dim")
    con.print(
        f"  [dim]Large scale means {s.settings.large_scale_threshold} or more participants "
        "(change with --large-scale). Not shown by the answers, so consider them yourself: "
        f"{'; '.join(NOT_ASSESSED)}.[/]\n"
    )

    table = Table(title="Risks", title_justify="left", title_style="bold", show_lines=False)
    for col in ("id", "likelihood", "severity", "overall", "measures", "residual"):
        table.add_column(col)
    for r in a.risks:
        measures = "recorded" if r.has_measures else ("[red]none[/]" if r.needs_measures else "-")
        table.add_row(
            escape(r.id),
            vocab.LIKELIHOODS[r.likelihood],
            vocab.SEVERITIES[r.severity],
            f"[{_LEVEL_STYLE[r.level]}]{r.level}[/]",
            measures,
            f"[{_LEVEL_STYLE[r.level_after]}]{r.level_after}[/]",
        )
    con.print(table)
    con.print()

    blocking = a.blocking_gaps
    if not a.gaps:
        con.print("[bold green]No gaps found.[/]")
        return
    con.print(
        f"[bold]Gaps[/] ({len(blocking)} block sign-off, {len(a.gaps) - len(blocking)} advice)"
    )
    for g in a.gaps:
        style = "red" if g.blocks else "yellow"
        con.print(f"  [{style}]{GAP_LEVELS[g.level]}[/] [bold]{escape(g.id)}[/]: {escape(g.problem)}")
        con.print(f"      fix: {escape(g.fix)}", style="dim")
