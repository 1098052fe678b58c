from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
        return self.name


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
        return self.name


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
