from django.urls import path

from . import answer_views

urlpatterns = [
    path("", answer_views.answer_start, name="answer-start"),
    path("thanks/", answer_views.answer_thanks, name="answer-thanks"),
    path("<str:code>/", answer_views.answer_page, name="answer-page"),
]
