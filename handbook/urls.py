from django.urls import path

from . import views

app_name = "handbook"

urlpatterns = [
    path("", views.home, name="home"),
    path("c/<slug:slug>/", views.category_detail, name="category-detail"),
    path("results/", views.results, name="results"),
    path("s/", views.scheme_list, name="scheme-list"),
    path("s/<slug:slug>/", views.scheme_detail, name="scheme-detail"),
    path("report/<int:pk>/", views.report, name="report-create"),
    path("report/thanks/", views.report_thanks, name="report-thanks"),
    path("tap", views.tap, name="tap"),
    path("api/search", views.api_search, name="api-search"),
    path("api/services", views.api_services, name="api-services"),
    path("api/hsds/services", views.hsds_services, name="hsds-services"),
    path("api/hsds/organizations", views.hsds_organizations, name="hsds-organizations"),
    path("api/hsds/taxonomy", views.hsds_taxonomy, name="hsds-taxonomy"),
    path("api/openapi.json", views.openapi, name="openapi"),
    path("staff/", views.staff_dashboard, name="staff-dashboard"),
    path("staff/usage.csv", views.staff_usage_csv, name="staff-usage-csv"),
    path("bench-baseline", views.bench_baseline, name="bench-baseline"),
]
