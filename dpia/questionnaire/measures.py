"""After the checks: the measures in place for every open risk, in one checklist.

An open risk is a medium or high one with no measures recorded. One checklist holds every
open risk's suggested measures under a heading naming the risk (its harm shown when a
measure under it is pointed at), with an 'Other' entry per risk for measures of one's own.
Nothing ticked leaves them all open (``dpia check`` lists them). Then one checklist of the
risks that got measures asks which are still medium or high: the others are recorded as
low; a ticked risk that was high asks its level, one that was medium stays medium. Nothing
is judged for the person: a risk whose remaining level is not answered yet has none.

The file is saved (atomically, and only when valid) after each answer, so Ctrl-C keeps
every measure ticked so far.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dpia.answers import vocab
from dpia.answers.loader import save, to_data
from dpia.answers.model import Project
from dpia.answers.validate import validate
from dpia.questionnaire.asking import OTHER, split
from dpia.questionnaire.prompting import HEADING
from dpia.questionnaire.questions import RISK_WORDING as W
from dpia.questionnaire.questions import WORDING

if TYPE_CHECKING:
    from dpia.assessment.risks import Risk
    from dpia.questionnaire.prompting import Option, Prompter


def record_risks(
    path: Path, project: Project, risks: list[Risk], prompter: Prompter, shown: str | None = None,
) -> Project:
    """Ask which measures are in place for each medium or high risk that has none; save them."""
    open_risks = [r for r in risks if r.needs_measures and not r.has_measures]
    if not open_risks:
        return project
    titles = [r.title for r in open_risks]  # the rules already name what tells them apart
    open_risks = [replace(r, title=f"{r.title} ({r.id})") if titles.count(r.title) > 1 else r
                  for r in open_risks]
    data = to_data(project)
    entries: list[dict[str, Any]] = data.setdefault("risks", [])
    prompter.say("")
    prompter.say(W.offer_help, "help")
    options, chosen = _measure_options(open_risks)
    ticked = prompter.checkbox(W.measures.format(n=len(open_risks)), options)
    recorded: dict[str, dict[str, Any]] = {}

    def keep(risk: Risk, measures: list[str]) -> None:
        entry: dict[str, Any] = {"id": risk.id, "measures": measures, "effect": "reduced"}
        recorded[risk.id] = entry
        entries[:] = [e for e in entries if e.get("id") != risk.id] + [entry]

    others: list[Risk] = []
    ticks = set(ticked)
    for risk in open_risks:
        picked = [m for value, (r, m) in chosen.items() if r is risk and value in ticks]
        if OTHER in picked:
            others.append(risk)
        if any(m != OTHER for m in picked):
            keep(risk, [m for m in picked if m != OTHER])
    if recorded:
        _save_if_valid(data, path)  # before anything else is asked: Ctrl-C keeps the ticks
    for risk in others:
        typed = split(prompter.text(W.other_text.format(title=risk.title)))
        if typed:
            keep(risk, (recorded[risk.id]["measures"] if risk.id in recorded else []) + typed)
            _save_if_valid(data, path)
    if not recorded:
        prompter.say(W.none_recorded.format(n=len(open_risks)))
        return project
    _ask_residual(prompter, [r for r in open_risks if r.id in recorded], recorded, data, path)
    if prompter.confirm(W.approved, default=False):
        for entry in recorded.values():
            entry["approved"] = True
    project = _save_if_valid(data, path) or project
    prompter.say(W.saved.format(n=len(recorded), path=shown or path), "ok")
    return project


def _measure_options(open_risks: list[Risk]) -> tuple[list[Option], dict[str, tuple[Risk, str]]]:
    """The checklist: a heading per risk, its suggested measures and 'Other'; and, for each
    choice's value, the risk and the measure (or OTHER) it stands for."""
    options: list[Option] = []
    chosen: dict[str, tuple[Risk, str]] = {}
    total = len(open_risks)
    for n, risk in enumerate(open_risks, start=1):
        options.append((HEADING, W.head.format(n=n, total=total, title=risk.title,
                                               level=risk.level), None))
        harm = risk.harm or None
        for i, measure in enumerate((*risk.suggested_measures, OTHER)):
            value = f"{n}.{i}"
            label = WORDING.other_choice if measure == OTHER else measure
            options.append((value, label, harm))
            chosen[value] = (risk, measure)
    return options, chosen


def _ask_residual(
    prompter: Prompter, measured: list[Risk], recorded: dict[str, dict[str, Any]],
    data: dict[str, Any], path: Path,
) -> None:
    """Which risks are still medium or high after the measures: the others are low; a ticked
    one that was medium stays medium, one that was high asks which."""
    prompter.say(W.residual_help, "help")
    options: list[Option] = [(r.id, W.still.format(title=r.title, level=r.level), None)
                             for r in measured]
    still = set(prompter.checkbox(W.residual, options))
    for risk in measured:
        if risk.id not in still:
            recorded[risk.id]["residual"] = "low"
        elif risk.level == "medium":
            recorded[risk.id]["residual"] = "medium"
    _save_if_valid(data, path)
    for risk in measured:
        if risk.id in still and risk.level == "high":
            levels: list[Option] = [(c, lbl, None) for c, lbl in vocab.LEVELS.items() if c != "low"]
            recorded[risk.id]["residual"] = prompter.select(
                W.level.format(title=risk.title), levels, default=risk.level)
            _save_if_valid(data, path)


def _save_if_valid(data: dict[str, Any], path: Path) -> Project | None:
    done, _ = validate(data)
    if done is not None:
        save(done, path)
    return done
