"""handbook/data/translations/<lang>.yaml: loaded idempotently, admin edits kept as conflicts,
unknown keys reported, missing files tolerated."""

from pathlib import Path

import pytest
from django.test import Client

from handbook.demo import seed_demo
from handbook.models import Category, Worry
from handbook.translations_load import translations_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings: object) -> None:
    settings.HANDBOOK_USAGE_FLUSH_SECONDS = 3600  # type: ignore[attr-defined]
    seed_demo()


def _write(tmp_path: Path, body: str) -> Path:
    (tmp_path / "ko.yaml").write_text(body, encoding="utf-8")
    return tmp_path


def _col(obj: object, column: str) -> object:
    """A per-language column (added by django-modeltranslation, unknown to the type checker)."""
    return obj.__dict__[column]


KO = """language: ko
categories:
  money: {name: "돈", checked_on: 2026-12-07}
  nope: {name: "x"}
worries:
  no-money: {text: "돈이 없어서 생활이 힘들어요", keywords: ["돈", "생활비"]}
  rent: {text: "집세를 못 내요", surprise: 1, checked_on: 2026-12-07}
"""


def test_loads_reports_unknown_keys_and_is_idempotent(demo, tmp_path: Path) -> None:
    directory = _write(tmp_path, KO)
    report = translations_load(directory=directory)
    assert report.written == 3
    assert "ko:categories:nope" in report.unknown
    assert "ko:worries:rent:surprise" in report.unknown
    assert set(report.missing_files) == {"easy", "en", "zh-hans", "vi"}
    w = Worry.objects.get(key="no-money")
    assert _col(w, "text_ko") == "돈이 없어서 생활이 힘들어요"
    assert _col(w, "keywords_ko") == "돈, 생활비"
    assert "checked_on" not in w.translation_meta["ko"]  # unchecked
    assert Category.objects.get(slug="money").translation_meta["ko"]["checked_on"] == "2026-12-07"
    again = translations_load(directory=directory)
    assert again.written == 0 and again.unchanged == 3


def test_admin_edit_is_kept_and_reported_as_conflict(demo, tmp_path: Path) -> None:
    directory = _write(tmp_path, KO)
    translations_load(directory=directory)
    cat = Category.objects.get(slug="money")
    cat.__dict__["name_ko"] = "돈 문제"  # as the admin's 한국어 field saves it
    cat.save()
    _write(tmp_path, KO.replace('name: "돈"', 'name: "금전"'))
    report = translations_load(directory=directory)
    assert report.conflicts == ["ko:categories:money"]
    assert _col(Category.objects.get(slug="money"), "name_ko") == "돈 문제"
    translations_load(directory=directory, overwrite=True)
    assert _col(Category.objects.get(slug="money"), "name_ko") == "금전"


def test_unchecked_entry_shows_japanese_checked_one_shows_korean(demo, tmp_path: Path) -> None:
    translations_load(directory=_write(tmp_path, KO))
    html = Client().get("/handbook/c/money/?lang=ko").content.decode()
    assert '<h1 class="h3 fw-bold mt-2">돈</h1>' in html
    assert "お金がなくて生活が苦しい" in html  # the unchecked worry stays Japanese
    assert "돈이 없어서" not in html


def test_project_english_file_loads_in_the_demo(client: Client, demo) -> None:
    from handbook.translations_load import read_file

    english = (read_file("en") or {})["worries"]["rent"]["text"]
    rent = Worry.objects.get(key="rent")
    assert _col(rent, "text_en") == english
    data = client.get("/handbook/api/search", {"q": "rent", "lang": "en"}).json()
    assert data["worries"][0]["id"] == rent.pk


