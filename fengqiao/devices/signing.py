"""The devices' signature scheme, in one place so that the docs, the demo and the tests sign the same way.

    X-Fengqiao-Timestamp: <unix seconds>
    X-Fengqiao-Signature: sha256=<hex of HMAC-SHA256(secret, "<timestamp>." + raw body bytes)>

The timestamp is signed with the body, so a captured request cannot be replayed later with a fresh timestamp;
within the allowed skew a replay carries an event id already recorded and is ignored.
"""

import datetime as dt
import hashlib
import hmac
import re

TIMESTAMP_HEADER = "X-Fengqiao-Timestamp"
SIGNATURE_HEADER = "X-Fengqiao-Signature"
PREFIX = "sha256="
# Devices keep time by NTP; five minutes covers drift and a slow uplink, and bounds the replay window.
MAX_SKEW = dt.timedelta(minutes=5)

_UNIX_SECONDS = re.compile(r"[0-9]{1,12}")


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The value of the signature header for this body sent at this timestamp."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return PREFIX + digest


def is_valid(secret: str, timestamp: str, body: bytes, given: str) -> bool:
    # Constant-time: how far a guess matches must not show in the response time. Bytes, because
    # compare_digest refuses str with non-ASCII characters, which a forged header may well contain.
    expected = signature(secret, timestamp, body).encode()
    return hmac.compare_digest(expected, given.strip().lower().encode(errors="replace"))


def parse_timestamp(value: str) -> dt.datetime | None:
    """Unix seconds as sent in the header → an aware datetime; None when it is not a plain number of seconds."""
    value = value.strip()
    if not _UNIX_SECONDS.fullmatch(value):
        return None
    return dt.datetime.fromtimestamp(int(value), tz=dt.UTC)


def skew(sent_at: dt.datetime, now: dt.datetime) -> dt.timedelta:
    return abs(now - sent_at)
