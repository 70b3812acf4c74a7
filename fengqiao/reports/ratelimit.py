"""Per-IP limit on resident reports, counted in Django's cache.

The count is per fixed window (the first report opens it), which is enough to stop a flood without any table.
The default cache is per process; a deployment with several workers sets a shared `CACHES` (database or redis)
so that the limit holds across them.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

DEFAULT_LIMIT = 5
DEFAULT_WINDOW_SECONDS = 3600


@dataclass(frozen=True)
class Limit:
    count: int
    window_seconds: int

    @classmethod
    def from_settings(cls) -> "Limit":
        return cls(
            int(getattr(settings, "REPORT_RATE_LIMIT", DEFAULT_LIMIT)),
            int(getattr(settings, "REPORT_RATE_WINDOW_SECONDS", DEFAULT_WINDOW_SECONDS)),
        )

    @property
    def minutes(self) -> int:
        return max(1, self.window_seconds // 60)


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or behind N trusted proxies the address the outermost of them saw (X-Forwarded-For)."""
    hops = int(getattr(settings, "REPORT_TRUSTED_PROXIES", 0))
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if hops and len(forwarded) >= hops:
        return forwarded[-hops]
    return str(request.META.get("REMOTE_ADDR", ""))


def _key(ip: str) -> str:
    return f"reports:rate:{ip}"


def is_limited(ip: str, limit: Limit) -> bool:
    return int(cache.get(_key(ip), 0)) >= limit.count


def count(ip: str, limit: Limit) -> None:
    """One more report from this address; the window starts with the first."""
    if not cache.add(_key(ip), 1, timeout=limit.window_seconds):
        try:
            cache.incr(_key(ip))
        except ValueError:  # expired between add and incr
            cache.add(_key(ip), 1, timeout=limit.window_seconds)
