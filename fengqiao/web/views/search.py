"""Search (搜索) over descriptions, places and party names of the user's matters."""

from django.http import HttpResponse
from django.shortcuts import render

from fengqiao.matters.access import matters_for_user
from fengqiao.matters.search import search as search_matters
from fengqiao.web.permissions import AuthedRequest, police_required

RESULT_LIMIT = 100


@police_required
def search(request: AuthedRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    found = search_matters(matters_for_user(request.user), query).select_related("category", "address", "owner")
    results = list(found[: RESULT_LIMIT + 1])
    context = {"q": query, "results": results[:RESULT_LIMIT], "more": len(results) > RESULT_LIMIT}
    # Typing in the box asks htmx for the results only; a plain GET, a shared link or the back button (a history
    # restore) gets the whole page.
    partial = request.htmx and not request.htmx.history_restore_request
    template = "web/search.html#results" if partial else "web/search.html"
    return render(request, template, context)
