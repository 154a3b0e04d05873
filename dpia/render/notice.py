"""The privacy-notice section each partner adds under its own privacy notice."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dpia.render.texts import text_context, write_formats

if TYPE_CHECKING:
    from dpia.render import Job, Output

STEM = "privacy-notice"  # the files' name without the format's suffix


def write(job: Job) -> list[Output]:
    return write_formats(
        job, STEM, "privacy-notice", ("md", "html", "txt"), text_context(job),
        "privacy-notice section to add under each partner's privacy notice",
        measure_as="privacy_notice",
    )
