from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("", views.index, name="organisation-list"),
    path("org/<int:pk>/", views.index, name="organisation-detail"),
]
