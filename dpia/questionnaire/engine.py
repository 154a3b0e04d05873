"""`dpia new` and `dpia edit`: start, resume or finish a questionnaire and save the file.

The questions are in :mod:`dpia.questionnaire.questions`, the engine in :mod:`dpia.questionnaire.interview`,
the prompts in :mod:`dpia.questionnaire.prompting`. Here: which sections to ask in which
mode, saving after every section (marked incomplete until the file is valid),
and saving everything answered when someone presses Ctrl-C.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dpia.answers import vocab
from dpia.answers.loader import (
    INCOMPLETE_KEY,
    keep_commented_copy,
    parse,
    read_text,
    save,
    save_raw,
    to_data,
)
from dpia.answers.model import Loc, Project, path_text, problems_with_lines
from dpia.answers.validate import validate
from dpia.errors import AnswersError, Problem, QuestionnaireStopped, UsageError
from dpia.questionnaire.interview import Interview, Mode, Saver, Unanswerable
from dpia.questionnaire.questions import (
    SECTION_NAMES,
    SECTIONS,
    WORDING,
    Section,
    parse_path,
    section,
    section_of,
)

if TYPE_CHECKING:
    from dpia.questionnaire.prompting import Prompter

PromptFactory = Callable[[], "Prompter"]

_HEADER = (
    "# Saved part-way through the dpia questionnaire: this file is not finished.\n"
    "# Carry on where it stopped with: dpia new {path}\n"
)


def _saver(path: Path, shown: str) -> Saver:
    def save_progress(data: dict[str, Any], section_name: str | None, declined: list[Loc]) -> None:
        marker: dict[str, Any] = {"section": section_name or SECTION_NAMES[-1]}
        if declined:
            marker["skipped"] = [path_text(loc) for loc in declined]
        ordered = {INCOMPLETE_KEY: marker, **{k: v for k, v in data.items() if k != INCOMPLETE_KEY}}
        save_raw(ordered, path, header=_HEADER.format(path=shown))

    return save_progress


def _declined(marker: Any) -> list[Loc]:
    skipped = marker.get("skipped") if isinstance(marker, dict) else None
    return [parse_path(t) for t in skipped if isinstance(t, str)] if isinstance(skipped, list) else []


def _read(path: Path) -> tuple[dict[str, Any], dict[Loc, int]]:
    data, lines = parse(read_text(path), str(path))
    if data is None:
        return {}, lines
    if not isinstance(data, dict):
        raise AnswersError(
            str(path),
            [Problem("", "must be a set of 'key: value' lines (a YAML mapping) at the top level")],
        )
    return data, lines


def _unanswerable(data: dict[str, Any]) -> list[tuple[Loc, str]]:
    _, problems = validate(data)
    return [(loc, msg) for loc, msg in problems if section_of(loc) is None]


def new(
    path: Path, prompter: PromptFactory, *, from_path: Path | None = None,
    interactive: bool = True, shown: str | None = None,
) -> Project:
    """Run `dpia new`: a new questionnaire, a resumed one, or one started from a partial file.

    ``shown`` is the file name as the person typed it, for the messages (default: ``path``).
    """
    plan: list[tuple[Section, Mode]]
    shown = shown or str(path)
    source = str(from_path) if from_path is not None else shown
    lines: dict[Loc, int] = {}
    declined: list[Loc] = []
    greeting = WORDING.welcome.format(n=len(SECTIONS))
    existing = path.exists()
    if existing:
        data, lines = _read(path)
        if INCOMPLETE_KEY not in data:
            raise UsageError(
                f"{shown} already exists and is not a questionnaire in progress. Change it with "
                f"'dpia edit {shown}', or give another file name."
            )
        if from_path is not None:
            raise UsageError(
                f"{shown} is a questionnaire in progress: finish it with 'dpia new {shown}'")
        stopped = data.pop(INCOMPLETE_KEY)
        at = stopped.get("section") if isinstance(stopped, dict) else None
        start = SECTION_NAMES.index(at) if at in SECTION_NAMES else 0
        plan = [(s, "fix" if i < start else "missing") for i, s in enumerate(SECTIONS)]
        declined = _declined(stopped)
        greeting = WORDING.welcome_back.format(n=start + 1, title=SECTIONS[start].title)
    elif from_path is not None:
        data, lines = _read(from_path)
        data.pop(INCOMPLETE_KEY, None)
        plan = [(s, "fix") for s in SECTIONS]
    else:
        data = {}
        plan = [(s, "missing") for s in SECTIONS]
    data.setdefault("format", vocab.FORMAT)

    bad = _unanswerable(data)
    if bad:
        raise AnswersError(source, problems_with_lines(bad, lines))
    if from_path is not None:
        project, problems = validate(data)
        if project is not None:
            save(project, path)
            return project
        if not interactive:
            raise AnswersError(source, problems_with_lines(problems, lines) + [Problem(
                "", "these answers are missing or need fixing: add them to the file, or run "
                "the same command in a terminal to be asked for them",
            )])
    elif not interactive:
        raise UsageError(
            "'dpia new' asks its questions in a terminal, and none is attached. To make an "
            "answers file without one, write the answers in a YAML file (see 'dpia schema' or "
            f"the example: dpia check --example) and run: dpia new {shown} --from ANSWERS.yaml"
        )
    ask = prompter()
    if from_path is None:
        ask.say(greeting, "help")
    return _run(path, data, ask, plan, source, shown=shown, declined=declined)


def edit(
    path: Path, prompter: PromptFactory, section_name: str | None = None, *,
    shown: str | None = None,
) -> Project:
    """Run `dpia edit`: ask one section again with the current answers as defaults."""
    shown = shown or str(path)
    data, lines = _read(path)
    if INCOMPLETE_KEY in data:
        raise UsageError(
            f"{shown} was saved part-way through the questionnaire: finish it with "
            f"'dpia new {shown}'"
        )
    project, _ = validate(data)
    if project is not None:
        data = to_data(project)
    bad = _unanswerable(data)
    if bad:
        raise AnswersError(shown, problems_with_lines(bad, lines))
    ask = prompter()
    if section_name is None:
        options = [(s.name, s.title, None) for s in SECTIONS]
        section_name = ask.select(WORDING.edit_which, options, default=SECTION_NAMES[0])
    return _run(path, data, ask, [(section(section_name), "all")], shown,
                edited=copy.deepcopy(data), shown=shown)


def _run(
    path: Path, data: dict[str, Any], prompter: Prompter, plan: list[tuple[Section, Mode]],
    source: str, *, shown: str, edited: dict[str, Any] | None = None,
    declined: list[Loc] | None = None,
) -> Project:
    """Ask the plan, then save. ``edited``: the answers as `dpia edit` read them; an edit
    saves nothing part-way and never marks the file unfinished, and an edit that changed
    nothing leaves the file as it was (its comments and layout included)."""
    saver = None if edited is not None else _saver(path, shown)
    interview = Interview(data, prompter, saver, declined or ())
    try:
        interview.run(plan)
        project = interview.settle()
    except (KeyboardInterrupt, EOFError):
        if edited is not None:
            raise QuestionnaireStopped(_stop_edit(path, data, edited, shown)) from None
        interview.save(interview.current or plan[0][0].name)
        raise QuestionnaireStopped(WORDING.interrupted.format(path=shown)) from None
    except Unanswerable as exc:
        raise AnswersError(source, problems_with_lines(exc.problems)) from None
    if edited is None or to_data(project) != edited:
        kept = keep_commented_copy(path) if edited is not None else None
        save(project, path)
        if kept is not None:
            prompter.say(WORDING.comments_kept.format(path=shown, copy=kept.name))
    prompter.say("")
    prompter.say(WORDING.finished.format(path=shown, sections=", ".join(SECTION_NAMES)), "ok")
    return project


def _stop_edit(path: Path, data: dict[str, Any], edited: dict[str, Any], shown: str) -> str:
    """Ctrl-C during `dpia edit`: keep what was answered, as a finished file (never 'incomplete')."""
    if data == edited:
        return WORDING.edit_unchanged.format(path=shown)
    kept = keep_commented_copy(path)
    note = "" if kept is None else "\n" + WORDING.comments_kept.format(path=shown, copy=kept.name)
    done, _ = validate(data)
    if done is not None:
        save(done, path)
        return WORDING.edit_interrupted.format(path=shown) + note
    save_raw(data, path)
    return WORDING.edit_interrupted_errors.format(path=shown) + note
