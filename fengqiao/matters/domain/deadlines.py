"""Deadlines: the SLA policy of the matter's kind × priority gives each step its due time.

Entering a stage sets `step_due_at`, the time by which the *next* step is owed:
registered → accept; accepted → assign; assigned → start handling; in_progress → the resolve deadline
(`due_at`, counted from the report, or set by hand when the resident's situation sets it); resolved → callback;
called_back → archive. Closed stages owe nothing.
"""

import datetime as dt

from fengqiao.matters.models import Kind, Matter, Priority, SlaPolicy, Stage

# Used when a station has no policy for a kind × priority: a day per step, a week to resolve.
FALLBACK = SlaPolicy(
    accept_minutes=60,
    assign_minutes=120,
    start_minutes=24 * 60,
    resolve_minutes=7 * 24 * 60,
    callback_minutes=3 * 24 * 60,
    archive_minutes=7 * 24 * 60,
)

_STEP_FIELD = {
    Stage.REGISTERED: "accept_minutes",
    Stage.ACCEPTED: "assign_minutes",
    Stage.ASSIGNED: "start_minutes",
    Stage.RESOLVED: "callback_minutes",
    Stage.CALLED_BACK: "archive_minutes",
}


def policy_for(kind: str, priority: str) -> SlaPolicy:
    return SlaPolicy.objects.filter(kind=kind, priority=priority).first() or FALLBACK


def resolve_deadline(matter: Matter) -> dt.datetime:
    policy = policy_for(matter.kind, matter.priority)
    return matter.reported_at + dt.timedelta(minutes=policy.resolve_minutes)


def step_due(matter: Matter, stage: str, entered_at: dt.datetime) -> dt.datetime | None:
    """When the step after `stage` is due, for a matter that entered `stage` at `entered_at`."""
    if stage == Stage.IN_PROGRESS:
        return matter.due_at
    field = _STEP_FIELD.get(Stage(stage))
    if field is None:
        return None
    minutes: int = getattr(policy_for(matter.kind, matter.priority), field)
    return entered_at + dt.timedelta(minutes=minutes)


DEFAULT_POLICIES: dict[str, tuple[int, int, int, int, int, int]] = {
    # priority: accept, assign, start, resolve (from report), callback, archive — in minutes
    Priority.URGENT: (5, 10, 30, 24 * 60, 24 * 60, 3 * 24 * 60),
    Priority.HIGH: (30, 60, 4 * 60, 3 * 24 * 60, 2 * 24 * 60, 7 * 24 * 60),
    Priority.NORMAL: (60, 4 * 60, 24 * 60, 7 * 24 * 60, 3 * 24 * 60, 7 * 24 * 60),
    Priority.LOW: (4 * 60, 24 * 60, 3 * 24 * 60, 30 * 24 * 60, 7 * 24 * 60, 14 * 24 * 60),
}
# Disputes and household matters take longer by nature; their resolve deadline is a month.
LONG_KINDS = {Kind.DISPUTE: 30 * 24 * 60, Kind.HOUSEHOLD: 60 * 24 * 60}
