"""Asking one question of each kind: text, dates and numbers, choices, organisations,
the lawful basis, and the controller helper. Mixed into :class:`dpia.questionnaire.interview.Interview`."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from dpia.answers import vocab
from dpia.answers.fieldtypes import check_value
from dpia.answers.placeholders import is_placeholder
from dpia.answers.words import join_and
from dpia.questionnaire.questions import HELPER, WORDING, Ask, Loc, State

if TYPE_CHECKING:
    from dpia.questionnaire.prompting import Option, Prompter

OTHER = "__other__"
HELP_ME = "__help_me__"
NONE = "__none__"
BACK = "__back__"
NEW_ORG = "__new_org__"
SOLE = "__sole__:"
MORE = "__more_help__"
MORE_TYPED = "?"
_SENTENCE_END = re.compile(r"(?<!e\.g\.)(?<!i\.e\.)(?<=[.?!])\s+(?=[A-Z'(])")


def brief(text: str) -> tuple[str, str]:
    """A help text's first sentence, shown by default, and the rest, shown on request."""
    parts = _SENTENCE_END.split(text.strip(), maxsplit=1)
    return parts[0], parts[1] if len(parts) > 1 else ""


class NoChoice(Exception):
    """A selection has nothing to choose from; the item being added is dropped."""


class GoBack(Exception):
    """The person chose not to add the item after all."""


class UseExisting(Exception):
    """The item being added is already listed: the person chose the one listed."""

    def __init__(self, item_id: str) -> None:
        super().__init__(item_id)
        self.item_id = item_id


def shown(value: Any) -> str:
    """An answer as it is typed at a text prompt."""
    if value is None:
        return ""
    if isinstance(value, date):  # as people type it (31/03/2026), which the prompts read
        return f"{value:%d/%m/%Y}"
    if isinstance(value, list):
        return "; ".join(shown(v) for v in value)
    if isinstance(value, dict):  # a person: 'Priya Shah, dpo@example.org'
        return ", ".join(shown(v) for v in value.values() if v)
    return str(value)


def split(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


_MONTHS = {m: n for n, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
    ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
    ("oct", "october"), ("nov", "november"), ("dec", "december")), start=1) for m in names}
_UK_DATE = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})")
_WORD_DATE = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})")
_ABOUT = re.compile(r"(?:about|around|approx\.?|approximately|roughly|c\.|~)?\s*"
                    r"(\d{1,3}(?:,\d{3})+|\d+)(?:\s+people)?")


def forgiving(kind: str, text: str) -> str:
    """Dates and numbers as people in the UK write them, in the form the file keeps.

    '1 March 2026', '1st Mar 2026' and '01/03/2026' (day first) become '2026-03-01';
    'about 2,000' becomes '2000'. Anything else is left for the field's own check.
    """
    if kind == "date":
        if m := _UK_DATE.fullmatch(text):
            day, month, year = m.groups()
        elif (m := _WORD_DATE.fullmatch(text.lower())) and m.group(2) in _MONTHS:
            day, month, year = m.group(1), str(_MONTHS[m.group(2)]), m.group(3)
        else:
            return text
        return f"{year}-{int(month):02d}-{int(day):02d}"
    if kind == "int" and (m := _ABOUT.fullmatch(text.lower())):
        return m.group(1).replace(",", "")
    return text


def date_problem(typed: str, problem: str) -> str:
    """What was typed and the forms a date prompt accepts (those :func:`forgiving` reads)."""
    what = "not a real date" if "real date" in problem else "not a date this accepts"
    return WORDING.date_problem.format(typed=typed.strip(), what=what)


_EMAIL = re.compile(r"<?([^\s,;<>()]+@[^\s,;<>()]+)>?")


def clipped(text: str, width: int = 50) -> str:
    """A list entry short enough for an 80-column terminal with its '(change or remove)'."""
    return text if len(text) <= width else text[: width - 3].rstrip() + "..."


