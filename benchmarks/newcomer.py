"""A scripted newcomer answers `dpia new` in a real terminal, for a project of issue 12's size.

A Healthwatch engagement officer with no data-protection training: a hospital-discharge
project with a survey company (a processor), three focus groups, a freelance transcriber (a
processor) and follow-up referrals to the NHS trust; five sharing flows; the risks the checks
derive, with their measures ticked. The keys go through a pseudo-terminal (pexpect), as a
person types them; :mod:`newcomer_run` reports each prompt and each help text on a side
channel, so the script answers by question (not by screen position) and the counts are exact.

A prompt is one question the person answers (a text, a choice, a checklist or a yes/no).
Words of help are the words of the explanatory text shown by default (section introductions,
the help under a question), not the question itself nor its choices (nor a choice's
description, shown under a list for the choice pointed at, e.g. a risk's harm under its
measures).
"""

from __future__ import annotations

import json
import os
import queue
import re
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DOWN, UP, ENTER, SPACE, CLEAR = "\x1b[B", "\x1b[A", "\r", " ", "\x15"


class Seq:
    """Answers given in turn, one each time the question is asked."""

    def __init__(self, *answers: Any) -> None:
        self.answers = list(answers)


# (words in the question, the answer): text for a text prompt ("" accepts the suggestion),
# words of the choice for a select (None: the suggestion), words of every choice to tick for a
# checklist, True/False for a yes/no question. The first rule whose words are in the question
# answers it.
SCRIPT: list[tuple[str, Any]] = [
    # the project
    ("What is the project called?", "Leaving hospital: carers' and patients' experiences"),
    ("A short id for the project", ""),
    ("what is it for?", "We ask patients and carers how leaving Northtown General Hospital "
     "went, and recommend improvements to the hospital trust."),
    ("How will you gather people's views?", ["online survey", "focus groups"]),
    ("When does the project start?", "05/01/2026"),
    ("When does it end?", "30/09/2026"),
    ("recorded their agreement in writing?", False),
    ("Accept the usual check-ins?", "Accept these 3"),
    # the organisations
    ("Names of all the organisations", "Healthwatch Northtown; Opinion Works Ltd; "
     "Sam Patel Transcription; Northtown Hospitals NHS Foundation Trust"),
    ("already in the list", "existing"),
    ("A short id for it", ""),
    # the kind shown where the name says it (Healthwatch, Ltd, NHS ... Trust), accepted
    ("The kinds of organisation their names say", "Accept"),
    ("What kind of organisation is it?", "other organisation"),
    ("Do you have", False),  # administrative details: later
    ("ICO registration number", ""),
    ("Postal address", ""),
    ("privacy notice", ""),
    # the two companies are not asked whom to contact (they are processors, not controllers)
    ("Data Protection Officer (DPO): name and email",  # the trust's IG team is its DPO
     Seq("Priya Shah, dpo@healthwatchnorthtown.example",
         "Information Governance team, ig@northtownhospitals.example")),
    ("The role of the person", "Chief Executive"),
    ("Organisations: what next?", "Done"),
    ("Which organisation leads the project?", None),
    ("Who commissioned it?", None),
    # roles
    ("Which arrangement describes the controllers?", "Healthwatch Northtown alone"),
    ("Which of these organisations are processors?", ["Opinion Works", "Sam Patel"]),
    ("What does it do for the project?", Seq("Online survey hosting",
                                              "Transcription of focus group recordings")),
    ("written processor contract in place?", "Yes"),
    ("store the data itself, and where?", "United Kingdom"),
    ("contract's reference", ""),
    ("see, correct or delete", None),
    ("safeguarding concern?", None),
    ("step by step?", "The facilitator tells the Chief Executive the same day, who decides "
     "whether to refer to the council's safeguarding team."),
    ("lost or sent to the wrong person?", None),
    # the data and the lawful basis
    ("Whose information will you collect?", ["patients", "carers"]),
    ("About how many people", "about 400"),
    ("Where do they live", "Northtown"),
    ("What will you record about them?", ["name", "contact details", "experiences",
                                           "audio recordings"]),
    ("more sensitive kinds of information?", ["health"]),
    ("crimes or criminal convictions?", False),
    ("Will children", False),
    ("vulnerable take part?", True),
    ("lack the capacity", "No: everyone"),
    ("Who else will the answers be about", "The people the carers look after"),
    ("What is the lawful basis", "public task"),
    ("Which Article 9 condition", None),
    ("Schedule 1 condition goes with it?", None),
    ("Where will the data be held?", "Healthwatch Northtown's Microsoft 365, hosted in the UK"),
    ("Transfers outside the UK: what next?", None),
    ("Which data?", "Survey answers, recordings and transcripts"),
    ("How long is it kept?", "12 months after the report is published"),
    ("What happens then?", ""),
    ("Retention periods: what next?", None),
    ("How will you anonymise the data?", "Names are removed before analysis; quotes are "
     "checked so nobody can be recognised."),
    ("Counts below which number", ""),
    ("can people withdraw?", "By emailing us until 1 June 2026, when analysis begins."),
    ("What security measures protect the data?", "Multi-factor authentication on all "
     "accounts; encrypted transfer"),
    # sharing: five flows, three of them suggested for the two processors that store the data
    ("usually be sent between", "secure portal"),
    ("What data does Healthwatch Northtown send to", Seq("", "Focus group recordings")),
    ("send back to", Seq("Survey responses", "Focus group transcripts")),
    ("Accept the suggested", Seq("Change flow 3", "and add another")),
    ("Which answer do you want to change?", "Can people be identified"),
    ("Sharing flows: what next?", Seq("Add another", "Done")),
    ("From which organisation?", Seq("Healthwatch", "Healthwatch")),
    ("To which organisation?", Seq("Northtown Hosp", "Northtown Hosp")),
    ("A short id for this flow", ""),
    ("What data is shared?", Seq("Names and contact details of people asking for follow-up",
                                 "Final report")),
    ("Can people be identified from it?", Seq("pseudonymised", "identifiable", "aggregate")),
    ("Why is it shared?", Seq("So the trust can follow up concerns people asked it to",
                              "To recommend improvements to discharge")),
    # the rest of each flow added by hand is suggested: the method changed (the dates, the
    # fieldwork's or the report's for findings, kept as shown)
    ("from the project's answers: accept?", Seq("How is it sent", "How is it sent")),
    ("How is it sent?", Seq("NHSmail", "ordinary")),
    # findings: the usual arrangement (Healthwatch owns, writes and publishes; its board
    # agrees the findings; partners may correct facts), seen and the disagreement changed
    ("How are the partners acknowledged?", ""),
    ("Any conflicts of interest?", ""),
    ("The usual arrangement for the findings", Seq("What happens if partners disagree",
                                                   "Accept these")),
    ("What happens if partners disagree?", "The trust may correct facts and add a response; "
     "findings are not removed"),
    # consultation and sign-off
    ("Consultations: what next?", "None"),
    ("Why was nobody consulted?", "Carers on Healthwatch's reference group reviewed the "
     "survey questions"),
    ("Record the sign-off now?", False),
    # after the check: the measures in place for every risk, then no build
    ("measures are in place?", "first"),  # one checklist: the first measure of each risk
    ("still medium or high", []),  # none: every risk is low after its measure
    ("approved all the measures", False),
    ("Build the DPIA", False),
]


