from collections.abc import Mapping

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# The taxonomy in the reader's language: the Japanese name is the row's own (the secretariat may
# edit it); other languages use these labels, by slug / code, falling back to the name.
FIELD_LABELS = {
    "poverty": _("Financial hardship"),
    "homeless": _("Homelessness"),
    "children-youth": _("Children and young people"),
    "hikikomori": _("Hikikomori (social withdrawal)"),
    "elderly-care": _("Older people and care"),
    "disability": _("Disability"),
    "employment": _("Employment"),
    "housing": _("Housing"),
    "women": _("Women"),
    "violence": _("Domestic violence and abuse"),
    "suicide-prevention": _("Suicide prevention"),
    "mental-health": _("Mental health"),
    "foreigners": _("Foreign residents"),
    "food": _("Food support"),
    "family": _("Families and child-rearing"),
    "reentry": _("Rehabilitation and re-entry"),
}
WARD_LABELS = {
    "moji": _("Moji Ward"),
    "kokurakita": _("Kokurakita Ward"),
    "kokuraminami": _("Kokuraminami Ward"),
    "wakamatsu": _("Wakamatsu Ward"),
    "yahatahigashi": _("Yahatahigashi Ward"),
    "yahatanishi": _("Yahatanishi Ward"),
    "tobata": _("Tobata Ward"),
}


def _label(name: str, labels: Mapping[str, object], key: str) -> str:
    if (get_language() or "ja").startswith("ja") or key not in labels:
        return name
    return str(labels[key])


