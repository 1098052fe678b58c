import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kitakyushu_pf.models import BackgroundJob


class Instrument(models.Model):
    """A questionnaire as data, loaded from ``surveys/instruments/<slug>.yaml``."""

    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    survey = models.CharField(_("national survey key"), max_length=50)
    wave = models.CharField(_("national wave"), max_length=10)
    spec = models.JSONField(_("specification"), default=dict)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")

    def __str__(self) -> str:
        return f"{self.name} ({self.slug})"


class Variable(models.Model):
    class Type(models.TextChoices):
        ID = "id", _("identifier")
        CODE = "code", _("answer code")
        INTEGER = "integer", _("integer")
        DERIVED = "derived", _("derived")

    instrument = models.ForeignKey(
        Instrument, on_delete=models.CASCADE, related_name="variables", verbose_name=_("instrument")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=50)
    question = models.CharField(_("question"), max_length=300)
    type = models.CharField(_("type"), max_length=10, choices=Type.choices)
    required = models.BooleanField(_("value required"), default=False)
    codes = models.JSONField(_("answer codes and labels"), default=dict, blank=True)
    missing_label = models.CharField(_("label of a blank answer"), max_length=20, default="無回答")
    rule = models.JSONField(_("derivation rule"), default=dict, blank=True)

    class Meta:
        ordering = ["instrument", "position"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "name"], name="surveys_variable_unique"),
        ]
        verbose_name = _("variable")
        verbose_name_plural = _("variables")

    def __str__(self) -> str:
        return f"{self.instrument.slug}.{self.name}"


