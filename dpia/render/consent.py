"""Consent forms: one per method where people sign to take part (focus groups and
interviews, and every other method when a controller relies on consent), printable HTML
and Markdown, with the consultee's declaration when people may lack capacity."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from dpia.render.texts import write_formats

if TYPE_CHECKING:
    from dpia.render import Job, Output

# Always signed; a telephone survey records consent in its script instead.
SIGNED = ("focus_group", "interview")
NEVER = ("telephone_survey",)


def consent_methods(methods: Sequence[str], on_consent: bool) -> list[str]:
    """The methods that get a consent form, in the project's order."""
    return [m for m in methods if m in SIGNED or (on_consent and m not in NEVER)]


def stem(method: str) -> str:
    return "consent-form-" + method.replace("_", "-")


def write(job: Job, context: dict[str, Any], folder: str) -> list[Output]:
    from dpia.answers import vocab

    outputs: list[Output] = []
    for method in consent_methods(context["methods"], context["consent_relied_on"]):
        outputs += write_formats(
            job, f"{folder}/{stem(method)}", "participant/consent-form", ("html", "md"),
            {**context, "method": method}, f"consent form for {vocab.METHODS[method]}",
        )
    return outputs
