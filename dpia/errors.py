"""The exception hierarchy: every error carries a message written for the user.

Exit codes: 0 success, 1 the answers or register have errors, 2 usage.
"""

from __future__ import annotations

from dataclasses import dataclass

EXIT_OK = 0
EXIT_DATA = 1
EXIT_USAGE = 2


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an answers file, located for the person who fixes it.

    ``path`` is the field path people see, counting list items from 1
    (``sharing[2].method``); ``line`` is the 1-based line in the file, if known.
    """

    path: str
    message: str
    line: int | None = None

    def describe(self) -> str:
        where = self.path or "(whole file)"
        if self.line is not None:
            where = f"{where} (line {self.line})"
        return f"{where}: {self.message}"


class DpiaError(Exception):
    """Base class: ``str(error)`` is the message shown to the user."""

    exit_code: int = EXIT_DATA

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(DpiaError):
    """The command was called wrongly (missing file, bad flag value)."""

    exit_code = EXIT_USAGE


class AnswersError(DpiaError):
    """An answers file could not be read or breaks the contract.

    Carries every problem found, so people can fix them all in one go.
    """

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        count = len(problems)
        head = f"{source}: {count} problem{'s' if count != 1 else ''} found"
        lines = [head] + [f"  - {p.describe()}" for p in problems]
        super().__init__("\n".join(lines))


class IncompleteAnswersError(AnswersError):
    """The file was saved part-way through the questionnaire."""


class RegisterError(DpiaError):
    """The data-sharing register cannot be read or safely updated."""


class RegisterConflict(RegisterError):
    """A row the tool wrote was edited by a person; an explicit choice is needed."""


class OutputError(DpiaError):
    """A document could not be written."""


class QuestionnaireStopped(DpiaError):
    """Ctrl-C or Ctrl-D at a prompt: the answers so far are saved and the message says how to go on."""

    exit_code = 130
