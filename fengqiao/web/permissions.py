"""Who may open which page. Objects are scoped by `fengqiao.matters.access`; these guards are about roles."""

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxDetails

from fengqiao.staff.models import Role, User

P = ParamSpec("P")


class AuthedRequest(HttpRequest):
    """A request past `login_required`, with django-htmx's details (for the type checker only)."""

    user: User
    htmx: HtmxDetails


View = Callable[Concatenate[AuthedRequest, P], HttpResponseBase]


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "web/forbidden.html", {"message": message}, status=403)


def _requires(check: Callable[[User], bool], message: Callable[[], str]) -> Callable[[View[P]], View[P]]:
    def decorator(view: View[P]) -> View[P]:
        @wraps(view)
        def guarded(request: AuthedRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
            if request.user.role == Role.MEDIATOR:
                # A partner mediator works only their mediation cases: the station's pages are out of their
                # scope, and out of scope is a 404 (as in `fengqiao.mediation.access`), never a hint.
                raise Http404("Not a page of the partner portal")
            if not check(request.user):
                return forbidden(request, message())
            return view(request, *args, **kwargs)

        return cast("View[P]", login_required(guarded))

    return decorator


police_required = _requires(lambda user: user.is_police, lambda: _("These pages are for the station's police."))
chief_required = _requires(lambda user: user.is_chief, lambda: _("Only the station chief sees the station overview."))


def station_of(user: User) -> int:
    """The station of a user past `police_required` or `chief_required`, which both make sure there is one."""
    if user.station_id is None:
        raise PermissionDenied
    return user.station_id
