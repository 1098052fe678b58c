from django.urls import path

from . import views

app_name = "casestudies"

urlpatterns = [
    path("", views.casestudy_list, name="casestudy-list"),
    path("new/", views.casestudy_edit, name="casestudy-create"),
    path("<int:pk>/", views.casestudy_detail, name="casestudy-detail"),
    path("<int:pk>/edit/", views.casestudy_edit, name="casestudy-edit"),
    path("reads/", views.casestudy_reads, name="casestudy-reads"),
    path("<int:pk>/reads/", views.casestudy_reads, name="casestudy-reads-one"),
]
