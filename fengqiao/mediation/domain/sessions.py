"""Mediation sessions: scheduled (no clash for the room or a mediator), then held with minutes, or cancelled.

A session is a row of its own; its `status` is written only here. Scheduling locks the room and the mediators'
rows, so two officers booking the same room at the same hour cannot both succeed.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from fengqiao.lib.errors import DomainError
from fengqiao.mediation.access import may_work
from fengqiao.mediation.models import Case, CaseStage, Room, Session, SessionStatus
from fengqiao.people.models import Person
from fengqiao.staff.models import User

# Sessions are held while the parties are being brought to consent and while they negotiate.
SCHEDULING_STAGES = frozenset({CaseStage.PROPOSED, CaseStage.ACCEPTED})
MAX_SESSION = dt.timedelta(hours=12)


@dataclass(frozen=True)
class Booking:
    starts_at: dt.datetime
    ends_at: dt.datetime
    room: int | None = None
    place: str = ""
    mediators: tuple[int, ...] = ()  # user ids; default: the case's mediators


@dataclass(frozen=True)
class Record:
    """What a held session leaves: who came, the minutes (调解笔录) and the next date, if any."""

    minutes: str
    parties_present: tuple[int, ...]
    mediators_present: tuple[int, ...]
    next_date: dt.date | None = None
    at: dt.datetime | None = None


def schedule_session(case: Case, actor: User, booking: Booking) -> Session:
    """Book a session; refuses a clash with another session of the same room or mediator."""
    _check_may_work(case, actor)
    if case.stage not in SCHEDULING_STAGES:
        raise DomainError("invalid", _("Sessions are scheduled only before an agreement is reached."), "starts_at")
    _check_times(booking)
    with transaction.atomic():
        room = _room(case, booking.room)
        if room is None and not booking.place.strip():
            raise DomainError("required", _("Choose a room or say where the session takes place."), "room")
        mediators = _mediators(case, booking.mediators)
        _check_clashes(room, mediators, booking.starts_at, booking.ends_at)
        session = Session.objects.create(
            case=case,
            starts_at=booking.starts_at,
            ends_at=booking.ends_at,
            room=room,
            place=booking.place.strip(),
            scheduled_by=actor,
        )
        session.mediators.set(mediators)
    return session


def record_session(session_id: int, actor: User, record: Record) -> Session:
    """Record a scheduled session as held, with its minutes and who was present."""
    with transaction.atomic():
        session = _locked(session_id, actor)
        if session.status != SessionStatus.SCHEDULED:
            raise DomainError(
                "conflict",
                _("This session is already “%(status)s”.") % {"status": session.get_status_display()},
                status=409,
            )
        now = record.at or timezone.now()
        if session.starts_at > now:
            raise DomainError("invalid", _("A session can be recorded only once it has begun."), "minutes")
        if not record.minutes.strip():
            raise DomainError("required", _("Write the minutes of the session."), "minutes")
        if not record.mediators_present:
            raise DomainError("required", _("Record which mediators were present."), "mediators_present")
        session.parties_present.set(_present_parties(session.case, record.parties_present))
        session.mediators_present.set(
            _mediators(session.case, record.mediators_present, field_name="mediators_present")
        )
        session.minutes = record.minutes.strip()
        session.next_date = record.next_date
        session.status, session.recorded_by, session.recorded_at = SessionStatus.HELD, actor, now
        session.save(update_fields=["minutes", "next_date", "status", "recorded_by", "recorded_at"])
    return session


def cancel_session(session_id: int, actor: User, reason: str) -> Session:
    with transaction.atomic():
        session = _locked(session_id, actor)
        if session.status != SessionStatus.SCHEDULED:
            raise DomainError(
                "conflict",
                _("This session is already “%(status)s”.") % {"status": session.get_status_display()},
                status=409,
            )
        if not reason.strip():
            raise DomainError("required", _("Say why the session is cancelled."), "reason")
        session.status, session.cancel_reason = SessionStatus.CANCELLED, reason.strip()
        session.recorded_by, session.recorded_at = actor, timezone.now()
        session.save(update_fields=["status", "cancel_reason", "recorded_by", "recorded_at"])
    return session


def _already(session: Session) -> None:
    message = _("This session is already “%(status)s”.") % {"status": session.get_status_display()}
    raise DomainError("conflict", message, status=409)


def _check_may_work(case: Case, actor: User) -> None:
    if not may_work(case, actor):
        raise DomainError("not_found", _("No such mediation case."), status=404)


def _locked(session_id: int, actor: User) -> Session:
    session = Session.objects.select_for_update().select_related("case").filter(pk=session_id).first()
    if session is None or not may_work(session.case, actor):
        raise DomainError("not_found", _("No such mediation session."), status=404)
    return session


def _check_times(booking: Booking) -> None:
    if booking.ends_at <= booking.starts_at:
        raise DomainError("invalid", _("A session must end after it starts."), "ends_at")
    if booking.ends_at - booking.starts_at > MAX_SESSION:
        raise DomainError("invalid", _("A session lasts at most 12 hours."), "ends_at")


def _room(case: Case, room_id: int | None) -> Room | None:
    if room_id is None:
        return None
    # Locking the room serialises bookings of it, so the clash check below cannot race.
    room = Room.objects.select_for_update().filter(pk=room_id, station_id=case.station_id).first()
    if room is None:
        raise DomainError("invalid", _("Choose a mediation room of this station."), "room")
    return room


def _mediators(case: Case, user_ids: Iterable[int], field_name: str = "mediators") -> list[User]:
    ids = set(user_ids) or set(case.mediators.values_list("pk", flat=True))
    on_case = case.mediators.all()
    # Locked in id order (no deadlock between two bookings), so a mediator cannot be double-booked either.
    if on_case.filter(pk__in=ids).count() != len(ids):
        raise DomainError("invalid", _("Choose mediators who are on this case."), field_name)
    return list(User.objects.select_for_update().filter(pk__in=ids).order_by("pk"))


def _present_parties(case: Case, person_ids: Iterable[int]) -> list[Person]:
    ids = set(person_ids)
    persons = list(Person.objects.filter(pk__in=ids, dispute_sides__dispute=case.dispute_id).distinct())
    if len(persons) != len(ids):
        raise DomainError(
            "invalid", _("Only the parties to the dispute can be recorded as present."), "parties_present"
        )
    return persons


def _check_clashes(room: Room | None, mediators: list[User], starts: dt.datetime, ends: dt.datetime) -> None:
    overlapping = Session.objects.filter(
        starts_at__lt=ends, ends_at__gt=starts, status__in=[SessionStatus.SCHEDULED, SessionStatus.HELD]
    ).select_related("case", "room")
    if room is not None:
        clash = overlapping.filter(room=room).first()
        if clash is not None:
            raise DomainError(
                "clash",
                _("%(room)s is booked from %(start)s to %(end)s (case %(case)s).")
                % {"room": room.name, **_span(clash)},
                "room",
                status=409,
            )
    for mediator in mediators:
        clash = overlapping.filter(Q(mediators=mediator)).first()
        if clash is not None:
            raise DomainError(
                "clash",
                _("%(name)s is in another session from %(start)s to %(end)s (case %(case)s).")
                % {"name": str(mediator), **_span(clash)},
                "mediators",
                status=409,
            )


def _span(session: Session) -> dict[str, str]:
    start = timezone.localtime(session.starts_at)
    end = timezone.localtime(session.ends_at)
    return {
        "start": date_format(start, "SHORT_DATETIME_FORMAT"),
        "end": date_format(end, "TIME_FORMAT"),
        "case": session.case.reference or str(session.case_id),
    }
