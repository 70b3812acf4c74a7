from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponseBase, HttpResponseNotAllowed, JsonResponse
from django.urls import URLPattern, URLResolver, path, re_path
from django.utils.translation import gettext as _

from fengqiao.api.api import api
from fengqiao.api.errors import error_body

View = Callable[..., HttpResponseBase]


def unknown_path(request: HttpRequest, rest: str) -> JsonResponse:
    """Any other path below /api/v1/ answers in the API's error shape, not with an HTML page."""
    return JsonResponse(error_body("not_found", _("There is no such API path.")), status=404)


def json_method_not_allowed(view: View) -> View:
    """Ninja answers a wrong method with a bare text 405; give it the one error shape, keeping `Allow`."""

    @wraps(view)  # keeps csrf_exempt and the other flags ninja sets on its views
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if not isinstance(response, HttpResponseNotAllowed):
            return response
        message = _("This path does not accept %(method)s.") % {"method": request.method}
        shaped = JsonResponse(error_body("method_not_allowed", message), status=405)
        shaped["Allow"] = response["Allow"]
        return shaped

    return wrapped


def _api_patterns() -> tuple[list[URLPattern | URLResolver], str, str]:
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern) and pattern.callback is not None:
            pattern.callback = json_method_not_allowed(pattern.callback)
    return patterns, app_name, namespace


urlpatterns: list[URLPattern | URLResolver] = [
    path("", _api_patterns()),
    re_path(r"^(?P<rest>.*)$", unknown_path),
]
