"""Scoped access to mediation cases: every lookup on behalf of a user goes through here.

Police roles see their station's cases. A partner mediator (role `mediator`) sees only the cases they are a
mediator on — never other cases, matters, or unmasked personal data. Out of scope is a 404, never a 403.
"""

from django.db.models import QuerySet
from django.http import Http404

from fengqiao.mediation.models import Case
from fengqiao.staff.models import Role, User


def cases_for_user(user: User) -> QuerySet[Case]:
    if not user.is_authenticated or not user.is_active or user.station_id is None:
        return Case.objects.none()
    if user.is_police:
        return Case.objects.filter(station_id=user.station_id)
    if user.role == Role.MEDIATOR:
        return Case.objects.filter(station_id=user.station_id, mediators=user)
    return Case.objects.none()


def get_case_for_user(user: User, case_id: int | str) -> Case:
    try:
        return (
            cases_for_user(user)
            .select_related("station", "dispute__matter", "dispute__dispute_type", "lead", "room", "proposal")
            .get(pk=int(case_id))
        )
    except (Case.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such mediation case") from exc


def is_partner_mediator(user: User) -> bool:
    """A mediator from outside the police: works only their own cases and sees masked data only."""
    return user.is_authenticated and user.role == Role.MEDIATOR


def may_work(case: Case, user: User) -> bool:
    """Whether the user works this case: the station's police, and the case's own mediators."""
    if not user.is_active or user.station_id != case.station_id:
        return False
    return user.is_police or case.mediators.filter(pk=user.pk).exists()
