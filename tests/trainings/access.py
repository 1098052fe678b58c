"""Access table for the trainings app (see tests/access/__init__.py)."""

from typing import Any

from tests.access import public, roles_only

SEC = "secretariat"

ENTRIES = {
    "trainings/": public("/trainings/"),
    "trainings/<slug:slug>/": public("/trainings/{programme}/"),
    "trainings/<slug:slug>/register/": public("/trainings/{programme}/register/"),
    "trainings/<slug:slug>/done/<str:token>/": public(
        "/trainings/{programme}/done/{result_token}/", note="signed link, no account"
    ),
    "trainings/me/<str:token>/": public("/trainings/me/{me_token}/", note="signed link"),
    "trainings/q/<str:token>/": public("/trainings/q/{questionnaire_token}/", note="signed link"),
    "trainings/<slug:slug>/manage/": roles_only("/trainings/{programme}/manage/", SEC),
    "trainings/<slug:slug>/import/": roles_only("/trainings/{programme}/import/", SEC),
    "trainings/<slug:slug>/attendees.<str:fmt>": roles_only(
        "/trainings/{programme}/attendees.csv", SEC
    ),
    "trainings/<slug:slug>/questionnaire/": roles_only(
        "/trainings/{programme}/questionnaire/", SEC
    ),
    "trainings/<slug:slug>/questionnaire/<int:session_id>/": roles_only(
        "/trainings/{programme}/questionnaire/{session}/", SEC
    ),
    "trainings/checkin/<int:session_id>/": roles_only("/trainings/checkin/{session}/", SEC),
    "trainings/checkin/<int:session_id>/r/<uuid:token>/": roles_only(
        "/trainings/checkin/{session}/r/{checkin_token}/", SEC
    ),
    "trainings/session/<int:session_id>/attendees.<str:fmt>": roles_only(
        "/trainings/session/{session}/attendees.xlsx", SEC
    ),
}


def setup() -> dict[str, Any]:
    from tests.trainings.factories import RegistrationFactory, SessionFactory
    from trainings import services

    session = SessionFactory()
    registration = RegistrationFactory(session=session)
    return {
        "programme": session.programme.slug,
        "session": session.pk,
        "result_token": services.result_token_make(registration_ids=[registration.pk]),
        "me_token": services.me_token_make(email=registration.email),
        "questionnaire_token": services.questionnaire_token_make(registration_id=registration.pk),
        "checkin_token": registration.checkin_token,
    }
