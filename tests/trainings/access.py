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
    "trainings/link/": public("/trainings/link/", note="resend form, same answer for any address"),
    "trainings/me/<str:token>/": public("/trainings/me/{me_token}/", note="mailed link"),
    "trainings/me/<str:token>/certificate/<int:registration_id>.pdf": public(
        "/trainings/me/{me_token}/certificate/{attended}.pdf", note="mailed link"
    ),
    "trainings/q/<str:token>/": public("/trainings/q/{questionnaire_token}/", note="mailed link"),
    "trainings/confirm/<str:token>/": public(
        "/trainings/confirm/{confirm_token}/", note="mailed link of a held seat"
    ),
    "trainings/<slug:slug>/certificates.pdf": roles_only(
        "/trainings/{programme}/certificates.pdf", SEC
    ),
    "trainings/<slug:slug>/questionnaire/answers.<str:fmt>": roles_only(
        "/trainings/{programme}/questionnaire/answers.csv", SEC
    ),
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
    from datetime import timedelta

    from django.utils import timezone

    from tests.trainings.factories import RegistrationFactory, SessionFactory
    from trainings import links, services

    session = SessionFactory()
    registration = RegistrationFactory(session=session)
    attended = RegistrationFactory(
        session=SessionFactory(programme=session.programme),
        email=registration.email,
        state="attended",
    )
    me_link = links.me_link_ensure(email=registration.email, programme=session.programme)
    q_link = links.questionnaire_link_ensure(registration=registration)
    held = RegistrationFactory(
        session=session, state="pending", hold_expires_at=timezone.now() + timedelta(hours=1)
    )
    confirm_link = links.confirm_link_ensure(registration=held)
    return {
        "programme": session.programme.slug,
        "session": session.pk,
        "result_token": services.result_token_make(
            programme_id=session.programme_id, session_ids=[session.pk]
        ),
        "me_token": links.link_token(me_link),
        "attended": attended.pk,
        "questionnaire_token": links.link_token(q_link),
        "confirm_token": links.link_token(confirm_link),
        "checkin_token": registration.checkin_token,
    }