def person_parts(text: str) -> dict[str, str] | None:
    """'Priya Shah, dpo@example.org' -> {'name': 'Priya Shah', 'email': 'dpo@example.org'};
    a name alone or an email alone too. None when the text has an '@' that is not one email
    address, or two email addresses."""
    emails = _EMAIL.findall(text)
    if len(emails) > 1 or (not emails and "@" in text):
        return None
    name = _EMAIL.sub(" ", text) if emails else text
    name = " ".join(name.replace("(", " ").replace(")", " ").split()).strip(" ,;:-")
    found = {"name": name} if name else {}
    if emails:
        found["email"] = emails[0]
    return found


def in_order(ticked: list[str], before: list[str]) -> list[str]:
    """Ticked values, keeping the order of the earlier answer, new ones after it."""
    return [v for v in before if v in ticked] + [v for v in ticked if v not in before]


def problem_text(message: str) -> str:
    """'is before the project's start date' -> 'Needs another look: this answer is before ...'.

    The model's messages follow a field name ('project.end: is before ...'); at a prompt
    the question comes after the message, so the answer becomes the subject.
    """
    first = message.split(" ", 1)[0]
    subject = WORDING.problem_subject + " " if first in ("is", "must", "needs", "names") else ""
    return WORDING.problem.format(message=subject + message)


def org_name(state: State, org_id: str) -> str:
    return next((str(o.get("name") or org_id) for o in state.orgs() if o["id"] == org_id), org_id)


def org_options(state: State, ids: list[str]) -> list[Option]:
    """Organisations by name; the id is added only where two share a name."""
    names = {str(o["id"]): str(o.get("name") or o["id"]) for o in state.orgs()}
    counts = Counter(names.get(i, i) for i in ids)
    return [(i, names.get(i, i) if counts[names.get(i, i)] == 1 else f"{names.get(i, i)} ({i})",
             None) for i in ids]


