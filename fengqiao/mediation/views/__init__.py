"""The mediation pages (调解) and the partner portal: who may open them, and how a refusal is shown.

The station's police and its partner mediators use the same pages; `fengqiao.mediation.access` scopes every case
(a partner mediator sees only the cases they are on), and the domain decides which step each of them may take.
"""

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, cast

from django.contrib.auth.decorators import login_required
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

from fengqiao.mediation.access import is_partner_mediator
from fengqiao.staff.models import User
from fengqiao.web.permissions import AuthedRequest, forbidden

P = ParamSpec("P")
View = Callable[Concatenate[AuthedRequest, P], HttpResponseBase]


def may_mediate(user: User) -> bool:
    return user.station_id is not None and (user.is_police or is_partner_mediator(user))


def mediation_required(view: View[P]) -> View[P]:
    """The station's police and its partner mediators; everybody else is told the pages are not theirs."""

    @wraps(view)
    def guarded(request: AuthedRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        if not may_mediate(request.user):
            return forbidden(request, _("The mediation pages are for the station's police and its mediators."))
        return view(request, *args, **kwargs)

    return cast("View[P]", login_required(guarded))
