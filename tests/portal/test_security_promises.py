"""The portal's security promises, in one place (README, "Operating the portal").

1. Configuration fails closed: an unknown DJANGO_ENV, DEBUG outside development, a short or
   guessable production key, a test-only switch or an uncounted proxy in production refuse to
   start.
2. Personal data has an end date: every kind is a retention rule; the purge leaves nothing behind.
   An upload's problem list (raw cells) is for analysts only, and logged.
3. Log-in throttling: per user name + address, and per user name from anywhere (higher limit);
   behind the proxy, per client the proxy names.
4. Uploads: flyers are PDF/PNG/JPEG by content; uploaded media is only ever a download.
5. One decoder for every text upload (UTF-8 or CP932), refusing with a ValidationError.
6. The handbook sets no cookie, not even on its error pages.

Each test was written from a reproduced finding and seen to fail before the fix.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

BASE_DIR = Path(__file__).resolve().parents[2]
STRONG_KEY = "k8#2Lq!v9Zr@x4Wm$7Tn%1Yp^6Gb&3Hc*5Jd(0Fs)8Ke_2Qa+9Ul=4Ro"
PRODUCTION = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": STRONG_KEY,
    "DJANGO_ALLOWED_HOSTS": "tsunagaru.example.jp",
    "AXES_PROXY_COUNT": "1",
}


def load_settings(code: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    """Import the real settings in a fresh process with exactly this environment."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "AXES_", "PORTAL_", "TRAININGS_", "SURVEYS_"))
        and k not in {"DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "EMAIL_URL"}
    }
    clean.update(env)
    clean["DJANGO_SETTINGS_MODULE"] = "kitakyushu_pf.settings"
    script = f"from kitakyushu_pf import settings as s\n{code}"
    return subprocess.run(
        [sys.executable, "-c", script], cwd=BASE_DIR, env=clean, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip


# --- 1. Configuration fails closed -------------------------------------------------------------


@pytest.mark.parametrize("value", ["prod", "Production", "staging", "dev"])
def test_an_unknown_environment_refuses_to_start(value: str) -> None:
    result = load_settings(DJANGO_ENV=value)
    assert result.returncode != 0
    assert f"DJANGO_ENV={value!r} is not known" in result.stderr
    assert "development, test, production" in result.stderr


def test_unset_environment_is_development_with_a_per_checkout_key() -> None:
    code = "print(s.DJANGO_ENV, s.DEBUG, s.SECRET_KEY)"
    first, second = load_settings(code), load_settings(code)
    assert first.returncode == 0, first.stderr
    env, debug, key = first.stdout.split()
    assert (env, debug) == ("development", "True")
    # Generated once for this checkout, kept under var/, the same in every process.
    assert second.stdout.split()[2] == key
    assert (BASE_DIR / "var" / "dev-secret-key").read_text().strip() == key
    assert len(key) >= 50
    # Never a constant in the code.
    assert key not in (BASE_DIR / "kitakyushu_pf" / "settings.py").read_text()
    assert "development-only-key" not in (BASE_DIR / "kitakyushu_pf" / "settings.py").read_text()


@pytest.mark.parametrize("environment", ["test", "production"])
def test_debug_is_refused_outside_development(environment: str) -> None:
    result = load_settings(**{**PRODUCTION, "DJANGO_ENV": environment, "DJANGO_DEBUG": "true"})
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be off" in result.stderr


def test_production_refuses_a_short_secret_key() -> None:
    result = load_settings(**{**PRODUCTION, "DJANGO_SECRET_KEY": "short"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is 5 characters long" in result.stderr
    assert "50 or more" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DJANGO_SECRET_KEY", "a" * 64),  # long, but four characters away from guessable
        ("DJANGO_SECRET_KEY", "django-insecure-" + STRONG_KEY),  # Django's generated dev key
        ("DJANGO_SECRET_KEY_FALLBACKS", "short"),  # an old key still signs valid links
        ("DJANGO_SECRET_KEY_FALLBACKS", f"{STRONG_KEY},{'ab' * 30}"),
    ],
)
def test_production_refuses_a_guessable_secret_key(variable: str, value: str) -> None:
    """What `check --deploy` only warns about (security.W009/W025) must stop production."""
    result = load_settings(**{**PRODUCTION, variable: value})
    assert result.returncode != 0
    assert variable in result.stderr.splitlines()[-1]
    assert "random" in result.stderr.splitlines()[-1]


@pytest.mark.parametrize(
    ("switch", "value"),
    [
        ("PORTAL_FAULT_PROBES", "true"),
        ("DJANGO_EMAIL_BACKEND", "kitakyushu_pf.test_hooks.SlowFileEmailBackend"),
        ("DJANGO_CONN_HEALTH_CHECKS", "false"),
        ("TRAININGS_TEST_DISABLE_LOCKING", "true"),
        ("SURVEYS_TEST_SLEEP_IN_REPORT", "5"),
        ("PORTAL_TEST_MAILDIR", "/tmp/mail"),
    ],
)
def test_production_refuses_every_test_only_switch(switch: str, value: str) -> None:
    result = load_settings(**{**PRODUCTION, switch: value})
    assert result.returncode != 0
    assert "Test-only switches are set but DJANGO_ENV=production refuses them" in result.stderr
    assert switch in result.stderr.splitlines()[-1]


def test_production_refuses_an_uncounted_proxy_unless_told_there_is_none() -> None:
    uncounted = {k: v for k, v in PRODUCTION.items() if k != "AXES_PROXY_COUNT"}
    refused = load_settings(**uncounted)
    assert refused.returncode != 0
    assert "AXES_PROXY_COUNT=0" in refused.stderr
    direct = load_settings(
        "print(s.AXES_IPWARE_PROXY_COUNT)", **uncounted, AXES_BEHIND_PROXY="false"
    )
    assert direct.returncode == 0, direct.stderr
    counted = load_settings("print(s.AXES_IPWARE_PROXY_COUNT)", **PRODUCTION)
    assert counted.returncode == 0 and counted.stdout.strip() == "1"


def test_a_correct_production_configuration_starts() -> None:
    result = load_settings("print(s.DEBUG, s.PORTAL_FAULT_PROBES)", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]


@pytest.mark.django_db
def test_the_slow_query_probe_does_not_exist_without_its_switch(client: Client) -> None:
    assert client.get("/_probes/slow-query?seconds=1").status_code == 404


def test_test_hooks_live_in_one_module_outside_production_code() -> None:
    from kitakyushu_pf import test_hooks

    assert hasattr(test_hooks, "SlowFileEmailBackend") and hasattr(test_hooks, "probe_crash")
    assert not (BASE_DIR / "kitakyushu_pf" / "fault_probes.py").exists()


def test_the_beat_schedule_runs_every_retention_rule_daily() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["portal-retention"]
    assert entry["task"] == "kitakyushu_pf.tasks.retention_run"
    assert entry["schedule"] == 24 * 3600.0
    settings_py = (BASE_DIR / "kitakyushu_pf" / "settings.py").read_text()
    assert settings_py.count("CELERY_BEAT_SCHEDULE") == 1  # built in one block


# --- 2. Personal data with an end date ----------------------------------------------------------

PERSONAL_VALUE = "山田花子 090-1234-5678"


def _dataset_with_a_problem_list() -> Any:
    from surveys import services
    from surveys.models import DatasetFile
    from tests.surveys.factories import DatasetFactory, csv_text, good_row

    dataset = DatasetFactory()
    content = csv_text([good_row("0001"), good_row("0002", sex=PERSONAL_VALUE)]).encode()
    dataset_file = services.datasetfile_store(
        dataset=dataset, name="data.csv", chunks=[content], dispatch=False
    )
    services.datasetfile_validate(dataset_file=dataset_file, dispatch=False)
    dataset_file = DatasetFile.objects.get(pk=dataset_file.pk)
    assert dataset_file.status == DatasetFile.Status.INVALID
    assert PERSONAL_VALUE in str(dataset_file.problems)
    assert PERSONAL_VALUE in services.problems_file_path(dataset_file).read_text(encoding="utf-8")
    return dataset, dataset_file


@pytest.mark.django_db
def test_the_survey_purge_leaves_no_problem_list_or_raw_value(
    django_capture_on_commit_callbacks: Any, analyst_client: Client
) -> None:
    from kitakyushu_pf import retention
    from surveys import services
    from surveys.models import AuditLog, Dataset, DatasetFile

    dataset, dataset_file = _dataset_with_a_problem_list()
    problems_url = reverse("surveys:file-problems", args=[dataset_file.pk])
    assert analyst_client.get(problems_url).status_code == 200
    Dataset.objects.filter(pk=dataset.pk).update(
        retain_until=timezone.localdate() - timedelta(days=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert retention.retention_run()["surveys.microdata"] == 1
    folder = services.dataset_dir(dataset)
    assert not [p.name for p in folder.iterdir()]  # no upload, microdata or problems file
    assert DatasetFile.objects.get(pk=dataset_file.pk).problems == []
    assert analyst_client.get(problems_url).status_code == 404
    assert Dataset.objects.get(pk=dataset.pk).status == Dataset.Status.PURGED
    assert AuditLog.objects.filter(action="retention", dataset=dataset).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert retention.retention_run()["surveys.microdata"] == 0  # idempotent


@pytest.mark.django_db
def test_raw_cell_values_of_an_upload_are_for_analysts_only_and_logged(
    analyst_user: Any, secretariat_user: Any
) -> None:
    """The problem list (row, column, the raw cell) is microdata: the secretariat, who sees the
    reports, does not see it; each analyst's look is in the audit log."""
    from surveys.models import AuditLog

    analyst_client, secretariat_client = Client(), Client()
    analyst_client.force_login(analyst_user)
    secretariat_client.force_login(secretariat_user)
    _dataset, dataset_file = _dataset_with_a_problem_list()
    for name in ("surveys:file-problems", "surveys:file-detail"):
        url = reverse(name, args=[dataset_file.pk])
        refused = secretariat_client.get(url)
        assert refused.status_code == 403
        assert PERSONAL_VALUE not in refused.content.decode()
        before = AuditLog.objects.count()
        shown = analyst_client.get(url)
        assert shown.status_code == 200 and PERSONAL_VALUE in shown.content.decode()
        assert AuditLog.objects.count() == before + 1


@pytest.mark.django_db
def test_the_download_log_names_the_client_behind_the_proxy(
    analyst_user: Any, settings: Any
) -> None:
    """Behind the HTTPS proxy every request comes from the proxy: the audit row must keep the
    client the proxy names (as the lockout and the abuse limits count it), not the proxy."""
    from surveys.models import AuditLog

    settings.AXES_IPWARE_PROXY_COUNT = 1
    analyst = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.44")
    analyst.force_login(analyst_user)
    _dataset, dataset_file = _dataset_with_a_problem_list()
    url = reverse("surveys:file-problems", args=[dataset_file.pk])
    assert analyst.get(url).status_code == 200
    assert AuditLog.objects.latest("pk").client_ip == "203.0.113.44"


@pytest.mark.django_db
def test_a_dataset_purged_before_problem_lists_counted_is_cleaned_up(
    django_capture_on_commit_callbacks: Any,
) -> None:
    """A purge by the old code left the problem list; the rule picks the dataset up again."""
    from surveys import services
    from surveys.models import Dataset, DatasetFile

    dataset, dataset_file = _dataset_with_a_problem_list()
    Dataset.objects.filter(pk=dataset.pk).update(
        status=Dataset.Status.PURGED, retain_until=timezone.localdate() - timedelta(days=1)
    )
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("survey_retention", stdout=out)
    assert "1 dataset(s) purged" in out.getvalue()
    assert PERSONAL_VALUE not in str(DatasetFile.objects.get(pk=dataset_file.pk).problems)
    assert not services.problems_file_path(dataset_file).exists()


@pytest.mark.django_db
def test_sent_e_mails_lose_recipients_and_text_after_30_days() -> None:
    from kitakyushu_pf import retention
    from kitakyushu_pf.models import OutboxEmail

    now = timezone.now()
    old = OutboxEmail.objects.create(key="t:old:1", to=["a@example.jp"], subject="s", body="本文")
    recent = OutboxEmail.objects.create(
        key="t:new:1", to=["b@example.jp"], subject="s", body="本文"
    )
    unsent = OutboxEmail.objects.create(
        key="t:wait:1", to=["c@example.jp"], subject="s", body="本文"
    )
    OutboxEmail.objects.filter(pk=old.pk).update(sent_at=now - timedelta(days=31))
    OutboxEmail.objects.filter(pk=recent.pk).update(sent_at=now - timedelta(days=29))
    OutboxEmail.objects.filter(pk=unsent.pk).update(created_at=now - timedelta(days=60))

    assert retention.retention_run()["portal.outbox_sent"] == 1
    old.refresh_from_db()
    assert (old.to, old.body, old.html_body, old.attachments) == ([], "", "", [])
    assert old.key == "t:old:1"  # the event stays known: never sent twice
    assert OutboxEmail.objects.get(pk=recent.pk).body == "本文"
    assert OutboxEmail.objects.get(pk=unsent.pk).body == "本文"  # still owed
    assert retention.retention_run()["portal.outbox_sent"] == 0


@pytest.mark.django_db
def test_log_in_records_are_purged_after_90_days() -> None:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    from kitakyushu_pf import retention

    old = timezone.now() - timedelta(days=91)
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        extra = {"failures_since_start": 3} if model is AccessAttempt else {}
        for username, address in (("victim", "192.0.2.1"), ("recent", "192.0.2.2")):
            model.objects.create(username=username, ip_address=address, user_agent="ua", **extra)
        model.objects.filter(username="victim").update(attempt_time=old)
    done = retention.retention_run()
    assert done["portal.axes_attempts"] == done["portal.axes_failures"] == 1
    assert done["portal.axes_log"] == 1
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        assert list(model.objects.values_list("username", flat=True)) == ["recent"]


@pytest.mark.django_db
def test_declined_applications_are_deleted_after_180_days() -> None:
    from kitakyushu_pf import retention
    from members.models import MembershipApplication
    from tests.members.factories import MembershipApplicationFactory

    now = timezone.now()
    declined = MembershipApplication.Status.DECLINED
    old = MembershipApplicationFactory(status=declined, reviewed_at=now - timedelta(days=181))
    recent = MembershipApplicationFactory(status=declined, reviewed_at=now - timedelta(days=179))
    approved = MembershipApplicationFactory(
        status=MembershipApplication.Status.APPROVED, reviewed_at=now - timedelta(days=400)
    )
    assert retention.retention_run()["members.declined_application"] == 1
    left = set(MembershipApplication.objects.values_list("pk", flat=True))
    assert left == {recent.pk, approved.pk} and old.pk not in left


@pytest.mark.django_db
def test_retention_report_lists_every_kind_of_personal_data_with_its_period() -> None:
    out = io.StringIO()
    call_command("retention_report", stdout=out)
    report = out.getvalue()
    for key, days in [
        ("surveys.microdata", settings.SURVEYS_RETENTION_DAYS),
        ("members.declined_application", 180),
        ("portal.outbox_sent", 30),
        ("portal.axes_attempts", 90),
        ("portal.axes_failures", 90),
        ("portal.axes_log", 90),
    ]:
        line = next(line for line in report.splitlines() if key in line)
        assert str(days) in line


# --- 3. Log-in throttling -----------------------------------------------------------------------


def _login(address: str, username: str, password: str) -> Any:
    return Client(REMOTE_ADDR=address).post(
        reverse("login"), {"username": username, "password": password}
    )


@pytest.mark.django_db
def test_guessing_from_one_address_does_not_lock_the_victim_out_elsewhere(
    secretariat_user: Any,
) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login("198.51.100.7", secretariat_user.username, "guess")
    # The stranger's address is locked out ...
    assert _login("198.51.100.7", secretariat_user.username, "pw-for-tests-123").status_code in {
        403,
        429,
    }
    # ... the victim, elsewhere, still logs in.
    assert _login("203.0.113.5", secretariat_user.username, "pw-for-tests-123").status_code == 302


@pytest.mark.django_db
def test_guessing_spread_over_many_addresses_locks_the_user_name(secretariat_user: Any) -> None:
    limit = settings.AXES_USERNAME_FAILURE_LIMIT
    assert limit > settings.AXES_FAILURE_LIMIT
    for n in range(limit - 1):
        assert _login(f"198.51.100.{n + 1}", secretariat_user.username, "guess").status_code == 200
    # Below the user-name limit nothing is locked: a right password from a new address works.
    fresh = Client(REMOTE_ADDR="203.0.113.9")
    assert (
        fresh.post(
            reverse("login"),
            {"username": secretariat_user.username, "password": "pw-for-tests-123"},
        ).status_code
        == 302
    )
    for n in range(limit):
        _login(f"198.51.100.{n + 1}", secretariat_user.username, "guess")
    # At the limit the user name is locked out from anywhere, even with the right password.
    response = _login("203.0.113.77", secretariat_user.username, "pw-for-tests-123")
    assert response.status_code in {403, 429}


@pytest.mark.django_db
def test_behind_the_proxy_a_strangers_guesses_do_not_lock_the_victim_out(
    secretariat_user: Any, settings: Any
) -> None:
    """Everyone reaches the portal through the HTTPS proxy (one REMOTE_ADDR): the lockout must
    count the client the proxy names, as the other abuse limits do, not the proxy itself."""
    settings.AXES_IPWARE_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    stranger = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7")
    victim = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.5")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        stranger.post(reverse("login"), {"username": secretariat_user.username, "password": "x"})
    right = {"username": secretariat_user.username, "password": "pw-for-tests-123"}
    assert stranger.post(reverse("login"), right).status_code in {403, 429}
    assert victim.post(reverse("login"), right).status_code == 302
    # Without a proxy in front, a forged X-Forwarded-For does not give a fresh address.
    settings.AXES_IPWARE_PROXY_COUNT = 0
    forged = Client(REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="192.0.2.1")
    for n in range(settings.AXES_FAILURE_LIMIT):
        forged.post(
            reverse("login"),
            {"username": secretariat_user.username, "password": "x"},
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n + 1}",
        )
    assert forged.post(reverse("login"), right).status_code in {403, 429}


# --- 4. Uploads ---------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
HTML = b"<!doctype html><script>alert(document.cookie)</script>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.parametrize(("name", "content"), [("a.pdf", PDF), ("a.png", PNG), ("a.jpg", JPEG)])
def test_flyers_accept_pdf_png_and_jpeg(name: str, content: bytes) -> None:
    from kitakyushu_pf.uploads import validate_flyer

    validate_flyer(SimpleUploadedFile(name, content))


@pytest.mark.parametrize(
    ("name", "content"),
    [("flyer.html", HTML), ("flyer.svg", SVG), ("flyer.pdf", HTML), ("flyer.png", SVG),
     ("flyer.html", PDF)],
)  # fmt: skip
def test_flyers_are_judged_by_content_not_by_name(name: str, content: bytes) -> None:
    from trainings.models import Programme

    field = Programme._meta.get_field("flyer")
    with pytest.raises(ValidationError):
        field.run_validators(SimpleUploadedFile(name, content))


@pytest.mark.django_db
def test_uploaded_media_is_only_ever_a_download(client: Client) -> None:
    media = Path(settings.MEDIA_ROOT) / "trainings" / "flyers"
    media.mkdir(parents=True, exist_ok=True)
    (media / "old.html").write_bytes(HTML)  # e.g. uploaded before the content check
    response = client.get(f"{settings.MEDIA_URL}trainings/flyers/old.html")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert client.get(f"{settings.MEDIA_URL}../settings.py").status_code in {400, 404}


# --- 5. One decoder for every text upload --------------------------------------------------------


def test_the_upload_decoder_refuses_with_a_validation_error() -> None:
    from kitakyushu_pf.uploads import decode_text_upload

    assert decode_text_upload("北九州市㈱".encode("cp932")) == ("北九州市㈱", "cp932")
    with pytest.raises(ValidationError) as refused:
        decode_text_upload("a,b\n".encode("utf-16"))
    assert "UTF-16" in str(refused.value) and not str(refused.value).startswith("[")


@pytest.mark.django_db
def test_national_figures_accept_cp932_like_every_other_upload(analyst_client: Client) -> None:
    from surveys import services
    from surveys.models import NationalFigure

    shipped = services.NATIONAL_CSV.read_text(encoding="utf-8")
    upload = SimpleUploadedFile("national.csv", shipped.encode("cp932"), "text/csv")
    response = analyst_client.post(reverse("surveys:national-list"), {"file": upload})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert NationalFigure.objects.count() == len(shipped.strip().splitlines()) - 1


# --- 6. The handbook sets no cookie, not even on its error pages --------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/handbook/c/no-such-category/"),
        ("get", "/handbook/s/no-such-scheme/"),
        ("get", "/handbook/report/999999/"),
        ("get", "/handbook/no-such-page"),
        ("post", "/handbook/"),  # no CSRF token: the CSRF failure page
        ("post", "/handbook/results/"),
    ],
)
def test_handbook_error_pages_set_no_cookie(method: str, path: str) -> None:
    visitor = Client(enforce_csrf_checks=True)
    response = getattr(visitor, method)(path)
    assert response.status_code in {403, 404, 405}
    assert not response.cookies, response.cookies
    body = response.content.decode()
    assert "csrfmiddlewaretoken" not in body
    assert "quick-exit" in body  # still the handbook's page, with its quick exit
