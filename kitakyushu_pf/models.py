from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxEmail(models.Model):
    """An e-mail the portal owes someone. Written in the same transaction as the event.

    The unique ``key`` names the event (e.g. ``registration:42:confirmed``) so the same e-mail
    is never queued twice; ``sent_at`` makes sending idempotent when a task runs again. If the
    broker is down the row waits and the periodic relay sends it later.
    """

    key = models.CharField(_("event key"), max_length=200, unique=True)
    to = models.JSONField(_("recipients"), default=list)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    html_body = models.TextField(_("HTML body"), blank=True)
    attachments = models.JSONField(
        _("attachments"),
        default=list,
        blank=True,
        help_text=_("List of {filename, content_b64, mimetype}."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")

    def __str__(self) -> str:
        return f"{self.key} → {', '.join(self.to)}"


class BackgroundJob(models.Model):
    """One piece of background work a user waits for (a report, an import), and how it went.

    Tasks record each attempt (see :func:`kitakyushu_pf.jobs.tracked_job`): a worker that dies
    mid-task leaves the job RUNNING and the broker redelivers the task, which counts another
    attempt; past ``max_attempts`` the job is FAILED instead of being run again. A periodic
    sweeper fails RUNNING jobs whose time limit passed long ago, so nothing stays running forever.
    A job made with ``task`` and ``args`` is sent to the broker after commit (``sent_at`` records
    when the broker took it); the periodic relay sends again a QUEUED job the broker never took
    (an outage) or took long ago without it ever running (a lost message).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    task = models.CharField(
        _("task"), max_length=200, blank=True, help_text=_("Dotted path of the Celery task.")
    )
    args = models.JSONField(
        _("arguments"),
        default=list,
        blank=True,
        help_text=_("What the task receives after the job's id."),
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("maximum attempts"), default=3)
    time_limit_seconds = models.PositiveIntegerField(_("time limit (seconds)"), default=660)
    worker_pid = models.PositiveIntegerField(_("worker process id"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent to the broker"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")

    def __str__(self) -> str:
        return f"{self.name} #{self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}


class RetentionPurge(models.Model):
    """Audit of one retention purge: which rule ran, up to which date, how many rows it changed."""

    rule = models.CharField(_("rule"), max_length=100, db_index=True)
    cutoff = models.DateTimeField(_("kept from"))
    count = models.PositiveIntegerField(_("rows purged"))
    ran_at = models.DateTimeField(_("ran at"), auto_now_add=True)

    class Meta:
        ordering = ["-ran_at"]
        verbose_name = _("retention purge")
        verbose_name_plural = _("retention purges")

    def __str__(self) -> str:
        return f"{self.rule}: {self.count} ({self.ran_at:%Y-%m-%d})"
