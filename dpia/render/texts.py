"""Shared machinery for the texts people paste and print.

The privacy-notice section, the participant information and the partnership
agreement record are each written once, in a body template, and rendered in
several formats. A format is a set of layout macros (``texts/_format.FMT.j2``)
plus an escaping function ``u`` for text that came from the answers file:

* ``html``: the body runs with autoescape on, and ``u`` escapes too, so user
  text can never become markup;
* ``md``: ``u`` escapes Markdown, so user text cannot add headings, links,
  tables or HTML;
* ``txt``: ``u`` only keeps user text on one line.

This module only gathers lookups and groupings; every sentence is in the
templates or the vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from markupsafe import escape

from dpia.answers import placeholders, vocab
from dpia.assessment import facts
from dpia.assessment.checks import relies_on_consent
from dpia.errors import OutputError
from dpia.render.context import base_context
from dpia.render.templating import md, render

if TYPE_CHECKING:
    from dpia.answers.model import Organisation, Person, Project
    from dpia.render import Job, Output

Format = Literal["txt", "md", "html"]
FORMAT_NAMES: dict[str, str] = {"txt": "plain text", "md": "Markdown", "html": "HTML"}

_SAFE_URL = re.compile(r"^https?://[^\s<>\"'`]+$", re.I)


# "Participants can withdraw their answers..." typed in the answers file, printed in a text
# that speaks to "you": the subject and its pronouns become second person.
_THIRD_PERSON = re.compile(
    r"\b(?:participants|respondents|people taking part|people who take part)\b", re.I
)
_PRONOUNS = {"their": "your", "they": "you", "them": "you", "themselves": "yourself"}
_PRONOUN = re.compile(r"\b(" + "|".join(_PRONOUNS) + r")\b", re.I)


def second_person(text: str | None) -> str:
    """Answer text about participants, rewritten to address the reader: only sentences
    whose subject is 'participants' (or 'people taking part') change."""
    if not text:
        return ""
    if isinstance(text, placeholders.Placeholder):
        return text  # still to decide: printed as such, never as the word typed
    out = []
    for sentence in re.split(r"(?<=[.!?])\s+", " ".join(text.split())):
        if _THIRD_PERSON.search(sentence):
            sentence = _THIRD_PERSON.sub("you", sentence)
            sentence = _PRONOUN.sub(lambda m: _PRONOUNS[m.group(1).lower()], sentence)
            sentence = sentence[:1].upper() + sentence[1:]
        out.append(sentence)
    return " ".join(out)


def one_line(value: Any) -> str:
    """User text on a single line: newlines and runs of spaces become one space."""
    return " ".join(("" if value is None else str(value)).split())


def escaper(fmt: Format) -> Callable[[Any], str]:
    """The function templates call as ``u(text)`` on every answer they print."""
    if fmt == "html":
        return lambda value: escape(one_line(value))
    if fmt == "md":
        return lambda value: md(one_line(value))
    return one_line


def is_web_address(value: Any) -> bool:
    """Only plain http(s) addresses become links; anything else is shown as text."""
    return isinstance(value, str) and bool(_SAFE_URL.match(value.strip()))


# --- lookups the templates share ---------------------------------------------


@dataclass(frozen=True)
class RightsGroup:
    """Controllers whose lawful basis gives people the same rights."""

    orgs: list[Organisation]
    bases: list[str]
    rights: tuple[str, ...]


def rights_groups(p: Project) -> list[RightsGroup]:
    special = bool(p.processing.special_category)
    groups: dict[tuple[str, ...], RightsGroup] = {}
    for org_id, basis in p.bases.items():
        rights = vocab.rights_for(basis, p.condition_for(org_id) if special else None)
        group = groups.setdefault(rights, RightsGroup([], [], rights))
        group.orgs.append(p.org(org_id))
        if basis not in group.bases:
            group.bases.append(basis)
    return list(groups.values())


def basis_groups(p: Project) -> list[tuple[str, list[Organisation]]]:
    """Each Article 6 basis relied on, with the controllers relying on it."""
    groups: dict[str, list[Organisation]] = {}
    for org_id, basis in p.bases.items():
        groups.setdefault(basis, []).append(p.org(org_id))
    return list(groups.items())


def contact_point(p: Project) -> Organisation:
    """The one organisation participants contact: the joint controllers' contact point,
    otherwise the controller that handles rights requests."""
    dp = p.data_protection
    return p.org(dp.controllers.contact_point or dp.subject_access)


def project_contact(p: Project) -> tuple[Organisation, Person | None]:
    """Whom participants ask about the project: the lead's project contact, else the
    contact point's contact or data protection contact."""
    lead = p.org(p.project.lead)
    if lead.contact and lead.contact.has_contact():
        return lead, lead.contact
    point = contact_point(p)
    for person in (point.contact, point.privacy_contact):
        if person and person.has_contact():
            return point, person
    return point, None


