from django.db import migrations

from kitakyushu_pf.roles import grant_permissions

MODELS = ("programme", "session", "registration", "questionnaireanswer")


def forwards(apps, schema_editor):
    grant_permissions(
        apps,
        group="secretariat",
        app_label="trainings",
        codenames=[f"{a}_{m}" for m in MODELS for a in ("add", "change", "view", "delete")],
    )


class Migration(migrations.Migration):
    dependencies = [("trainings", "0001_initial"), ("kitakyushu_pf", "0001_roles")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
