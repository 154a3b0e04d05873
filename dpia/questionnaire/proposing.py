"""Sharing flows suggested instead of asked from scratch (issue 12 point 5).

Each processor that stores the data gets its flows suggested: what the controller sends it and
what it sends back, each asked as one line (Enter alone: none). The other answers come from the
project: the method asked once for all of them, the dates from the fieldwork (the fieldwork
check-in to the next check-in, else the project's start and end), the agreement from the
processor's contract, the purpose from its service. The person accepts them all in one answer,
or changes one answer of one flow (the lists' own "change") before accepting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dpia.answers import vocab
from dpia.answers.fieldtypes import check_value
from dpia.questionnaire.asking import Asking, org_name, shown, split
from dpia.questionnaire.questions import (
    FLOWS,
    USUAL,
    Ask,
    Loc,
    Repeat,
    State,
    fieldwork_end,
    fieldwork_start,
    suggest_id,
)
from dpia.questionnaire.questions import _short as short_id

if TYPE_CHECKING:
    from dpia.questionnaire.prompting import Option


def _yes(processor: dict[str, Any], key: str) -> bool:
    """A yes/no answer of a processor, as the file gives it ('true' as read, or True)."""
    value, problem = check_value(("data_protection", "processors", 0, key), processor.get(key))
    return problem is None and value is True


def holders(state: State) -> list[dict[str, Any]]:
    """The processors that store the data (``holds_data: true``)."""
    procs = state.get("data_protection", "processors")
    return [p for p in procs if isinstance(p, dict) and _yes(p, "holds_data")
            and p.get("organisation")] if isinstance(procs, list) else []


def controller_for(state: State) -> str | None:
    """The controller a processor works for: the lead when it is a controller, else the first."""
    controllers = state.controllers()
    lead = state.lead()
    return lead if lead in controllers else (controllers[0] if controllers else None)


def proposed_flows(
    state: State, processor: dict[str, Any], sent: list[str], returned: list[str], method: str,
    taken: list[str],
) -> list[dict[str, Any]]:
    """The flows to and from ``processor``: one for each direction that carries data."""
    controller = controller_for(state)
    if controller is None:
        return []
    proc = str(processor["organisation"])
    name = org_name(state, proc)
    service = str(processor.get("service") or "")
    agreement = processor.get("contract_reference") or (
        FLOWS.agreement.format(processor=name) if _yes(processor, "contract_in_place") else None)
    flows = []
    for source, target, data, purpose in (
        (controller, proc, sent, FLOWS.purpose_sent),
        (proc, controller, returned, FLOWS.purpose_returned),
    ):
        if not data:
            continue
        flow_id = suggest_id(f"{short_id(source)}-to-{short_id(target)}", taken)
        taken.append(flow_id)
        flow: dict[str, Any] = {
            "id": flow_id, "from": source, "to": target, "data": data,
            "identifiability": "identifiable",
            "purpose": purpose.format(processor=name, service=service),
            "method": method,
        }
        if agreement:
            flow["agreement"] = agreement
        starts, ends = fieldwork_start(state), fieldwork_end(state)
        if starts:
            flow["starts"] = starts
        if ends and ends != starts:
            flow["ends"] = ends
        review = ends or state.get("project", "end")
        if review:
            flow["review"] = review
        flows.append(flow)
    return flows


class Proposing(Asking):
    """Mixed into the interview: suggest the processors' flows before the sharing list."""

    item: dict[str, Any]

    def _change(self, r: Repeat, item: dict[str, Any], loc: Loc) -> None:
        raise NotImplementedError

    def _propose(self, r: Repeat, items: list[Any], loc: Loc) -> bool:
        """Suggest the processors' flows; True when the person accepted them and wants to add
        another flow at once."""
        state = self.state()
        found = holders(state)
        controller = controller_for(state)
        if not found or controller is None:
            return False
        self.p.say(FLOWS.intro, "help")
        method_q = next(n for n in r.nodes if isinstance(n, Ask) and n.path == ("method",))
        method = self._select(
            Ask(method_q.path, FLOWS.method, kind="select", choices=method_q.choices,
                descriptions=method_q.descriptions, other=method_q.other),
            (*loc, len(items), "method"), method_q.default(state)
            if callable(method_q.default) else method_q.default)
        self.notes["method"] = method  # flows added by hand are offered it too
        taken = [str(f.get("id")) for f in items if isinstance(f, dict)]
        flows: list[dict[str, Any]] = []
        controller_name = org_name(state, controller)
        for proc in found:
            names = {"controller": controller_name,
                     "processor": org_name(state, str(proc["organisation"]))}
            sent = split(self.p.text(FLOWS.sent.format(**names), instruction=FLOWS.none_hint))
            returned = split(self.p.text(FLOWS.returned.format(**names),
                                         instruction=FLOWS.none_hint))
            flows += proposed_flows(state, proc, sent, returned, str(method), taken)
        if not flows:
            return False
        if method in vocab.INSECURE_METHODS:
            self.p.say(f"Risk: {vocab.TRANSFER_METHODS.get(str(method), method)} is not a secure "
                       "way to send data that identifies people; change the method of each "
                       "flow below, or the DPIA records it as a risk needing measures.", "warning")
        while True:
            self.p.say(FLOWS.heading, "section")
            for n, flow in enumerate(flows, start=1):
                self.p.say(flow_line(state, n, flow))
            accept = FLOWS.accept_one if len(flows) == 1 else FLOWS.accept_all
            more = FLOWS.accept_one_more if len(flows) == 1 else FLOWS.accept_all_more
            options: list[Option] = [("accept", accept.format(n=len(flows)), None),
                                     ("more", more.format(n=len(flows)), None)]
            options += [(str(i), FLOWS.change_one.format(n=i + 1, summary=r.summary(f, state)),
                         None) for i, f in enumerate(flows)]
            options.append(("drop", FLOWS.drop, None))
            choice = self.p.select(FLOWS.accept, options, default="accept")
            if choice in ("accept", "more"):
                items.extend(flows)
                return choice == "more"
            if choice == "drop":
                return False
            index = int(choice)
            self._change(r, flows[index], (*loc, len(items) + index))


    def _usual(self, r: Repeat, items: list[Any], loc: Loc, usual: list[dict[str, Any]]) -> bool:
        """Offer a new list's usual items, accepted in one answer or changed one field at a
        time (issue 12 point 4); True when accepted without wanting to add more."""
        state = self.state()
        words = {"items": r.items.lower()}
        while True:
            self.p.say(USUAL.heading.format(**words), "section")
            for n, item in enumerate(usual, start=1):
                self.p.say(USUAL.line.format(n=n, summary=r.summary(item, state)))
            options: list[Option] = [
                ("accept", USUAL.accept_all.format(n=len(usual)), None),
                ("more", USUAL.accept_more.format(n=len(usual)), None)]
            options += [(str(i), USUAL.change_one.format(n=i + 1, summary=r.summary(u, state)),
                         None) for i, u in enumerate(usual)]
            options.append(("drop", USUAL.drop, None))
            choice = self.p.select(USUAL.accept.format(**words), options, default="accept")
            if choice in ("accept", "more"):
                items.extend(usual)
                return choice == "accept"
            if choice == "drop":
                return False
            index = int(choice)
            self._change(r, usual[index], (*loc, len(items) + index))


def flow_line(state: State, n: int, flow: dict[str, Any]) -> str:
    """One suggested flow in a line: what, who to whom, how identifiable, how, when."""
    return FLOWS.line.format(
        n=n, data="; ".join(flow.get("data") or []),
        sender=org_name(state, str(flow.get("from"))), recipient=org_name(state, str(flow.get("to"))),
        identifiability=vocab.IDENTIFIABILITY.get(str(flow.get("identifiability")),
                                                  flow.get("identifiability")),
        method=vocab.TRANSFER_METHODS.get(str(flow.get("method")), flow.get("method")),
        starts=shown(flow.get("starts")) or "?", ends=shown(flow.get("ends")) or FLOWS.open_end,
        review=shown(flow.get("review")) or "?")
