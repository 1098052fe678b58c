from django.db import migrations

from kitakyushu_pf.roles import grant_permissions

MODELS = ("fieldofsupport", "ward", "organisation", "person")


def grant(apps, schema_editor):
    every = [
        f"{action}_{model}" for model in MODELS for action in ("add", "change", "delete", "view")
    ]
    grant_permissions(apps, group="secretariat", app_label="members", codenames=every)
    grant_permissions(
        apps,
        group="member",
        app_label="members",
        codenames=[f"view_{model}" for model in MODELS],
    )


class Migration(migrations.Migration):
    dependencies = [("members", "0002_taxonomy_and_wards"), ("kitakyushu_pf", "0001_roles")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
