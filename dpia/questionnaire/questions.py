"""The questionnaire as data: sections, questions, conditions, defaults and help.

Every word a person reads at the prompts lives here, so the wording can be
reviewed in one place. The engine (:mod:`dpia.questionnaire.interview`) walks these nodes;
:mod:`dpia.questionnaire.prompting` shows them. Nothing here validates: each answer is
checked with the model's own field type, and the whole file with
:func:`dpia.answers.validate.validate`.

A node's ``path`` is relative to where it sits: the whole answers file for a
section's nodes, one list item for the nodes of a :class:`Repeat`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

from dpia.answers import vocab

Loc = tuple[str | int, ...]


@dataclass
class State:
    """What conditions, choices and defaults can see: the answers so far."""

    doc: dict[str, Any]
    item: dict[str, Any] = field(default_factory=dict)  # the list item being asked, if any
    notes: dict[str, Any] = field(default_factory=dict)  # scratch, e.g. the helper's suggestion

    def get(self, *path: str) -> Any:
        node: Any = self.doc
        for key in path:
            if not isinstance(node, dict):
                return None
            node = node.get(key)
        return node

    def orgs(self) -> list[dict[str, Any]]:
        orgs = self.doc.get("organisations")
        return [o for o in orgs if isinstance(o, dict) and o.get("id")] if isinstance(orgs, list) else []

    def org_ids(self) -> list[str]:
        return [str(o["id"]) for o in self.orgs()]

    def controllers(self) -> list[str]:
        found = self.get("data_protection", "controllers", "organisations")
        return [str(c) for c in found] if isinstance(found, list) else []

    def processors(self) -> list[str]:
        procs = self.get("data_protection", "processors")
        if not isinstance(procs, list):
            return []
        return [str(p["organisation"]) for p in procs if isinstance(p, dict) and p.get("organisation")]

    def lead(self) -> str | None:
        lead = self.get("project", "lead")
        return str(lead) if lead else None


Pick = Callable[[State], Any]
Kind = Literal[
    "text", "int", "date", "confirm", "select", "checkbox", "org", "orgs", "lines", "basis",
    "arrangement", "person",
]


@dataclass(frozen=True)
class Ask:
    """One question whose answer is stored at ``path``."""

    path: tuple[str, ...]
    text: str
    help: str = ""
    kind: Kind = "text"
    choices: Mapping[str, str] | None = None  # code -> plain-English label
    descriptions: Mapping[str, str] | None = None  # code -> a line shown under the list
    other: bool = False  # a checkbox or select that also takes free text
    other_text: str = "Type it"  # the prompt for that free text
    optional: bool = False  # may be left empty (the key is then left out)
    default: Any = None  # a value, or a function of the State
    when: Pick | None = None  # asked only when this returns True
    among: Pick | None = None  # org / orgs: the organisation ids offered (default: all)
    none_label: str = ""  # org: the choice that leaves an optional organisation empty
    as_list: bool = False  # org: store the one organisation chosen as a list
    min_selected: int = 0  # checkbox / orgs: say so at once when fewer are ticked
    add_org: bool = True  # org / orgs: offer to add a new organisation there and then
    # org: what an organisation added there and then is for ("processor": participants
    # contact the controllers, so its DPO, data protection lead and contact are not asked)
    new_org_role: str = ""
    fixes: tuple[Loc, ...] = ()  # other problem locations this question answers
    # Not asked in a new questionnaire (its default, or nothing if optional, is taken): a
    # suggestion people rarely change, or a detail the documents do not need; dpia edit asks it.
    auto: bool = False
    # When adding an item, not asked but taken from its default when this returns True (and
    # there is a default, or the answer may be empty); all such answers are then shown in one
    # question, accepted together or changed one at a time (issue 12 point 3).
    offered: Pick | None = None
    warn: Pick | None = None  # after the answer: a warning to show, or None
    # When adding an item: the id of an item already listed that this answer names again
    # (the person is offered that one instead), or None.
    existing: Pick | None = None
    # select: the value stored for a choice's code, where it is not the code itself, e.g.
    # {"yes": True, "no": False, "not_known": False}; the stored value shows as its first code
    means: Mapping[str, Any] | None = None
    # select: the keys beside this answer's that a choice settles too, from the choice's code
    # (or the text typed for "Other"), e.g. whether a processor holds the data at all
    also: Callable[[str], dict[str, Any]] | None = None
    # Set by an earlier question (e.g. the controller picked with the arrangement): asked only
    # when its answer is missing or wrong, 'dpia edit' included.
    settled: bool = False
    # select: a choice that needs a yes/no question to settle the code stored, e.g. a
    # file-sharing link: {choice: (question, code if yes, code if no)}
    follow_ups: Mapping[str, tuple[str, str, str]] | None = None
    # basis: one answer for all controllers or one each; the wording of those questions
    same_question: str = ""  # "Do all the controllers rely on the same ...?"
    same_help: str = ""
    each_question: str = ""  # "... for {name}"


@dataclass(frozen=True)
class Group:
    """A set of keys under ``path``; ``offer`` asks first whether to fill it in at all."""

    path: tuple[str, ...]
    nodes: tuple[Node, ...]
    offer: str = ""
    offer_help: str = ""
    required: Pick | None = None  # when True, skip the offer and ask the questions
    required_note: str = ""
    when: Pick | None = None
    offer_default: bool = False
    # The questions' keys sit beside the group's, not under it: ``path`` then only names
    # the offer (e.g. where a "not now" is remembered), never a key of the file.
    flat: bool = False
    # Once declined while adding items, not offered again for the next items added in this
    # run: they are left for later too (issue 12 point 6: "ask once").
    once: bool = False
    # A new questionnaire takes the answers of its questions marked ``offered`` from their
    # defaults and shows them in this one question, accepted together or changed one at a
    # time (the usual arrangement for the findings); 'dpia edit' asks each question.
    together: str = ""
    # Offered only by 'dpia edit' (or to fix a problem): a new questionnaire leaves it out
    # and says where to add it, in ``offer_help`` (a project contact).
    edit_only: bool = False


@dataclass(frozen=True)
class Repeat:
    """A list of items, each asked with ``nodes``, added one at a time."""

    path: tuple[str, ...]
    nodes: tuple[Node, ...]
    item: str  # what one item is called: "organisation", "sharing flow"
    items: str  # and several: "Organisations", "Sharing flows"
    summary: Callable[[dict[str, Any], State], str]  # one item, in the menu (names, not ids)
    min_items: int = 0
    suggest_items: int = 0  # the menu suggests adding another until there are this many
    add_first: bool = True  # Enter alone adds the first item (False: Enter means "none")
    intro: str = ""
    when: Pick | None = None
    # A new list starts with the items suggested for it (sharing: the processors' flows).
    propose: bool = False
    # A new list is offered these usual items, accepted in one answer (check-ins: the usual
    # three, dated from the project's dates); empty when the answers cannot date them.
    usual: Callable[[State], list[dict[str, Any]]] | None = None
    # A new list is started by ticking its items' organisations in one checklist (this
    # question, of kind "orgs"; none ticked: an empty list); each is then asked the rest of
    # its questions, with no menu after them ('dpia edit' shows the menu, to change or remove).
    pick: Ask | None = None
    # A new list is started by typing its items' names in this one question (separated by
    # ';'); each is then asked the rest of its questions, and the menu follows.
    names: str = ""
    # With ``names``: a question whose answer a name may say (its default, from the name,
    # e.g. 'Ltd': a company), shown for all the names that say it in one question.
    said: Ask | None = None
    said_question: str = ""  # "The kinds ... from their names: accept?"


@dataclass(frozen=True)
class Each:
    """In a new questionnaire, ``nodes`` asked of each item of the list at ``path`` that
    ``which`` picks and that has answered none of them (nor left one for later), e.g. whom
    to contact at a company once it turns out to be a controller; 'dpia edit' asks them with
    the list."""

    path: tuple[str, ...]
    nodes: tuple[Node, ...]
    which: Callable[[dict[str, Any], State], bool]
    heading: str  # said before an item's questions: "{name}"


Node = Ask | Group | Repeat | Each


@dataclass(frozen=True)
class Section:
    name: str  # as written in `incomplete: {section: NAME}` and `dpia edit --section NAME`
    title: str
    intro: str
    nodes: tuple[Node, ...]


# --- wording used by the engine ---------------------------------------------------


@dataclass(frozen=True)
class Wording:
    progress: str = "Section {n} of {total}: {title}"
    welcome: str = (
        "This questionnaire writes your project's DPIA (data protection impact assessment) "
        "answers, in {n} sections. Enter accepts a suggestion; '?' shows more help; Ctrl-C "
        "stops, keeping your answers."
    )
    welcome_back: str = (
        "Welcome back: carrying on from section {n}, {title}. Questions you answered or "
        "skipped are not asked again."
    )
    optional: str = "Enter alone: I don't know yet"
    date: str = "e.g. 31/03/2026 or 2026-03-31"
    date_optional: str = "e.g. 31/03/2026; Enter alone: I don't know yet"
    date_problem: str = (
        "'{typed}' is {what}: write the day, month and year, e.g. 31/03/2026, "
        "31 March 2026 or 2026-03-31."
    )
    lines: str = "separate several with ;"
    lines_optional: str = "separate several with ;, Enter alone: I don't know yet"
    person_optional: str = "e.g. Priya Shah, dpo@example.org; Enter alone: none, or not known yet"
    person_required: str = "e.g. Priya Shah, dpo@example.org; Enter alone: not known yet"
    person_problem: str = (  # one line under the prompt: keep it short
        "'{typed}' is not a name and one email address; e.g. Priya Shah, dpo@example.org"
    )
    not_known: str = "Not known yet: left as a gap that 'dpia check' lists until it is filled in."
    other_choice: str = "Other (type it)"
    needs_at_least: str = "Tick at least {n} (Space ticks, Enter confirms)"
    menu_prompt: str = "{Items}: what next?"
    menu_add_first: str = "Add {a_item}"
    menu_add: str = "Add another {item}"
    menu_item: str = "{summary} (change or remove)"
    item_prompt: str = "{summary}: what do you want to do?"
    item_change: str = "Change an answer"
    change_which: str = "Which answer do you want to change?"
    change_field: str = "{question} ({answer})"
    change_all: str = "All of its answers, one after another"
    offered: str = "The rest of this {item}, from the project's answers: accept?"
    offered_accept: str = "Accept these answers"
    offered_field: str = "Change only: {question} ({answer})"
    offered_changed: str = (
        "Changed; the other answers kept as shown ('change or remove' in the list of "
        "{item}s changes more)."
    )
    offered_none: str = "none"
    item_remove: str = "Remove it"
    item_keep: str = "Keep it as it is"
    menu_done: str = "Done, go on"
    menu_done_none: str = "None, go on"
    back_choice: str = "Go back: do not add this {item}"
    back_text: str = "leave empty to go back"
    back_done: str = "Not added."
    new_org: str = "A new organisation: add it now"
    new_org_added: str = "Added {name}. Back to: {question}"
    new_org_existing: str = "Using {name}. Back to: {question}"
    same_name: str = "{name} is already in the list of organisations."
    use_existing: str = "Use the one already listed instead of adding it again?"
    used_existing: str = "Not added again: {name} is already listed."
    adding: str = "{Item} {n}"
    picked: str = "{Item}: {name}"
    named: str = "{name}"
    said_line: str = "  {name}: {answer}"
    said_change: str = "Change: {name} ({answer})"
    names_hint: str = "separate them with ;, e.g. Healthwatch Northtown; Opinion Works Ltd"
    names_needed: str = "Type at least one name"
    sole_choice: str = "{name} alone decides why and how the data is used"
    # The other arrangements, in the same words
    several_choices: tuple[tuple[str, str], ...] = (
        ("joint", "Several decide together, for a shared purpose (joint controllers)"),
        ("independent", "Several each use the data for their own purposes (separate "
                        "controllers)"),
    )
    resume_item: str = "Carrying on with {item} {n}: {summary}"
    remove_confirm: str = "Remove {summary}?"
    too_few: str = "At least {n} {item} is needed."
    only_choice: str = "{question} {choice} (the only possible answer, so not asked)"
    recheck: str = "Some answers need another look before the file is complete."
    recheck_now: str = "Before going on, some answers need another look."
    back_in: str = "In the section: {title}"
    problem: str = "Needs another look: {message}"
    problem_subject: str = "this answer"
    saved: str = "Saved to {path}."
    basis_same: str = "Do all the controllers rely on the same lawful basis?"
    basis_same_help: str = (
        "Often they do. Choose No if, for example, a council relies on its public task and a "
        "charity on its legitimate interests."
    )
    basis_for: str = "Lawful basis for {name}"
    interrupted: str = (
        "Stopped. Everything answered so far is saved in {path}.\n"
        "Carry on where you left off with:  dpia new {path}"
    )
    edit_interrupted: str = "Stopped. The answers so far are saved in {path}."
    comments_kept: str = (
        "{path} had comments of your own, which dpia does not keep when it saves. "
        "The file as it was, comments included, is in {copy} beside it."
    )
    edit_unchanged: str = "Stopped. Nothing was changed in {path}."
    edit_interrupted_errors: str = (
        "Stopped. The answers so far are saved in {path}, which still needs fixing: "
        "see 'dpia check {path}', or run 'dpia edit {path}' again."
    )
    no_orgs: str = "No organisation fits here yet: add it in the organisations section first."
    finished: str = (
        "All sections answered. The answers file is saved: {path}\n"
        "Change any answers later with: dpia edit {path} --section NAME "
        "(sections: {sections})"
    )
    more_typed: str = "? for more help"
    more_choice: str = "? More help about this question"
    more_description: str = "The rest of the explanation, then the question again."
    build_offer: str = "Build the DPIA and the other documents now?"
    preview: str = "Your answers in context: {what}"
    preview_after: str = (
        "If something reads wrong, answer No below and change it with: dpia edit {path}"
    )
    after_stopped: str = (
        "Stopped. The answers file is complete and saved, with any measures recorded so far: "
        "{path}\nBuild the documents later with: dpia build {path}"
    )
    edit_which: str = "Which section do you want to change?"


WORDING = Wording()


@dataclass(frozen=True)
class ControllerHelper:
    """A short guided helper that suggests the controller arrangement."""

    choice: str = "Not sure: help me decide"
    intro: str = (
        "The regulator's test: a controller decides WHY the data is collected and WHAT it is "
        "used for (the purposes), and the essential means: whose data, which data, who sees "
        "it and how long it is kept. Helping write the questions, receiving a report or "
        "hosting the survey does not make an organisation a controller."
    )
    decide: str = "Which organisations decide why the data is collected and what it is used for?"
    decide_help: str = ""
    together: str = "Do they decide these purposes together, for one shared purpose?"
    together_help: str = (
        "Yes if they set the project's purposes together (joint controllers). No if each "
        "uses the data for a separate purpose of its own (independent controllers)."
    )
    suggest: str = "Suggested arrangement: {label}, because {reason}"
    reason_sole: str = (
        "only {names} decides why the data is collected and what it is used for."
    )
    reason_sole_others: str = (
        "only {names} decides why the data is collected and what it is used for; the other "
        "organisations do not, so they are not controllers."
    )
    reason_joint: str = "{names} decide the purposes together."
    reason_independent: str = "{names} each use the data for a purpose of their own."
    override: str = "It is the default below: choose another arrangement if you know better."


HELPER = ControllerHelper()


# --- small helpers used by defaults --------------------------------------------------


def suggest_id(text: str, taken: list[str] | None = None) -> str:
    """'Healthwatch Northtown' -> 'healthwatch-northtown', made unique among ``taken``."""
    base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if len(base) > 40:  # cut at a hyphen, not inside a word
        base = base[:41].rsplit("-", 1)[0] if "-" in base[:41] else base[:40]
    base = base or "item"
    taken = taken or []
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _org_name(state: State, org_id: Any) -> str:
    for o in state.orgs():
        if o.get("id") == org_id:
            return str(o.get("name") or org_id)
    return str(org_id or "?")


def _short(org_id: Any) -> str:
    """A long organisation id by its initials, for ids made of two: 'riverside-borough-council'
    -> 'rbc'."""
    text = str(org_id)
    return "".join(p[0] for p in text.split("-") if p) if len(text) > 15 else text


def _label(labels: Mapping[str, str], code: Any) -> str:
    return labels.get(str(code), str(code))


def shown_date(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def typed_date(value: Any) -> str:
    """A date as people type it at the prompts (31/03/2026), not as the file keeps it."""
    return f"{value:%d/%m/%Y}" if isinstance(value, date) else str(value)


def _first_of(state: State, *candidates: Any) -> Any:
    for c in candidates:
        if c:
            return c
    return None


def _a_healthwatch(state: State) -> str | None:
    """The id of a local Healthwatch taking part, if any."""
    for o in state.orgs():
        if o.get("type") == "healthwatch":
            return str(o["id"])
    return None


def _healthwatch(state: State) -> str | None:
    if (found := _a_healthwatch(state)) is not None:
        return found
    ids = state.org_ids()
    return ids[0] if ids else None


def _other_ids(state: State) -> list[str]:
    return [i for i in state.org_ids() if i != state.item.get("id")]


def _taken_org_ids(state: State) -> list[str]:
    return [str(o["id"]) for o in state.orgs() if o is not state.item]


def same_words(text: Any) -> str:
    return " ".join(str(text or "").split()).casefold()


def _same_name(state: State) -> str | None:
    """An organisation already listed under the name just typed (case and spaces aside)."""
    name = same_words(state.item.get("name"))
    return next((str(o["id"]) for o in state.orgs()
                 if o is not state.item and same_words(o.get("name")) == name), None)


# The kind of organisation a name says it is (a suggestion the person confirms or changes).
_KINDS_BY_NAME: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), kind) for pattern, kind in (
        (r"\bhealthwatch\b", "healthwatch"),
        (r"\bnhs\b.*\btrust\b|\bfoundation trust\b", "nhs_trust"),
        (r"\bintegrated care board\b|\bICB\b", "icb"),
        (r"\b(surgery|medical (centre|practice)|gp practice)\b", "gp_practice"),
        (r"\b(council|borough|county)\b", "local_authority"),
        (r"\buniversity\b", "university"),
        (r"\b(ltd|limited|plc|llp)\b\.?$", "commercial"),
    ))


def kind_from_name(name: Any) -> str | None:
    """'Opinion Works Ltd' -> 'commercial', 'Northtown NHS Foundation Trust' -> 'nhs_trust';
    None when the name does not say."""
    return next((kind for pattern, kind in _KINDS_BY_NAME if pattern.search(str(name or ""))),
                None)


# People who take part and talk about someone else: carers, families, relatives, parents.
_FAMILIES = re.compile(r"\b(carer|famil|relative|parent|guardian)", re.IGNORECASE)


def _families_take_part(state: State) -> bool:
    subjects = state.get("processing", "data_subjects") or []
    return any(_FAMILIES.search(str(s)) for s in subjects)


def _is_public_authority(state: State) -> bool:
    return state.item.get("type") in vocab.PUBLIC_AUTHORITY_TYPES


def _bases(state: State) -> list[str]:
    basis = state.get("processing", "lawful_basis")
    if isinstance(basis, dict):
        return [str(v) for v in basis.values()]
    return [str(basis)] if basis else []


def _conditions(state: State) -> set[str]:
    """The Article 9 conditions answered: one for all controllers, or one each."""
    cond = state.get("processing", "special_category_condition")
    if isinstance(cond, dict):
        return {str(v) for v in cond.values()}
    return {str(cond)} if cond else set()


def _schedule1_default(state: State) -> Any:
    """The Schedule 1 condition that usually goes with each controller's Article 9 condition."""
    cond = state.get("processing", "special_category_condition")
    if isinstance(cond, dict):
        return {c: SCHEDULE1_BY_CONDITION[str(v)] for c, v in cond.items()
                if str(v) in SCHEDULE1_BY_CONDITION}
    return SCHEDULE1_BY_CONDITION.get(str(cond))



