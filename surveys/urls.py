from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("", views.dataset_list, name="dataset-list"),
    path("new/", views.dataset_create, name="dataset-create"),
    path("d/<uuid:pk>/", views.dataset_detail, name="dataset-detail"),
    path("d/<uuid:pk>/upload/", views.file_upload, name="file-upload"),
    path("d/<uuid:pk>/margins/", views.dataset_margins, name="dataset-margins"),
    path("d/<uuid:pk>/microdata/", views.microdata_view, name="microdata-view"),
    path("d/<uuid:pk>/microdata/<str:fmt>/", views.microdata_export, name="microdata-export"),
    path("d/<uuid:pk>/report/", views.report_build, name="report-build"),
    path("d/<uuid:pk>/report/<str:mode>/", views.report_detail, name="report-detail"),
    path(
        "d/<uuid:pk>/report/<str:mode>/download/<str:fmt>/",
        views.report_download,
        name="report-download",
    ),
    path("d/<uuid:pk>/share/", views.report_share, name="report-share"),
    path("shared/", views.shared_list, name="shared-list"),
    path("shared/<uuid:pk>/download/", views.shared_download, name="shared-download"),
    path("f/<uuid:pk>/", views.file_detail, name="file-detail"),
    path("f/<uuid:pk>/problems.csv", views.file_problems, name="file-problems"),
    path("jobs/<uuid:pk>/status/", views.job_status, name="job-status"),
    path("national/", views.national_list, name="national-list"),
    path("audit/", views.audit_log, name="audit-log"),
    path(
        "instruments/<slug:slug>/template/", views.instrument_template, name="instrument-template"
    ),
]
