"""Participant information: the short survey introduction(s) and an information
sheet for each other method the project uses. Nothing for methods it does not use."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from dpia.answers import vocab
from dpia.render.texts import text_context, write_formats

if TYPE_CHECKING:
    from dpia.render import Job, Output

FOLDER = "participant-information"


def survey_introductions(methods: Sequence[str]) -> list[tuple[str, str]]:
    """(file stem, mode) for each introduction: one for surveys people fill in
    themselves, one read aloud on the telephone. The first is 'survey-introduction'."""
    modes = []
    if any(m in vocab.SELF_COMPLETED_SURVEYS for m in methods):
        modes.append("self")
    if "telephone_survey" in methods:
        modes.append("telephone")
    return [
        ("survey-introduction" if i == 0 else f"survey-introduction-{mode}", mode)
        for i, mode in enumerate(modes)
    ]


def survey_minutes(job: Job, mode: str) -> list[tuple[str, int]]:
    """How long the survey takes, from ``project.participation_minutes``: (method, minutes)
    for each method of this introduction that has a time; one entry when they agree."""
    p = job.project
    methods = ("telephone_survey",) if mode == "telephone" else vocab.SELF_COMPLETED_SURVEYS
    times: list[tuple[str, int]] = [
        (m, n) for m in methods if m in p.project.methods and (n := p.minutes_for(m)) is not None
    ]
    if len({n for _, n in times}) == 1:
        return times[:1]
    return times


def _time_note(text: str, mode: str) -> str:
    """Participants should be told how long the survey takes: when the answers file
    records no 'participation_minutes' for it, the person building adds it by hand."""
    from dpia.render.readability import SURVEY_WORD_LIMIT, word_count

    left = max(0, SURVEY_WORD_LIMIT - word_count(text))
    what = "the call" if mode == "telephone" else "the survey"
    example = "It takes about 10 minutes."
    room = "" if left >= word_count(example) else ", so shorten the project summary first"
    return (
        f"add how long {what} takes before using this text (or record it in "
        f"'project.participation_minutes'), e.g. '{example}': {left} word(s) left within the "
        f"limit{room}"
    )


def information_sheets(methods: Sequence[str]) -> list[tuple[str, str]]:
    """(file stem, method) for each method that gets an information sheet."""
    return [(vocab.INFORMATION_SHEETS[m], m) for m in methods if m in vocab.INFORMATION_SHEETS]


def write(job: Job) -> list[Output]:
    context = text_context(job)
    methods = list(job.project.project.methods)
    outputs: list[Output] = []
    for stem, mode in survey_introductions(methods):
        what = "survey introduction to paste into the survey tool" if mode == "self" else (
            "telephone survey introduction, read aloud"
        )
        minutes = survey_minutes(job, mode)
        written = write_formats(
            job, f"{FOLDER}/{stem}", "participant/survey-introduction", ("txt", "html"),
            {**context, "mode": mode, "minutes": minutes}, what,
            measure_as="survey_introduction", width=0,
        )
        if not minutes:
            written[0].notes.append(_time_note(job.staged_text(written[0].path), mode))
        outputs += written
    for stem, method in information_sheets(methods):
        outputs += write_formats(
            job, f"{FOLDER}/{stem}", "participant/information-sheet", ("txt", "html", "md"),
            {**context, "method": method,
             "minutes": job.project.minutes_for(method)},
            f"information sheet for {vocab.METHODS[method]}", measure_as="information_sheet",
        )
    notes = []
    if job.project.processing.children:
        notes.append(
            "children take part: these texts are written for adults; give the children a "
            "version written for their age, and their parents or carers this one"
        )
    if context["contact"] is None:
        notes.append(
            "participants are given no email or phone to contact: add 'contact' with an "
            f"email or phone to organisation '{job.project.project.lead}'"
        )
    for out in outputs:
        if out.path.suffix == ".txt":
            out.notes.extend(notes)
    return outputs
