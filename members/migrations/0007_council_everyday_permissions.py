from django.db import migrations

from kitakyushu_pf.roles import grant_permissions

MODELS = (
    "invitation",
    "windowproposal",
    "newspost",
    "newsattachment",
    "newsquestion",
    "poll",
    "pollchoice",
    "pollvote",
    "meetingrsvp",
)


def grant(apps, schema_editor):
    every = [
        f"{action}_{model}" for model in MODELS for action in ("add", "change", "delete", "view")
    ]
    grant_permissions(apps, group="secretariat", app_label="members", codenames=every)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0006_council_everyday"),
        ("kitakyushu_pf", "0001_roles"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
