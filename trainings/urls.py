from django.urls import path

from . import views

app_name = "trainings"

urlpatterns = [
    path("", views.programme_list, name="programme-list"),
    path("link/", views.link_resend, name="link-resend"),
    path("me/<str:token>/", views.me, name="me"),
    path(
        "me/<str:token>/certificate/<int:registration_id>.pdf",
        views.certificate,
        name="certificate",
    ),
    path("q/<str:token>/", views.questionnaire, name="questionnaire"),
    path("confirm/<str:token>/", views.registration_confirm, name="registration-confirm"),
    path("checkin/<int:session_id>/", views.checkin, name="checkin"),
    path("checkin/<int:session_id>/r/<uuid:token>/", views.checkin_scan, name="checkin-scan"),
    path(
        "session/<int:session_id>/attendees.<str:fmt>",
        views.session_attendees_export,
        name="session-attendees",
    ),
    path("<slug:slug>/", views.programme_detail, name="programme-detail"),
    path("<slug:slug>/register/", views.programme_register, name="programme-register"),
    path("<slug:slug>/done/<str:token>/", views.registration_result, name="registration-result"),
    path("<slug:slug>/manage/", views.programme_manage, name="programme-manage"),
    path(
        "<slug:slug>/certificates.pdf",
        views.programme_certificates,
        name="programme-certificates",
    ),
    path(
        "<slug:slug>/questionnaire/answers.<str:fmt>",
        views.questionnaire_export,
        name="questionnaire-export",
    ),
    path("<slug:slug>/import/", views.programme_import, name="programme-import"),
    path(
        "<slug:slug>/attendees.<str:fmt>",
        views.programme_attendees_export,
        name="programme-attendees",
    ),
    path(
        "<slug:slug>/questionnaire/",
        views.questionnaire_summary,
        name="questionnaire-summary",
    ),
    path(
        "<slug:slug>/questionnaire/<int:session_id>/",
        views.questionnaire_summary,
        name="questionnaire-session-summary",
    ),
]
