from django.db import migrations

from kitakyushu_pf.roles import grant_permissions


def forwards(apps, schema_editor):
    grant_permissions(
        apps,
        group="secretariat",
        app_label="casestudies",
        codenames=[
            f"{a}_{m}"
            for m in ("casestudy", "pathwaystep")
            for a in ("add", "change", "view", "delete")
        ],
    )


class Migration(migrations.Migration):
    dependencies = [("casestudies", "0001_initial"), ("kitakyushu_pf", "0001_roles")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
