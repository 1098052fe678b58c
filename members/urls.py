from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("", views.organisation_list, name="organisation-list"),
    path("apply/", views.application_create, name="application-create"),
    path("apply/done/", views.application_done, name="application-done"),
    path("confirm/<str:token>/", views.freshness_confirm, name="freshness-confirm"),
    path("directory/", views.directory, name="person-directory"),
    path("onboarding/", views.onboarding, name="organisation-onboarding"),
    path("meetings/", views.meeting_list, name="meeting-list"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("stale/", views.stale_list, name="organisation-stale"),
    path("org/<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path("org/<int:pk>/edit/", views.organisation_edit, name="organisation-edit"),
    path("org/<int:pk>/people/add/", views.person_create, name="person-create"),
    path("org/<int:pk>/people/<int:person_pk>/edit/", views.person_edit, name="person-edit"),
    path("org/<int:pk>/people/<int:person_pk>/delete/", views.person_delete, name="person-delete"),
]
