"""The questionnaire's questions, editable per programme (today's five as the default)."""

import csv
import io
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db.models import RestrictedError
from django.db.models.fields.files import FieldFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from trainings import links
from trainings.models import Question, QuestionnaireAnswer, Registration, Session
from trainings.services import (
    Applicant,
    questionnaire_answer_submit,
    questionnaire_questions_ensure,
    registrations_create,
)

from .factories import ProgrammeFactory, SessionFactory

pytestmark = pytest.mark.django_db

DEFAULT_LABELS = [
    "満足度（1＝まったく満足していない、5＝とても満足）",
    "今後の支援への役立ち度（1＝まったく役立たない、5＝とても役立つ）",
    "定期的に開催された場合、参加したいですか？",
    "今後取り上げてほしいテーマ",
    "ご意見・ご感想",
]


def place(session: Session, i: int = 1) -> Registration:
    return registrations_create(
        session_ids=[session.pk],
        applicant=Applicant(name=f"見本 {i}", email=f"q{i}@example.jp"),
        enforce_cutoff=False,  # some tests place people in lectures already held
    )[0]


def questionnaire_url(registration: Registration) -> str:
    link = links.questionnaire_link_ensure(registration=registration)
    return reverse("trainings:questionnaire", args=[links.link_token(link)])


def by_label(questions: list[Question], *values: Any) -> dict[int, Any]:
    return {q.pk: v for q, v in zip(questions, values, strict=False)}


def test_every_programme_gets_the_default_five_questions_once() -> None:
    programme = ProgrammeFactory()
    questions = questionnaire_questions_ensure(programme=programme)
    assert [q.label for q in questions] == DEFAULT_LABELS
    assert [q.kind for q in questions] == ["scale", "scale", "choice", "text", "text"]
    assert [q.required for q in questions] == [True, True, True, False, False]
    assert questions[2].choice_list() == ["参加したい", "内容による", "参加しない"]
    assert [q.title for q in questions] == [
        "満足度（1〜5）",
        "業務への有用性（1〜5）",
        "定例会への参加",
        "希望するテーマ",
        "感想",
    ]
    again = questionnaire_questions_ensure(programme=programme)
    assert [q.pk for q in again] == [q.pk for q in questions]
    assert Question.objects.filter(programme=programme).count() == 5


def test_the_public_form_follows_the_programmes_questions(client: Client) -> None:
    session = SessionFactory()
    programme = session.programme
    Question.objects.create(
        programme=programme,
        order=1,
        kind="choice",
        label="会場はいかがでしたか",
        choices="良い\n普通",
    )
    Question.objects.create(programme=programme, order=2, kind="scale", label="講師の話は？")
    Question.objects.create(
        programme=programme, order=3, kind="text", label="一言どうぞ", required=False
    )
    registration = place(session)
    url = questionnaire_url(registration)
    page = client.get(url).content.decode()
    assert "会場はいかがでしたか" in page and "講師の話は？" in page and "一言どうぞ" in page
    assert "満足度" not in page  # the default five are not added to edited questions
    questions = list(programme.questions.order_by("order"))
    missing = client.post(url, {f"q{questions[0].pk}": "良い"})
    assert missing.status_code == 200 and not QuestionnaireAnswer.objects.exists()
    data = {f"q{questions[0].pk}": "良い", f"q{questions[1].pk}": "4", f"q{questions[2].pk}": ""}
    assert client.post(url, data).status_code == 302
    answer = QuestionnaireAnswer.objects.get(registration=registration)
    assert answer.by_question() == {questions[0].pk: "良い", questions[1].pk: 4}


def test_answers_are_checked_against_the_questions() -> None:
    session = SessionFactory()
    questions = questionnaire_questions_ensure(programme=session.programme)
    registration = place(session)
    for bad in (
        by_label(questions, 6, 4, "参加したい"),  # outside 1–5
        by_label(questions, 5, 4, "たぶん"),  # not one of the choices
        by_label(questions, 5),  # required questions left out
    ):
        with pytest.raises(ValidationError):
            questionnaire_answer_submit(registration_id=registration.pk, answers=bad)
    assert not QuestionnaireAnswer.objects.exists()


