from django.urls import URLPattern, URLResolver, path, re_path

from fengqiao.reports import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.start, name="report_start"),
    path("status/", views.track, name="report_track"),
    # Without a trailing slash, as printed on the confirmation and read out on the phone; with one also works.
    re_path(r"^status/(?P<code>[^/]+)/?$", views.status, name="report_status"),
    path("feedback/", views.feedback_list, name="report_feedback"),
    path("photos/<int:photo_id>/", views.photo, name="report_photo"),
    path("matters/<int:matter_id>/notes/", views.public_note, name="report_public_note"),
    path("<slug:station_code>/", views.report_form, name="report_form"),
]
