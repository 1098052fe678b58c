from django.urls import path

from . import views, views_council

app_name = "members"

urlpatterns = [
    path("", views.organisation_list, name="organisation-list"),
    path("apply/", views.application_create, name="application-create"),
    path("apply/done/", views.application_done, name="application-done"),
    path("confirm/<str:token>/", views.freshness_confirm, name="freshness-confirm"),
    path("directory/", views.directory, name="person-directory"),
    path("onboarding/", views.onboarding, name="organisation-onboarding"),
    path("meetings/", views.meeting_list, name="meeting-list"),
    path("meetings/<int:pk>/", views_council.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/rsvp/", views_council.meeting_rsvp, name="meeting-rsvp"),
    path("meetings/<int:pk>/manage/", views_council.meeting_manage, name="meeting-manage"),
    path("stale/", views.stale_list, name="organisation-stale"),
    path("org/<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path("org/<int:pk>/edit/", views.organisation_edit, name="organisation-edit"),
    path("org/<int:pk>/people/add/", views.person_create, name="person-create"),
    path("org/<int:pk>/people/<int:person_pk>/edit/", views.person_edit, name="person-edit"),
    path("org/<int:pk>/people/<int:person_pk>/delete/", views.person_delete, name="person-delete"),
    # Issue 16: the council's everyday life
    path("after-login/", views_council.after_login, name="after-login"),
    path("today/", views_council.today, name="today"),
    path("invitation/<str:token>/", views_council.invitation_accept, name="invitation-accept"),
    path("invitations/", views_council.invitation_list, name="invitation-list"),
    path("org/<int:pk>/invite/", views_council.invite_colleague, name="invite-colleague"),
    path("org/<int:pk>/windows/", views_council.window_list, name="window-list"),
    path("org/<int:pk>/windows/add/", views_council.window_edit, name="window-create"),
    path(
        "org/<int:pk>/windows/<int:service_pk>/edit/",
        views_council.window_edit,
        name="window-edit",
    ),
    path("org/<int:pk>/events/new/", views_council.event_propose, name="event-propose"),
    path("windows/confirm/<str:token>/", views_council.window_confirm, name="window-confirm"),
    path("windows/review/", views_council.window_review, name="window-review"),
    path("windows/checks/", views_council.window_checks, name="window-checks"),
    path("news/", views_council.news_list, name="news-list"),
    path("news/<int:pk>/", views_council.news_detail, name="news-detail"),
    path("news/file/<int:pk>/", views_council.news_attachment, name="news-attachment"),
    path("polls/<int:pk>/", views_council.poll_detail, name="poll-detail"),
    path("me/", views_council.my_settings, name="my-settings"),
    path("events/", views_council.event_list, name="event-list"),
    path("events/<slug:slug>/", views_council.event_detail, name="event-detail"),
    path("events/<slug:slug>/decide/", views_council.event_decide, name="event-decide"),
]