# --- the dates a sharing flow belongs to (issue 12 point 5) ---------------------------------

_REPORT_MILESTONES = ("publication", "recommendations", "analysis_and_findings")


def _checkin_date(state: State, milestone: str) -> Any:
    checkins = state.get("project", "checkins")
    for c in checkins if isinstance(checkins, list) else []:
        if isinstance(c, dict) and c.get("milestone") == milestone and c.get("date"):
            return c["date"]
    return None


def fieldwork_start(state: State) -> Any:
    """When data starts to move for the fieldwork: the fieldwork check-in, else the start."""
    return _checkin_date(state, "fieldwork") or state.get("project", "start")


def fieldwork_end(state: State) -> Any:
    """When the fieldwork's data stops moving: the first check-in after the fieldwork
    (analysis, recommendations, publication), else the project's end."""
    after = [_checkin_date(state, m) for m in reversed(_REPORT_MILESTONES)]
    return _first_of(state, *after, state.get("project", "end"))


def report_date(state: State) -> Any:
    """When a report or other findings go out: the publication (or recommendations, or
    analysis) check-in, else the project's end; never the project's first day."""
    return _first_of(state, *(_checkin_date(state, m) for m in _REPORT_MILESTONES),
                     state.get("project", "end"))


def is_report_flow(item: dict[str, Any]) -> bool:
    """A flow of findings rather than of people's data: anonymised or aggregate."""
    return item.get("identifiability") in ("anonymised", "aggregate")


