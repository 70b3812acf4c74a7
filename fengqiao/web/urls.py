from django.contrib.auth import views as auth_views
from django.urls import path

from fengqiao.web.views import matter, overview, register, search, work

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", work.my_work, name="my_work"),
    path("notifications/", work.notifications, name="notifications"),
    path("notifications/read/", work.notifications_read, name="notifications_read"),
    path("search/", search.search, name="search"),
    path("register/", register.register_matter, name="register"),
    path("register/hints/", register.register_hints, name="register_hints"),
    path("overview/", overview.overview, name="overview"),
    path("matters/<int:matter_id>/", matter.matter_page, name="matter"),
    path("matters/<int:matter_id>/step/", matter.matter_step, name="matter_step"),
    path("matters/<int:matter_id>/actions/", matter.matter_action, name="matter_action"),
    path("matters/<int:matter_id>/parties/<int:party_id>/reveal/", matter.reveal_value, name="reveal"),
    path("matters/<int:matter_id>/attachments/<int:attachment_id>/", matter.attachment, name="attachment"),
]
