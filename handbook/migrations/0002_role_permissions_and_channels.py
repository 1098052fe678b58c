from django.db import migrations

from kitakyushu_pf.roles import grant_permissions

CONTENT = ("category", "worry", "service", "openinghours", "channel", "wrongentryreport")
CHANNELS = [
    ("qr", "QRコード（チラシ・ノベルティ）"),
    ("flyer", "チラシ"),
    ("ad", "検索広告"),
    ("sns", "SNS"),
]


def forwards(apps, schema_editor):
    codenames = [f"{a}_{m}" for m in CONTENT for a in ("add", "change", "delete", "view")]
    codenames.append("view_usagedaily")
    grant_permissions(apps, group="secretariat", app_label="handbook", codenames=codenames)
    Channel = apps.get_model("handbook", "Channel")
    for code, name in CHANNELS:
        Channel.objects.update_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("handbook", "0001_initial"), ("kitakyushu_pf", "0001_roles")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
