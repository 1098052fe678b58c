from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from members.models import FieldOfSupport, Organisation
from trainings.models import Session


class CaseStudy(models.Model):
    """A case presented at a case-study session; the summary never identifies the person."""

    title = models.CharField(_("title"), max_length=200)
    session = models.ForeignKey(
        Session,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="case_studies",
        verbose_name=_("session"),
    )
    presenting_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="case_studies",
        verbose_name=_("presenting organisation"),
    )
    presenting_organisation_name = models.CharField(
        _("presenting organisation (free text)"), max_length=200, blank=True
    )
    presenter = models.CharField(
        _("presenter"), max_length=100, blank=True, help_text=_("Role, e.g. 副理事長.")
    )
    summary = models.TextField(
        _("anonymised summary"),
        help_text=_("No names, addresses, phone numbers, e-mail addresses or other identifiers."),
    )
    fields = models.ManyToManyField(
        FieldOfSupport, verbose_name=_("fields of support"), blank=True, related_name="case_studies"
    )
    lessons = models.TextField(_("lessons"), blank=True)
    discussion_notes = models.TextField(_("discussion notes"), blank=True)
    feedback = models.TextField(_("participant feedback"), blank=True)
    is_published = models.BooleanField(_("published to members"), default=True)
    is_sample = models.BooleanField(_("sample"), default=False)
    identifier_confirmations = models.JSONField(
        _("identifier checks confirmed"),
        default=list,
        blank=True,
        help_text=_(
            "Spans the finder flagged and the author kept on purpose: field, kind, text, who, when."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("case study")
        verbose_name_plural = _("case studies")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("casestudies:casestudy-detail", args=[self.pk])

    @property
    def presenting_organisation_label(self) -> str:
        if self.presenting_organisation_id:
            return self.presenting_organisation.name  # type: ignore[union-attr]
        return self.presenting_organisation_name


class PathwayStep(models.Model):
    """One organisation on the support pathway (支援をつなぐ), in order."""

    case_study = models.ForeignKey(
        CaseStudy, on_delete=models.CASCADE, related_name="steps", verbose_name=_("case study")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pathway_steps",
        verbose_name=_("organisation"),
    )
    organisation_name = models.CharField(_("organisation (free text)"), max_length=200, blank=True)
    what_they_did = models.TextField(_("what they did"))

    class Meta:
        ordering = ["case_study", "order"]
        verbose_name = _("pathway step")
        verbose_name_plural = _("pathway steps")
        constraints = [
            models.UniqueConstraint(
                fields=["case_study", "order"], name="pathway_step_order_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.organisation_label}"

    @property
    def organisation_label(self) -> str:
        if self.organisation_id:
            return self.organisation.name  # type: ignore[union-attr]
        return self.organisation_name


class CaseStudyRead(models.Model):
    """Who opened which case study, when: the secretariat's read log of the members' library."""

    case_study = models.ForeignKey(
        CaseStudy, on_delete=models.CASCADE, related_name="reads", verbose_name=_("case study")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="case_study_reads",
        verbose_name=_("reader"),
    )
    reader_label = models.CharField(
        _("reader (as shown)"), max_length=200, help_text=_("Name and organisation when read.")
    )
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("case-study read")
        verbose_name_plural = _("case-study reads")

    def __str__(self) -> str:
        return f"{self.case_study_id} · {self.reader_label} · {self.opened_at:%Y-%m-%d %H:%M}"