def test_summary_and_exports_follow_the_programmes_questions(
    secretariat_client: Client,
) -> None:
    session = SessionFactory(theme="講義X", date=date(2026, 3, 2))
    programme = session.programme
    venue = Question.objects.create(
        programme=programme,
        order=1,
        kind="choice",
        label="会場は？",
        heading="会場",
        choices="良い\n普通",
    )
    talk = Question.objects.create(programme=programme, order=2, kind="scale", label="講師は？")
    for i, (choice, score) in enumerate([("良い", 5), ("良い", 3), ("普通", 4)]):
        questionnaire_answer_submit(
            registration_id=place(session, i).pk, answers={venue.pk: choice, talk.pk: score}
        )
    page = secretariat_client.get(reverse("trainings:questionnaire-summary", args=[programme.slug]))
    summary = page.context["summary"]
    assert summary.count == 3
    venue_summary, talk_summary = summary.questions
    assert venue_summary.counts == [("良い", 2), ("普通", 1)]
    assert talk_summary.mean == 4 and talk_summary.counts[2:] == [("3", 1), ("4", 1), ("5", 1)]
    assert page.context["chart"]["series"] == [{"label": "講師は？", "data": [0, 0, 1, 1, 1]}]
    body = page.content.decode()
    assert "会場" in body and "講師は？" in body
    csv_body = secretariat_client.get(
        reverse("trainings:questionnaire-export", args=[programme.slug, "csv"])
    ).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(csv_body)))
    assert rows[0] == ["講座番号", "講座", "日付", "会場", "講師は？", "回答日時"]
    assert sorted(r[3] + r[4] for r in rows[1:]) == ["普通4", "良い3", "良い5"]
    xlsx = secretariat_client.get(
        reverse("trainings:questionnaire-export", args=[programme.slug, "xlsx"])
    )
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == [f"{session.number} 講義X"]
    sheet = book.active
    assert sheet.cell(2, 3).is_date and sheet.cell(2, 3).value.date() == date(2026, 3, 2)
    assert sheet.cell(2, 5).value in (3, 4, 5) and sheet.cell(2, 6).is_date


def test_an_answered_question_cannot_be_deleted_or_change_its_kind() -> None:
    session = SessionFactory()
    questions = questionnaire_questions_ensure(programme=session.programme)
    questionnaire_answer_submit(
        registration_id=place(session).pk, answers=by_label(questions, 5, 4, "参加したい")
    )
    with pytest.raises(RestrictedError):
        questions[0].delete()
    questions[0].kind = "text"
    with pytest.raises(ValidationError):
        questions[0].full_clean()
    session.programme.delete()  # the whole programme still can be


def admin_post_data(response: Any) -> dict[str, Any]:
    """What the admin change form would send back unchanged (main form and every inline)."""
    data: dict[str, Any] = {}

    def add(form: Any) -> None:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False or (isinstance(value, FieldFile) and not value):
                continue
            data[form.add_prefix(name)] = "on" if value is True else value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


def test_the_secretariat_edits_the_questions_in_the_admin(
    secretariat_client: Client, client: Client
) -> None:
    session = SessionFactory()
    programme = session.programme
    url = reverse("admin:trainings_programme_change", args=[programme.pk])
    page = secretariat_client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert DEFAULT_LABELS[0] in body  # the default five, ready to edit
    data = admin_post_data(page)
    prefix = next(
        i.formset.prefix
        for i in page.context["inline_admin_formsets"]
        if i.formset.model is Question
    )
    first = programme.questions.order_by("order").first()
    assert first is not None
    index = next(n for n in range(5) if str(data.get(f"{prefix}-{n}-id")) == str(first.pk))
    data[f"{prefix}-{index}-label"] = "全体として満足しましたか"
    data[f"{prefix}-TOTAL_FORMS"] = "6"
    data.update(
        {
            f"{prefix}-5-order": "6",
            f"{prefix}-5-kind": "text",
            f"{prefix}-5-label": "次回の希望日",
            f"{prefix}-5-programme": programme.pk,
        }
    )
    saved = secretariat_client.post(url, data)
    assert saved.status_code == 302, saved.context["errors"] if saved.context else saved
    labels = list(programme.questions.order_by("order").values_list("label", flat=True))
    assert labels[0] == "全体として満足しましたか" and labels[-1] == "次回の希望日"
    form = client.get(questionnaire_url(place(session))).content.decode()
    assert "全体として満足しましたか" in form and "次回の希望日" in form


