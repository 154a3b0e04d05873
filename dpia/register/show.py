"""What the register commands print. Plain text, one fact per line, for people and for logs."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from dpia.register.reports import Due, Summary
    from dpia.register.update import UpdateResult
    from dpia.register.verify import Report

OPS = {
    "add": "row(s) added",
    "update": "row(s) updated",
    "end": "flow(s) marked ended (no longer in the answers)",
    "accept": "person's edit(s) kept and recorded",
}


def update_text(result: UpdateResult) -> str:
    lines = list(result.notes)
    if result.created:
        lines.append(f"Created the register {result.register}.")
    if not result.changed:
        lines.append(f"{result.register}: already up to date, nothing changed.")
    else:
        lines.append(f"Updated {result.register}:")
        lines.extend(f"  {n} {OPS.get(op, op)}" for op, n in result.counts.items() if n)
    lines.append(f"Latest audit-log hash: {result.head}")
    return "\n".join(lines)


def verify_text(report: Report) -> str:
    lines = [
        f"Register: {report.register}",
        f"Audit log: {report.entries} entries; {report.tool_rows} rows written by dpia checked.",
    ]
    if report.problems:
        lines.append(f"PROBLEMS ({len(report.problems)}): changes the audit log cannot account for:")
        lines.extend(f"  - {p}" for p in report.problems)
    else:
        lines.append("OK: every row dpia wrote matches the audit log, and the log's chain is intact.")
    for title, keys in report.people_rows.items():
        lines.append(f"Rows added by people on '{title}' (theirs, not checked): {', '.join(keys)}")
    for title, headers in report.people_columns.items():
        lines.append(f"Columns added by people on '{title}' (theirs, not checked): {', '.join(headers)}")
    lines.extend(f"Note: {n}" for n in report.notes)
    if report.entries:
        lines.append(f"Latest audit-log hash: {report.head}")
        lines.append("Record this hash somewhere else (e.g. board minutes): a later verify shows "
                     "whether the history up to it was rewritten.")
    return "\n".join(lines)


def _table(df: pd.DataFrame, columns: dict[str, str]) -> str:
    if df.empty:
        return "  (none)"
    shown = df[list(columns)].rename(columns=columns)
    return str(shown.to_string(index=False))


def due_text(d: Due, on: str) -> str:
    lines = []
    if d.reviews.empty:
        lines.append(f"No flow reviews due or overdue (as of {on}).")
    else:
        lines.append(f"Flow reviews due or overdue (as of {on}):")
        lines.append(_table(d.reviews, {"row": "Row", "register_key": "Register key", "from_org": "From",
                                        "to_org": "To", "review_date": "Review date", "when": "When"}))
    if not d.still_active.empty:
        lines.append("")
        lines.append("Flows past their end date still marked active:")
        lines.append(_table(d.still_active, {"row": "Row", "register_key": "Register key",
                                             "from_org": "From", "to_org": "To", "ends": "Ended"}))
    if not d.projects.empty:
        lines.append("")
        lines.append("Project DPIA reviews due or overdue:")
        lines.append(_table(d.projects, {"row": "Row", "project_id": "Project", "next_review": "Next review",
                                         "when": "When"}))
    return "\n".join(lines)


def summary_text(s: Summary) -> str:
    method = s.by_method.copy()
    method["insecure"] = method["insecure"].map({True: "NO: insecure", False: "yes"})
    parts = [
        f"{s.flows} data flow(s) in the register.",
        "", "By partner (each flow counts for both organisations):",
        _table(s.by_partner, {"partner": "Partner", "flows": "Flows"}),
        "", "By transfer method:",
        _table(method, {"method": "Method", "flows": "Flows", "insecure": "Secure?"}),
        "", "By identifiability:",
        _table(s.by_identifiability, {"identifiability": "Identifiability", "flows": "Flows"}),
        "", "By status:",
        _table(s.by_status, {"status": "Status", "flows": "Flows"}),
    ]
    return "\n".join(parts)
