from django.urls import URLPattern, URLResolver, path

from fengqiao.mediation.views import cases, downloads, opening, work

app_name = "mediation"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", cases.case_list, name="cases"),
    path("rooms/", cases.rooms, name="rooms"),
    path("open/matter/<int:matter_id>/", opening.open_from_matter, name="open_matter"),
    path("open/proposal/<int:proposal_id>/", opening.open_from_proposal, name="open_proposal"),
    path("<int:case_id>/", cases.case_page, name="case"),
    path("<int:case_id>/step/", cases.case_step, name="step"),
    path("<int:case_id>/sessions/", work.schedule, name="schedule"),
    path("<int:case_id>/sessions/<int:session_id>/record/", work.record, name="record"),
    path("<int:case_id>/sessions/<int:session_id>/cancel/", work.cancel, name="cancel"),
    path("<int:case_id>/agreement/signed/", work.signed_scan, name="signed_scan"),
    path("<int:case_id>/agreement.<str:fmt>", downloads.agreement_document, name="agreement_document"),
    path(
        "<int:case_id>/sessions/<int:session_id>/minutes.<str:fmt>",
        downloads.minutes_document,
        name="minutes_document",
    ),
    path("<int:case_id>/visits/<int:visit_id>/", work.visit, name="visit"),
]