class Dataset(models.Model):
    class Status(models.TextChoices):
        EMPTY = "empty", _("no data yet")
        LOADED = "loaded", _("loaded")
        PURGED = "purged", _("microdata deleted (retention)")

    class RuleVersion(models.TextChoices):
        H27 = "H27", _("H27 (housework and childcare excluded outright)")
        H30 = "H30", _("H30 (excluded only if they talked with non-family)")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="datasets", verbose_name=_("instrument")
    )
    title = models.CharField(_("title"), max_length=200)
    population = models.CharField(_("population"), max_length=300, blank=True)
    sample_size = models.PositiveIntegerField(
        _("sample size (questionnaires sent)"), null=True, blank=True
    )
    fielding_start = models.DateField(_("fielding start"), null=True, blank=True)
    fielding_end = models.DateField(_("fielding end"), null=True, blank=True)
    modes = models.CharField(_("modes"), max_length=100, blank=True)
    hikikomori_rule = models.CharField(
        _("hikikomori rule version"),
        max_length=3,
        choices=RuleVersion.choices,
        default=RuleVersion.H30,
    )
    is_synthetic = models.BooleanField(_("synthetic (demo) data"), default=False)
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("earlier fielding to compare with"),
        help_text=_("The city's earlier fielding of the same questionnaire."),
    )
    # Population margins for raking ([{"variable", "code", "count"}]); empty: unweighted.
    margins = models.JSONField(_("population margins"), default=list, blank=True)
    weight_min_ratio = models.FloatField(
        _("lowest weight (ratio to the mean)"), null=True, blank=True
    )
    weight_max_ratio = models.FloatField(
        _("highest weight (ratio to the mean)"), null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.EMPTY
    )
    n_respondents = models.PositiveIntegerField(_("respondents"), default=0)
    microdata_file = models.CharField(_("microdata file"), max_length=300, blank=True)
    retain_until = models.DateField(_("retain microdata until"), null=True, blank=True)
    purged_at = models.DateTimeField(_("microdata deleted"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("surveys:dataset-detail", args=[self.pk])

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.previous_id is not None:
            if self.previous_id == self.pk:
                raise ValidationError(
                    {"previous": _("A dataset cannot be its own earlier fielding.")}
                )
            previous = Dataset.objects.filter(pk=self.previous_id).first()
            if previous is not None and previous.instrument_id != self.instrument_id:
                raise ValidationError(
                    {"previous": _("The earlier fielding must use the same questionnaire.")}
                )

    @property
    def response_rate(self) -> float | None:
        if not self.sample_size or not self.n_respondents:
            return None
        return round(100 * self.n_respondents / self.sample_size, 1)


class DatasetFile(models.Model):
    """An upload and the outcome of its validation; the validation itself is `job` (a portal
    background job: queued, attempts, time limit, relay), shown while there is no outcome."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for validation")
        INVALID = "invalid", _("has errors (not loaded)")
        LOADED = "loaded", _("loaded")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dataset = models.ForeignKey(
        Dataset, on_delete=models.CASCADE, related_name="files", verbose_name=_("dataset")
    )
    original_name = models.CharField(_("file name"), max_length=255)
    stored_path = models.CharField(_("stored path"), max_length=300)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    n_rows = models.PositiveIntegerField(_("rows"), default=0)
    problem_count = models.PositiveIntegerField(_("problems"), default=0)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    notes = models.JSONField(_("notes"), default=list, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    validated_at = models.DateTimeField(_("validated"), null=True, blank=True)
    job = models.OneToOneField(
        BackgroundJob,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("validation job"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("uploaded file")
        verbose_name_plural = _("uploaded files")

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("surveys:file-detail", args=[self.pk])

    @property
    def validation_failed(self) -> bool:
        """No outcome, and the validation job gave up (time limit, error, attempts, sweeper)."""
        return (
            self.status == self.Status.PENDING
            and self.job is not None
            and self.job.status == BackgroundJob.Status.FAILED
        )

    @property
    def status_label(self) -> str:
        if self.status != self.Status.PENDING or self.job is None:
            return str(self.get_status_display())
        if self.job.status == BackgroundJob.Status.RUNNING:
            return str(_("validating"))
        if self.job.status == BackgroundJob.Status.FAILED:
            return str(_("failed"))
        return str(self.get_status_display())


class NationalFigure(models.Model):
    class Status(models.TextChoices):
        VERIFIED_P = "VERIFIED-P", _("verified (primary)")
        VERIFIED_S = "VERIFIED-S", _("verified (secondary)")
        DERIVED = "DERIVED", _("derived")
        UNVERIFIED = "UNVERIFIED", _("unverified")

    survey = models.CharField(_("survey"), max_length=50)
    wave = models.CharField(_("wave"), max_length=10)
    indicator = models.CharField(_("indicator"), max_length=50)
    breakdown = models.CharField(_("breakdown"), max_length=50)
    group = models.CharField(_("group"), max_length=100, blank=True)
    answer = models.CharField(_("answer"), max_length=100, blank=True)
    pct = models.DecimalField(_("percentage"), max_digits=6, decimal_places=2)
    base_n = models.PositiveIntegerField(_("base n"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    source = models.TextField(_("source"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["survey", "wave", "indicator", "breakdown", "group", "answer"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "wave", "indicator", "breakdown", "group", "answer"],
                name="surveys_nationalfigure_unique",
            ),
        ]
        verbose_name = _("national reference figure")
        verbose_name_plural = _("national reference figures")

    def __str__(self) -> str:
        cell = f"{self.indicator}/{self.breakdown}/{self.group}/{self.answer}"
        return f"{self.survey} {self.wave} {cell}"


class ReportJob(models.Model):
    """The stored report of a dataset in one mode; a re-run overwrites the same row.

    Each request of the report is a new portal background job (`job`: queued, progress,
    attempts, time limit, relay); only the current job stores its result.
    """

    class Mode(models.TextChoices):
        INTERNAL = "internal", _("internal (all cells)")
        PUBLISH = "publish", _("publication (small cells suppressed)")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dataset = models.ForeignKey(
        Dataset, on_delete=models.CASCADE, related_name="reports", verbose_name=_("dataset")
    )
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices)
    threshold = models.PositiveSmallIntegerField(_("suppression threshold"), default=10)
    result = models.JSONField(_("result"), default=dict, blank=True)
    job = models.OneToOneField(
        BackgroundJob,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current build"),
    )

    class Meta:
        ordering = ["dataset", "mode"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "mode"], name="surveys_reportjob_unique"),
        ]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return f"{self.dataset} [{self.mode}]"

    @property
    def is_ready(self) -> bool:
        return self.job is not None and self.job.status == BackgroundJob.Status.DONE


class AuditLog(models.Model):
    """Append-only: who downloaded or viewed what, written before the first byte is sent."""

    class Action(models.TextChoices):
        DOWNLOAD = "download", _("report download")
        MICRODATA_VIEW = "microdata", _("microdata view")
        RETENTION_DELETE = "retention", _("microdata deleted (retention)")
        SHARED_DOWNLOAD = "shared", _("shared report download (members)")
        SHARE_PUBLISH = "publish", _("report shared with members")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    username = models.CharField(_("user name"), max_length=150, blank=True)
    dataset = models.ForeignKey(
        Dataset,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dataset"),
    )
    dataset_title = models.CharField(_("dataset title"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    format = models.CharField(_("format"), max_length=10, blank=True)
    mode = models.CharField(_("mode"), max_length=10, blank=True)
    client_ip = models.GenericIPAddressField(_("client IP"), null=True, blank=True)
    created_at = models.DateTimeField(_("time (UTC)"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.format}"


class SharedReport(models.Model):
    """A publication-mode PDF the secretariat handed to the member organisations."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dataset = models.ForeignKey(
        Dataset, on_delete=models.CASCADE, related_name="shared_reports", verbose_name=_("dataset")
    )
    title = models.CharField(_("title"), max_length=200)
    note = models.TextField(_("note to members"), blank=True)
    pdf_file = models.CharField(_("PDF file"), max_length=300)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("report shared with members")
        verbose_name_plural = _("reports shared with members")

    def __str__(self) -> str:
        return self.title


from .web_models import AccessCode, WebAnswer, WebFielding  # noqa: E402, F401
