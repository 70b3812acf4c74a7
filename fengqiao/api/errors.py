"""One error shape for every refusal: `{"error": {"code", "message", "field"}}`.

Every exception a request can raise ends here: domain refusals keep their own status, ninja's 422 validation
errors become a 400 naming the first offending field, out-of-scope lookups a 404 whose body does not tell
"another station's" from "does not exist", and anything unexpected is logged and answered in the same shape.
"""

import logging
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import pydantic
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from fengqiao.lib.errors import DomainError

logger = logging.getLogger(__name__)

# Pydantic's error types → a message a clerk can act on; %-placeholders come from the error's context.
_MESSAGES: dict[str, Promise] = {
    "missing": gettext_lazy("This field is required."),
    "extra_forbidden": gettext_lazy("This field is not part of this request."),
    "string_type": gettext_lazy("Give text here."),
    "string_too_short": gettext_lazy("This field cannot be empty."),
    "string_too_long": gettext_lazy("Use at most %(max_length)s characters."),
    "int_type": gettext_lazy("Give a whole number."),
    "int_parsing": gettext_lazy("Give a whole number."),
    "int_from_float": gettext_lazy("Give a whole number."),
    "bool_type": gettext_lazy("Give true or false."),
    "bool_parsing": gettext_lazy("Give true or false."),
    "decimal_type": gettext_lazy("Give a number."),
    "decimal_parsing": gettext_lazy("Give a number."),
    "decimal_max_places": gettext_lazy("Use at most %(decimal_places)s decimal places."),
    "greater_than_equal": gettext_lazy("Give a number of at least %(ge)s."),
    "less_than_equal": gettext_lazy("Give a number of at most %(le)s."),
    "datetime_type": gettext_lazy("Give a date and time such as 2024-08-01T09:30:00+08:00."),
    "datetime_parsing": gettext_lazy("Give a date and time such as 2024-08-01T09:30:00+08:00."),
    "datetime_from_date_parsing": gettext_lazy("Give a date and time such as 2024-08-01T09:30:00+08:00."),
    "timezone_aware": gettext_lazy("Give the time with its time zone, such as 2024-08-01T09:30:00+08:00."),
    "list_type": gettext_lazy("Give a list here."),
    "too_long": gettext_lazy("Give at most %(max_length)s items."),
    "model_type": gettext_lazy("Give an object here."),
    "model_attributes_type": gettext_lazy("Give an object here."),
    "dict_type": gettext_lazy("Give an object here."),
}


def error_body(code: str, message: str, field: str | None = None) -> dict[str, dict[str, str | None]]:
    return {"error": {"code": code, "message": message, "field": field}}


def install(api: NinjaAPI) -> None:
    """Replace ninja's default handlers; the most specific class wins, `Exception` is the last resort."""
    handlers: dict[type[Exception], Callable[..., HttpResponse]] = {
        DomainError: _domain_error,
        ValidationError: _ninja_validation_error,
        Http404: _not_found,
        PermissionDenied: _permission_denied,
        AuthenticationError: _unauthenticated,
        HttpError: _http_error,
        Exception: _unexpected,
    }
    for exc_class, handler in handlers.items():
        api.add_exception_handler(exc_class, partial(handler, api=api))


def _respond(
    api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str, field: str | None = None
) -> HttpResponse:
    return api.create_response(request, error_body(code, message, field), status=status)


def _domain_error(request: HttpRequest, exc: DomainError, api: NinjaAPI) -> HttpResponse:
    return _respond(api, request, exc.status, exc.code, exc.message, exc.field)


def _ninja_validation_error(request: HttpRequest, exc: ValidationError, api: NinjaAPI) -> HttpResponse:
    return _invalid(api, request, exc.errors)


def body_errors(exc: pydantic.ValidationError) -> ValidationError:
    """Ninja's form of errors from a body that a view validated itself (a multipart form, say).

    A bare pydantic error is deliberately not handled as bad input: ninja raises one when a *response* does not
    match its schema, and that is our bug, answered with a logged 500.
    """
    return ValidationError([{**error, "loc": ("body", "payload", *error["loc"])} for error in exc.errors()])


def _invalid(api: NinjaAPI, request: HttpRequest, errors: Sequence[Any]) -> HttpResponse:
    first = dict(errors[0]) if errors else {}
    field = field_name(tuple(first.get("loc", ())))
    if field is None and first.get("type") in {"missing", "model_type", "model_attributes_type", "dict_type"}:
        # The body as a whole is missing or not an object: no field to name.
        return _respond(api, request, 400, "malformed", _("The request body must be a JSON object."))
    code = "required" if first.get("type") == "missing" else "invalid"
    return _respond(api, request, 400, code, validation_message(first), field)


def field_name(loc: Sequence[Any]) -> str | None:
    """`("body", "payload", "parties", 0, "id_number")` → `parties.0.id_number`; `("query", "overdue")` → `overdue`.

    Ninja prefixes the source, and for a JSON body also the view's parameter name, which callers never see.
    """
    skip = 2 if loc and loc[0] == "body" else 1
    return ".".join(str(part) for part in loc[skip:]) or None


def validation_message(error: dict[str, Any]) -> str:
    context: dict[str, Any] = dict(error.get("ctx") or {})
    if error.get("type") == "value_error" and "error" in context:
        return str(context["error"])  # our own validators raise translated messages
    template = _MESSAGES.get(str(error.get("type")))
    if template is None:
        return str(error.get("msg") or _("This value is not valid."))
    try:
        return str(template) % context
    except (KeyError, TypeError, ValueError):
        return str(error.get("msg") or _("This value is not valid."))


def _not_found(request: HttpRequest, exc: Http404, api: NinjaAPI) -> HttpResponse:
    # The same words whether the record is another station's or does not exist: scope must not leak.
    return _respond(api, request, 404, "not_found", _("Not found."))


def _permission_denied(request: HttpRequest, exc: PermissionDenied, api: NinjaAPI) -> HttpResponse:
    return _respond(api, request, 403, "forbidden", _("You may not do this."))


def _unauthenticated(request: HttpRequest, exc: AuthenticationError, api: NinjaAPI) -> HttpResponse:
    message = _("Send a valid token as “Authorization: Bearer <token>”; get one from POST /api/v1/auth/token.")
    response = _respond(api, request, 401, "unauthenticated", message)
    response["WWW-Authenticate"] = "Bearer"
    return response


def _http_error(request: HttpRequest, exc: HttpError, api: NinjaAPI) -> HttpResponse:
    if exc.status_code == 400:
        # Ninja raises this one when it cannot parse the body.
        return _respond(api, request, 400, "malformed", _("The request body is not valid JSON."))
    if exc.status_code == 429:
        return _respond(api, request, 429, "throttled", _("Too many requests; wait a moment and try again."))
    return _respond(api, request, exc.status_code, "error", str(exc))


def _unexpected(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    logger.exception("Unexpected error in %s %s", request.method, request.path, exc_info=exc)
    return _respond(api, request, 500, "server_error", _("Something went wrong on our side; it has been logged."))
