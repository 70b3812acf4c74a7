"""Bearer tokens: `POST /api/v1/auth/token` trades a username and password for one."""

import datetime as dt
import secrets

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from ninja.security import HttpBearer

from fengqiao.api.models import ApiToken, token_digest
from fengqiao.api.schemas import ERRORS, TokenIn, TokenOut
from fengqiao.lib.errors import DomainError
from fengqiao.staff.models import User

# A lost phone or laptop must not hold a working token for ever; clients ask for a new one.
TOKEN_LIFETIME = dt.timedelta(days=30)

router = Router(tags=["auth"])


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        row = (
            ApiToken.objects.select_related("user")
            .filter(digest=token_digest(token), expires_at__gt=timezone.now())
            .first()
        )
        if row is None or not row.user.is_active:
            return None
        return row.user


def current_user(request: HttpRequest) -> User:
    """The user the bearer token belongs to (ninja puts it on `request.auth`)."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise TypeError("current_user() called on an operation without token authentication")
    return user


@router.post("/token", auth=None, response={200: TokenOut, **ERRORS}, summary="Get a token")
def issue_token(request: HttpRequest, payload: TokenIn) -> TokenOut:
    """Any active user may have a token; what they then see is decided by their station and role."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if not isinstance(user, User):
        raise DomainError("bad_credentials", _("Wrong username or password."), status=401)
    token = secrets.token_urlsafe(32)
    row = ApiToken.objects.create(user=user, digest=token_digest(token), expires_at=timezone.now() + TOKEN_LIFETIME)
    return TokenOut(token=token, expires_at=row.expires_at)
