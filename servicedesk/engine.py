"""State machines of the request kinds, declared once per kind and run by one transition service.

    COMPLAINT_FLOW = Workflow(
        kind=RequestKind.COMPLAINT,
        states=ComplaintStatus,                 # a TextChoices: values + Chinese labels
        initial=ComplaintStatus.RECEIVED,
        closed={ComplaintStatus.ARCHIVED},       # reaching one sets closed_at
        transitions=[
            Transition("judge_valid", {"received"}, "investigating", action="complaints.handle", label="判定成立"),
            …
        ],
    )
    register(COMPLAINT_FLOW)

A kind's service validates its own fields, then calls servicedesk.services.request_transition(…, name=…):
the engine locks the row, checks the move is allowed from the current state (a stale page gets a 409),
checks the actor's permission, writes the status, the timeline, the history and closes or reopens.
Guards (callables raising DomainError) and after-hooks (clocks, notifications) are attached per transition.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models

from .choices import RequestKind


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    action: str  # permission action (core.permissions)
    label: str  # shown in the reader's language (lazy)
    record_label: str  # written into the timeline and history: the office's language, whoever acts
    reason_required: bool = False
    reopens: bool = False
    guards: tuple[Callable, ...] = ()  # guard(request, actor, data) → raise DomainError to refuse
    after: tuple[Callable, ...] = ()  # after(request, actor, data) within the same transaction
    generic: bool = True  # offered as a plain button (+ reason) on the request page and the generic API;
    # False when the kind's own form/endpoint must collect data for it (its service calls the engine)

    def __init__(
        self,
        name,
        sources: Iterable[str],
        target,
        *,
        action,
        label,
        reason_required=False,
        reopens=False,
        guards=(),
        after=(),
        generic=True,
    ):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "sources", frozenset(str(s) for s in sources))
        object.__setattr__(self, "target", str(target))
        object.__setattr__(self, "action", action)
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "record_label", str(label))
        object.__setattr__(self, "reason_required", reason_required)
        object.__setattr__(self, "reopens", reopens)
        object.__setattr__(self, "guards", tuple(guards))
        object.__setattr__(self, "after", tuple(after))
        object.__setattr__(self, "generic", generic)


@dataclass
class Workflow:
    kind: str
    states: type[models.TextChoices]
    initial: str
    transitions: list[Transition]
    closed: set[str] = field(default_factory=set)
    detail_url: str | None = None  # the kind's own page (url name taking the request pk)
    categories: type[models.TextChoices] | None = None  # what `ServiceRequest.category` holds for this kind

    def __post_init__(self):
        self.by_name = {t.name: t for t in self.transitions}
        known = set(self.states.values)
        for t in self.transitions:
            unknown = (t.sources | {t.target}) - known
            if unknown:
                raise ValueError(f"{self.kind}.{t.name}: unknown states {unknown}")

    def label(self, status: str) -> str:
        try:
            return str(self.states(status).label)
        except ValueError:
            return status

    def category_label(self, code: str) -> str:
        if not code or self.categories is None:
            return code
        try:
            return str(self.categories(code).label)
        except ValueError:
            return code

    def available(self, status: str) -> list[Transition]:
        return [t for t in self.transitions if status in t.sources]


WORKFLOWS: dict[str, Workflow] = {}

# Kind-specific panels on the one request page: PANELS.register(kind, label, func) where
# func(request, user) → {"template": "complaints/_panel.html", **context}. See servicedesk/views.py.
from core.registry import Registry  # noqa: E402

PANELS = Registry("request-panels")


def register(workflow: Workflow) -> Workflow:
    WORKFLOWS[str(workflow.kind)] = workflow
    return workflow


def workflow_for(kind: str) -> Workflow:
    try:
        return WORKFLOWS[str(kind)]
    except KeyError:
        raise LookupError(f"no workflow registered for request kind {kind!r}") from None


__all__ = ["RequestKind", "Transition", "Workflow", "WORKFLOWS", "register", "workflow_for"]


# --- completion: what happens when a request's work is done --------------------------------------------
# A kind announces "the work is done" (complaint handled, repair confirmed with the resident, help request
# closed) with announce_completed(); other areas subscribe, e.g. callbacks schedule the 回访 (R-CB-11/12/15).
# Subscribers run inside the caller's transaction: listener(request, actor) → None.
COMPLETION_LISTENERS: list[Callable] = []


def on_completed(listener: Callable) -> Callable:
    if listener not in COMPLETION_LISTENERS:
        COMPLETION_LISTENERS.append(listener)
    return listener


def announce_completed(request, actor) -> None:
    for listener in list(COMPLETION_LISTENERS):
        listener(request, actor)


# Convention: every kind has a transition named "reopen" (reopens=True) from the states its work can be
# judged in, so a callback found 不满意 can reopen the request (R-CB-20) whatever its kind.
REOPEN = "reopen"


def can_reopen(request) -> bool:
    t = workflow_for(request.kind).by_name.get(REOPEN)
    return bool(t and request.status in t.sources)
