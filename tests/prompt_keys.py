"""Drive the questionnaire through prompt_toolkit's pipe input, as questionary's own tests do.

Keys are sent up front and the pipe is closed, so a script that runs out raises
EOFError at the next prompt instead of hanging.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TypeVar

from prompt_toolkit.input.defaults import create_pipe_input
from prompt_toolkit.output import DummyOutput

from dpia.questionnaire.prompting import Prompter

DOWN = "\x1b[B"
UP = "\x1b[A"
ENTER = "\r"
SPACE = " "
CTRL_C = "\x03"
CLEAR = "\x15"  # Ctrl-U: clear the default typed into a text prompt

T = TypeVar("T")


def type_(text: str) -> str:
    """Type an answer into a text prompt and press Enter."""
    return text + ENTER


def replace(text: str) -> str:
    """Clear a suggested default, type an answer and press Enter."""
    return CLEAR + text + ENTER


def down(n: int) -> str:
    """Move the pointer n places down a list and press Enter."""
    return DOWN * n + ENTER


def with_keys(keys: str, run: Callable[[Callable[[], Prompter]], T]) -> tuple[T, str]:
    """Run ``run(prompter_factory)`` answering with ``keys``; return its result and the text said."""
    said = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        pipe.close()
        prompter = Prompter(input=pipe, output=DummyOutput(), stream=said)
        result = run(lambda: prompter)
    return result, said.getvalue()