def test_a_new_programme_made_in_the_admin_starts_with_the_default_questions(
    secretariat_client: Client,
) -> None:
    add = secretariat_client.get(reverse("admin:trainings_programme_add"))
    data = admin_post_data(add)
    data.update(
        {
            "slug": "new-programme",
            "title": "新しい研修会",
            "application_opens_on": "2026-04-01",
            "application_closes_on": "2026-04-30",
        }
    )
    response = secretariat_client.post(reverse("admin:trainings_programme_add"), data)
    assert response.status_code == 302
    programme = ProgrammeFactory._meta.model.objects.get(slug="new-programme")
    labels = list(programme.questions.order_by("order").values_list("label", flat=True))
    assert labels == DEFAULT_LABELS


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_programmes_the_five_and_keeps_their_answers() -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.utils import timezone

    before = [("trainings", "0007_questionnaire_questions")]
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes("trainings")
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    programme = old.get_model("trainings", "Programme").objects.create(
        slug="old", title="昔の研修会", application_opens_on=date(2023, 1, 4),
        application_closes_on=date(2023, 1, 20),
    )  # fmt: skip
    session = old.get_model("trainings", "Session").objects.create(
        programme=programme, number=1, date=date(2023, 2, 1), start="10:00", end="12:00",
        theme="傾聴の基本",
    )  # fmt: skip
    registration = old.get_model("trainings", "Registration").objects.create(
        session=session, name="", state="attended", created_at=timezone.now()
    )
    old.get_model("trainings", "QuestionnaireAnswer").objects.create(
        registration=registration, satisfaction=4, usefulness=5, join_regular="maybe",
        topics_wanted="", comment="また参加したい",
    )  # fmt: skip
    executor = MigrationExecutor(connection)
    executor.migrate(latest)
    answer = QuestionnaireAnswer.objects.get(registration_id=registration.pk)
    questions = list(Question.objects.filter(programme_id=programme.pk).order_by("order"))
    assert [q.label for q in questions] == DEFAULT_LABELS
    assert answer.by_question() == {
        questions[0].pk: 4,
        questions[1].pk: 5,
        questions[2].pk: "内容による",
        questions[4].pk: "また参加したい",
    }


def test_the_admin_refuses_to_delete_an_answered_question(secretariat_client: Client) -> None:
    session = SessionFactory()
    programme = session.programme
    questions = questionnaire_questions_ensure(programme=programme)
    questionnaire_answer_submit(
        registration_id=place(session).pk, answers=by_label(questions, 5, 4, "参加したい")
    )
    url = reverse("admin:trainings_programme_change", args=[programme.pk])
    page = secretariat_client.get(url)
    data = admin_post_data(page)
    prefix = next(
        i.formset.prefix
        for i in page.context["inline_admin_formsets"]
        if i.formset.model is Question
    )
    index = next(n for n in range(5) if str(data.get(f"{prefix}-{n}-id")) == str(questions[0].pk))
    data[f"{prefix}-{index}-DELETE"] = "on"
    response = secretariat_client.post(url, data)
    assert response.status_code == 200  # the form again, with the reason
    assert "保護された関連オブジェクト" in response.content.decode()
    assert Question.objects.filter(pk=questions[0].pk).exists()