@dataclass
class Result:
    prompts: int = 0
    help_words: int = 0
    asked: list[str] = field(default_factory=list)
    helps: list[str] = field(default_factory=list)
    exit_status: int | None = None
    screen: str = ""


_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _plain(text: str) -> str:
    return _ANSI.sub("", text)


def _choose(words: str | None, options: list[list[str]], default: str | None) -> str:
    """Keys that move a select list's pointer from its suggestion to the choice with ``words``."""
    values = [v for v, _ in options]
    start = values.index(default) if default in values else 0
    if words is None:
        return ENTER
    target = next((i for i, (_, label) in enumerate(options) if words.lower() in label.lower()),
                  None)
    if target is None:
        raise LookupError(f"no choice with {words!r} among {[lbl for _, lbl in options]}")
    moves = target - start
    return (DOWN * moves if moves > 0 else UP * -moves) + ENTER


def _tick(words: Any, options: list[list[Any]], checked: list[str]) -> str:
    """Keys that leave exactly the choices with ``words`` ticked in a checklist
    (``"first"``: the first choice under each heading, or the first choice if there is no
    heading). A heading (value None) is passed over by the pointer: never ticked nor moved to."""
    wanted: set[int] = set()
    if words is None:  # as suggested
        return ENTER
    choices = [i for i, (value, _) in enumerate(options) if value is not None]
    if words == "first":
        heads = [i for i, (value, _) in enumerate(options) if value is None] or [-1]
        wanted = {next(c for c in choices if c > h) for h in heads
                  if any(c > h for c in choices)}
    else:
        for w in words:
            found = [i for i in choices if w.lower() in options[i][1].lower()]
            if not found:
                raise LookupError(f"no choice with {w!r} among "
                                  f"{[options[i][1] for i in choices]}")
            wanted.add(found[0])
    keys = ""
    for i in choices:
        if (i in wanted) != (options[i][0] in checked):
            keys += SPACE
        keys += DOWN
    return keys + ENTER


