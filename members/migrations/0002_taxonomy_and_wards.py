from django.db import migrations

FIELDS = [
    ("poverty", "生活困窮"),
    ("homeless", "ホームレス"),
    ("children-youth", "子ども・若者"),
    ("hikikomori", "ひきこもり"),
    ("elderly-care", "高齢者・介護"),
    ("disability", "障がい"),
    ("employment", "就労"),
    ("housing", "居住"),
    ("women", "女性"),
    ("violence", "DV・暴力"),
    ("suicide-prevention", "自殺対策"),
    ("mental-health", "精神保健"),
    ("foreigners", "外国人"),
    ("food", "食支援"),
    ("family", "家族・子育て"),
    ("reentry", "更生支援"),
]

WARDS = [
    ("moji", "門司区"),
    ("kokurakita", "小倉北区"),
    ("kokuraminami", "小倉南区"),
    ("wakamatsu", "若松区"),
    ("yahatahigashi", "八幡東区"),
    ("yahatanishi", "八幡西区"),
    ("tobata", "戸畑区"),
]


def seed(apps, schema_editor):
    FieldOfSupport = apps.get_model("members", "FieldOfSupport")
    Ward = apps.get_model("members", "Ward")
    for order, (slug, name) in enumerate(FIELDS, start=1):
        FieldOfSupport.objects.update_or_create(slug=slug, defaults={"name": name, "order": order})
    for order, (code, name) in enumerate(WARDS, start=1):
        Ward.objects.update_or_create(code=code, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