def privacy_url(p: Project) -> str | None:
    """Where the privacy-notice section is published: the contact point's notice first."""
    for org in (contact_point(p), p.org(p.project.lead), *(p.org(c) for c in p.controller_ids)):
        if org.privacy_notice_url:
            return org.privacy_notice_url
    return None


def answer_holders(p: Project) -> list[Organisation]:
    """The controllers that keep a full record of the answers (facts.holdings): the one that
    collects them is never left out for one that only receives a coded copy."""
    return [p.org(c) for c in facts.holdings(p).full_record]


def answer_processors(p: Project) -> list[Organisation]:
    """Processors that hold or handle the answers on the controllers' behalf, so participants
    are never told that only the controllers see them."""
    return [p.org(o) for o in facts.holdings(p).processors]


def other_sources(p: Project) -> list[Any]:
    """Personal data a controller receives from another partner rather than from the person."""
    processors = set(p.processor_ids)
    return [
        f for f in p.sharing
        if f.is_personal and f.from_ not in processors and f.to in p.controller_ids
    ]


def has_recordings(p: Project) -> bool:
    return any(d in ("audio_recordings", "video_recordings") for d in p.processing.personal_data)


def transcriber(p: Project) -> Organisation | None:
    """A processor whose service is transcription, if there is one."""
    for proc in p.data_protection.processors:
        if "transcri" in proc.service.lower():
            return p.org(proc.organisation)
    return None


def recording_retention(p: Project) -> list[Any]:
    return [r for r in p.processing.retention if "record" in r.data.lower()]


def text_context(job: Job) -> dict[str, Any]:
    """The base context plus the views the pasted and printed texts share."""
    p = job.project
    ctx = base_context(job)
    contact_org, contact = project_contact(p)
    methods = list(p.project.methods)
    ctx.update(
        contact_point=contact_point(p),
        contact_org=contact_org,
        contact=contact,
        privacy_url=privacy_url(p),
        rights_groups=rights_groups(p),
        basis_groups=basis_groups(p),
        consent_relied_on=relies_on_consent(p),
        withdrawal_deadline=facts.withdrawal_deadline(p),
        withdrawal_last_day=facts.withdrawal_last_day(p),
        answer_holders=answer_holders(p),
        answer_processors=answer_processors(p),
        other_sources=other_sources(p),
        has_recordings=has_recordings(p),
        transcriber=transcriber(p),
        recording_retention=recording_retention(p),
        methods=methods,
        self_modes=[m for m in vocab.SELF_COMPLETED_SURVEYS if m in methods],
        # Some participants may lack capacity: the texts say what a personal consultee does.
        may_lack_capacity=p.processing.may_lack_capacity,
        personal_flows=[f for f in p.sharing if f.is_personal],
        is_web_address=is_web_address,
        you=second_person,
    )
    return ctx


# --- rendering -------------------------------------------------------------------

_BLANK_RUNS = re.compile(r"\n{3,}")


def tidy(text: str) -> str:
    """Trailing spaces off, at most one blank line in a row, one final newline."""
    lines = [line.rstrip() for line in text.splitlines()]
    out = _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip("\n")
    return out + "\n"


def render_text(
    job: Job, template: str, fmt: Format, context: dict[str, Any], width: int = 76
) -> str:
    """Render one format of a text; ``width`` wraps plain text (0 = one line per paragraph)."""
    ctx = {**context, "fmt": fmt, "u": escaper(fmt), "width": width}
    text = tidy(render(template, ctx, job.templates))
    if not text.strip():
        raise OutputError(f"template '{template}' produced an empty document")
    return text


def write_formats(
    job: Job,
    path: str,
    template: str,
    formats: tuple[Format, ...],
    context: dict[str, Any],
    what: str,
    measure_as: str | None = None,
    width: int = 76,
) -> list[Output]:
    """Render ``template.FMT.j2`` in each format, write ``path.FMT``, and note the
    readability of the plain-text version when ``measure_as`` names a target."""
    from dpia.render import readability

    outputs = []
    for fmt in formats:
        text = render_text(job, f"{template}.{fmt}.j2", fmt, context, width if fmt == "txt" else 0)
        out = job.write(f"{path}.{fmt}", text, f"{what} ({FORMAT_NAMES[fmt]})")
        if fmt == "txt" and measure_as:
            out.score = readability.score(measure_as, text)
            out.notes.extend(readability.describe(out.score))
            if job.project.is_draft:
                out.notes.append("the DPIA is not signed off yet: agree this text with your DPO first")
        outputs.append(out)
    return outputs
