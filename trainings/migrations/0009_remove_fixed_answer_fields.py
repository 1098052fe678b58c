from django.db import migrations


class Migration(migrations.Migration):
    """The fixed answer fields, now kept as answers per question (0008)."""

    dependencies = [
        ("trainings", "0008_default_questions"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="questionnaireanswer",
            name="qa_satisfaction_1_5",
        ),
        migrations.RemoveConstraint(
            model_name="questionnaireanswer",
            name="qa_usefulness_1_5",
        ),
        migrations.RemoveField(
            model_name="questionnaireanswer",
            name="comment",
        ),
        migrations.RemoveField(
            model_name="questionnaireanswer",
            name="join_regular",
        ),
        migrations.RemoveField(
            model_name="questionnaireanswer",
            name="satisfaction",
        ),
        migrations.RemoveField(
            model_name="questionnaireanswer",
            name="topics_wanted",
        ),
        migrations.RemoveField(
            model_name="questionnaireanswer",
            name="usefulness",
        ),
    ]
