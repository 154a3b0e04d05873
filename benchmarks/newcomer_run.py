"""Run `dpia` with every prompt and every help text also reported on a side channel.

The newcomer benchmark (``bench.py questionnaire``) runs this in a real terminal instead of
``python -m dpia``: the prompts still appear and are answered on the terminal as a person
answers them, and each prompt (its question, choices and default) and each help text shown is
also written, one JSON object a line (a checklist's heading as a choice whose value is
null), to the file named by ``DPIA_BENCH_CHANNEL``, so the
benchmark knows what is asked without parsing the screen, and counts exactly what is shown.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from dpia.questionnaire import prompting

_channel = open(os.environ["DPIA_BENCH_CHANNEL"], "w", buffering=1, encoding="utf-8")  # noqa: SIM115


def _emit(**event: Any) -> None:
    _channel.write(json.dumps(event) + "\n")


Prompter = prompting.Prompter
_say, _text, _select, _checkbox, _confirm = (
    Prompter.say, Prompter.text, Prompter.select, Prompter.checkbox, Prompter.confirm)


def say(self: Any, text: str, style: str = "") -> None:
    if style == "help":
        _emit(kind="help", text=text)
    _say(self, text, style)


def text(self: Any, message: str, **kw: Any) -> str:
    _emit(kind="text", message=message, default=kw.get("default", ""))
    return _text(self, message, **kw)


def select(self: Any, message: str, options: Any, **kw: Any) -> str:
    _emit(kind="select", message=message, options=[[v, lbl] for v, lbl, _ in options],
          default=kw.get("default"))
    return _select(self, message, options, **kw)


def checkbox(self: Any, message: str, options: Any, **kw: Any) -> list[str]:
    # A heading over a group of choices (never pointed at nor ticked) is reported as [null, label].
    _emit(kind="checkbox", message=message,
          options=[[None if v == prompting.HEADING else v, lbl] for v, lbl, _ in options],
          checked=list(kw.get("checked", ())))
    return _checkbox(self, message, options, **kw)


def confirm(self: Any, message: str, **kw: Any) -> bool:
    _emit(kind="confirm", message=message, default=kw.get("default", True))
    return _confirm(self, message, **kw)


Prompter.say, Prompter.text, Prompter.select, Prompter.checkbox, Prompter.confirm = (  # type: ignore[method-assign]
    say, text, select, checkbox, confirm)

if __name__ == "__main__":
    from dpia.cli import main

    sys.exit(main(sys.argv[1:]))