def keys_for(event: dict[str, Any], answer: Any) -> str:
    kind = event["kind"]
    if kind == "text":
        if answer == "" or answer == event.get("default"):
            return ENTER
        return CLEAR + str(answer) + ENTER
    if kind == "confirm":
        return "y" if answer else "n"
    if kind == "select":
        return _choose(answer, event["options"], event.get("default"))
    return _tick(answer, event["options"], event.get("checked", []))


def _answer(event: dict[str, Any], script: list[tuple[str, Any]]) -> Any:
    message = event["message"]
    for words, answer in script:
        if words.lower() in message.lower():
            if isinstance(answer, Seq):
                if not answer.answers:
                    raise LookupError(f"the script has no more answers for: {message}")
                return answer.answers.pop(0)
            return answer
    raise LookupError(f"the script has no answer for: {message}")


def run(tmp: Path, script: list[tuple[str, Any]] | None = None, timeout: float = 60,
        log: Callable[[str], None] | None = None) -> Result:
    """Answer `dpia new` in a pseudo-terminal with ``script``; count prompts and help words."""
    import copy

    import pexpect

    script = copy.deepcopy(SCRIPT if script is None else script)
    channel = tmp / "channel"
    os.mkfifo(channel)
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(PYTHONIOENCODING="utf-8", TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1",
               DPIA_BENCH_CHANNEL=str(channel))
    child = pexpect.spawn(sys.executable, [str(HERE / "newcomer_run.py"), "new", "project.yaml",
                                           "--date", "2026-11-26"],
                          cwd=str(tmp), env=env, encoding="utf-8", dimensions=(40, 120),
                          timeout=timeout)
    events: queue.Queue[dict[str, Any] | None] = queue.Queue()

    def read() -> None:
        with open(channel, encoding="utf-8") as f:
            for line in f:
                events.put(json.loads(line))
        events.put(None)

    threading.Thread(target=read, daemon=True).start()
    result = Result()
    screen: list[str] = []

    def drain(wait: float = 0.05) -> None:
        try:
            while True:
                screen.append(child.read_nonblocking(65536, timeout=wait))
        except (pexpect.TIMEOUT, pexpect.EOF):
            pass

    import time

    quiet_since = time.monotonic()
    try:
        while True:
            try:
                event = events.get(timeout=0.1)
            except queue.Empty:
                drain()
                if not child.isalive() and events.empty():
                    break
                if time.monotonic() - quiet_since > timeout:
                    raise TimeoutError("no prompt for a while; the screen ends with:\n"
                                       + _plain("".join(screen))[-2000:]) from None
                continue
            quiet_since = time.monotonic()
            if event is None:
                break
            if event["kind"] == "help":
                result.help_words += len(event["text"].split())
                result.helps.append(event["text"])
                continue
            result.prompts += 1
            result.asked.append(event["message"])
            if log:
                log(event["message"])
            answer = _answer(event, script)
            # Wait until the prompt is on the screen, as a person would.
            shown_from = len(screen)
            for _ in range(100):  # at most about 5 seconds
                drain()
                if event["message"][:20] in _plain("".join(screen[shown_from:])):
                    break
            child.send(keys_for(event, answer))
        drain(0.5)
        child.expect(pexpect.EOF)
    except Exception:
        drain()
        result.screen = "".join(screen)[-4000:]
        child.close(force=True)
        raise
    finally:
        child.close(force=True)
    result.exit_status = child.exitstatus
    result.screen = "".join(screen)
    return result


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        r = run(Path(d))
        for asked in r.asked:
            print("  prompt:", asked)
        for text in r.helps:
            print(f"  help ({len(text.split())} words):", text[:100])
        print(f"exit {r.exit_status}")
        print(f"questionnaire: {r.prompts} prompts, {r.help_words} words of help")
