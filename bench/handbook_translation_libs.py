# ruff: noqa: DJ008
"""Which model-translation library for the handbook: django-modeltranslation vs django-parler.

Standalone (its own in-memory SQLite, not the portal's settings): the same three-table catalogue
shape as the handbook (categories → worries ↔ windows; 12 / 120 / 150 rows, five translated
languages) with each library, then the reads a page needs in English:

- category page: one category and its worries' texts;
- results: the windows of three worries with their six translated fields;
- snapshot: every category, worry and window with every language (what the handbook builds once
  per content version and serves all pages from).

Prints queries and the median time of each read over --rounds. Run:
    .venv/bin/python bench/handbook_translation_libs.py [--rounds 50]
"""

from __future__ import annotations

import argparse
import statistics
import time

import django
from django.conf import settings

LANGS = ("ja", "easy", "en", "zh-hans", "ko", "vi")
settings.configure(
    DEBUG=True,
    INSTALLED_APPS=["django.contrib.contenttypes", "modeltranslation", "parler"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    LANGUAGES=[(code, code) for code in LANGS],
    LANGUAGE_CODE="ja",
    MODELTRANSLATION_LANGUAGES=LANGS,
    MODELTRANSLATION_DEFAULT_LANGUAGE="ja",
    PARLER_LANGUAGES={None: tuple({"code": c} for c in LANGS)},
    USE_I18N=True,
    DEFAULT_AUTO_FIELD="django.db.models.AutoField",
)
django.setup()

from django.db import connection, models  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from modeltranslation.translator import TranslationOptions, translator  # noqa: E402
from parler.models import TranslatableModel, TranslatedFields  # noqa: E402

SERVICE_FIELDS = ("name", "description", "target", "what_to_expect", "hours_note", "cost")


class MCategory(models.Model):
    name = models.CharField(max_length=40)
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        app_label = "contenttypes"


class MWorry(models.Model):
    category = models.ForeignKey(MCategory, on_delete=models.CASCADE, related_name="worries")
    text = models.CharField(max_length=120)
    keywords = models.TextField(blank=True)

    class Meta:
        app_label = "contenttypes"


class MService(models.Model):
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    target = models.CharField(max_length=300, blank=True)
    what_to_expect = models.TextField(blank=True)
    hours_note = models.CharField(max_length=300, blank=True)
    cost = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    worries = models.ManyToManyField(MWorry, related_name="services")

    class Meta:
        app_label = "contenttypes"


class _C(TranslationOptions):
    fields = ("name", "description")


class _W(TranslationOptions):
    fields = ("text", "keywords")


class _S(TranslationOptions):
    fields = SERVICE_FIELDS


translator.register(MCategory, _C)
translator.register(MWorry, _W)
translator.register(MService, _S)


class PCategory(TranslatableModel):
    translations = TranslatedFields(
        name=models.CharField(max_length=40),
        description=models.CharField(max_length=200, blank=True),
        checked_on=models.DateField(null=True),
    )

    class Meta:
        app_label = "contenttypes"


class PWorry(TranslatableModel):
    category = models.ForeignKey(PCategory, on_delete=models.CASCADE, related_name="worries")
    translations = TranslatedFields(
        text=models.CharField(max_length=120),
        keywords=models.TextField(blank=True),
        checked_on=models.DateField(null=True),
    )

    class Meta:
        app_label = "contenttypes"


class PService(TranslatableModel):
    phone = models.CharField(max_length=30, blank=True)
    worries = models.ManyToManyField(PWorry, related_name="services")
    translations = TranslatedFields(
        **{f: models.TextField(blank=True) for f in SERVICE_FIELDS},
        checked_on=models.DateField(null=True),
    )

    class Meta:
        app_label = "contenttypes"


def create_tables() -> None:
    from django.apps import apps

    with connection.schema_editor() as editor:
        for model in apps.get_app_config("contenttypes").get_models():
            if model.__name__.startswith(("M", "P")) and model._meta.app_label == "contenttypes":
                editor.create_model(model)


def fill() -> None:
    for c in range(12):
        mc = MCategory.objects.create(
            **{f"name_{lang.replace('-', '_')}": f"c{c}{lang}" for lang in LANGS}
        )
        pc = PCategory.objects.create()
        for lang in LANGS:
            pc.set_current_language(lang)
            pc.name = f"c{c}{lang}"
            pc.description = "d"
        pc.save()
        for w in range(10):
            MWorry.objects.create(
                category=mc,
                **{f"text_{lang.replace('-', '_')}": f"w{c}.{w}{lang}" for lang in LANGS},
            )
            pw = PWorry(category=pc)
            for lang in LANGS:
                pw.set_current_language(lang)
                pw.text = f"w{c}.{w}{lang}"
            pw.save()
    m_worries, p_worries = list(MWorry.objects.all()), list(PWorry.objects.all())
    for s in range(150):
        ms = MService.objects.create(
            phone="093",
            **{
                f"{f}_{lang.replace('-', '_')}": f"{f}{s}{lang}"
                for f in SERVICE_FIELDS
                for lang in LANGS
            },
        )
        ms.worries.set(m_worries[s % 120 : s % 120 + 3])
        ps = PService(phone="093")
        for lang in LANGS:
            ps.set_current_language(lang)
            for f in SERVICE_FIELDS:
                setattr(ps, f, f"{f}{s}{lang}")
        ps.save()
        ps.worries.set(p_worries[s % 120 : s % 120 + 3])


def m_category() -> list[str]:
    c = MCategory.objects.get(pk=3)
    return [c.name_en, *(w.text_en for w in c.worries.all())]


def p_category() -> list[str]:
    c = PCategory.objects.language("en").prefetch_related("translations").get(pk=3)
    worries = PWorry.objects.language("en").filter(category=c).prefetch_related("translations")
    return [c.safe_translation_getter("name", language_code="en"),
            *(w.safe_translation_getter("text", language_code="en") for w in worries)]  # fmt: skip


def m_results() -> list[str]:
    qs = MService.objects.filter(worries__in=[5, 6, 7]).distinct()
    return [getattr(s, f"{f}_en") for s in qs for f in SERVICE_FIELDS]


def p_results() -> list[str]:
    qs = PService.objects.filter(worries__in=[5, 6, 7]).distinct().prefetch_related("translations")
    return [s.safe_translation_getter(f, language_code="en") for s in qs for f in SERVICE_FIELDS]


def m_snapshot() -> int:
    n = 0
    for model in (MCategory, MWorry, MService):
        for obj in model.objects.all():
            n += len(obj.__dict__)
    return n


def p_snapshot() -> int:
    n = 0
    for model in (PCategory, PWorry, PService):
        for obj in model.objects.prefetch_related("translations"):
            n += sum(1 for _t in obj.translations.all())
    return n


def measure(fn, rounds: int) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        fn()
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return len(ctx.captured_queries), statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    create_tables()
    fill()
    print(f"{'read':<14}{'library':<20}{'queries':>8}{'median ms':>11}")
    for name, m, p in (
        ("category page", m_category, p_category),
        ("results", m_results, p_results),
        ("snapshot", m_snapshot, p_snapshot),
    ):
        for lib, fn in (("modeltranslation", m), ("parler", p)):
            q, ms = measure(fn, args.rounds)
            print(f"{name:<14}{lib:<20}{q:>8}{ms:>11.2f}")


if __name__ == "__main__":
    main()
