import csv
import io

import pytest

from handbook import services
from handbook.demo import seed_demo
from handbook.models import OpeningHours, Service, UsageDaily, WrongEntryReport

from .factories import ServiceFactory, WorryFactory

pytestmark = pytest.mark.django_db


def _csv(rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=services.CSV_HEADER)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: row.get(k, "") for k in services.CSV_HEADER})
    return buffer.getvalue().encode("utf-8-sig")


def test_contacts_load_is_idempotent_and_keeps_statuses() -> None:
    first = services.contacts_load()
    second = services.contacts_load()
    assert first.created == 58 and second.created == 0 and second.updated == 58
    assert Service.objects.count() == 58
    # The 2026-12-01 copy: 門司区役所 is VERIFIED now, the 児童相談所 dial still is not.
    assert Service.objects.get(source_key="門司区役所（代表）").phone_status == "VERIFIED"
    dial = "児童相談所相談専用ダイヤル（いちはやく おなやみを）"
    unverified = Service.objects.get(source_key=dial)
    assert unverified.phone_status == "UNVERIFIED" and unverified.phone
    assert (
        Service.objects.get(
            source_key="#いのちSOS（NPO法人自殺対策支援センターライフリンク）"
        ).hours.count()
        == 7
    )


def test_seed_demo_twice_leaves_identical_data() -> None:
    seed_demo()
    counts = (Service.objects.count(), OpeningHours.objects.count())
    links = sorted(Service.worries.through.objects.values_list("service_id", "worry_id"))
    seed_demo()
    assert (Service.objects.count(), OpeningHours.objects.count()) == counts
    assert sorted(Service.worries.through.objects.values_list("service_id", "worry_id")) == links


def test_import_creates_and_updates_services() -> None:
    w = WorryFactory()
    existing = ServiceFactory(name="old")
    result = services.services_import_csv(
        data=_csv(
            [
                {
                    "id": str(existing.pk),
                    "name": "renamed",
                    "phone_status": "UNVERIFIED",
                    "hours": "月-金 09:00-17:00",
                },
                {
                    "name": "new",
                    "phone_status": "UNVERIFIED",
                    "worries": str(w.pk),
                    "ward": "戸畑区",
                    "hours": "土 22:00-06:00",
                },
            ]
        )
    )
    assert result.ok, result.errors
    assert (result.created, result.updated) == (1, 1)
    existing.refresh_from_db()
    assert existing.name == "renamed" and existing.hours.count() == 5
    new = Service.objects.get(name="new")
    assert list(new.worries.all()) == [w] and new.ward.name == "戸畑区"


def test_import_reports_every_bad_row_in_japanese_and_saves_nothing() -> None:
    from django.utils import translation

    with translation.override("ja"):
        result = services.services_import_csv(
            data=_csv(
                [
                    {"name": "fine", "phone_status": "UNVERIFIED"},
                    {"name": "bad-ward", "phone_status": "UNVERIFIED", "ward": "東京区"},
                    {"name": "bad-hours", "phone_status": "UNVERIFIED", "hours": "毎日 朝から"},
                    {"name": "", "phone_status": "MAYBE", "age_min": "x"},
                    {
                        "name": "verified-without-source",
                        "phone": "093-000-0000",
                        "phone_status": "VERIFIED",
                    },
                ]
            )
        )
    assert not result.ok
    text = "\n".join(result.errors)
    for row in (3, 4, 5, 6):
        assert f"{row}行目" in text
    assert "2行目" not in text
    assert "区" in text and "受付時間" in text
    assert not Service.objects.exists()


def test_import_rejects_a_file_without_the_columns() -> None:
    result = services.services_import_csv(data=b"foo,bar\n1,2\n")
    assert not result.ok and not Service.objects.exists()


def test_export_then_import_round_trips() -> None:
    seed_demo()
    qs = Service.objects.prefetch_related("hours", "worries").select_related("provider", "ward")
    before = {s.pk: (s.name, s.hours.count(), s.worries.count()) for s in qs}
    data = _csv(
        [
            dict(zip(services.CSV_HEADER, map(str, row), strict=True))
            for row in services.service_csv_rows(qs)
        ]
    )
    result = services.services_import_csv(data=data)
    assert result.ok, result.errors[:5]
    after = {s.pk: (s.name, s.hours.count(), s.worries.count()) for s in Service.objects.all()}
    assert after == before


def test_report_keeps_no_time_or_contact_data() -> None:
    s = ServiceFactory()
    report = services.report_submit(service=s, reason="phone", message="番号 09012345678 が違う")
    assert WrongEntryReport.objects.get() == report
    assert "09012345678" not in report.message
    field_names = {f.name for f in WrongEntryReport._meta.get_fields()}
    assert not field_names & {"ip", "ip_address", "user_agent", "created_at"}


def test_usage_counts_are_daily_sums(settings: object) -> None:
    settings.HANDBOOK_USAGE_FLUSH_SECONDS = 3600  # type: ignore[attr-defined]
    for _ in range(3):
        services.usage_record(kind="results")
    services.usage_record(kind="worry", key="7")
    assert services.usage_flush() == 2
    services.usage_record(kind="results")
    services.usage_flush()
    assert UsageDaily.objects.get(kind="results").count == 4
    assert UsageDaily.objects.count() == 2


def test_search_words_are_scrubbed_of_numbers() -> None:
    assert services.usage_scrub("電話 093-582-4894 につながらない") == "電話 #-#-# につながらない"


def test_qr_codes_are_svg_and_png() -> None:
    from handbook.models import Channel

    channel = Channel.objects.get(code="qr")
    svg = services.channel_qr(channel=channel, base_url="https://example.jp", kind="svg")
    png = services.channel_qr(channel=channel, base_url="https://example.jp", kind="png")
    assert svg.lstrip().startswith(b"<?xml") or b"<svg" in svg[:200]
    assert png.startswith(b"\x89PNG")
