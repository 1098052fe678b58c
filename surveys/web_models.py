"""Web fielding (issue 14): access codes stored as hashes, and the answers given with them.

Nothing here can identify a resident: no name, address, IP address, user agent or exact time.
The code's keyed hash and the answer are the only stored link; the printed code list (kept by
the secretariat and the mailing contractor) is the only way back to a person.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WebFielding(models.Model):
    """The web answering period of one dataset (one fielding of an instrument)."""

    dataset = models.OneToOneField(
        "surveys.Dataset", on_delete=models.CASCADE, related_name="web", verbose_name=_("dataset")
    )
    opens_on = models.DateField(_("web answers from"))
    closes_on = models.DateField(_("web answers until"))
    contact = models.CharField(_("secretariat contact (printed on the letter)"), max_length=300)
    codes_issued = models.PositiveIntegerField(_("codes issued"), default=0)
    code_list_destroyed_on = models.DateField(_("printed code list destroyed on"), null=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("web fielding")
        verbose_name_plural = _("web fieldings")

    def __str__(self) -> str:
        return f"{self.dataset} ({self.opens_on}〜{self.closes_on})"


class AccessCode(models.Model):
    """One printed code: only its keyed hash is stored."""

    class Status(models.TextChoices):
        UNUSED = "unused", _("not used")
        STARTED = "started", _("answering (not submitted)")
        SUBMITTED = "submitted", _("submitted on the web")
        PAPER = "paper", _("answered on paper")

    class Counted(models.TextChoices):
        PAPER = "paper", _("paper answer counts")
        WEB = "web", _("web answer counts")

    dataset = models.ForeignKey(
        "surveys.Dataset",
        on_delete=models.CASCADE,
        related_name="access_codes",
        verbose_name=_("dataset"),
    )
    code_hash = models.CharField(_("code hash"), max_length=64, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.UNUSED
    )
    on_paper = models.BooleanField(_("also answered on paper"), default=False)
    counted = models.CharField(
        _("which answer counts"), max_length=5, choices=Counted.choices, default=Counted.PAPER
    )
    used_on = models.DateField(_("day used"), null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["dataset", "status"], name="surveys_code_status")]
        verbose_name = _("access code")
        verbose_name_plural = _("access codes")

    def __str__(self) -> str:
        return f"{self.code_hash[:12]}… ({self.status})"

    @property
    def resp_id(self) -> str:
        """The respondent id in the dataset, the same for a paper and a web answer."""
        return "C" + self.code_hash[:15]


class WebAnswer(models.Model):
    """The answer given with one code: drafts per page, then the validated values."""

    code = models.OneToOneField(
        AccessCode, on_delete=models.CASCADE, related_name="answer", verbose_name=_("code")
    )
    dataset = models.ForeignKey(
        "surveys.Dataset",
        on_delete=models.CASCADE,
        related_name="web_answers",
        verbose_name=_("dataset"),
    )
    draft = models.JSONField(_("answers so far"), default=dict, blank=True)
    page = models.PositiveSmallIntegerField(_("last page saved"), default=0)
    values = models.JSONField(_("validated values"), default=dict, blank=True)
    submitted_on = models.DateField(_("day submitted"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("web answer")
        verbose_name_plural = _("web answers")

    def __str__(self) -> str:
        return f"{self.code.resp_id} {self.submitted_on or '-'}"