class FieldOfSupport(models.Model):
    """One entry of the council's small taxonomy of fields (生活困窮, ひきこもり …)."""

    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("field of support")
        verbose_name_plural = _("fields of support")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language."""
        return _label(self.name, FIELD_LABELS, self.slug)


class Ward(models.Model):
    """One of Kitakyushu's seven wards."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=20, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = _("ward")
        verbose_name_plural = _("wards")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language."""
        return _label(self.name, WARD_LABELS, self.code)


class Organisation(models.Model):
    class Kind(models.TextChoices):
        NPO = "npo", _("NPO")
        CITY = "city", _("City department")
        WELFARE_COUNCIL = "welfare_council", _("Social welfare council")
        COMPANY = "company", _("Company")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        MEMBER = "member", _("Member")
        FORMER = "former", _("Former member")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kana = models.CharField(_("name in kana"), max_length=200, blank=True)
    legal_form = models.CharField(
        _("legal form"), max_length=60, blank=True, help_text=_("For example 認定NPO法人.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.NPO)
    status = models.CharField(
        _("membership status"), max_length=20, choices=Status.choices, default=Status.MEMBER
    )
    applied_on = models.DateField(_("applied on"), null=True, blank=True)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    fields = models.ManyToManyField(
        FieldOfSupport,
        verbose_name=_("fields of support"),
        blank=True,
        related_name="organisations",
    )
    wards = models.ManyToManyField(
        Ward, verbose_name=_("wards served"), blank=True, related_name="organisations"
    )
    description = models.TextField(_("public description"), blank=True)
    phone = models.CharField(_("public phone"), max_length=30, blank=True)
    website = models.URLField(_("web site"), blank=True)
    address = models.CharField(_("public address"), max_length=200, blank=True)
    is_sample = models.BooleanField(
        _("sample"),
        default=False,
        help_text=_("Demo data that does not describe a real organisation."),
    )
    last_confirmed_at = models.DateTimeField(_("last confirmed"), default=timezone.now)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["kana", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("members:organisation-detail", args=[self.pk])

    @property
    def is_member(self) -> bool:
        return self.status == self.Status.MEMBER


class Person(models.Model):
    """A named staff member of an organisation: the council works by name."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="people",
        verbose_name=_("organisation"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("login"),
    )
    name = models.CharField(_("name"), max_length=100)
    kana = models.CharField(_("name in kana"), max_length=100, blank=True)
    role = models.CharField(_("role"), max_length=100, blank=True)
    ask_me_about = models.TextField(
        _("ask me about"),
        blank=True,
        help_text=_("What colleagues from other organisations can ask this person about."),
    )
    fields = models.ManyToManyField(
        FieldOfSupport, verbose_name=_("fields of support"), blank=True, related_name="people"
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    listed_by_name = models.BooleanField(
        _("listed by name"),
        default=False,
        help_text=_("The person agreed to appear by name in the members-only directory."),
    )
    is_contact = models.BooleanField(
        _("contact person"),
        default=False,
        help_text=_("Receives the secretariat's e-mails for the organisation."),
    )
    last_confirmed_at = models.DateTimeField(_("last confirmed"), default=timezone.now)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["organisation", "kana", "name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name when the person consented, otherwise only the role."""
        if self.listed_by_name:
            return self.name
        return str(self.role or _("Staff member"))


class CouncilMeeting(models.Model):
    """A meeting of the council (協議会, 研修会, 幹事会 or a case-study session)."""

    class Kind(models.TextChoices):
        COUNCIL = "council", _("Council meeting")
        TRAINING = "training", _("Training session")
        STEERING = "steering", _("Steering committee")
        CASE_STUDY = "case_study", _("Case study")

    held_on = models.DateField(_("held on"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COUNCIL)
    title = models.CharField(_("title"), max_length=200)
    place = models.CharField(_("place"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    is_sample = models.BooleanField(
        _("sample"),
        default=False,
        help_text=_("The agenda or minutes are demo text, not the real record."),
    )
    organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("attending organisations"),
        blank=True,
        related_name="meetings",
    )
    people = models.ManyToManyField(
        Person, verbose_name=_("attending people"), blank=True, related_name="meetings"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-held_on", "title"]
        verbose_name = _("council meeting")
        verbose_name_plural = _("council meetings")
        constraints = [
            models.UniqueConstraint(fields=["held_on", "title"], name="meeting_unique_day_title")
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("members:meeting-detail", args=[self.pk])


class MembershipApplication(models.Model):
    """An organisation's request to join the council, reviewed by the secretariat."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    OPEN_STATUSES = (Status.SUBMITTED, Status.UNDER_REVIEW)

    organisation_name = models.CharField(_("organisation name"), max_length=200)
    organisation_kana = models.CharField(_("organisation name in kana"), max_length=200)
    legal_form = models.CharField(
        _("legal form"), max_length=60, blank=True, help_text=_("For example 認定NPO法人.")
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=Organisation.Kind.choices, default=Organisation.Kind.NPO
    )
    fields = models.ManyToManyField(
        FieldOfSupport, verbose_name=_("fields of support"), related_name="applications"
    )
    wards = models.ManyToManyField(
        Ward, verbose_name=_("wards served"), blank=True, related_name="applications"
    )
    description = models.TextField(
        _("what your organisation does"),
        help_text=_("This text is shown on the public member list once you join."),
    )
    phone = models.CharField(_("public phone"), max_length=30, blank=True)
    website = models.URLField(_("web site"), blank=True)
    motivation = models.TextField(_("why you would like to join"))
    contact_name = models.CharField(_("contact person's name"), max_length=100)
    contact_kana = models.CharField(_("contact person's name in kana"), max_length=100)
    contact_role = models.CharField(_("contact person's role"), max_length=100, blank=True)
    contact_email = models.EmailField(_("contact person's e-mail"))
    contact_phone = models.CharField(_("contact person's phone"), max_length=30, blank=True)
    contact_listed_by_name = models.BooleanField(
        _("list the contact person by name in the members-only directory"), default=False
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    reviewed_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("reasons"), blank=True)
    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="application",
        verbose_name=_("organisation created"),
    )
    is_sample = models.BooleanField(_("sample"), default=False)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("membership application")
        verbose_name_plural = _("membership applications")

    def __str__(self) -> str:
        return self.organisation_name

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES
