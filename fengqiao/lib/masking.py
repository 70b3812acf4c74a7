"""Masks for personal data: shown masked everywhere, revealed only on request with an audit row."""

_MASK = "*"


def mask_id_number(value: str) -> str:
    """`130181199001011234` -> `1301**********1234`."""
    if not value:
        return ""
    if len(value) <= 8:
        return _MASK * len(value)
    return value[:4] + _MASK * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """`13812345678` -> `138****5678`; short numbers keep only their last two digits."""
    if not value:
        return ""
    if len(value) >= 11:
        return value[:3] + _MASK * (len(value) - 7) + value[-4:]
    return _MASK * max(len(value) - 2, 0) + value[-2:]
