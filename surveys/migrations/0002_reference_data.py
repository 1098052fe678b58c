"""Ship the two instruments and the national reference figures, and give analysts the admin
permissions to view, add and correct national figures."""

import csv
from decimal import Decimal
from pathlib import Path

import yaml
from django.db import migrations

from kitakyushu_pf.roles import grant_permissions

APP_DIR = Path(__file__).resolve().parent.parent


def load(apps, schema_editor):
    Instrument = apps.get_model("surveys", "Instrument")
    Variable = apps.get_model("surveys", "Variable")
    NationalFigure = apps.get_model("surveys", "NationalFigure")
    for path in sorted((APP_DIR / "instruments").glob("*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        instrument, _ = Instrument.objects.update_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "survey": spec["survey"],
                "wave": spec["wave"],
                "spec": spec,
            },
        )
        for position, var in enumerate(spec["variables"], start=1):
            Variable.objects.update_or_create(
                instrument=instrument,
                name=var["name"],
                defaults={
                    "position": position,
                    "question": var.get("question", ""),
                    "type": var["type"],
                    "required": bool(var.get("required", False)),
                    "codes": {str(k): v for k, v in var.get("codes", {}).items()},
                    "rule": {k: var[k] for k in ("min", "max") if k in var},
                },
            )
        for position, rule in enumerate(spec.get("derived", []), start=100):
            Variable.objects.update_or_create(
                instrument=instrument,
                name=rule["name"],
                defaults={
                    "position": position,
                    "question": rule.get("question", ""),
                    "type": "derived",
                    "codes": {str(k): v for k, v in rule.get("codes", {}).items()},
                    "rule": {k: v for k, v in rule.items() if k not in ("name", "question")},
                },
            )
    if not NationalFigure.objects.exists():
        with open(APP_DIR / "data" / "national_reference.csv", encoding="utf-8-sig") as fh:
            for row in csv.DictReader(fh):
                NationalFigure.objects.create(
                    survey=row["survey"],
                    wave=row["wave"],
                    indicator=row["indicator"],
                    breakdown=row["breakdown"],
                    group=row["group"],
                    answer=row["answer"],
                    pct=Decimal(row["pct"]),
                    base_n=int(row["base_n"]) if row["base_n"] else None,
                    status=row["status"],
                    source=row["source"],
                )


def permissions(apps, schema_editor):
    grant_permissions(
        apps,
        group="analyst",
        app_label="surveys",
        codenames=[
            "view_nationalfigure",
            "add_nationalfigure",
            "change_nationalfigure",
            "view_instrument",
            "view_variable",
            "view_dataset",
            "view_reportjob",
        ],
    )
    grant_permissions(
        apps,
        group="secretariat",
        app_label="surveys",
        codenames=["view_auditlog", "view_dataset", "view_nationalfigure"],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0001_initial"),
        ("kitakyushu_pf", "0001_roles"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
        migrations.RunPython(permissions, migrations.RunPython.noop),
    ]
