"""Every programme gets the questionnaire's default five questions; existing answers become
answers per question (the fixed fields are removed in 0009).

The texts are those of ``trainings.services.DEFAULT_QUESTIONS`` in Japanese at the time of this
migration (a migration must not change when the code does).
"""

from django.db import migrations

from kitakyushu_pf.roles import grant_permissions

DEFAULTS = [
    ("scale", "満足度（1＝まったく満足していない、5＝とても満足）", "満足度（1〜5）", "", True),
    (
        "scale",
        "今後の支援への役立ち度（1＝まったく役立たない、5＝とても役立つ）",
        "業務への有用性（1〜5）",
        "",
        True,
    ),
    (
        "choice",
        "定期的に開催された場合、参加したいですか？",
        "定例会への参加",
        "参加したい\n内容による\n参加しない",
        True,
    ),
    ("text", "今後取り上げてほしいテーマ", "希望するテーマ", "", False),
    ("text", "ご意見・ご感想", "感想", "", False),
]
JOIN_REGULAR = {"yes": "参加したい", "maybe": "内容による", "no": "参加しない"}


def forwards(apps, schema_editor):
    Programme = apps.get_model("trainings", "Programme")
    Question = apps.get_model("trainings", "Question")
    QuestionnaireAnswer = apps.get_model("trainings", "QuestionnaireAnswer")
    Item = apps.get_model("trainings", "QuestionnaireAnswerItem")
    for programme in Programme.objects.filter(questions__isnull=True).order_by("pk"):
        questions = [
            Question.objects.create(
                programme=programme,
                order=order,
                kind=kind,
                label=label,
                heading=heading,
                choices=choices,
                required=required,
            )
            for order, (kind, label, heading, choices, required) in enumerate(DEFAULTS, start=1)
        ]
        answers = QuestionnaireAnswer.objects.filter(
            registration__session__programme=programme, items__isnull=True
        ).order_by("pk")
        items = []
        for answer in answers.iterator(chunk_size=500):
            satisfaction, usefulness, join, topics, comment = questions
            items.append(Item(answer=answer, question=satisfaction, number=answer.satisfaction))
            items.append(Item(answer=answer, question=usefulness, number=answer.usefulness))
            items.append(
                Item(
                    answer=answer,
                    question=join,
                    text=JOIN_REGULAR.get(answer.join_regular, answer.join_regular),
                )
            )
            if answer.topics_wanted.strip():
                items.append(Item(answer=answer, question=topics, text=answer.topics_wanted))
            if answer.comment.strip():
                items.append(Item(answer=answer, question=comment, text=answer.comment))
        Item.objects.bulk_create(items, batch_size=500)
    grant_permissions(
        apps,
        group="secretariat",
        app_label="trainings",
        codenames=[
            *(f"{a}_question" for a in ("add", "change", "view", "delete")),
            "view_questionnaireansweritem",
        ],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("trainings", "0007_questionnaire_questions"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
