"""Retention: rules run once, audited, idempotent; a failing rule spares the others."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kitakyushu_pf import retention
from kitakyushu_pf.models import OutboxEmail, RetentionPurge

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox_rule():
    def purge(qs):
        return qs.update(body="", subject="(purged)")

    rule = retention.register(
        retention.RetentionRule(
            key="test.outbox",
            description="test rule",
            period_days=lambda: 30,
            due=lambda cutoff: OutboxEmail.objects.filter(created_at__lt=cutoff).exclude(body=""),
            purge=purge,
            held=lambda: OutboxEmail.objects.count(),
        )
    )
    yield rule
    retention._RULES.pop(rule.key, None)


def test_old_rows_are_purged_once_with_an_audit_row(outbox_rule):
    old = OutboxEmail.objects.create(key="a", to=["a@example.jp"], subject="s", body="秘密")
    new = OutboxEmail.objects.create(key="b", to=["b@example.jp"], subject="s", body="残る")
    OutboxEmail.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))

    assert retention.retention_run()["test.outbox"] == 1
    assert retention.retention_run()["test.outbox"] == 0
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.body == "" and new.body == "残る"
    assert list(RetentionPurge.objects.values_list("rule", "count")) == [("test.outbox", 1)]
    (line,) = [x for x in retention.retention_report() if x.key == "test.outbox"]
    assert (line.period_days, line.held, line.due_now) == (30, 2, 0)


def test_a_failing_rule_does_not_stop_the_others(outbox_rule):
    def broken(qs):
        raise RuntimeError("boom")

    retention.register(
        retention.RetentionRule(
            key="test.broken",
            description="broken",
            period_days=lambda: 1,
            due=lambda cutoff: OutboxEmail.objects.none(),
            purge=broken,
        )
    )
    try:
        OutboxEmail.objects.create(key="a", to=["a@example.jp"], subject="s", body="x")
        OutboxEmail.objects.update(created_at=timezone.now() - timedelta(days=40))
        done = retention.retention_run()
    finally:
        retention._RULES.pop("test.broken", None)
    assert "test.broken" not in done
    assert done["test.outbox"] == 1
