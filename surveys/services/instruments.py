"""Instruments: questionnaire specifications (YAML) loaded as Instrument and Variable rows."""

from __future__ import annotations

from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Instrument, Variable
from ._common import INSTRUMENT_DIR

# --- Instruments ------------------------------------------------------------------------------


def instrument_spec_read(slug: str) -> dict[str, Any]:
    path = INSTRUMENT_DIR / f"{slug}.yaml"
    if not path.exists():
        raise ValidationError(_("There is no instrument %(slug)s.") % {"slug": slug})
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def instrument_load(*, slug: str) -> Instrument:
    """Load (or refresh) one instrument and its variables from its YAML file."""
    spec = instrument_spec_read(slug)
    with transaction.atomic():
        instrument, _created = Instrument.objects.update_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "survey": spec["survey"],
                "wave": spec["wave"],
                "spec": spec,
            },
        )
        names = []
        for position, var in enumerate(spec["variables"], start=1):
            names.append(var["name"])
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
            names.append(rule["name"])
            Variable.objects.update_or_create(
                instrument=instrument,
                name=rule["name"],
                defaults={
                    "position": position,
                    "question": rule.get("question", ""),
                    "type": Variable.Type.DERIVED,
                    "codes": {str(k): v for k, v in rule.get("codes", {}).items()},
                    "rule": {k: v for k, v in rule.items() if k not in ("name", "question")},
                },
            )
        instrument.variables.exclude(name__in=names).delete()
    return instrument


def instrument_load_all() -> list[Instrument]:
    return [instrument_load(slug=p.stem) for p in sorted(INSTRUMENT_DIR.glob("*.yaml"))]


def instrument_variables(instrument: Instrument) -> list[dict[str, Any]]:
    return [dict(v) for v in instrument.spec["variables"]]
