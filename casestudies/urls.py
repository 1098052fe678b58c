from django.urls import path

from . import views

app_name = "casestudies"

urlpatterns = [
    path("", views.index, name="casestudy-list"),
]
