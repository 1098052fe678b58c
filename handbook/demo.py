"""Demo content for the お悩みハンドブック: the sample windows (「サンプル」, no phone number) of
member NPOs. The catalogue itself (categories, worries, the verified windows' tags, hours and
crisis order) is data under handbook/data, loaded by ``manage.py handbook_load_catalogue``;
``seed_demo`` loads it first. Idempotent."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from .catalogue import catalogue_load, catalogue_read
from .languages import in_source_language
from .models import Category, OpeningHours, Service, Worry
from .services import contacts_load, content_changed, multilingual_load
from .translations_load import translations_load

SAMPLE_WEEKDAYS = [(d, dt.time(10), dt.time(16)) for d in range(5)]
# (name, description, tags, field slug of a member organisation to attach, hours, extra fields)
SAMPLES: list[tuple[str, str, tuple[str, ...], str, list[tuple[int, dt.time, dt.time]], dict]] = [
    (
        "フードバンク 食品の受け取り窓口",
        "食べる物に困っている人に、寄付された食品をお渡しします。",
        ("food", "money"),
        "food",
        [(1, dt.time(13), dt.time(17)), (4, dt.time(13), dt.time(17))],
        {"anonymous_ok": True, "cost": "無料"},
    ),
    (
        "子ども食堂 みんなのテーブル",
        "子どもも大人も一緒に食べられる食堂。ひとりでも来られます。",
        ("food", "child", "lonely", "community"),
        "children-youth",
        [(2, dt.time(17), dt.time(19)), (5, dt.time(11), dt.time(14))],
        {"cost": "子ども無料・大人300円", "age_max": 18},
    ),
    (
        "居場所カフェ ほっと",
        "予約なしで立ち寄れる居場所。話さずに過ごしても大丈夫です。",
        ("lonely", "community", "hikikomori"),
        "hikikomori",
        SAMPLE_WEEKDAYS,
        {"anonymous_ok": True, "cost": "無料"},
    ),
    (
        "就労体験・仕事探しの伴走",
        "長く働いていない人の仕事探しに、スタッフが付き添います。",
        ("work", "hikikomori"),
        "employment",
        SAMPLE_WEEKDAYS,
        {"age_min": 15, "age_max": 64, "cost": "無料"},
    ),
    (
        "住まい探しの相談（居住支援）",
        "保証人がいない、家賃が払えないなど、住まいの困りごとの相談。",
        ("housing", "homeless"),
        "housing",
        SAMPLE_WEEKDAYS,
        {"cost": "無料"},
    ),
    (
        "外国人のくらし相談（やさしい日本語）",
        "やさしい日本語・英語・ベトナム語で生活の相談ができます。",
        ("foreign",),
        "foreigners",
        [(5, dt.time(10), dt.time(15))],
        {"languages": "やさしい日本語・英語・ベトナム語", "cost": "無料"},
    ),
    (
        "介護する家族のつどい",
        "介護をしている家族同士で話し合える集まりです。",
        ("carer", "elderly", "lonely"),
        "elderly-care",
        [(3, dt.time(13, 30), dt.time(15, 30))],
        {"cost": "無料"},
    ),
    (
        "障がいのある人と家族の相談室",
        "福祉サービスの使い方、働くこと、将来のことを相談できます。",
        ("disability",),
        "disability",
        SAMPLE_WEEKDAYS,
        {"cost": "無料"},
    ),
    (
        "ひとり親家庭の応援窓口",
        "ひとり親の生活、仕事、子育ての相談と、食品の支援。",
        ("parenting", "money", "food"),
        "family",
        SAMPLE_WEEKDAYS,
        {"cost": "無料"},
    ),
    (
        "無料学習支援教室",
        "中学生・高校生の勉強を大学生ボランティアが見ます。",
        ("study", "child", "school"),
        "children-youth",
        [(1, dt.time(18), dt.time(20)), (3, dt.time(18), dt.time(20))],
        {"age_min": 12, "age_max": 18, "cost": "無料"},
    ),
    (
        "依存症の家族の会",
        "お酒・ギャンブルなどの問題を抱える家族の集まりです。",
        ("addiction",),
        "mental-health",
        [(5, dt.time(14), dt.time(16))],
        {"anonymous_ok": True, "cost": "無料"},
    ),
    (
        "傾聴ボランティアのおしゃべり会",
        "話を聞いてもらいたい人のための、ゆっくり話せる会。",
        ("lonely", "suicide_soft", "elderly"),
        "elderly-care",
        [(2, dt.time(10), dt.time(12))],
        {"anonymous_ok": True, "cost": "無料"},
    ),
    (
        "不登校の子の親の会",
        "不登校の子どもを持つ保護者同士で話せる会です。",
        ("school", "parenting"),
        "children-youth",
        [(5, dt.time(10), dt.time(12))],
        {"cost": "無料"},
    ),
    (
        "若者のLINE相談",
        "10代・20代のための文字での相談（LINE）。",
        ("youth", "child", "mind", "lonely"),
        "children-youth",
        [(d, dt.time(18), dt.time(22)) for d in range(7)],
        {
            "age_min": 13,
            "age_max": 29,
            "anonymous_ok": True,
            "chat": "LINE（サンプルのためアカウントはありません）",
            "cost": "無料",
        },
    ),
    (
        "ヤングケアラーの相談・交流",
        "家族の世話をしている子ども・若者の相談と交流。",
        ("carer", "youth"),
        "children-youth",
        [(5, dt.time(13), dt.time(16))],
        {"age_max": 29, "cost": "無料"},
    ),
    (
        "くらしの法律相談会",
        "借金、相続、離婚などを弁護士に無料で相談できます（予約制）。",
        ("legal", "debt"),
        "poverty",
        [(2, dt.time(13), dt.time(16))],
        {"cost": "無料（30分）"},
    ),
    (
        "性の多様性の相談",
        "性的マイノリティの本人と家族の相談。",
        ("lgbt",),
        "women",
        [(6, dt.time(14), dt.time(18))],
        {"anonymous_ok": True, "cost": "無料"},
    ),
    (
        "出所した人の生活再建の相談",
        "住まいと仕事の立て直しを一緒に考えます。",
        ("reentry", "housing", "work"),
        "reentry",
        SAMPLE_WEEKDAYS,
        {"cost": "無料"},
    ),
    (
        "病気と暮らしの相談（医療ソーシャルワーカー）",
        "病気や治療費、入院中の生活の相談。",
        ("health", "money"),
        "poverty",
        SAMPLE_WEEKDAYS,
        {"cost": "無料"},
    ),
    (
        "こころの不調の相談（保健師）",
        "眠れない・落ち込むなどの相談を保健師が受けます。",
        ("mind",),
        "mental-health",
        SAMPLE_WEEKDAYS,
        {"cost": "無料"},
    ),
]


def _provider_for(name: str):  # noqa: ANN202
    from members.models import Organisation

    for needle in ("抱樸", "いのちの電話", "社会福祉協議会"):
        if needle in name:
            return Organisation.objects.filter(name__contains=needle).order_by("pk").first()
    for ward in ("門司", "小倉北", "小倉南", "若松", "八幡東", "八幡西", "戸畑"):
        if name.startswith(ward):
            return (
                Organisation.objects.filter(name__contains=f"{ward}区役所").order_by("pk").first()
            )
    return None


def _sample_provider(field_slug: str):  # noqa: ANN202
    from members.models import Organisation

    return (
        Organisation.objects.filter(is_sample=True, fields__slug=field_slug).order_by("pk").first()
    )


@in_source_language
def seed_demo() -> str:
    """The catalogue (handbook/data, with the verified windows), then the sample windows."""
    contacts_load()
    report = catalogue_load()
    multilingual_load()
    catalogue = catalogue_read()
    tags_of = {w.key: set(w.tags) for w in catalogue.worries}

    for service in Service.objects.filter(is_sample=False).exclude(source_key=""):
        provider = _provider_for(service.source_key)
        if provider is not None and service.provider_id != provider.pk:
            service.provider = provider
            service.save(update_fields=["provider"])

    samples: list[tuple[Service, set[str]]] = []
    for name, description, tags, field_slug, rows, extra in SAMPLES:
        service, _ = Service.objects.update_or_create(
            name=f"{name}（サンプル）",
            is_sample=True,
            defaults={
                "description": description,
                "provider": _sample_provider(field_slug),
                "phone": "",
                "phone_status": Service.PhoneStatus.UNVERIFIED,
                "closed_on_holidays": True,
                "target": "デモ用のサンプルです。実在しない窓口です。",
                "last_checked": None,
                "is_active": True,
                **extra,
            },
        )
        service.hours.all().delete()
        OpeningHours.objects.bulk_create(
            OpeningHours(service=service, weekday=w, opens=o, closes=c) for w, o, c in rows
        )
        samples.append((service, set(tags)))

    for worry in Worry.objects.exclude(key=""):
        wanted = {s for s, tags in samples if tags & tags_of.get(worry.key, set())}
        if worry.key in {w.key for w in catalogue.worries if w.verified_only}:
            wanted = set()  # answered by verified windows only
        current = set(worry.services.filter(is_sample=True))
        if current != wanted:
            worry.services.remove(*(current - wanted))
            worry.services.add(*(wanted - current))
    content_changed()
    n_services = Service.objects.filter(Q(is_sample=True) | ~Q(source_key="")).count()
    conflicts = f", {len(report.conflicts)} conflicts" if report.conflicts else ""
    # The translation files last: they name sample windows too.
    translations_load()
    return (
        f"{Category.objects.count()} categories, {Worry.objects.count()} worries, "
        f"{n_services} services ({Service.objects.filter(is_sample=True).count()} samples)"
        f"{conflicts}"
    )