def test_secretariat_sets_checked_date_and_reading_in_the_admin(secretariat_client, demo) -> None:
    cat = Category.objects.get(slug="money")
    url = f"/admin/handbook/category/{cat.pk}/change/"
    page = secretariat_client.get(url)
    assert page.status_code == 200 and "checked_ko" in page.content.decode()
    form = {
        "slug": cat.slug,
        "name_ja": cat.name,
        "name": cat.name,
        "description_ja": cat.description,
        "order": cat.order,
        "name_ko": "돈",
        "checked_ko": "2026-12-07",
        "ruby_readings": "お金=おきん",
    }
    r = secretariat_client.post(url, form)
    assert r.status_code == 302, r.content.decode()[:2000]
    cat.refresh_from_db()
    assert cat.translation_meta["ko"]["checked_on"] == "2026-12-07"
    html = Client().get("/handbook/c/money/?lang=ko").content.decode()
    assert ">돈</h1>" in html
    assert "<rt>きん</rt>" in Client().get("/handbook/c/money/?lang=easy").content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_every_text_as_the_japanese_column() -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("handbook", "0005_service_history")]
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes("handbook")
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    cat = old.get_model("handbook", "Category").objects.create(
        slug="old", name="くらし", description="生活のこと"
    )
    worry = old.get_model("handbook", "Worry").objects.create(
        category=cat, text="家賃が払えない", keywords="家賃,滞納"
    )
    window = old.get_model("handbook", "Service").objects.create(
        name="旧窓口", target="どなたでも", cost="無料", phone="093-000-0000"
    )
    executor = MigrationExecutor(connection)
    executor.migrate(latest)
    new_cat = Category.objects.get(pk=cat.pk)
    assert (_col(new_cat, "name_ja"), _col(new_cat, "description_ja")) == ("くらし", "生活のこと")
    new_worry = Worry.objects.get(pk=worry.pk)
    assert (_col(new_worry, "text_ja"), _col(new_worry, "keywords_ja")) == (
        "家賃が払えない",
        "家賃,滞納",
    )
    from handbook.models import Service

    new_window = Service.objects.get(pk=window.pk)
    assert (_col(new_window, "name_ja"), _col(new_window, "cost_ja")) == ("旧窓口", "無料")
    assert new_window.phone == "093-000-0000"
    assert _col(new_window, "name_en") is None


def test_admin_in_english_edits_the_japanese_source_not_the_english_text(
    secretariat_client, demo
) -> None:
    cat = Category.objects.get(slug="money")
    english, japanese = _col(cat, "name_en"), _col(cat, "name_ja")
    assert english and japanese  # English from handbook/data/translations/en.yaml
    secretariat_client.cookies["django_language"] = "en"
    url = f"/admin/handbook/category/{cat.pk}/change/"
    page = secretariat_client.get(url).content.decode()
    assert f'name="name" value="{japanese}"' in page  # the Japanese, not the English
    form = {
        "slug": cat.slug,
        "name": "くらしとお金",
        "description": _col(cat, "description_ja"),
        "order": cat.order,
        "name_en": english,
        "checked_en": "2026-12-07",
    }
    r = secretariat_client.post(url, form)
    assert r.status_code == 302, r.content.decode()[:2000]
    cat = Category.objects.get(pk=cat.pk)
    assert _col(cat, "name_ja") == "くらしとお金"
    assert cat.__dict__["name"] == "くらしとお金"
    assert _col(cat, "name_en") == english


def test_loading_with_english_active_fills_the_japanese_columns() -> None:
    """The loaders work on the Japanese source whatever language is active (a request or a
    command may leave English on): no duplicate, no English in the Japanese columns."""
    from django.utils import translation

    with translation.override("en"):
        seed_demo()
        counts = (Category.objects.count(), Worry.objects.count())
        seed_demo()
        assert (Category.objects.count(), Worry.objects.count()) == counts
    money = Category.objects.get(slug="money")
    assert _col(money, "name_ja") == money.__dict__["name"] == "くらし・お金"
    from handbook.translations_load import read_file

    english = (read_file("en") or {})["categories"]["money"]["name"]
    assert _col(money, "name_en") == english  # from the English file only


def test_every_shipped_translation_fits_its_column_whole(demo) -> None:
    """A translation is often longer than its Japanese (a Vietnamese 「対象」 is 680 characters):
    the shipped files load whole, within each column's size (PostgreSQL refuses longer ones)."""
    from handbook import languages
    from handbook.models import Service
    from handbook.translation import SERVICE_FIELDS

    seen = 0
    for service in Service.objects.all():
        for f in SERVICE_FIELDS:
            limit = Service._meta.get_field(f).max_length
            for language in languages.LANGUAGES:
                value = _col(service, f"{f}_{languages.field_suffix(language)}") or ""
                seen += bool(value)
                assert limit is None or len(value) <= limit, (service.name, f, language)
    assert seen > 1000


def test_a_text_too_long_for_its_column_is_reported_not_stored(demo, tmp_path: Path) -> None:
    directory = _write(tmp_path, f'language: ko\ncategories:\n  money: {{name: "{"돈" * 500}"}}\n')
    before = _col(Category.objects.get(slug="money"), "name_ko")
    report = translations_load(directory=directory)
    assert report.written == 0
    assert report.too_long == ["ko:categories:money:name"]
    assert any("too long" in line for line in report.lines())
    assert _col(Category.objects.get(slug="money"), "name_ko") == before