class Asking:
    p: Prompter
    notes: dict[str, Any]
    more: str = ""  # the rest of the current question's help: '?' (or a choice) shows it
    reused: bool  # the last organisation "added" where it was needed was one already listed
    also: dict[str, Any]  # keys beside the answer that the choice made settles too

    def state(self) -> State:
        raise NotImplementedError

    def _new_org(self) -> str | None:
        """Add an organisation there and then: its id, or None if the person went back."""
        raise NotImplementedError

    def _prompt(self, q: Ask, loc: Loc, state: State, default: Any, back: str | None = None) -> Any:
        """Ask ``q``. With ``back`` (the item being added), offer to go back instead (GoBack)."""
        kind = q.kind
        if kind in ("text", "int", "date", "lines"):
            return self._text(q, loc, default, back)
        if kind == "confirm":
            value, _ = check_value(loc, default)
            return self.p.confirm(q.text, default=bool(value) if value is not None else True)
        if kind in ("select", "arrangement"):
            return self._select(q, loc, default, back)
        if kind == "checkbox":
            return self._checkbox(q, loc, default)
        if kind in ("org", "orgs"):
            return self._org(q, loc, state, default, back)
        if kind == "person":
            return self._person(q, loc, default)
        return self._basis(q, loc, state, default)

    def _text(self, q: Ask, loc: Loc, default: Any, back: str | None = None) -> Any:
        lines = q.kind == "lines"
        hint = {
            (False, "date"): WORDING.date, (True, "date"): WORDING.date_optional,
            (False, "lines"): WORDING.lines, (True, "lines"): WORDING.lines_optional,
        }.get((q.optional, q.kind), WORDING.optional if q.optional else None)
        may_go_back = back is not None and not q.optional
        if may_go_back:
            hint = f"{hint}, or {WORDING.back_text}" if hint else WORDING.back_text
        if self.more:
            hint = f"{hint}; {WORDING.more_typed}" if hint else WORDING.more_typed

        def convert(text: str) -> tuple[Any, str | None]:
            if text.strip() == MORE_TYPED and self.more:
                return None, None
            if not text.strip() and (q.optional or may_go_back):
                return None, None
            if q.optional and is_placeholder(text):  # "TBC": not known yet, so left absent
                return None, None
            return check_value(loc, split(text) if lines else forgiving(q.kind, text.strip()))

        while True:
            if q.kind == "date":  # the problem is said right under the prompt, then asked again
                answer = self.p.text(q.text, default=shown(default), instruction=hint)
                while (problem := convert(answer)[1]) is not None:
                    self.p.say(date_problem(answer, problem), "warning")
                    answer = self.p.text(q.text, default=answer, instruction=hint)
            else:
                answer = self.p.text(q.text, default=shown(default), instruction=hint,
                                     check=lambda t: convert(str(t))[1])
            if answer.strip() != MORE_TYPED or not self.more:
                break
            self.p.say(self.more, "help")  # asked for: the rest of the help, then again
            self.more = ""
            hint = hint.replace(f"; {WORDING.more_typed}", "") if hint else hint
            if hint == WORDING.more_typed:
                hint = None
        if may_go_back and not answer.strip():
            raise GoBack()
        if q.optional and is_placeholder(answer):
            self.p.say(WORDING.not_known, "help")
        return convert(answer)[0]

    def _person(self, q: Ask, loc: Loc, default: Any) -> Any:
        """A name and an email address in one answer: 'Priya Shah, dpo@example.org'."""
        if hasattr(default, "model_dump"):  # as checked: the model's Person
            default = default.model_dump(exclude_none=True)
        before = default if isinstance(default, dict) else {}
        shown_before = ", ".join(str(before[k]) for k in ("name", "email") if before.get(k))
        hint = WORDING.person_optional if q.optional else WORDING.person_required
        if self.more:
            hint = f"{hint}; {WORDING.more_typed}"

        def convert(text: str) -> tuple[Any, str | None]:
            if not text.strip() or (q.optional and is_placeholder(text)):
                return (None if q.optional else {}), None
            found = person_parts(text)
            value = {k: v for k, v in before.items() if k not in ("name", "email")} | (found or {})
            if found is None or check_value(loc, value)[1] is not None:
                return None, WORDING.person_problem.format(typed=clipped(text.strip(), 24))
            return value, None

        while True:
            answer = self.p.text(q.text, default=shown_before, instruction=hint,
                                 check=lambda t: None if str(t).strip() == MORE_TYPED
                                 else convert(str(t))[1])
            if answer.strip() != MORE_TYPED or not self.more:
                return convert(answer)[0]
            self.p.say(self.more, "help")
            self.more = ""
            hint = hint.replace(f"; {WORDING.more_typed}", "")

    def _choices(self, q: Ask) -> dict[str, str]:
        return dict(q.choices or {})

    def _select(self, q: Ask, loc: Loc, default: Any, back: str | None = None) -> Any:
        choices = self._choices(q)
        descriptions = q.descriptions or {}
        follow_ups = q.follow_ups or {}
        means = q.means or {}
        before = default
        default = next((c for c, (_, yes, no) in follow_ups.items() if default in (yes, no)),
                       default)
        if means and default not in choices:  # a stored value, shown as its choice
            default = next((c for c, v in means.items()
                            if v == default and type(v) is type(default)), default)
        sole = self._sole_choices() if q.kind == "arrangement" else []
        while True:
            options: list[Option] = [(c, label, descriptions.get(c)) for c, label in choices.items()]
            if sole:  # "<organisation> alone decides ...", then the others in those words
                several = dict(WORDING.several_choices)
                options = sole + [(c, several.get(c, label), None) for c, label, _ in options
                                  if c != "sole"]
            if default is not None and default not in choices and q.other:
                options.append((str(default), str(default), None))
            if q.other:
                options.append((OTHER, WORDING.other_choice, None))
            if q.kind == "arrangement":
                options.append((HELP_ME, HELPER.choice, None))
                if default == "sole" and sole:  # the pointer on the one controller
                    default = self._sole_default(sole)
            if self.more:
                options.append((MORE, WORDING.more_choice, WORDING.more_description))
            if back is not None:
                options.append((BACK, WORDING.back_choice.format(item=back), None))
            answer = self.p.select(q.text, options, default=shown(default) or None)
            if answer == BACK:
                raise GoBack()
            if answer == HELP_ME:
                default = self._helper()
                continue
            if answer == MORE:
                self.p.say(self.more, "help")
                self.more = ""
                continue
            if answer.startswith(SOLE):  # one organisation: the arrangement and the controller
                org = answer[len(SOLE):]
                self.notes["controllers"] = [org]
                controllers = self.state().doc.setdefault("data_protection", {})
                controllers.setdefault("controllers", {})["organisations"] = [org]
                return "sole"
            if answer in follow_ups:
                question, yes, no = follow_ups[answer]
                answer = yes if self.p.confirm(question, default=before == yes) else no
            if answer == OTHER:
                text = self.p.text(q.other_text,
                                   check=lambda t: check_value(loc, str(t).strip())[1])
                if q.also is not None:
                    self.also = q.also(text.strip())
                return check_value(loc, text.strip())[0]
            if q.also is not None:
                self.also = q.also(answer)
            return check_value(loc, means.get(answer, answer))[0]

    def _sole_choices(self) -> list[Option]:
        """'<organisation> alone decides why and how the data is used', one per organisation."""
        state = self.state()
        return [(SOLE + i, WORDING.sole_choice.format(name=name), None)
                for i, name, _ in org_options(state, state.org_ids())]

    def _sole_default(self, sole: list[Option]) -> str:
        """The choice naming the controller the helper suggests, the one answered, or the lead."""
        state = self.state()
        ids = [c[len(SOLE):] for c, _, _ in sole]
        found = [*(self.notes.get("controllers") or []), *state.controllers(),
                 *([state.lead()] if state.lead() else [])]
        return SOLE + next((c for c in found if c in ids), ids[0])

    def _checkbox(self, q: Ask, loc: Loc, default: Any) -> Any:
        choices = self._choices(q)
        current = [str(v) for v in default] if isinstance(default, list) else []
        options: list[Option] = [(c, label, None) for c, label in choices.items()]
        options += [(v, v, None) for v in current if v not in choices]
        if q.other:
            options.append((OTHER, WORDING.other_choice, None))

        def enough(values: Any) -> str | None:
            if len(values) < q.min_selected:
                return WORDING.needs_at_least.format(n=q.min_selected)
            return None

        ticked = in_order(self.p.checkbox(q.text, options, checked=current, check=enough), current)
        values = [v for v in ticked if v != OTHER]
        if OTHER in ticked:
            text = self.p.text(q.other_text)
            values += [v for v in split(text) if v not in values]
        value, problem = check_value(loc, values)
        if problem:
            self.p.say(problem_text(problem), "warning")
            return self._checkbox(q, loc, values)
        return value

    def _org(self, q: Ask, loc: Loc, state: State, default: Any, back: str | None = None) -> Any:
        while True:
            ids = list(q.among(self.state())) if q.among is not None else self.state().org_ids()
            options = org_options(self.state(), ids)
            if q.kind == "orgs":
                chosen = [str(v) for v in default] if isinstance(default, list) else []
                ticked = self._orgs(q, options, chosen)
                if NEW_ORG not in ticked:
                    return ticked
                added = self._new_org()
                default = [t for t in ticked if t != NEW_ORG] + ([added] if added else [])
                continue
            answer = self._one_org(q, ids, options, default, back)
            if answer != NEW_ORG:
                break
            added = self._org_for(q)
            if added is not None:
                answer = added
                break
        if answer == NONE or answer is None:
            return None
        return [answer] if q.as_list else answer

    def _org_for(self, q: Ask) -> str | None:
        """'A new organisation: add it now' chosen at question ``q``: add it (or use the one
        already listed under that name), say which, and return its id (None: none added)."""
        self.notes["new_org_role"] = q.new_org_role
        try:
            added = self._new_org()
        finally:
            self.notes.pop("new_org_role", None)
        if added is not None:
            said = WORDING.new_org_existing if self.reused else WORDING.new_org_added
            self.p.say(said.format(name=org_name(self.state(), added), question=q.text), "ok")
        return added

    def _orgs(self, q: Ask, options: list[Option], chosen: list[str]) -> list[str]:
        least = max(q.min_selected, 1)

        def enough(values: Any) -> str | None:
            if len(values) < least and NEW_ORG not in values:
                return WORDING.needs_at_least.format(n=least)
            return None

        if q.add_org:
            options = [*options, (NEW_ORG, WORDING.new_org, None)]
        return in_order(self.p.checkbox(q.text, options, checked=chosen, check=enough), chosen)

    def _one_org(
        self, q: Ask, ids: list[str], options: list[Option], default: Any, back: str | None
    ) -> str | None:
        if q.optional:
            options.insert(0, (NONE, q.none_label, None))
        if q.add_org:
            options.append((NEW_ORG, WORDING.new_org, None))
        if back is not None:
            options.append((BACK, WORDING.back_choice.format(item=back), None))
        if not ids and not q.add_org:
            self.p.say(WORDING.no_orgs, "warning")
            if q.optional:
                return None
            raise NoChoice()
        if isinstance(default, list):
            default = default[0] if default else None
        if len(options) == 1 and ids:
            self.p.say(WORDING.only_choice.format(question=q.text, choice=options[0][1]))
            return ids[0]
        start = str(default) if default in ids else (NONE if q.optional else None)
        while True:
            more: list[Option] = [(MORE, WORDING.more_choice, WORDING.more_description)] if self.more else []
            answer = self.p.select(q.text, options + more, default=start)
            if answer != MORE:
                break
            self.p.say(self.more, "help")  # asked for: the rest of the help, then again
            self.more = ""
        if answer == BACK:
            raise GoBack()
        return answer

    def _basis(self, q: Ask, loc: Loc, state: State, default: Any) -> Any:
        """One answer for every controller, or one per controller (a mapping)."""
        controllers = state.controllers()
        each = isinstance(default, dict) and len(controllers) > 1
        # The lawful basis always offers one per controller; the conditions do so when the
        # answers already give one per controller (see issue 12 for asking it afresh).
        if len(controllers) > 1 and (not q.same_question or isinstance(default, dict)):
            self.p.say(q.same_help or WORDING.basis_same_help, "help")
            each = not self.p.confirm(q.same_question or WORDING.basis_same, default=not each)
        one = replace(q, kind="select")
        fallback = "public_task" if "public_task" in self._choices(q) else None
        if not each:
            first = next(iter(default.values()), None) if isinstance(default, dict) else default
            return self._select(one, loc, first or fallback)
        answers: dict[str, Any] = {}
        for c in controllers:
            current = default.get(c) if isinstance(default, dict) else default
            ask = replace(one, text=(q.each_question or WORDING.basis_for).format(
                name=org_name(state, c)))
            answers[c] = self._select(ask, (*loc, c), current or fallback)
        return answers

    def _helper(self) -> str:
        """Suggest the arrangement on the regulator's test (who decides the purposes), in one
        sentence; the arrangement question is then asked again with it as the default."""
        state = self.state()
        self.p.say(HELPER.intro, "help")
        options = org_options(state, state.org_ids())
        lead = state.lead()
        decide = self.p.checkbox(
            HELPER.decide, options, checked=[lead] if lead else [],
            check=lambda v: None if v else WORDING.needs_at_least.format(n=1),
        )
        names = join_and([org_name(state, o) for o in decide])
        if len(decide) == 1:
            arrangement = "sole"
            others = len(state.org_ids()) > 1
            reason = (HELPER.reason_sole_others if others else HELPER.reason_sole).format(
                names=names)
        else:
            self.p.say(HELPER.together_help, "help")
            joint = self.p.confirm(HELPER.together, default=True)
            arrangement = "joint" if joint else "independent"
            reason = (HELPER.reason_joint if joint else HELPER.reason_independent).format(
                names=names)
        self.notes["controllers"] = decide
        self.p.say(HELPER.suggest.format(label=vocab.ARRANGEMENTS[arrangement], reason=reason),
                   "ok")
        self.p.say(HELPER.override, "help")
        return arrangement

