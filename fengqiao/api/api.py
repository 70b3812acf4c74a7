"""The JSON API, mounted at /api/v1/: one NinjaAPI, a router per resource, one error shape."""

from ninja import NinjaAPI, Swagger

from fengqiao.analysis.api import router as analysis_router
from fengqiao.api import auth, codes, errors, matters, persons
from fengqiao.devices.api import router as devices_router
from fengqiao.mediation.api import router as mediation_router
from fengqiao.stats.api import router as stats_router

api = NinjaAPI(
    title="Fengqiao API",
    version="1",
    description="Matters of a community police station and their closed loop. "
    "Get a token from POST /auth/token and send it as `Authorization: Bearer <token>`.",
    auth=auth.BearerToken(),
    urls_namespace="api",
    # validatorUrl off: Swagger UI would otherwise fetch a badge from validator.swagger.io; docs stay offline.
    docs=Swagger(settings={"validatorUrl": None}),
)
errors.install(api)
api.add_router("/auth", auth.router)
api.add_router("/matters", matters.router)
api.add_router("/persons", persons.router)
api.add_router("/codes", codes.router)
api.add_router("/devices", devices_router)
api.add_router("/analysis", analysis_router)
api.add_router("/stats", stats_router)
api.add_router("/mediations", mediation_router)
