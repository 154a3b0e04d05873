"""The privacy-notice section each partner adds under its own privacy notice."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dpia.render.texts import text_context, write_formats

if TYPE_CHECKING:
    from dpia.render import Job, Output

STEM = "privacy-notice"  # the files' name without the format's suffix


# The answers record the project's lawful basis and retention, not a consultee's records.
CONSULTEE_NOTE = (
    "some participants may lack capacity: the section says what is recorded about a personal "
    "consultee (name, how they know the person, their advice, the signed form) and why; check "
    "that the lawful basis and retention it states also cover these records"
)


def write(job: Job) -> list[Output]:
    outputs = write_formats(
        job, STEM, "privacy-notice", ("md", "html", "txt"), text_context(job),
        "privacy-notice section to add under each partner's privacy notice",
        measure_as="privacy_notice",
    )
    if job.project.processing.may_lack_capacity:
        next(o for o in outputs if o.path.suffix == ".txt").notes.append(CONSULTEE_NOTE)
    return outputs
