"""One error type for refused domain operations, shared by pages and the JSON API."""

from django.utils.functional import Promise


class DomainError(Exception):
    """A refused operation: `code` for machines, `message` (translated) for people, `field` when one is at fault.

    `status` is the HTTP status the API answers with: 400 bad input, 403 not allowed, 404 out of scope,
    409 the matter is no longer in the state the caller saw.
    """

    def __init__(self, code: str, message: str | Promise, field: str | None = None, status: int = 400) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = str(message)
        self.field = field
        self.status = status
