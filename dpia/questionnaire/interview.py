"""The questionnaire engine: walks the questions in :mod:`dpia.questionnaire.questions`, asks them
through a :class:`dpia.questionnaire.prompting.Prompter`, and keeps the answers as plain data.

One set of rules: each answer is checked at the prompt with the model's own
field type (a pydantic ``TypeAdapter`` on the field's annotation), and the
assembled file with :func:`dpia.answers.validate.validate`; every problem the model finds
is mapped back to the question that must be asked again.

Modes decide which questions a pass asks:

* ``missing``: every question whose answer is absent (or invalid), offers included;
  a new questionnaire, and the sections from where an interrupted one stopped;
* ``fix``: only questions the model reported a problem with (``--from``, and the
  final check); a problem on a whole missing part asks all of that part;
* ``all``: every question, with the current answers as defaults (``dpia edit``).

This module does not import questionary; the prompter is passed in.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Collection, Iterator, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

from dpia.answers.fieldtypes import check_value, is_required
from dpia.answers.model import Project, path_text
from dpia.answers.validate import validate
from dpia.answers.words import with_article
from dpia.questionnaire.asking import (
    NEW_ORG,
    GoBack,
    NoChoice,
    UseExisting,
    brief,
    clipped,
    in_order,
    org_name,
    org_options,
    problem_text,
    shown,
    split,
)
from dpia.questionnaire.proposing import Proposing
from dpia.questionnaire.questions import (
    ORGANISATIONS,
    SECTIONS,
    WORDING,
    Ask,
    Each,
    Group,
    Loc,
    Node,
    Repeat,
    Section,
    State,
    covers,
    same_words,
    section_of,
    starts,
    suggest_id,
)

if TYPE_CHECKING:
    from dpia.questionnaire.prompting import Option, Prompter

Mode = Literal["missing", "fix", "all", "required"]
# Saves progress: (answers, the section to carry on from, declined questions).
Saver = Callable[[dict[str, Any], str | None, list[Loc]], None]
MAX_ROUNDS = 25


class Unanswerable(Exception):
    """Problems that no question can fix (e.g. a misspelt key in a --from file)."""

    def __init__(self, problems: list[tuple[Loc, str]]) -> None:
        super().__init__("unanswerable")
        self.problems = problems


# --- plain-data helpers ------------------------------------------------------------------


def _get(container: dict[str, Any], path: tuple[str, ...]) -> tuple[bool, Any]:
    node: Any = container
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return False, None
        node = node[key]
    return node is not None, node


def _set(container: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node = container
    for key in path[:-1]:
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node = node[key]
    if value is None:
        node.pop(path[-1], None)
    else:
        node[path[-1]] = value


# --- cross-field rules, checked as soon as their section is answered -----------------------


@cache
def _filler() -> dict[str, Any]:
    """A complete, valid answers file (the shipped example) to stand in for unanswered sections."""
    from dpia.answers.loader import parse, read_text
    from dpia.resources import example_path

    data, _ = parse(read_text(example_path()))
    assert isinstance(data, dict)
    return data


def early_problems(data: dict[str, Any], answered: Sequence[Section]) -> list[tuple[Loc, str]]:
    """The model's problems with the ``answered`` sections, before the rest is answered.

    The model checks rules between fields only on a complete file, so the sections not
    yet answered are taken from the shipped example; only problems that a question in
    an answered section can fix are returned. Rules only relate a section's answers to
    its own or earlier sections' (sections are ordered that way), so the stand-in
    answers never cause a problem that is returned.
    """
    merged = copy.deepcopy(_filler())
    merged["format"] = data.get("format", merged.get("format"))
    for sec in answered:
        for node in sec.nodes:
            present, value = _get(data, node.path)
            _set(merged, node.path, copy.deepcopy(value) if present else None)
    project, problems = validate(merged)
    names = {s.name for s in answered}
    return [(loc, msg) for loc, msg in problems
            if (found := section_of(loc)) is not None and found.name in names]


# --- the engine ----------------------------------------------------------------------------


class Interview(Proposing):
    """Asks questions into ``data`` (plain answers-file data, changed in place)."""

    def __init__(
        self, data: dict[str, Any], prompter: Prompter,
        saver: Saver | None = None, declined: Collection[Loc] = (),
    ) -> None:
        self.data = data
        self.p = prompter
        self.saver = saver
        self.notes: dict[str, Any] = {}
        self.problems: dict[Loc, str] = {}
        self.mode: Mode = "missing"
        self.item: dict[str, Any] = {}
        self.current: str | None = None
        self.back: str | None = None  # the item just started, which the next prompt may abandon
        self.adding: dict[str, Any] | None = None  # the item being added, if any
        self.reused = False
        # Optional questions and offers answered "no" or left empty: not asked again on resume.
        self.declined: set[Loc] = set(declined)
        self.helped: set[str] = set()  # help texts already shown
        self.more = ""
        self.offers: list[Ask] = []  # answers of the item being added taken from defaults
        self.heading = ""  # said before the next question asked (Each)
        self.also: dict[str, Any] = {}  # keys beside an answer that its choice settles
        self.editing = False  # dpia edit: every question asked, optional parts offered

    # -- sections ---------------------------------------------------------------------

    def run(self, plan: list[tuple[Section, Mode]]) -> None:
        """Ask each section in its mode, saving after each one."""
        total = len(SECTIONS)
        self.editing = self.editing or any(m == "all" for _, m in plan)
        for sec, mode in plan:
            if mode == "fix" and not self._problems_in(sec):
                continue
            self.current = sec.name
            n = SECTIONS.index(sec) + 1
            self.p.say("")
            self.p.say(WORDING.progress.format(n=n, total=total, title=sec.title), "section")
            if mode != "fix":
                self.p.say(sec.intro, "help")
            self.mode = mode
            self.item = {}
            self._nodes(sec.nodes, self.data, ())
            if mode != "fix":
                self._recheck(sec, SECTIONS[:n] if mode == "missing" else SECTIONS)
            later = [s for s, m in plan if SECTIONS.index(s) > n - 1 and m != "fix"]
            self.save(later[0].name if later else None)

    def settle(self, interactive: bool = True) -> Project:
        """Validate the whole file; ask again whatever the model finds wrong, until it is valid."""
        for _ in range(MAX_ROUNDS):
            project, problems = validate(self.data)
            if project is not None:
                return project
            unanswerable = [(loc, msg) for loc, msg in problems if section_of(loc) is None]
            if unanswerable or not interactive:
                raise Unanswerable(unanswerable or problems)
            self.problems = {}
            for loc, msg in problems:
                self.problems.setdefault(loc, msg)
            self.p.say("")
            self.p.say(WORDING.recheck, "warning")
            self.run([(s, "fix") for s in SECTIONS])
        raise Unanswerable(problems)

    def _recheck(self, current: Section, answered: Sequence[Section]) -> None:
        """Ask again, at once, whatever the rules between fields find wrong so far."""
        before: list[tuple[Loc, str]] = []
        for _ in range(MAX_ROUNDS):
            problems = early_problems(self.data, answered)
            if not problems or problems == before:
                break
            before = problems
            self.problems = {}
            for loc, msg in problems:
                self.problems.setdefault(loc, msg)
            self.p.say("")
            self.p.say(WORDING.recheck_now, "warning")
            for sec in answered:
                if not self._problems_in(sec):
                    continue
                if sec is not current:
                    self.p.say(WORDING.back_in.format(title=sec.title), "section")
                self.mode, self.item = "fix", {}
                self._nodes(sec.nodes, self.data, ())
        self.problems = {}

    def save(self, next_section: str | None) -> None:
        if self.saver is not None:
            self.saver(self.data, next_section, sorted(self.declined, key=path_text))

    def _problems_in(self, sec: Section) -> bool:
        return any(covers(sec.nodes, loc) for loc in self.problems)

    # -- help: each text once, a question's first sentence by default ----------------------

    def _once(self, text: str) -> None:
        """Say a help text the first time only: the person has read it."""
        if text not in self.helped:
            self.helped.add(text)
            self.p.say(text, "help")

    def _help(self, q: Ask) -> None:
        """A question's help: where the prompt can show more on request ('?' at a text prompt,
        a choice in a list), only its first sentence, and only the first time."""
        self.more = ""
        if not q.help:
            return
        if (q.kind == "org" and not q.optional and not q.add_org and q.among is not None
                and len(q.among(self.state())) == 1):
            return  # the only possible answer is taken, not asked: nothing to explain
        if q.kind in ("confirm", "checkbox", "orgs"):  # no way to ask for more there
            self._once(q.help)
            return
        first, rest = brief(q.help)
        if first.startswith("e.g.") or q.help in self.helped:
            # An example only, or read before: the question is clear without it, so it
            # waits behind '?'
            self.more = q.help
            return
        self.helped.add(q.help)
        self.p.say(first, "help")
        self.more = rest

    # -- walking ----------------------------------------------------------------------

    def state(self) -> State:
        return State(self.data, self.item, self.notes)

    def _nodes(self, nodes: tuple[Node, ...], container: dict[str, Any], base: Loc) -> None:
        for node in nodes:
            if isinstance(node, Ask):
                self._ask(node, container, base, nodes)
            elif isinstance(node, Group):
                self._group(node, container, base)
            elif isinstance(node, Each):
                self._each(node, container, base)
            else:
                self._repeat(node, container, base)

    def _forced(self, loc: Loc, fixes: tuple[Loc, ...] = ()) -> tuple[bool, bool, str | None]:
        """(problem at or under loc, problem on a part containing loc, message to show)."""
        here = parent = False
        message = None
        for p, msg in self.problems.items():
            if starts(p, loc) or p in fixes:
                here, message = True, message or msg
            elif starts(loc, p):
                parent = True
        return here, parent, message

    def _clear(self, loc: Loc) -> None:
        for p in [p for p in self.problems if starts(p, loc)]:
            del self.problems[p]

    def _ask(
        self, q: Ask, container: dict[str, Any], base: Loc, siblings: tuple[Node, ...] = ()
    ) -> None:
        loc = base + q.path
        state = self.state()
        present, value = _get(container, q.path)
        here, parent, message = self._forced(loc, tuple(base + f for f in q.fixes))
        if q.when is not None and not q.when(state):
            # The question no longer applies: an old answer to it must not linger.
            shared = any(
                isinstance(n, Ask) and n is not q and n.path == q.path
                and (n.when is None or n.when(state))
                for n in siblings
            )
            if present and (self.mode == "all" or here) and not shared:
                _set(container, q.path, None)
                self._clear(loc)
            return
        mode = self.mode
        if mode == "fix" and parent and not here:
            mode = "missing"
        if q.settled and present and not here and check_value(loc, value)[1] is None:
            return  # an earlier question set it
        if not here:
            if mode == "fix" or (mode == "missing" and not present and loc in self.declined):
                return
            # An answer that settles keys beside it too is asked while one of them is missing.
            partial = q.also is not None and not all(
                _get(container, (key,))[0] for key in q.also(""))
            if present:
                value, problem = check_value(loc, value)
                if problem is None and mode != "all" and not partial:
                    return
                message = problem
            elif mode == "required" and not is_required(loc):
                return
        new_item = self.adding is not None and self.item is self.adding
        if (q.offered is not None and new_item and not here and not present
                and q.offered(state)):
            taken = q.default(state) if callable(q.default) else q.default
            if taken is not None or q.optional:
                _set(container, q.path, taken)
                self.offers.append(q)
                return
        if q.auto and (mode == "missing" or new_item) and not here and not present:
            taken = q.default(state) if callable(q.default) else q.default
            _set(container, q.path, taken)
            if taken is None:
                self.declined.add(loc)
            return
        self._headed()
        if message:
            self.p.say(problem_text(message), "warning")
        self._help(q)
        default = value if present else (q.default(state) if callable(q.default) else q.default)
        back, self.back = self.back, None
        self.also = {}
        answer = self._prompt(q, loc, state, default, back)
        _set(container, q.path, answer)
        for key, also in self.also.items():  # keys beside it that the choice settles too
            _set(container, (key,), also)
            self._clear(base + (key,))
        self.also = {}
        if answer is None:
            self.declined.add(loc)
        else:
            self.declined.discard(loc)
        self._clear(loc)
        warning = q.warn(self.state()) if q.warn is not None else None
        if warning:
            self.p.say(warning, "warning")
        if q.existing is not None and self.adding is not None and self.item is self.adding:
            found = q.existing(self.state())
            if found is not None:
                self.p.say(WORDING.same_name.format(name=answer), "warning")
                if self.p.confirm(WORDING.use_existing, default=True):
                    raise UseExisting(found)

    def _group(self, g: Group, container: dict[str, Any], base: Loc) -> None:
        loc = base + g.path
        state = self.state()
        if g.when is not None and not g.when(state):
            return
        if g.flat:
            present = any(_get(container, n.path)[0] for n in g.nodes)
            here = any(self._forced(base + n.path)[0] for n in g.nodes)
            parent = self._forced(loc)[1]
        else:
            present = isinstance(_get(container, g.path)[1], dict)
            here, parent, _ = self._forced(loc)
        required = g.required is not None and g.required(state)
        mode = self.mode
        if mode == "fix" and parent and not here:
            mode = "missing"
        if mode == "fix" and not here:
            return
        if g.edit_only and not present and not here and not self.editing:
            if g.offer_help:
                self._once(g.offer_help)  # where to add it later
            return
        if g.offer and not required and not here:
            if mode in ("required", "fix") and not present:
                return
            if mode == "missing" and not present and loc in self.declined:
                return
            # Declined for another item of the same list (in this run or before a resume).
            later = g.once and not present and len(base) > 0 and any(
                d[:len(base) - 1] == base[:-1] and d[len(base):] == g.path
                and len(d) == len(loc) for d in self.declined)
            if later and (mode == "missing" or self.item is self.adding):
                for path in [n.path for n in g.nodes] if g.flat else [g.path]:
                    _set(container, path, None)
                self.declined.add(loc)
                return
            if mode == "all" or (mode == "missing" and not present):
                self._headed()
                if g.offer_help:
                    self._once(g.offer_help)
                if not self.p.confirm(g.offer, default=present or g.offer_default):
                    for path in [n.path for n in g.nodes] if g.flat else [g.path]:
                        _set(container, path, None)
                    self.declined.add(loc)
                    return
                self.declined.discard(loc)
        if required and g.required_note and not present:
            self._once(g.required_note)
        if not present and not g.flat:
            _set(container, g.path, {})
        if g.together and not present and not g.flat and mode == "missing" and not here:
            self._together(g, _get(container, g.path)[1], loc)
            return
        saved = self.mode
        self.mode = mode
        try:
            if g.flat:
                self._nodes(g.nodes, container, base)
            else:
                self._nodes(g.nodes, _get(container, g.path)[1], loc)
        finally:
            self.mode = saved

    def _together(self, g: Group, inner: dict[str, Any], loc: Loc) -> None:
        """A new group's offered answers taken from their defaults and shown in one question
        (``g.together``); stopped before they are accepted, they are not kept."""
        saved = self.mode, self.item, self.adding, self.offers
        self.mode, self.item, self.adding, self.offers = "missing", inner, inner, []
        try:
            self._nodes(g.nodes, inner, loc)
            if self.offers:
                self._offered(g.together, g.nodes, inner, loc, full=True)
        except BaseException:
            for q in self.offers:
                _set(inner, q.path, None)
            raise
        finally:
            self.mode, self.item, self.adding, self.offers = saved

    def _each(self, e: Each, container: dict[str, Any], base: Loc) -> None:
        """In a new questionnaire, ask the picked items what they have not answered yet."""
        if self.mode != "missing":
            return
        items = _get(container, e.path)[1]
        for i, item in enumerate(items if isinstance(items, list) else []):
            if not isinstance(item, dict) or not e.which(item, self.state()):
                continue
            loc = base + e.path + (i,)
            if any(_get(item, n.path)[0] or loc + n.path in self.declined for n in e.nodes):
                continue  # answered (or left for later) with the list
            saved_mode, saved_item = self.mode, self.item
            self.mode, self.item = "missing", item
            self.heading = e.heading.format(name=item.get("name") or item.get("id"))
            try:
                self._nodes(e.nodes, item, loc)
            finally:
                self.mode, self.item, self.heading = saved_mode, saved_item, ""

    def _headed(self) -> None:
        """Say the heading waiting for the first question actually asked, if any."""
        if self.heading:
            self.p.say(self.heading, "section")
            self.heading = ""

    def _repeat(self, r: Repeat, container: dict[str, Any], base: Loc) -> None:
        loc = base + r.path
        state = self.state()
        if r.when is not None and not r.when(state):
            return
        items = _get(container, r.path)[1]
        if not isinstance(items, list):
            items = []
        here, parent, message = self._forced(loc)
        mode = self.mode
        at_list = loc in self.problems or parent
        if mode == "fix" and not here and not parent:
            return
        for i, item in enumerate(list(items)):
            if isinstance(item, dict):
                # After Ctrl-C the last item may be half answered: offer all it lacks.
                sub: Mode = "fix" if mode in ("fix", "all") else "required"
                if mode == "missing" and (r.names or r.pick):  # started together: any may be
                    # half answered
                    stopped = check_value(loc + (i,), item)[1] is not None
                    if stopped:
                        self.p.say(WORDING.resume_item.format(
                            item=r.item, n=i + 1, summary=r.summary(item, self.state())), "section")
                    self._named_item(r, item, loc + (i,), named=not stopped)
                    continue
                if mode == "missing" and i == len(items) - 1:
                    sub = "missing"
                    if check_value(loc + (i,), item)[1] is not None:  # stopped part-way through it
                        self.p.say(WORDING.resume_item.format(
                            item=r.item, n=i + 1, summary=r.summary(item, self.state())), "section")
                self._item(r, item, loc + (i,), sub)
        if mode not in ("all", "missing") and not at_list:
            return
        if message and loc in self.problems:
            self.p.say(problem_text(message), "warning")
        fresh = _get(container, r.path)[1] is None
        _set(container, r.path, items)
        if r.propose and fresh and mode == "missing" and self._propose(r, items, loc):
            self._add(r, items, loc)  # accepted, with another flow to add at once
        if r.pick is not None and fresh and mode == "missing" and not items:
            self._picked(r, r.pick, items, loc)
            self._clear(loc)
            return
        if r.names and fresh and mode == "missing" and not items:
            self._named(r, items, loc)
        if r.usual is not None and fresh and mode == "missing" and not items:
            usual = r.usual(state)
            if usual and self._usual(r, items, loc, usual):
                self._clear(loc)
                return
        self._menu(r, items, loc, fresh)
        self._clear(loc)

    def _menu(self, r: Repeat, items: list[Any], loc: Loc, fresh: bool) -> None:
        """Add, change or remove items; Enter alone adds the first item only to a new list."""
        if r.intro:
            self._once(r.intro)
        while len(items) < r.min_items:
            self._add(r, items, loc)
        while True:
            state = self.state()
            options: list[Option] = []
            add = WORDING.menu_add if items else WORDING.menu_add_first
            options.append(("add", add.format(item=r.item, a_item=with_article(r.item)), None))
            for i, item in enumerate(items):
                options.append((str(i), WORDING.menu_item.format(
                    summary=clipped(r.summary(item, state))), None))
            options.append(("done", WORDING.menu_done if items else WORDING.menu_done_none, None))
            add_next = (fresh and not items and r.add_first) or len(items) < r.suggest_items
            choice = self.p.select(WORDING.menu_prompt.format(Items=r.items), options,
                                   default="add" if add_next else "done")
            if choice == "done":
                return
            if choice == "add":
                self._add(r, items, loc)
                continue
            index = int(choice)
            item = items[index]
            summary = r.summary(item, state)
            actions: list[Option] = [("change", WORDING.item_change, None)]
            if len(items) > r.min_items:
                actions.append(("remove", WORDING.item_remove, None))
            actions.append(("keep", WORDING.item_keep, None))
            action = self.p.select(WORDING.item_prompt.format(summary=summary), actions,
                                   default="change")
            if action == "change":
                self._change(r, item, loc + (index,))
            elif action == "remove" and self.p.confirm(
                    WORDING.remove_confirm.format(summary=summary), default=False):
                items.remove(item)

    def _picked(self, r: Repeat, pick: Ask, items: list[Any], loc: Loc) -> None:
        """A new list started from one checklist of organisations (``r.pick``); each one
        ticked is then asked the rest of its questions under a heading naming it."""
        self._help(pick)
        chosen: list[str] = []
        while True:
            state = self.state()
            ids = list(pick.among(state)) if pick.among is not None else state.org_ids()
            options = org_options(state, ids) + [(NEW_ORG, WORDING.new_org, None)]
            ticked = in_order(self.p.checkbox(pick.text, options, checked=chosen), chosen)
            if NEW_ORG not in ticked:
                break
            added = self._org_for(pick)
            chosen = [t for t in ticked if t != NEW_ORG] + ([added] if added else [])
        start = len(items)
        for org in ticked:  # all listed at once, so that Ctrl-C keeps every one ticked
            item: dict[str, Any] = {}
            _set(item, pick.path, org)
            items.append(item)
        for index in range(start, len(items)):
            self._named_item(r, items[index], loc + (index,))

    def _named(self, r: Repeat, items: list[Any], loc: Loc) -> None:
        """A new list started from its items' names, typed in one answer (``r.names``); each
        is then asked the rest of its questions under its name. A name typed twice is
        pointed out, and kept once unless the person says they are two."""
        text = self.p.text(r.names, instruction=WORDING.names_hint,
                           check=lambda t: None if split(str(t)) else WORDING.names_needed)
        names: list[str] = []
        for name in split(text):
            if any(same_words(name) == same_words(n) for n in names):
                self.p.say(WORDING.same_name.format(name=name), "warning")
                if self.p.confirm(WORDING.use_existing, default=True):
                    continue
            names.append(name)
        start = len(items)
        for name in names:  # all listed at once, so that Ctrl-C keeps every name
            taken = [str(i.get("id")) for i in items if isinstance(i, dict)]
            items.append({"name": name, "id": suggest_id(name, taken)})
        if r.said is not None:
            self._said(r, r.said, r.said_question, items, start, loc)
        for index in range(start, len(items)):
            self._named_item(r, items[index], loc + (index,))

    def _named_item(self, r: Repeat, item: dict[str, Any], loc: Loc, named: bool = True) -> None:
        """What an item named (or ticked) with the others has not answered (nor left for
        later), under its name, as while it is being added; on resume too, as any of them may
        be half answered."""
        adding, self.adding = self.adding, item
        adding_org, self.notes["adding_org"] = self.notes.get("adding_org"), item
        if named and r.pick is not None:  # said before its first question asked, if any
            self.heading = WORDING.picked.format(
                Item=r.item[0].upper() + r.item[1:],
                name=org_name(self.state(), str(_get(item, r.pick.path)[1])))
        elif named:
            self.heading = WORDING.named.format(name=item.get("name") or item.get("id"))
        try:
            self._item(r, item, loc, "missing")
        finally:
            self.adding, self.heading = adding, ""
            self.notes["adding_org"] = adding_org

    def _said(self, r: Repeat, q: Ask, question: str, items: list[dict[str, Any]], start: int,
              loc: Loc) -> None:
        """The answer to ``q`` that each new item's name says (e.g. 'Ltd': a company), shown
        for all of them in one question: accepted together, or one changed at a time; the
        items whose name says nothing are asked it with the rest of their questions."""
        said: list[dict[str, Any]] = []
        before = self.item
        for item in items[start:]:
            self.item = item
            if (value := q.default(self.state()) if callable(q.default) else None) is not None:
                _set(item, q.path, value)
                said.append(item)
        self.item = before
        try:
            while said:
                for item in said:
                    self.p.say(WORDING.said_line.format(
                        name=item.get("name"), answer=self._answer(q, item)))
                options: list[Option] = [("accept", WORDING.offered_accept, None)]
                options += [(str(i), WORDING.said_change.format(
                    name=clipped(str(item.get("name")), 40), answer=self._answer(q, item)),
                    None) for i, item in enumerate(said)]
                choice = self.p.select(question, options, default="accept")
                if choice == "accept":
                    return
                item = said[int(choice)]
                self.heading = WORDING.named.format(name=item.get("name"))
                saved = self.mode, self.item
                self.mode, self.item = "all", item
                try:
                    index = next(i for i, listed in enumerate(items) if listed is item)
                    self._ask(q, item, loc + (index,), r.nodes)
                finally:
                    self.mode, self.item = saved
                    self.heading = ""
        except BaseException:  # stopped before accepting: none kept, asked on resume
            for item in said:
                _set(item, q.path, None)
            raise

    def _change(self, r: Repeat, item: dict[str, Any], loc: Loc) -> None:
        """Change one answer of an item (or all of them), without going through the rest."""
        saved = self.item
        self.item = item
        try:
            state = self.state()
            nodes = [m for n in r.nodes
                     for m in (n.nodes if isinstance(n, Group) and n.flat else (n,))]
            fields = [n for n in nodes if isinstance(n, Ask)
                      and (n.when is None or n.when(state))]
        finally:
            self.item = saved
        options: list[Option] = [
            (str(i), WORDING.change_field.format(
                question=n.text, answer=clipped(shown(self._answer(n, item)) or "-", 30)), None)
            for i, n in enumerate(fields)]
        options.append(("all", WORDING.change_all, None))
        choice = self.p.select(WORDING.change_which, options, default="0")
        if choice == "all":
            self._item(r, item, loc, "all")
            return
        one = fields[int(choice)]
        saved_mode, saved_item = self.mode, self.item
        self.mode, self.item = "all", item
        try:
            self._ask(one, item, loc, r.nodes)
        finally:
            self.mode, self.item = saved_mode, saved_item

    def _add(self, r: Repeat, items: list[Any], loc: Loc) -> str | None:
        """Add an item; the id of an item already listed if the person chose that one."""
        item: dict[str, Any] = {}
        items.append(item)
        adding, self.adding = self.adding, item
        self.p.say(WORDING.adding.format(Item=r.item[0].upper() + r.item[1:], n=len(items)),
                   "section")
        # The first question may be left (empty answer, or a "Go back" choice), unless the
        # list needs this item.
        self.back = r.item if len(items) > r.min_items else None
        offers, self.offers = self.offers, []
        adding_org, self.notes["adding_org"] = self.notes.get("adding_org"), item
        try:
            self._item(r, item, loc + (len(items) - 1,), "all")
            if self.offers:
                self._offered(WORDING.offered.format(item=r.item), r.nodes, item,
                              loc + (len(items) - 1,), item_name=r.item)
        except GoBack:
            items.remove(item)
            self.p.say(WORDING.back_done, "help")
        except UseExisting as chosen:
            items.remove(item)
            name = next((o.get("name") for o in items if o.get("id") == chosen.item_id),
                        chosen.item_id)
            self.p.say(WORDING.used_existing.format(name=name), "ok")
            return chosen.item_id
        except NoChoice:
            items.remove(item)
            if len(items) < r.min_items:
                raise
        finally:
            self.back = None
            self.adding = adding
            self.offers = offers
            self.notes["adding_org"] = adding_org
        return None

    def _offered(self, question: str, nodes: tuple[Node, ...], item: dict[str, Any],
                 loc: Loc, full: bool = False, item_name: str = "") -> None:
        """The answers taken from their defaults, in one question: accept them all, or change
        one (issue 12 point 3). An item of a list keeps the others as shown after one change
        (its menu changes more); a group shown in ``full`` is shown again, until accepted."""
        changed: set[int] = set()
        while True:
            fields = [q for q in self.offers if q.when is None or q.when(self.state())]
            if full:  # each answer in full, as the documents will state it
                for q in fields:
                    self.p.say(f"  {q.text} {shown(self._answer(q, item)) or WORDING.offered_none}")
            options: list[Option] = [("accept", WORDING.offered_accept, None)]
            options += [(str(i), WORDING.offered_field.format(
                question=q.text, answer=clipped(shown(self._answer(q, item)) or
                                                WORDING.offered_none, 40)), None)
                for i, q in enumerate(fields)]
            try:
                choice = self.p.select(question, options, default="accept")
            except (KeyboardInterrupt, EOFError):
                # Stopped before accepting: what was only offered is not an answer, so it is
                # not kept (a resumed questionnaire offers it again); what was changed is.
                for i, q in enumerate(fields):
                    if i not in changed:
                        _set(item, q.path, None)
                raise
            if choice == "accept":
                return
            changed.add(int(choice))
            saved = self.mode, self.item, self.adding
            self.mode, self.item, self.adding = "all", item, None  # asked now, not offered
            try:
                self._ask(fields[int(choice)], item, loc, nodes)
            finally:
                self.mode, self.item, self.adding = saved
            if not full:  # one change, the rest accepted: the list's menu changes more
                self.p.say(WORDING.offered_changed.format(item=item_name), "ok")
                return

    def _answer(self, q: Ask, item: dict[str, Any]) -> Any:
        """An answer as the person reads it: a choice's label rather than its code."""
        value = _get(item, q.path)[1]
        labels = dict(q.choices or {})
        if q.kind in ("org", "orgs"):  # an organisation by its name, not its id
            orgs = self.data.get("organisations")
            labels = {str(o["id"]): str(o.get("name") or o["id"]) for o in orgs or ()
                      if isinstance(o, dict) and o.get("id")}
        if q.kind == "confirm" and isinstance(value, bool):
            return "Yes" if value else "No"
        if not labels:
            return value
        if isinstance(value, list):
            return [labels.get(str(v), v) for v in value]
        return labels.get(str(value), value)

    def _new_org(self) -> str | None:
        items = self.data.get("organisations")
        if not isinstance(items, list):
            items = self.data["organisations"] = []
        before = len(items)
        saved_back = self.back
        existing = self._add(ORGANISATIONS, items, ("organisations",))
        self.back = saved_back
        self.reused = existing is not None
        return existing or (str(items[-1]["id"]) if len(items) > before else None)

    def _item(self, r: Repeat, item: dict[str, Any], loc: Loc, mode: Mode) -> None:
        saved_mode, saved_item = self.mode, self.item
        self.mode, self.item = mode, item
        try:
            self._nodes(r.nodes, item, loc)
        finally:
            self.mode, self.item = saved_mode, saved_item


def sections_from(name: str | None) -> Iterator[Section]:
    started = name is None
    for s in SECTIONS:
        started = started or s.name == name
        if started:
            yield s
