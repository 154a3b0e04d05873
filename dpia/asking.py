"""Asking one question of each kind: text, dates and numbers, choices, organisations,
the lawful basis, and the controller helper. Mixed into :class:`dpia.interview.Interview`."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from dpia import vocab
from dpia.fieldtypes import check_value
from dpia.questions import HELPER, WORDING, Ask, Loc, State

if TYPE_CHECKING:
    from dpia.prompting import Option, Prompter

OTHER = "__other__"
HELP_ME = "__help_me__"
NONE = "__none__"


class NoChoice(Exception):
    """A selection has nothing to choose from; the item being added is dropped."""


def shown(value: Any) -> str:
    """An answer as it is typed at a text prompt."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "; ".join(shown(v) for v in value)
    return str(value)


def split(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def in_order(ticked: list[str], before: list[str]) -> list[str]:
    """Ticked values, keeping the order of the earlier answer, new ones after it."""
    return [v for v in before if v in ticked] + [v for v in ticked if v not in before]


class Asking:
    p: Prompter
    notes: dict[str, Any]

    def state(self) -> State:
        raise NotImplementedError

    def _prompt(self, q: Ask, loc: Loc, state: State, default: Any) -> Any:
        kind = q.kind
        if kind in ("text", "int", "date", "lines"):
            return self._text(q, loc, default)
        if kind == "confirm":
            value, _ = check_value(loc, default)
            return self.p.confirm(q.text, default=bool(value) if value is not None else True)
        if kind in ("select", "arrangement"):
            return self._select(q, loc, default)
        if kind == "checkbox":
            return self._checkbox(q, loc, default)
        if kind in ("org", "orgs"):
            return self._org(q, loc, state, default)
        return self._basis(q, loc, state, default)

    def _text(self, q: Ask, loc: Loc, default: Any) -> Any:
        lines = q.kind == "lines"
        hint = {
            (False, "date"): WORDING.date, (True, "date"): WORDING.date_optional,
            (False, "lines"): WORDING.lines, (True, "lines"): WORDING.lines_optional,
        }.get((q.optional, q.kind), WORDING.optional if q.optional else None)

        def convert(text: str) -> tuple[Any, str | None]:
            if not text.strip() and q.optional:
                return None, None
            return check_value(loc, split(text) if lines else text.strip())

        answer = self.p.text(q.text, default=shown(default), instruction=hint,
                             check=lambda t: convert(str(t))[1])
        return convert(answer)[0]

    def _choices(self, q: Ask) -> dict[str, str]:
        return dict(q.choices or {})

    def _select(self, q: Ask, loc: Loc, default: Any) -> Any:
        choices = self._choices(q)
        descriptions = q.descriptions or {}
        while True:
            options: list[Option] = [(c, label, descriptions.get(c)) for c, label in choices.items()]
            if default is not None and default not in choices and q.other:
                options.append((str(default), str(default), None))
            if q.other:
                options.append((OTHER, WORDING.other_choice, None))
            if q.kind == "arrangement":
                options.append((HELP_ME, HELPER.choice, None))
            answer = self.p.select(q.text, options, default=shown(default) or None)
            if answer == HELP_ME:
                default = self._helper()
                continue
            if answer == OTHER:
                text = self.p.text(q.other_text,
                                   check=lambda t: check_value(loc, str(t).strip())[1])
                return check_value(loc, text.strip())[0]
            return check_value(loc, answer)[0]

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
            self.p.say(WORDING.problem.format(message=problem), "warning")
            return self._checkbox(q, loc, values)
        return value

    def _org(self, q: Ask, loc: Loc, state: State, default: Any) -> Any:
        ids = list(q.among(state)) if q.among is not None else state.org_ids()
        names = {str(o["id"]): str(o.get("name") or o["id"]) for o in state.orgs()}
        options: list[Option] = [(i, f"{names.get(i, i)} ({i})", None) for i in ids]
        if q.kind == "orgs":
            chosen = [str(v) for v in default] if isinstance(default, list) else []

            def enough(values: Any) -> str | None:
                if len(values) < max(q.min_selected, 1):
                    return WORDING.needs_at_least.format(n=max(q.min_selected, 1))
                return None

            return in_order(self.p.checkbox(q.text, options, checked=chosen, check=enough), chosen)
        if q.optional:
            options.insert(0, (NONE, q.none_label, None))
        if not ids:
            self.p.say(WORDING.no_orgs, "warning")
            if q.optional:
                return None
            raise NoChoice()
        if isinstance(default, list):
            default = default[0] if default else None
        if len(ids) == 1 and not q.optional:
            self.p.say(WORDING.only_choice.format(question=q.text, choice=options[0][1]))
            answer = ids[0]
        else:
            answer = self.p.select(q.text, options,
                                   default=str(default) if default else (NONE if q.optional else None))
        if answer == NONE:
            return None
        return [answer] if q.as_list else answer

    def _basis(self, q: Ask, loc: Loc, state: State, default: Any) -> Any:
        controllers = state.controllers()
        names = {str(o["id"]): str(o.get("name") or o["id"]) for o in state.orgs()}
        options: list[Option] = [(c, label, None) for c, label in self._choices(q).items()]
        each = isinstance(default, dict) and len(controllers) > 1
        if len(controllers) > 1:
            self.p.say(WORDING.basis_same_help, "help")
            each = not self.p.confirm(WORDING.basis_same, default=not each)
        if not each:
            first = next(iter(default.values()), None) if isinstance(default, dict) else default
            return self.p.select(q.text, options, default=first or "public_task")
        answers: dict[str, str] = {}
        for c in controllers:
            current = default.get(c) if isinstance(default, dict) else default
            answers[c] = self.p.select(WORDING.basis_for.format(name=names.get(c, c)), options,
                                       default=current or "public_task")
        return answers

    def _helper(self) -> str:
        state = self.state()
        self.p.say(HELPER.intro, "help")
        self.p.say(HELPER.decide_help, "help")
        names = {str(o["id"]): str(o.get("name") or o["id"]) for o in state.orgs()}
        options: list[Option] = [(i, f"{n} ({i})", None) for i, n in names.items()]
        lead = state.lead()
        decide = self.p.checkbox(
            HELPER.decide, options, checked=[lead] if lead else [],
            check=lambda v: None if v else WORDING.needs_at_least.format(n=1),
        )
        arrangement = "sole"
        if len(decide) > 1:
            self.p.say(HELPER.together_help, "help")
            arrangement = "joint" if self.p.confirm(HELPER.together, default=True) else "independent"
        self.notes["controllers"] = decide
        self.p.say(HELPER.suggest.format(label=vocab.ARRANGEMENTS[arrangement]), "ok")
        return arrangement