def _has_lead(state: State) -> bool:
    return state.lead() is not None


# The usual Healthwatch practice for agreeing findings, offered (shown, never assumed).
USUAL_DISAGREEMENT = (
    "Partners may ask for factual corrections and add their response; findings are not "
    "removed because they are unwelcome."
)


def _usual_decision(state: State) -> str | None:
    """Healthwatch's board agrees the findings: offered only where a Healthwatch takes part."""
    hw = _a_healthwatch(state)
    if hw is None:
        return None
    return f"{_org_name(state, hw)}'s board agrees the final findings after hearing the " \
        "partners' comments."


def _always(state: State) -> bool:
    return True


def _flow_starts(state: State) -> Any:
    return report_date(state) if is_report_flow(state.item) else fieldwork_start(state)


def _flow_ends(state: State) -> Any:
    return None if is_report_flow(state.item) else fieldwork_end(state)



def usual_checkins(state: State) -> list[dict[str, Any]]:
    """The usual three check-ins (issue 12 point 4): planning at the project's start,
    analysis and findings two thirds of the way through, recommendations at its end; none
    when the answers give no start and end to date them from."""
    start, end = state.get("project", "start"), state.get("project", "end")
    try:
        first, last = date.fromisoformat(shown_date(start)), date.fromisoformat(shown_date(end))
    except ValueError:
        return []
    if last <= first:
        return []
    middle = first + timedelta(days=(last - first).days * 2 // 3)
    return [{"milestone": "planning", "date": first},
            {"milestone": "analysis_and_findings", "date": middle},
            {"milestone": "recommendations", "date": last}]


# The Data Protection Act 2018 Schedule 1 conditions people in health research use most,
# stored as written; a person may type another.
SCHEDULE1_BY_CONDITION: dict[str, str] = {
    "employment": "Schedule 1, paragraph 1: employment, social security and social protection",
    "health_or_social_care": "Schedule 1, paragraph 2: health or social care purposes",
    "public_health": "Schedule 1, paragraph 3: public health",
    "archiving_research_statistics": "Schedule 1, paragraph 4: research etc",
    "substantial_public_interest": "Schedule 1, paragraph 6: statutory and government purposes",
}
SCHEDULE1: dict[str, str] = {
    text: text
    for text in (
        *SCHEDULE1_BY_CONDITION.values(),
        "Schedule 1, paragraph 8: equality of opportunity or treatment",
    )
}

ARTICLE9_HELP: dict[str, str] = {
    "explicit_consent": "People actively agree, e.g. tick a box; they can withdraw it.",
    "health_or_social_care": "Providing or managing health or social care (Schedule 1 para 2).",
    "substantial_public_interest": "Statutory bodies such as Healthwatch (Schedule 1 para 6).",
    "archiving_research_statistics": "Research with safeguards (Schedule 1 para 4).",
    "public_health": "Serious threats to health, e.g. infectious disease (Schedule 1 para 3).",
    "not_for_profit_body": "A charity's work with its own members or regular contacts only.",
}

LAWFUL_BASIS_HELP: dict[str, str] = {
    "consent": "People freely agree and can withdraw at any time; not where they may feel "
    "they cannot say no.",
    "contract": "Needed for a contract with the person themselves; rarely fits research.",
    "legal_obligation": "A law requires this use of the data.",
    "vital_interests": "To protect someone's life; emergencies only.",
    "public_task": "A task in the public interest or a statutory function (NHS, councils, "
    "Healthwatch).",
    "legitimate_interests": "The organisation's own interests, balanced against people's; "
    "not for public authorities' tasks.",
}

TRANSFER_SAFEGUARD_HELP: dict[str, str] = {
    "adequacy": "The UK recognises the country's protection, e.g. EU countries, or US "
    "companies in the UK-US data bridge.",
    "idta": "A contract in the UK's own form, with a transfer risk assessment.",
    "addendum": "The EU's standard clauses with the UK Addendum, for suppliers using them.",
    "binding_corporate_rules": "Approved rules within one international group of companies.",
    "derogation": "Occasional transfers only, e.g. with explicit consent.",
}

CAPACITY_CHOICES: dict[str, str] = {
    "not_expected": "No: everyone taking part can decide for themselves",
    "may_lack_capacity": "Yes: some may lack capacity to consent",
}

METHOD_HELP: dict[str, str] = {  # why an insecure method is a risk (the warning)
    "email": "Ordinary email is not encrypted end to end: a mistyped address or a hacked mailbox "
    "exposes everything attached. Use it only for anonymised or aggregate data.",
    "post": "Letters can be lost or opened by the wrong person.",
    "verbal": "Spoken information is easily misheard or overheard and leaves no record.",
    "open_link": "Anyone who gets the link, forwarded or guessed, can open the files.",
    "other": "dpia cannot tell whether a method it does not list is secure.",
}

# The choice that stands for both kinds of file-sharing link: a question after it says which.
LINK = "__link__"
METHOD_CHOICES: dict[str, str] = {
    **{c: vocab.TRANSFER_METHODS[c] for c in (
        "sftp", "secure_download", "secure_portal", "nhsmail", "encrypted_email",
        "shared_workspace")},
    LINK: "file-sharing link (OneDrive, SharePoint, Google Drive, Dropbox ...)",
    **{c: vocab.TRANSFER_METHODS[c] for c in ("email", "in_person", "post", "verbal")},
    "other": "another method (describe it next)",
}
METHOD_LINES: dict[str, str] = {  # one line under each choice
    "sftp": "Secure file transfer between two organisations' systems, usually set up by IT.",
    "secure_download": "The receiver signs in to a secure site to download the file.",
    "secure_portal": "Both sides sign in to a secure website to upload and download files.",
    "nhsmail": "Secure when both ends use NHSmail or another accredited secure email system.",
    "encrypted_email": "The message or attachment is encrypted; the password is sent separately.",
    "shared_workspace": "A shared folder or site (e.g. Teams) that only named people can open.",
    LINK: "A link to a file held online; the next question asks who can open it.",
    "email": "Ordinary email: not secure for anything that identifies people.",
    "in_person": "Handed over by hand, e.g. paper forms or an encrypted memory stick.",
    "post": "Letters can be lost or opened by the wrong person.",
    "verbal": "Said aloud, e.g. by phone: easily misheard or overheard, and leaves no record.",
    "other": "None of these: treated as not secure unless it turns out to be one of them.",
}
# LINK, then: is the link limited to named people? (question, code if yes, code if no)
LINK_QUESTION = (
    "Can only people you name open the link (they sign in, or get a password sent "
    "separately), and does it stop working after a date?",
    "protected_link", "open_link",
)

def _insecure_warning(state: State) -> str | None:
    method = state.item.get("method")
    if method in vocab.INSECURE_METHODS and state.item.get("identifiability") in (
        vocab.PERSONAL_IDENTIFIABILITY
    ):
        if method == "other":
            return (
                f"Risk: {METHOD_HELP['other']} For data that identifies people, the DPIA "
                "records it as a risk needing measures, unless it is one of the listed methods."
            )
        return (
            f"Risk: {vocab.TRANSFER_METHODS[method]} is not a secure way to send data that "
            f"identifies people. {METHOD_HELP[method]} Consider NHSmail, encrypted email or a "
            "secure portal; if you keep this method, the DPIA records it as a risk needing "
            "measures."
        )
    return None


# A processor's written contract: never taken as signed (issue 12: nothing judged by default).
CONTRACT_CHOICES: dict[str, str] = {
    "yes": "Yes: a written contract is signed",
    "no": "No, not yet",
    "not_known": "Not known yet (recorded as no until someone checks)",
}
CONTRACT_MEANS: dict[str, Any] = {"yes": True, "no": False, "not_known": False}

# Whether a processor stores the data itself, and where, in one answer.
NOT_HELD = "__not_held__"
HELD_SOMEWHERE = "__held_somewhere__"
HOLDING_CHOICES: dict[str, str] = {
    NOT_HELD: "It does not store the data itself",
    "United Kingdom": "Yes, in the United Kingdom",
    "European Economic Area": "Yes, in the European Economic Area (EU, Iceland, Liechtenstein, "
    "Norway)",
    "United States": "Yes, in the United States",
    HELD_SOMEWHERE: "Yes, where is not known yet",
}
HOLDING_MEANS: dict[str, Any] = {NOT_HELD: None, HELD_SOMEWHERE: None}


def _holds(choice: str) -> dict[str, Any]:
    return {"holds_data": choice != NOT_HELD}


def _holding(state: State) -> str:
    """The answer to 'does it store the data, and where' when no location is recorded; not
    yet answered, the pointer starts on 'where is not known yet', never on 'does not store'
    (a claim that would drop the processor's storage from the DPIA if taken by Enter)."""
    holds = state.item.get("holds_data")
    return NOT_HELD if holds is False else HELD_SOMEWHERE


PERSON = (
    Ask(("name",), "Name (or team)", optional=True),
    Ask(("role",), "Role", optional=True),
    Ask(("email",), "Email address", optional=True),
    Ask(("phone",), "Phone number", optional=True),
)

SIGNATORY = (
    Ask(("name",), "Name"),
    Ask(("role",), "Role"),
    Ask(("date",), "Date", kind="date"),
)


# Kinds of organisation that are usually processors or recipients: while one is being added,
# whom to contact there is not asked; asked in the roles section if it is a controller or
# leads the project (ROLE_PEOPLE), and by 'dpia edit'.
LATER_TYPES = ("commercial", "other")


def _asked_of(state: State) -> bool:
    """Whom participants and partners contact is asked of an organisation, except one being
    added as a processor (they contact the controllers; the DPIA says none is recorded) or
    a company or other organisation being added (asked once its role needs it)."""
    if state.notes.get("new_org_role") == "processor":
        return False
    return not (state.notes.get("adding_org") is state.item
                and state.item.get("type") in LATER_TYPES)


def _no_email(key: str) -> Pick:
    def no_email(s: State) -> bool:
        person = s.item.get(key)
        return isinstance(person, dict) and bool(person) and not person.get("email")
    return no_email


def _in_one(key: str, text: str, help: str) -> tuple[Ask, ...]:
    """A DPO or data protection lead in one prompt, name and email (issue 12 point 2); a
    phone number only without an email address; the role only in 'dpia edit'. A public
    authority must have a DPO: Enter alone there records one not known yet (a gap)."""
    dpo = key == "dpo"
    return (
        Ask((key,), text, help, kind="person",
            optional=True, when=(lambda s: not _is_public_authority(s) and _asked_of(s)) if dpo
            else (lambda s: not s.item.get("dpo") and _asked_of(s))),
        *((Ask((key,), text, "Public authorities (NHS bodies, councils, universities) must "
               "have a Data Protection Officer.",
               kind="person", when=_is_public_authority),) if dpo else ()),
        Ask((key, "role"), "Role", optional=True, auto=True, when=lambda s: bool(s.item.get(key))),
        Ask((key, "phone"), "Phone number",
            "With no email address, participants need a phone number to reach them; if you "
            "have neither yet, it stays a gap to fill in before sign-off.",
            optional=True, when=_no_email(key)),
    )


# Whom participants and partners contact at an organisation.
CONTACTS: tuple[Node, ...] = (
    *_in_one("dpo", "Its Data Protection Officer (DPO): name and email",
             "A DPO advises on data protection and is who people contact about their data."),
    *_in_one("data_protection_lead", "Who leads on data protection there? Name and email",
             "For organisations without a DPO: who participants and partners contact about "
             "data protection."),
    Group(("contact",), PERSON, offer="Add a project contact at this organisation?",
          offer_help="Project contacts: add them later with 'dpia edit', if you wish.",
          when=_asked_of, edit_only=True),
)


def _person_summary(item: dict[str, Any]) -> str:
    return str(item.get("name") or item.get("email") or "someone")


ORG_KIND = Ask(("type",), "What kind of organisation is it?", kind="select",
              choices=vocab.ORG_TYPES, default=lambda s: kind_from_name(s.item.get("name")))


SECTIONS: tuple[Section, ...] = (
    Section(
        "project",
        "The project",
        "First, what the project is and how it will gather people's views.",
        (
            Ask(("project", "title"), "What is the project called?",
                "The title on the DPIA, the participant information and the register."),
            Ask(("project", "id"), "A short id for the project",
                "Used in file names and as the key in the data-sharing register: lowercase "
                "letters, digits and hyphens. Press Enter to accept the suggestion.",
                default=lambda s: suggest_id(str(s.get("project", "title") or "")),
                auto=True),
            Ask(("project", "summary"), "In a sentence or two, what is it for?",
                "What the project is and what it aims to achieve, in plain words. This opens "
                "the DPIA and the information for participants."),
            Ask(("project", "methods"), "How will you gather people's views?",
                kind="checkbox", choices=vocab.METHODS, min_selected=1),
            Ask(("project", "start"), "When does the project start?", kind="date", optional=True),
            Ask(("project", "end"), "When does it end?", "The date the project finishes, after "
                "publication.", kind="date", optional=True),
            Group(("project", "agreement"), (
                Ask(("form",), "What form does the agreement take?", kind="select",
                    choices=vocab.AGREEMENT_FORMS, default="memorandum_of_understanding"),
                Ask(("reference",), "Its reference",
                    "A document number, file name or the date of the email, so it can be found.",
                    optional=True),
                Ask(("agreed_on",), "When was it agreed?", kind="date", optional=True),
            ), offer="Have the partners recorded their agreement in writing?",
                offer_help="e.g. a memorandum of understanding, or an email confirming roles.",
                offer_default=True),
            Repeat(("project", "checkins"), (
                Ask(("milestone",), "Milestone", kind="select",
                    choices=vocab.CHECKIN_MILESTONES, other=True,
                    other_text="Type the milestone"),
                Ask(("date",), "Date of the check-in", kind="date"),
            ), item="check-in", items="Check-ins", usual=usual_checkins,
                summary=lambda i, s: f"{_label(vocab.CHECKIN_MILESTONES, i.get('milestone'))} "
                f"({typed_date(i.get('date'))})",
                intro="Check-ins are the points where the partners meet to review progress, "
                "e.g. after planning, fieldwork and analysis."),
        ),
    ),
    Section(
        "organisations",
        "The organisations",
        "Every organisation that will see the data: partners, companies such as a survey "
        "host or a transcriber, and any commissioner.",
        (
            Repeat(("organisations",), (
                Ask(("name",), "Organisation name", "e.g. Healthwatch Northtown, in full.",
                    existing=_same_name),
                Ask(("id",), "A short id for it",
                    "Used to refer to this organisation in the rest of the file. Press Enter to "
                    "accept the suggestion.",
                    default=lambda s: suggest_id(str(s.item.get("name") or ""),
                                                 _taken_org_ids(s)), auto=True),
                ORG_KIND,
                Group(("administrative_details",), (
                    Ask(("ico_registration",), "ICO registration number",
                        "Shown on the Information Commissioner's register of fee payers, e.g. "
                        "ZA123456.", optional=True),
                    Ask(("address",), "Postal address", optional=True),
                    Ask(("privacy_notice_url",), "Web address of its privacy notice",
                        optional=True),
                ), offer="Do you have its ICO registration number, postal address and "
                    "privacy-notice web address now?",
                    offer_help="No leaves them for later, for the next organisations too: "
                    "'dpia check' lists them.", flat=True, once=True),
                *CONTACTS,
            ), item="organisation", items="Organisations", min_items=1,
                summary=lambda i, s: str(i.get("name")), suggest_items=2,
                names="Names of all the organisations, in full",
                said=ORG_KIND, said_question="The kinds of organisation their names say: "
                "accept?"),
            Ask(("project", "lead"), "Which organisation leads the project?", kind="org",
                default=_healthwatch, add_org=False),
            Ask(("project", "commissioned_by"), "Who commissioned it?",
                "A commissioner pays for or asks for the work.",
                kind="org", optional=True, none_label="Nobody: it was not commissioned"),
        ),
    ),
    Section(
        "roles",
        "Who is responsible for the data",
        "A controller decides why and how the data is used; a processor only acts on its "
        "instructions, under a contract.",
        (
            Ask(("data_protection", "controllers", "arrangement"),
                "Which arrangement describes the controllers?",
                kind="arrangement", choices=vocab.ARRANGEMENTS,
                descriptions={
                    "sole": "One organisation decides why and how the data is used.",
                    "joint": "Two or more decide together, for a shared purpose.",
                    "independent": "Two or more each use the data for their own purposes.",
                }),
            # Set with the arrangement ("<organisation> alone decides ..."): asked only if missing.
            Ask(("data_protection", "controllers", "organisations"), "Which organisation is the "
                "controller?", kind="org", as_list=True, settled=True,
                default=lambda s: _first_of(s, *(s.notes.get("controllers") or []), s.lead()),
                when=lambda s: s.get("data_protection", "controllers", "arrangement") == "sole"),
            Ask(("data_protection", "controllers", "organisations"), "Which organisations are "
                "the controllers?", "Tick two or more.", kind="orgs", min_selected=2,
                default=lambda s: s.notes.get("controllers"),
                when=lambda s: s.get("data_protection", "controllers", "arrangement") != "sole"),
            Ask(("data_protection", "controllers", "joint_arrangement"),
                "Joint controllers: who does what?",
                "Article 26 requires joint controllers to set out their responsibilities, e.g. "
                "who designs the survey, who holds the raw answers, who answers participants.",
                when=lambda s: s.get("data_protection", "controllers", "arrangement") == "joint"),
            Ask(("data_protection", "controllers", "contact_point"),
                "Which controller do participants contact?", kind="org",
                among=lambda s: s.controllers(), default=lambda s: s.lead(), add_org=False,
                when=lambda s: s.get("data_protection", "controllers", "arrangement") == "joint"),
            Each(("organisations",), CONTACTS,
                 which=lambda o, s: o.get("id") in (*s.controllers(), s.lead()),
                 heading="Whom to contact at {name}, a controller or the project's lead"),
            Repeat(("data_protection", "processors"), (
                Ask(("organisation",), "Which organisation is the processor?", kind="org",
                    new_org_role="processor",
                    among=lambda s: [i for i in s.org_ids() if i not in s.controllers()]),
                Ask(("service",), "What does it do for the project?",
                    "e.g. Online survey hosting, or Transcription of recordings."),
                Ask(("contract_in_place",), "Is a written processor contract in place?",
                    "UK GDPR Article 28 requires one before it handles the data.",
                    kind="select", choices=CONTRACT_CHOICES, means=CONTRACT_MEANS,
                    default="not_known"),
                Ask(("location",), "Does it store the data itself, and where?",
                    "A survey platform, cloud storage or a transcriber keeping recordings "
                    "stores it.", kind="select", choices=HOLDING_CHOICES, means=HOLDING_MEANS,
                    also=_holds, other=True, other_text="Which country or countries?",
                    optional=True, default=_holding, fixes=(("holds_data",),)),
            ), item="processor", items="Processors",
                summary=lambda i, s: f"{_org_name(s, i.get('organisation'))}: {i.get('service')}",
                pick=Ask(("organisation",), "Which of these organisations are processors?",
                         "e.g. a survey company or a transcriber; none: Enter.", kind="orgs",
                         new_org_role="processor",
                         among=lambda s: [i for i in s.org_ids() if i not in s.controllers()])),
            Ask(("data_protection", "dpo_for_participants"),
                "Whose Data Protection Officer do participants contact?",
                "Participants are given this controller's DPO (or data protection lead).",
                kind="org", among=lambda s: s.controllers(), add_org=False,
                default=lambda s: _first_of(
                    s, s.get("data_protection", "controllers", "contact_point"), s.lead())),
            Ask(("data_protection", "subject_access"),
                "Which controller handles requests from people to see, correct or delete "
                "their data?", "These are subject access and other rights requests; a "
                "processor cannot handle them.", kind="org",
                among=lambda s: s.controllers() or [
                    i for i in s.org_ids() if i not in s.processors()], add_org=False,
                default=lambda s: _first_of(
                    s, s.get("data_protection", "dpo_for_participants"), s.lead())),
            Ask(("data_protection", "safeguarding", "owner"),
                "Who acts if a participant discloses a safeguarding concern?",
                "Its safeguarding lead acts when someone says they or another person are at "
                "risk.", kind="org",
                default=lambda s: s.lead()),
            Ask(("data_protection", "safeguarding", "lead_role"),
                "The role of the person who acts on it", "e.g. Designated Safeguarding Lead.",
                optional=True),
            Ask(("data_protection", "safeguarding", "process"), "What happens, step by step?",
                "e.g. The facilitator tells the safeguarding lead the same day, who decides "
                "whether to refer to the council's safeguarding team.", optional=True),
            Ask(("data_protection", "breach_lead"),
                "Who leads if personal data is lost or sent to the wrong person?",
                "It reports breaches to the Information Commissioner's Office (ICO) within 72 "
                "hours when needed.", kind="org",
                default=lambda s: _first_of(
                    s, s.get("data_protection", "controllers", "contact_point"), s.lead())),
        ),
    ),
    Section(
        "processing",
        "The data and the lawful basis",
        "Whose information, what is recorded, and the law that allows it.",
        (
            Ask(("processing", "data_subjects"), "Whose information will you collect?",
                kind="checkbox",
                choices=vocab.DATA_SUBJECTS, other=True, min_selected=1,
                other_text="Type the other groups of people (separate several with ;)"),
            Ask(("processing", "approx_participants"), "About how many people will take part?",
                "A rough estimate is fine.", kind="int"),
            Ask(("processing", "geography"), "Where do they live or use services?",
                "e.g. Northtown and surrounding area.", optional=True),
            Ask(("processing", "personal_data"), "What will you record about them?",
                "Tick everything that could identify someone or is about them.",
                kind="checkbox", choices=vocab.PERSONAL_DATA, other=True, min_selected=1,
                other_text="Type the other kinds of information (separate several with ;)"),
            Ask(("processing", "special_category"),
                "Will you collect any of these more sensitive kinds of information?",
                "Health includes experiences of care, conditions and disabilities. Tick none if "
                "there are none.", kind="checkbox", choices=vocab.SPECIAL_CATEGORIES,
                default=["health"]),
            Ask(("processing", "criminal_offence_data"),
                "Will you record anything about crimes or criminal convictions?",
                kind="confirm", default=False),
            Ask(("processing", "children"), "Will children (under 18) take part?",
                kind="confirm",
                default=lambda s: "children" in (s.get("processing", "data_subjects") or [])),
            Ask(("processing", "vulnerable_adults"),
                "Will adults who may be vulnerable take part?",
                "For example people who are unwell, in care, in crisis or who lack capacity.",
                kind="confirm", default=lambda s: bool(
                    {"patients", "care_home_residents"}
                    & set(s.get("processing", "data_subjects") or []))),
            Ask(("processing", "mental_capacity"),
                "May some of them lack the capacity to decide for themselves?",
                "For example people living with dementia, a learning disability or a brain "
                "injury. The Mental Capacity Act 2005 then decides how they can be included.",
                kind="select", choices=CAPACITY_CHOICES, default="not_expected",
                when=lambda s: s.get("processing", "vulnerable_adults") is True),
            Ask(("processing", "capacity_approach"),
                "How will you include them, or decide not to?",
                "Write it in plain words, as 'we': it is printed as written in the DPIA and "
                "in the information for participants and their families. e.g. A trained "
                "facilitator checks before each session "
                "that the person understands what taking part means. If someone cannot "
                "decide, we ask a relative or close friend for advice (a personal consultee), "
                "and stop if the person seems upset. Not decided yet? Type TBC: it stays a "
                "gap to settle before sign-off.",
                when=lambda s: s.get("processing", "mental_capacity") == "may_lack_capacity"),
            Ask(("processing", "third_party_subjects"),
                "Who else will the answers be about, who does not take part?",
                "e.g. the person a carer looks after. Those people have rights over that "
                "information too (Article 14).",
                kind="lines", optional=True, when=_families_take_part),
            Ask(("processing", "lawful_basis"), "What is the lawful basis for using the data?",
                "Every controller needs an Article 6 basis. Public bodies and Healthwatch "
                "usually rely on their public task; charities often on legitimate interests; "
                "consent only where people can freely say no and withdraw.",
                kind="basis", choices=vocab.LAWFUL_BASES, descriptions=LAWFUL_BASIS_HELP),
            Ask(("processing", "lawful_basis_detail"), "Anything to add about the basis?",
                "e.g. the law behind a public task: local Healthwatch functions in section 221 "
                "of the Local Government and Public Involvement in Health Act 2007 (as "
                "amended).", optional=True, auto=True),
            Ask(("processing", "legitimate_interests"), "What are the legitimate interests?",
                "Say what the organisation gains, why it needs the data for it, and why that "
                "does not override participants' interests.",
                when=lambda s: "legitimate_interests" in _bases(s)),
            Ask(("processing", "special_category_condition"),
                "Which Article 9 condition allows the sensitive information?",
                "Sensitive data needs an Article 9 condition as well as the lawful basis. In "
                "health and care research: Healthwatch "
                "and other statutory bodies usually use substantial public interest; NHS and "
                "care providers, health or social care; university research, archiving, research "
                "and statistics; a charity with no statutory role, explicit consent. Check the "
                "choice with your DPO.",
                kind="basis", choices=vocab.ARTICLE9_CONDITIONS, descriptions=ARTICLE9_HELP,
                default="substantial_public_interest",
                same_question="Do all the controllers rely on the same Article 9 condition?",
                same_help="Often they do. Choose No if, for example, a Healthwatch relies on "
                "substantial public interest and a university on archiving, research and "
                "statistics.",
                each_question="Article 9 condition for {name}",
                when=lambda s: bool(s.get("processing", "special_category"))),
            Ask(("processing", "schedule1_condition"),
                "Which Data Protection Act 2018 Schedule 1 condition goes with it?",
                "UK law adds it to the Article 9 condition. Criminal-offence data needs one "
                "too (Article 10).",
                kind="basis", choices=SCHEDULE1, other=True,
                other_text="Type the Schedule 1 condition, e.g. Schedule 1, paragraph 4",
                default=_schedule1_default,
                same_question="Do all the controllers rely on the same Schedule 1 condition?",
                same_help="Choose No if the controllers rely on different Article 9 conditions.",
                each_question="Schedule 1 condition for {name}",
                # Article 10: criminal-offence data needs a Schedule 1 condition too.
                when=lambda s: bool(_conditions(s) & vocab.NEEDS_SCHEDULE1)
                or s.get("processing", "criminal_offence_data") is True),
            Ask(("processing", "storage"), "Where will the data be held?",
                "e.g. Healthwatch Northtown's Microsoft 365, hosted in the UK."),
            Repeat(("processing", "international_transfers"), (
                Ask(("country",), "Which country?"),
                Ask(("safeguard",), "What makes the transfer lawful?", kind="select",
                    choices=vocab.TRANSFER_SAFEGUARDS, descriptions=TRANSFER_SAFEGUARD_HELP),
                Ask(("detail",), "Any detail?", optional=True),
            ), item="transfer outside the UK", items="Transfers outside the UK",
                summary=lambda i, s: str(i.get("country")), add_first=False,
                intro="Any data stored or looked at outside the UK? Add each country, or 'None'."),
            Repeat(("processing", "retention"), (
                Ask(("data",), "Which data?", "e.g. Identifiable survey responses."),
                Ask(("period",), "How long is it kept?",
                    "e.g. 12 months after the report is published. Avoid 'indefinitely'."),
                Ask(("then",), "What happens then?", default="Securely deleted", optional=True),
            ), item="retention period", items="Retention periods", min_items=1,
                summary=lambda i, s: f"{i.get('data')}: {i.get('period')}",
                intro="One entry per kind of data."),
            Ask(("processing", "anonymisation"), "How will you anonymise the data?",
                "e.g. Names are removed before analysis; quotes are checked so nobody can be "
                "recognised.", optional=True),
            Ask(("processing", "small_number_threshold"),
                "Counts below which number are hidden in published results?",
                "Small numbers can identify people. 5 is common.", kind="int", default=5,
                optional=True),
            Ask(("processing", "withdrawal"), "How, and until when, can people withdraw?",
                "e.g. By emailing us until 1 July, when analysis begins."),
            Ask(("processing", "security_measures"), "What security measures protect the data?",
                "e.g. Multi-factor authentication on all accounts; encrypted transfer.",
                kind="lines", optional=True),
        ),
    ),
    Section(
        "sharing",
        "Sharing data between organisations",
        "Each move of data from one organisation to another.",
        (
            Repeat(("sharing",), (
                Ask(("from",), "From which organisation?", kind="org"),
                Ask(("to",), "To which organisation?", kind="org", among=lambda s: [
                    i for i in s.org_ids() if i != s.item.get("from")]),
                Ask(("id",), "A short id for this flow", "Press Enter to accept the suggestion.",
                    default=lambda s: suggest_id(
                        f"{_short(s.item.get('from'))}-to-{_short(s.item.get('to'))}",
                        [str(f.get("id")) for f in (s.doc.get("sharing") or [])
                         if isinstance(f, dict) and f is not s.item]), auto=True),
                Ask(("data",), "What data is shared?", "e.g. Survey responses; Audio recordings.",
                    kind="lines"),
                Ask(("identifiability",), "Can people be identified from it?", kind="select",
                    choices=vocab.IDENTIFIABILITY, descriptions={
                        "identifiable": "Names, contact details or other details that identify "
                        "people directly.",
                        "pseudonymised": "Names replaced by codes; someone holds the key.",
                        "anonymised": "Nobody can be identified, even with other information.",
                        "aggregate": "Only totals and percentages.",
                    }),
                Ask(("purpose",), "Why is it shared?"),
                Ask(("method",), "How is it sent?", kind="select",
                    choices=METHOD_CHOICES, descriptions=METHOD_LINES,
                    follow_ups={LINK: LINK_QUESTION},
                    default=lambda s: s.notes.get("method") or "sftp", warn=_insecure_warning,
                    offered=lambda s: bool(s.notes.get("method"))),
                Ask(("method_detail",), "What is the method?",
                    "Say how the data gets there, e.g. a courier carries an encrypted memory "
                    "stick. Until it is one of the listed methods, the DPIA treats it as not "
                    "secure.", when=lambda s: s.item.get("method") == "other"),
                Ask(("frequency",), "How often?", "e.g. Weekly while the survey is open.",
                    optional=True, offered=_always),
                Ask(("agreement",), "Which agreement covers it?",
                    "e.g. the processor contract or MOU reference.", optional=True,
                    default=lambda s: s.get("project", "agreement", "reference"),
                    offered=_always),
                Ask(("starts",), "When does it start?", "Suggested: the fieldwork's dates for "
                    "people's data, the report's date for findings.", kind="date",
                    default=_flow_starts, offered=_always),
                Ask(("ends",), "When does it end?", kind="date", optional=True,
                    default=_flow_ends, offered=_always),
                Ask(("review",), "When will it be reviewed?", kind="date",
                    default=lambda s: s.item.get("ends") or s.get("project", "end"),
                    offered=_always),
            ), item="sharing flow", items="Sharing flows",
                summary=lambda i, s: f"{'; '.join(i.get('data') or [])} "
                f"({_org_name(s, i.get('from'))} to {_org_name(s, i.get('to'))})",
                intro="Add each flow; 'None' if no data moves between organisations.",
                propose=True),
        ),
    ),
    Section(
        "findings",
        "Findings, reuse and independence",
        "Who owns and publishes the findings, and Healthwatch's independence.",
        (
            Group(("findings",), (
                Ask(("data_owner",), "Which organisations own the data collected?",
                    kind="orgs", min_selected=1, default=lambda s: s.controllers() or [s.lead()],
                    offered=lambda s: bool(s.controllers() or s.lead())),
                Ask(("report_authors",), "Who writes the report?", kind="orgs",
                    min_selected=1, default=lambda s: [s.lead()], offered=_has_lead),
                Ask(("publisher",), "Who publishes it?", kind="org",
                    default=lambda s: s.lead(), offered=_has_lead),
                Ask(("healthwatch_may_reuse_data",),
                    "May Healthwatch reuse the data in later work?",
                    "Only where participants were told so.", kind="confirm", default=True,
                    offered=_always),
                Ask(("partners_may_reuse_data",),
                    "May the other partners reuse the data for their own purposes?",
                    "That needs its own lawful basis, explained to participants.", kind="confirm",
                    default=False, offered=_always),
                Ask(("acknowledgement",), "How are the partners acknowledged?",
                    "e.g. The report credits the carers centre as co-author.", optional=True),
                Ask(("decision_process",), "Who agrees the final findings, and how?",
                    "e.g. Healthwatch's board agrees them after hearing the partners' comments.",
                    default=_usual_decision, offered=lambda s: _usual_decision(s) is not None),
                Ask(("if_partners_disagree",), "What happens if partners disagree?",
                    "Healthwatch is independent: partners can correct facts and respond. "
                    "Findings are not removed because they are unwelcome.",
                    default=lambda s: USUAL_DISAGREEMENT if _a_healthwatch(s) else None,
                    offered=lambda s: _a_healthwatch(s) is not None),
                Ask(("conflicts_of_interest",), "Any conflicts of interest?",
                    "e.g. a partner is funded by the service being studied.", optional=True),
            ), together="The usual arrangement for the findings: accept?"),
        ),
    ),
    Section(
        "consultation",
        "Consultation",
        "Whose views were sought: people affected, partners, processors, the DPO.",
        (
            Repeat(("consultation",), (
                Ask(("who",), "Who was consulted?", "e.g. Carers' service-user panel."),
                Ask(("how",), "How, and about what?",
                    "e.g. Reviewed the survey questions."),
                Ask(("when",), "When?", kind="date", optional=True),
            ), item="consultation", items="Consultations", summary=lambda i, s: str(i.get("who"))),
            Ask(("consultation_not_needed_because",), "Why was nobody consulted?",
                "The DPIA must record why.",
                when=lambda s: not s.doc.get("consultation"), fixes=(("consultation",),)),
        ),
    ),
    Section(
        "signoff",
        "Sign-off",
        "Who approved the measures and remaining risks, and the DPO's advice; until then "
        "the documents say DRAFT on every page.",
        (
            Group(("signoff",), (
                Group(("measures_approved_by",), SIGNATORY,
                      offer="Record who approved the measures?", offer_default=True),
                Group(("residual_risks_approved_by",), SIGNATORY,
                      offer="Record who approved the remaining (residual) risks?",
                      offer_default=True),
                Group(("dpo_advice",), (
                    Ask(("summary",), "What did the DPO advise?"),
                    Ask(("accepted",), "Was the advice accepted?", kind="confirm",
                        default=True),
                    Ask(("reasons",), "Why was it not accepted?",
                        when=lambda s: s.get("signoff", "dpo_advice", "accepted") is False),
                    Group(("by",), SIGNATORY, offer="Record who accepted or overruled it?",
                          offer_default=True),
                ), offer="Record the DPO's advice?", offer_default=True),
                Group(("review_by",), SIGNATORY[:2],
                      offer="Name someone to keep the DPIA under review?", offer_default=True),
                Ask(("next_review",), "When is the next review?", kind="date", optional=True),
            ), offer="Record the sign-off now?",
                offer_help="No: sign it off later with 'dpia edit', section 'signoff'."),
        ),
    ),
)

SECTION_NAMES: tuple[str, ...] = tuple(s.name for s in SECTIONS)
# The list of organisations, also used to add one from any question that names an organisation.
ORGANISATIONS: Repeat = next(
    n for s in SECTIONS for n in s.nodes if isinstance(n, Repeat) and n.path == ("organisations",)
)


def section(name: str) -> Section:
    for s in SECTIONS:
        if s.name == name:
            return s
    raise KeyError(name)


# --- where a problem belongs -----------------------------------------------------------


def starts(loc: Loc, prefix: Loc) -> bool:
    return loc[: len(prefix)] == prefix


def covers(nodes: tuple[Node, ...], loc: Loc) -> bool:
    """Whether some question among ``nodes`` can answer a problem at ``loc``."""
    for node in nodes:
        if isinstance(node, Each):  # its questions belong to the list's own section
            continue
        path: Loc = node.path
        if isinstance(node, Ask) and (loc in node.fixes or starts(loc, path) or starts(path, loc)):
            return True
        if starts(path, loc) and loc != path:
            return True
        if not starts(loc, path):
            continue
        rest = loc[len(path):]
        if not rest:
            return True
        if isinstance(node, Group) and covers(node.nodes, rest):
            return True
        if (isinstance(node, Repeat) and isinstance(rest[0], int)
                and (len(rest) == 1 or covers(node.nodes, rest[1:]))):
            return True
    # A flat group's questions answer keys beside the group, not under it.
    return any(isinstance(n, Group) and n.flat and covers(n.nodes, loc) for n in nodes)


def section_of(loc: Loc) -> Section | None:
    return next((s for s in SECTIONS if covers(s.nodes, loc)), None)


_PART = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


def parse_path(text: str) -> Loc:
    """'organisations[2].dpo' -> ('organisations', 1, 'dpo'): the inverse of model.path_text."""
    return tuple(int(n) - 1 if n else name for n, name in _PART.findall(text))


def section_for_path(text: str) -> str | None:
    """The section of the questionnaire that answers the field at a path such as a gap's
    ('sharing[2].method' -> 'sharing'), or None when no question asks it (e.g. 'risks')."""
    found = section_of(parse_path(text))
    return found.name if found is not None else None


@dataclass(frozen=True)
class RiskWording:
    """After the checks: the measures in place for every medium or high risk, in one checklist."""

    offer_help: str = (
        "Tick the measures in place under each risk. Enter with nothing ticked leaves them "
        "for later; dpia check lists them."
    )
    head: str = "Risk {n} of {total}: {title} ({level} before measures)"
    measures: str = "Which of these measures are in place?"
    other_text: str = "Type the other measures for {title} (separate several with ;)"
    none_recorded: str = "No measures recorded: {n} risk(s) stay open until you record them."
    residual: str = (
        "Which of these risks are still medium or high after the measures you ticked? "
        "(any left unticked is recorded as low)"
    )
    still: str = "{title} ({level} before measures)"
    level: str = "How high is the risk that remains for {title}?"
    residual_help: str = (
        "A high remaining risk means the ICO must be consulted before the work starts "
        "(UK GDPR Article 36)."
    )
    approved: str = "Has someone with authority approved all the measures you ticked?"
    saved: str = "Measures recorded for {n} risk(s) in {path}."


RISK_WORDING = RiskWording()


@dataclass(frozen=True)
class FlowWording:
    """Sharing: the flows suggested for each processor that stores the data (issue 12 point 5)."""

    intro: str = (
        "Flows to and from the processors that store the data are suggested."
    )
    method: str = "How will data usually be sent between the organisations?"
    sent: str = "What data does {controller} send to {processor}?"
    returned: str = "What data does {processor} send back to {controller}?"
    none_hint: str = "separate several with ;, Enter alone: none"
    heading: str = "Suggested sharing flows:"
    line: str = ("{n}. {data}: {sender} to {recipient}, {identifiability}, by {method}, "
                 "{starts} to {ends}, review {review}")
    open_end: str = "no end date"
    accept: str = "Accept the suggested sharing flows?"
    accept_all: str = "Accept all {n} flows"
    accept_one: str = "Accept this flow"
    accept_all_more: str = "Accept all {n} flows and add another"
    accept_one_more: str = "Accept this flow and add another"
    change_one: str = "Change flow {n}: {summary}"
    drop: str = "Add none of them (I will add flows myself)"
    purpose_sent: str = "For {processor}'s service: {service}"
    purpose_returned: str = "Returned by {processor} after its service: {service}"
    agreement: str = "Processor contract with {processor}"


FLOWS = FlowWording()


@dataclass(frozen=True)
class UsualWording:
    """The usual items offered for a new list (check-ins), accepted in one answer."""

    heading: str = "The usual {items}, dated from the project's dates:"
    line: str = "{n}. {summary}"
    accept: str = "Accept the usual {items}?"
    accept_all: str = "Accept these {n}"
    accept_more: str = "Accept these {n} and add another"
    change_one: str = "Change {n}: {summary}"
    drop: str = "None of these (I will add my own)"


USUAL = UsualWording()
