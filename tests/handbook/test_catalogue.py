"""The catalogue as data: handbook/data/*.yaml validated and loaded without overwriting edits."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from handbook import catalogue
from handbook.models import Category, Service, Worry
from handbook.services import contacts_load


def _load() -> catalogue.LoadReport:
    contacts_load()
    return catalogue.catalogue_load()


def test_the_shipped_catalogue_validates() -> None:
    cat = catalogue.catalogue_read()
    assert len(cat.worries) >= 80
    assert {w.category for w in cat.worries} <= {c.slug for c in cat.categories}


@pytest.mark.django_db
def test_loading_twice_changes_nothing_the_second_time() -> None:
    first = _load()
    assert first.created and not first.conflicts
    n = Worry.objects.count()
    second = _load()
    assert (second.created, second.updated, second.conflicts) == ([], [], [])
    assert Worry.objects.count() == n


@pytest.mark.django_db
def test_an_admin_edit_is_kept_and_reported_not_overwritten() -> None:
    _load()
    worry = Worry.objects.get(key="debt")
    worry.synonyms = "借金地獄,首が回らない"
    worry.save()
    out = StringIO()
    call_command("handbook_load_catalogue", stdout=out)
    worry.refresh_from_db()
    assert worry.synonyms == "借金地獄,首が回らない"
    assert "debt: edited in the admin (synonyms)" in out.getvalue()


@pytest.mark.django_db
def test_overwrite_lets_the_file_win_for_the_named_key_only() -> None:
    _load()
    Worry.objects.filter(key__in=["debt", "rent"]).update(keywords="edited")
    report = catalogue.catalogue_load(overwrite=["debt"])
    assert Worry.objects.get(key="debt").keywords != "edited"
    assert Worry.objects.get(key="rent").keywords == "edited"
    assert [c.key for c in report.conflicts if c.overwritten] == ["debt"]


@pytest.mark.django_db
def test_an_edit_of_a_category_name_is_kept() -> None:
    _load()
    Category.objects.filter(slug="money").update(name="お金のこと")
    report = catalogue.catalogue_load()
    assert Category.objects.get(slug="money").name == "お金のこと"
    assert [c.key for c in report.conflicts] == ["money"]


@pytest.mark.django_db
def test_the_schedules_and_crisis_order_come_from_the_data() -> None:
    _load()
    inochi = Service.objects.get(source_key="#いのちSOS（NPO法人自殺対策支援センターライフリンク）")
    assert inochi.crisis_order == 10 and inochi.is_crisis_line
    assert not inochi.closed_on_holidays
    assert inochi.hours.count() == 7
    staff = Service.objects.get(source_key="北九州市 保健福祉局 地域福祉推進課")
    assert not staff.is_active


@pytest.mark.django_db
def test_new_worries_are_answered_by_verified_windows_only() -> None:
    _load()
    for key in ("afraid-of-hurting-child", "economic-abuse", "someone-nearby-worrying"):
        windows = list(Worry.objects.get(key=key).services.all())
        assert windows, key
        assert all(s.has_verified_phone for s in windows), key


def _write(tmp: Path, worries: str) -> Path:
    for name in ("categories.yaml", "windows.yaml"):
        (tmp / name).write_text((catalogue.DATA_DIR / name).read_text(encoding="utf-8"))
    (tmp / "worries.yaml").write_text(worries, encoding="utf-8")
    return tmp


def test_validation_lists_every_problem(tmp_path: Path) -> None:
    bad = """
- key: a
  category: nowhere
  text: "お金がない"
  tags: [money]
  colour: red
- key: a
  category: money
  text: "お金がない"
"""
    with pytest.raises(catalogue.CatalogueError) as info:
        catalogue.catalogue_read(_write(tmp_path, bad))
    text = "\n".join(info.value.errors)
    assert "unknown category 'nowhere'" in text
    assert "unknown field(s) colour" in text
    assert "needs at least one tag" in text
    assert "key a appears twice" in text


@pytest.mark.django_db
def test_the_command_refuses_an_invalid_catalogue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(catalogue, "DATA_DIR", _write(tmp_path, "- key: x\n"))
    monkeypatch.setattr(catalogue.catalogue_read, "__defaults__", (tmp_path,))
    with pytest.raises(CommandError, match="does not validate"):
        call_command("handbook_load_catalogue", stdout=StringIO())
    assert not Worry.objects.exists()


def test_a_window_missing_from_the_contacts_is_reported_not_fatal(tmp_path: Path) -> None:
    _write(tmp_path, (catalogue.DATA_DIR / "worries.yaml").read_text(encoding="utf-8"))
    windows = (tmp_path / "windows.yaml").read_text(encoding="utf-8")
    (tmp_path / "windows.yaml").write_text(
        windows.replace(
            "windows:\n", 'windows:\n  - name: "廃止された窓口"\n    tags: [money]\n', 1
        ),
        encoding="utf-8",
    )
    cat = catalogue.catalogue_read(tmp_path)
    assert any("廃止された窓口" in w for w in cat.warnings)


def test_every_worry_has_an_entry_in_every_translation() -> None:
    import yaml

    data = Path(__file__).resolve().parents[2] / "handbook" / "data"
    keys = {w["key"] for w in yaml.safe_load((data / "worries.yaml").read_text(encoding="utf-8"))}
    for language in ("en", "zh-hans", "ko", "vi", "easy"):
        path = data / "translations" / f"{language}.yaml"
        translated = yaml.safe_load(path.read_text(encoding="utf-8"))["worries"]
        assert keys - set(translated) == set(), language
        assert all(translated[k]["text"] for k in keys), language
