"""The mediation API, mounted at /api/v1/mediations/ (built by the mediation API work)."""

from ninja import Router

router = Router(tags=["mediations"])
