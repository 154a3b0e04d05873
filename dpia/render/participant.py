"""Participant information: the short survey introduction(s) and an information
sheet for each other method the project uses. Nothing for methods it does not use."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dpia.answers import vocab
from dpia.answers.words import join_and
from dpia.assessment import facts
from dpia.render import consent, easyread
from dpia.render.texts import render_text, second_person, text_context, write_formats

if TYPE_CHECKING:
    from dpia.answers.model import Organisation, Project
    from dpia.render import Job, Output

FOLDER = "participant-information"
CONSULTEE = "consultee-information"
SHORT = "short-version"  # + "-<information sheet stem>", when people may lack capacity
# The answers hold no approval under the Mental Capacity Act 2005, so the consultee's sheet
# says what the law requires of the project, and the person building is told to check it.
APPROVAL_NOTE = (
    "the answers hold no approval of this project by an appropriate body (Mental Capacity Act "
    "2005, section 31; in England, a recognised research ethics committee): check it is in "
    "place before anyone is asked for advice, and be ready to tell a consultee who approved it"
)



_THE = re.compile(
    r"^(united|czech|dominican|philippines|netherlands|republic)\b|(states|kingdom|islands|emirates)$",
    re.I,
)


def country_name(country: str) -> str:
    """A country as it reads inside a sentence: 'the United States', 'France'."""
    name = " ".join(country.split())
    return f"the {name}" if _THE.search(name) and not name.lower().startswith("the ") else name


@dataclass(frozen=True)
class Holder:
    """An organisation that keeps the answers, and the countries abroad where it keeps them."""

    org: Organisation
    processor: bool
    abroad: list[str]  # countries outside the UK, as they read in a sentence


def holders(p: Project) -> list[Holder]:
    """Everyone who keeps the answers: the controllers with a full record, then the processors
    that hold or handle them, each with the countries outside the UK its copy goes to."""
    held = facts.holdings(p)
    countries: dict[str, list[str]] = {}
    for t in p.processing.international_transfers:
        for org_id in facts.transfer_holders(p, t):
            countries.setdefault(org_id, []).append(country_name(t.country))
    return [
        Holder(p.org(o), o in held.processors, countries.get(o, []))
        for o in [*held.full_record, *held.processors]
    ]


def caller(p: Project) -> Organisation | None:
    """A processor that makes the calls of a telephone survey (its service says so)."""
    for proc in p.data_protection.processors:
        if re.search(r"\b(telephone|phone|call)", proc.service, re.I):
            return p.org(proc.organisation)
    return None


def receivers(p: Project) -> list[tuple[Organisation, list[str], bool]]:
    """Who else receives something, and what: (organisation, data, anonymous), for each flow
    to an organisation that is not a processor and keeps no full record."""
    keepers = set(facts.holdings(p).full_record) | set(p.processor_ids)
    return [
        (p.org(f.to), list(f.data), not f.is_personal)
        for f in p.sharing
        if f.to not in keepers
    ]


def signposting(p: Project) -> Organisation | None:
    """A local Healthwatch taking part (the lead first, then the controllers, then any other
    organisation): its statutory role includes information and signposting, telling people
    where to get help with health and care services (Local Government and Public Involvement
    in Health Act 2007, section 221). Healthwatch England is no local Healthwatch."""
    ids = [p.project.lead, *p.controller_ids, *(o.id for o in p.organisations)]
    for org_id in dict.fromkeys(ids):
        org = p.org(org_id)
        if org.type == "healthwatch" and not re.search(r"\bhealthwatch england\b", org.name, re.I):
            return org
    return None


def explicit_consent(p: Project) -> bool:
    """Some controller relies on explicit consent for special-category data."""
    return bool(p.processing.special_category) and any(
        p.condition_for(c) in vocab.CONSENT_CONDITIONS for c in p.controller_ids
    )


def participant_context(job: Job) -> dict[str, Any]:
    """The text context plus what only the participant texts need."""
    p = job.project
    signpost = signposting(p)
    return {
        **text_context(job),
        "signpost": signpost,
        # how to reach it, from its own contact in the answers (None: the answers give none)
        "signpost_contact": signpost.contact if signpost and signpost.contact
        and signpost.contact.has_contact() else None,
        "you": second_person,
        "holders": holders(p),
        "phone_caller": caller(p),
        "receivers": receivers(p),
        "explicit_consent": explicit_consent(p),
        "asks_health": "health" in p.processing.special_category,
        "third_party": list(p.processing.third_party_subjects),
        "information_sheets": vocab.INFORMATION_SHEETS,
        # plain data, not the model's method: the sandbox lets templates call no model method
        "minutes_for": {m: p.minutes_for(m) for m in vocab.METHODS}.get,
    }


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

    what = "the call" if mode == "telephone" else "the survey"
    example = "It takes about 10 minutes."
    note = (f"add how long {what} takes before using this text (or record it in "
            f"'project.participation_minutes'), e.g. '{example}'")
    if mode == "telephone":  # a script read aloud has no word limit
        return note
    left = max(0, SURVEY_WORD_LIMIT - word_count(text))
    room = "" if left >= word_count(example) else ", so shorten the project summary first"
    return f"{note}: {left} word(s) left within the limit{room}"


def information_sheets(methods: Sequence[str]) -> list[tuple[str, str]]:
    """(file stem, method) for each method that gets an information sheet."""
    return [(vocab.INFORMATION_SHEETS[m], m) for m in methods if m in vocab.INFORMATION_SHEETS]


def short_versions(methods: Sequence[str], may_lack_capacity: bool) -> list[tuple[str, str]]:
    """(file stem, method) for each short version of an information sheet: one for each
    sheet when some participants may find it hard to decide whether to take part."""
    if not may_lack_capacity:
        return []
    return [(f"{SHORT}-{stem}", method) for stem, method in information_sheets(methods)]


def participant_texts(p: Project) -> list[tuple[str, str, str]]:
    """(kind, file stem under FOLDER, mode or method) for each text the build writes to tell
    people about the project, in the order :func:`write` writes them: the survey
    introductions, the information sheets, their short versions and the personal consultee's
    sheet (when some may lack capacity), and the Easy Read summary (always). The consent forms
    are not listed: they record a decision, they do not tell people about the project."""
    methods = list(p.project.methods)
    lack = p.processing.may_lack_capacity
    return [
        *(("survey_introduction", stem, mode) for stem, mode in survey_introductions(methods)),
        *(("information_sheet", stem, method) for stem, method in information_sheets(methods)),
        *(("short_version", stem, method) for stem, method in short_versions(methods, lack)),
        *([("consultee_information", CONSULTEE, "")] if lack else []),
        ("easy_read", easyread.STEM, ""),
    ]


def told_in(p: Project) -> list[str]:
    """Where the participant texts this project's build writes tell people about it, one
    entry per kind of text, e.g. 'information sheets for focus groups and interviews'."""
    texts = participant_texts(p)

    def of(kind: str) -> list[str]:
        return [subject for k, _stem, subject in texts if k == kind]

    def for_methods(methods: list[str]) -> str:
        return join_and([vocab.METHODS[m] for m in methods])

    said: list[str] = []
    modes = of("survey_introduction")
    if modes:
        said.append(join_and([{"self": "survey introduction",
                                "telephone": "telephone survey introduction"}[m] for m in modes]))
    if sheets := of("information_sheet"):
        said.append(f"information sheet{'s' if len(sheets) > 1 else ''} for {for_methods(sheets)}")
    if shorts := of("short_version"):
        said.append(f"short version{'s' if len(shorts) > 1 else ''} of the information "
                    f"sheet{'s' if len(shorts) > 1 else ''}, for people who may find it hard to decide")
    if of("consultee_information"):
        said.append("information for a personal consultee (Mental Capacity Act 2005)")
    if of("easy_read"):
        said.append("Easy Read summary")
    return said


def write(job: Job) -> list[Output]:
    context = participant_context(job)
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
            measure_as="survey_introduction" if mode == "self" else "telephone_script", width=0,
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
    for stem, method in short_versions(methods, job.project.processing.may_lack_capacity):
        outputs += write_formats(
            job, f"{FOLDER}/{stem}", "participant/short-version", ("txt", "html", "md"),
            {**context, "method": method, "minutes": job.project.minutes_for(method)},
            f"short version of the information sheet for {vocab.METHODS[method]}, for people "
            "who may find it hard to decide", measure_as="short_version",
        )
    if job.project.processing.may_lack_capacity:
        consultee = write_formats(
            job, f"{FOLDER}/{CONSULTEE}", "participant/consultee-information",
            ("txt", "html", "md"), context,
            "information for a personal consultee (Mental Capacity Act 2005, sections 30-34)",
            measure_as="information_sheet",
        )
        consultee[0].notes.append(APPROVAL_NOTE)
        outputs += consultee
    outputs += consent.write(job, context, FOLDER)
    outputs += easyread.write(job, context, FOLDER)
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


def preview(job: Job) -> tuple[str, str] | None:
    """The first text participants read, as the build will write it (plain text, one line a
    paragraph), for the questionnaire to show before building: (what it is, the text). The
    survey introduction when the project has a survey, else the first information sheet."""
    context = participant_context(job)
    methods = list(job.project.project.methods)
    for _stem, mode in survey_introductions(methods)[:1]:
        what = ("the survey introduction, as it will be pasted into the survey tool"
                if mode == "self" else "the telephone survey introduction, as it will be read")
        text = render_text(job, "participant/survey-introduction.txt.j2", "txt",
                           {**context, "mode": mode, "minutes": survey_minutes(job, mode)}, 0)
        return what, text
    for _stem, method in information_sheets(methods)[:1]:
        text = render_text(job, "participant/information-sheet.txt.j2", "txt",
                           {**context, "method": method,
                            "minutes": job.project.minutes_for(method)}, 0)
        return f"the information sheet for {vocab.METHODS[method]}", text
    return None
