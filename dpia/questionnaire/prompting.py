"""The prompts people answer: the only module that imports questionary.

:class:`Prompter` offers the few kinds of prompt the questionnaire needs. It
takes prompt_toolkit ``input`` and ``output`` objects, so tests drive it
through a pipe (``create_pipe_input()`` and ``DummyOutput``), and a ``stream``
that receives the explanatory text instead of the terminal.

Ctrl-C raises ``KeyboardInterrupt`` and Ctrl-D ``EOFError`` out of every
prompt (questionary's ``unsafe_ask``), so the caller can save and say how to
resume. questionary binds Ctrl-D only in text prompts; :func:`_ask` adds it to
the choice lists and yes/no questions too. Nothing here is POSIX-only:
questionary and prompt_toolkit run in Windows terminals, and the width comes
from :func:`shutil.get_terminal_size`.
"""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable, Collection, Sequence
from typing import Any, TextIO

import questionary
from prompt_toolkit.buffer import Buffer
from prompt_toolkit.document import Document
from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
from prompt_toolkit.keys import Keys
from prompt_toolkit.styles import Style

from dpia.answers.validate import MAX_TEXT

HEADING = "__heading__"  # an option with this value heads a group in a checklist: never ticked
TOO_LONG = "too long: one answer may hold at most {limit:,} characters; shorten it"
# (value, label, description or None)
Option = tuple[str, str, str | None]
Check = Callable[[Any], str | None]

STYLE = Style(
    [
        ("qmark", "fg:ansicyan bold"),
        ("question", "bold"),
        ("answer", "fg:ansigreen bold"),
        ("pointer", "fg:ansicyan bold"),
        ("highlighted", "fg:ansicyan bold"),
        ("selected", "fg:ansigreen"),
        ("instruction", "fg:ansibrightblack"),
        ("separator", "bold"),
        ("text", ""),
    ]
)

TICKED = "  Ticked: {labels}"

_SAY_STYLE = {
    "section": "bold fg:ansicyan",
    "help": "fg:ansibrightblack",
    "warning": "bold fg:ansiyellow",
    "ok": "fg:ansigreen",
    "": "",
}


class Prompter:
    """Asks questions in a terminal (or through injected prompt_toolkit input and output)."""

    def __init__(
        self, input: Any = None, output: Any = None, stream: TextIO | None = None
    ) -> None:
        self._io: dict[str, Any] = {}
        if input is not None:
            self._io["input"] = input
        if output is not None:
            self._io["output"] = output
        self.stream = stream

    def say(self, text: str, style: str = "") -> None:
        if self.stream is not None:
            self.stream.write(text + "\n")
            return
        width = max(40, min(100, shutil.get_terminal_size((80, 24)).columns - 2))
        wrapped = "\n".join(textwrap.fill(line, width) if line else "" for line in text.split("\n"))
        questionary.print(wrapped, style=_SAY_STYLE.get(style, style))

    def text(
        self, message: str, *, default: str = "", instruction: str | None = None,
        check: Check | None = None,
    ) -> str:
        question = questionary.text(  # Ctrl-D on an empty answer already stops a text prompt
            message, default=default, instruction=_instruction(instruction),
            validate=_validator(_within_limit(check)), style=STYLE, **self._io,
        )
        buffer = question.application.layout.current_buffer
        if buffer is not None:
            _bound(buffer)
        return str(question.unsafe_ask())

    def select(self, message: str, options: Sequence[Option], *, default: str | None = None) -> str:
        choices = [questionary.Choice(label, value=value, description=_wrapped(desc))
                   for value, label, desc in options]
        start = next((c for c in choices if c.value == default), None)
        answer = _ask(questionary.select(
            message, choices=choices, default=start, style=STYLE,
            instruction="(use the arrow keys, Enter to choose)", **self._io,
        ))
        return str(answer)

    def checkbox(
        self, message: str, options: Sequence[Option], *, checked: Collection[str] = (),
        check: Check | None = None,
    ) -> list[str]:
        """Tick any of ``options``; one whose value is :data:`HEADING` is a heading over the
        options after it, shown but never pointed at nor ticked."""
        choices = [questionary.Separator(label) if value == HEADING else
                   questionary.Choice(label, value=value, description=_wrapped(desc),
                                      checked=value in checked)
                   for value, label, desc in options]
        answer = _ask(questionary.checkbox(
            message, choices=choices, validate=_validator(check) or (lambda _: True),
            style=STYLE, instruction="(Space ticks or unticks, Enter confirms)", **self._io,
        ))
        if len(answer) > 1:  # questionary shows only "done (N selections)"
            self.say(_ticked(options, answer), "ok")
        return [str(a) for a in answer]

    def confirm(self, message: str, *, default: bool = True) -> bool:
        answer = _ask(questionary.confirm(message, default=default, style=STYLE, **self._io))
        return bool(answer)


def _ticked(options: Sequence[Option], answer: Collection[Any]) -> str:
    """What was ticked, in one line; in a list with headings, a line per heading ticked under."""
    groups: list[tuple[str, list[str]]] = [("", [])]
    for value, label, _ in options:
        if value == HEADING:
            groups.append((label, []))
        elif value in answer:
            groups[-1][1].append(label)
    lines = [TICKED.format(labels=(f"{head}: " if head else "") + "; ".join(labels))
             for head, labels in groups if labels]
    return "\n".join(lines)


_DESCRIBED = len("  Description: ")  # questionary's prefix to the pointed choice's description


def _wrapped(description: str | None) -> str | None:
    """A choice's description wrapped to the terminal, in line under its first line
    (questionary shows it on one line, cut at the edge of the terminal)."""
    if not description:
        return description
    width = shutil.get_terminal_size((80, 24)).columns - 1 - _DESCRIBED
    return ("\n" + " " * _DESCRIBED).join(textwrap.wrap(description, max(20, width)))


_STOP = KeyBindings()


@_STOP.add(Keys.ControlD, eager=True)
def _stop(event: Any) -> None:
    event.app.exit(exception=EOFError, style="class:aborting")


def _ask(question: Any) -> Any:
    """Ask, with Ctrl-D stopping the questionnaire (like Ctrl-C) in every kind of prompt.

    questionary 2.1 has no argument for extra key bindings, so they are merged into the
    prompt_toolkit application it built; an exact key binding wins over questionary's
    catch-all one, whatever the order.
    """
    app = question.application
    app.key_bindings = merge_key_bindings([app.key_bindings, _STOP])
    return question.unsafe_ask()


def _within_limit(check: Check | None) -> Check:
    """The answer's own check, after the limit on one answer's length."""

    def within(value: Any) -> str | None:
        if isinstance(value, str) and len(value) > MAX_TEXT:
            return TOO_LONG.format(limit=MAX_TEXT)
        return check(value) if check is not None else None

    return within


def _bound(buffer: Buffer) -> None:
    """Keep what is typed or pasted to just over :data:`MAX_TEXT` characters, so a huge
    paste costs neither time nor memory (the check then says the answer is too long)."""

    def cut(changed: Buffer) -> None:
        if len(changed.text) > MAX_TEXT + 1:
            changed.set_document(Document(changed.text[: MAX_TEXT + 1], MAX_TEXT + 1),
                                 bypass_readonly=True)

    buffer.on_text_changed += cut


def _instruction(text: str | None) -> str | None:
    return f"({text})" if text else None


def _validator(check: Check | None) -> Callable[[Any], bool | str] | None:
    if check is None:
        return None

    def validate(value: Any) -> bool | str:
        problem = check(value)
        return True if problem is None else problem

    return validate
