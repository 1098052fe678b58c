from django.urls import path

from . import views

app_name = "handbook"
L = views.in_language  # ?lang= (else Accept-Language) on every citizen page and API

urlpatterns = [
    path("", L(views.home), name="home"),
    path("c/<slug:slug>/", L(views.category_detail), name="category-detail"),
    path("results/", L(views.results), name="results"),
    path("s/", L(views.scheme_list), name="scheme-list"),
    path("s/<slug:slug>/", L(views.scheme_detail), name="scheme-detail"),
    path("report/<int:pk>/", L(views.report), name="report-create"),
    path("report/thanks/", L(views.report_thanks), name="report-thanks"),
    path("tap", views.tap, name="tap"),
    path("api/search", L(views.api_search), name="api-search"),
    path("api/services", L(views.api_services), name="api-services"),
    path("api/hsds/services", L(views.hsds_services), name="hsds-services"),
    path("api/hsds/organizations", L(views.hsds_organizations), name="hsds-organizations"),
    path("api/hsds/taxonomy", L(views.hsds_taxonomy), name="hsds-taxonomy"),
    path("api/openapi.json", views.openapi, name="openapi"),
    path("staff/", views.staff_dashboard, name="staff-dashboard"),
    path("staff/usage.csv", views.staff_usage_csv, name="staff-usage-csv"),
    path("bench-baseline", views.bench_baseline, name="bench-baseline"),
]
