"""GeoReport v2 resources, each with its format as the suffix: `services.json`, `requests/ABC.xml` …"""

from django.urls import URLPattern, URLResolver, re_path

from fengqiao.open311 import views

FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns: list[URLPattern | URLResolver] = [
    re_path(r"^discovery" + FMT, views.discovery, name="open311_discovery"),
    re_path(r"^services" + FMT, views.services, name="open311_services"),
    re_path(r"^services/(?P<code>[^/]+?)" + FMT, views.service_definition, name="open311_service"),
    re_path(r"^requests" + FMT, views.requests, name="open311_requests"),
    re_path(r"^requests/(?P<request_id>[^/]+?)" + FMT, views.single_request, name="open311_request"),
    re_path(r"^tokens/(?P<token>[^/]+?)" + FMT, views.token, name="open311_token"),
    re_path(r"^servicerequestupdates" + FMT, views.updates, name="open311_updates"),
    # Anything else under /open311/v2/ is a 404 in the spec's shape, as XML unless JSON was asked for.
    re_path(r"^.*$", views.unknown, name="open311_unknown"),
]
