from django.db import migrations

from kitakyushu_pf.roles import grant_permissions

MODELS = ("councilmeeting", "membershipapplication")


def grant(apps, schema_editor):
    every = [
        f"{action}_{model}" for model in MODELS for action in ("add", "change", "delete", "view")
    ]
    grant_permissions(apps, group="secretariat", app_label="members", codenames=every)
    # Members read the meeting notes; applications hold outsiders' contact details, so they
    # stay with the secretariat.
    grant_permissions(apps, group="member", app_label="members", codenames=["view_councilmeeting"])


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0004_meetings_applications_address"),
        ("kitakyushu_pf", "0001_roles"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
