"""Handbook content, shaped after Open Referral HSDS (organisation → service → contact/schedule).

Category → Worry (as residents say it) ↔ Service (a consultation window) → OpeningHours.
Usage figures are daily counts only: no IP address, user agent or per-person trail.
"""

from typing import Any

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

WEEKDAY_HOLIDAY = 7


class TranslatedContent(models.Model):
    """Per-language checks and やさしい日本語 ruby of a translated object (handbook/translation.py).

    ``translation_meta`` = {language: {"checked_on": "YYYY-MM-DD" (a person checked it),
    "digest": fingerprint of the values last loaded from handbook/data/translations}}. An entry
    without checked_on is unchecked: readers see the Japanese text unless
    HANDBOOK_SHOW_UNCHECKED_TRANSLATIONS is on. ``ruby`` holds the generated <ruby> markup per
    field (regenerated on save); ``ruby_readings`` lets the secretariat correct a reading.
    """

    translation_meta = models.JSONField(
        _("translation checks"), default=dict, blank=True, editable=False
    )
    ruby = models.JSONField(_("ruby"), default=dict, blank=True, editable=False)
    ruby_readings = models.TextField(
        _("ruby readings"),
        blank=True,
        help_text=_(
            "Corrections of the readings shown over kanji in やさしい日本語, one a line: 漢字=よみ"
        ),
    )

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        from django.utils import translation

        from .ruby import ruby_fields

        self.ruby = ruby_fields(self)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "ruby"}
        # django-modeltranslation writes each source column (`name`) from the active language's
        # column: saved in Japanese, it always holds the Japanese text (`name_ja`).
        with translation.override("ja"):
            super().save(*args, **kwargs)


class Category(TranslatedContent):
    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    catalogue_digest = models.CharField(
        _("catalogue digest"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_(
            "Fingerprint of the values last loaded from handbook/data (edits show as a change)."
        ),
    )

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("handbook:category-detail", args=[self.slug])


class Worry(TranslatedContent):
    """A worry in the words a resident would use (「お金がなくて生活が苦しい」)."""

    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="worries", verbose_name=_("category")
    )
    key = models.SlugField(
        _("catalogue key"),
        max_length=60,
        blank=True,
        help_text=_("Identifier in handbook/data/worries.yaml (empty for worries added here)."),
    )
    text = models.CharField(_("text"), max_length=120, unique=True)
    keywords = models.TextField(
        _("keywords"), blank=True, help_text=_("Words residents use, separated by commas.")
    )
    synonyms = models.TextField(
        _("synonyms"),
        blank=True,
        help_text=_("Other ways of saying the same worry, separated by commas."),
    )
    is_crisis = models.BooleanField(
        _("crisis"), default=False, help_text=_("Crisis lines are shown first for this worry.")
    )
    is_active = models.BooleanField(_("shown"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    catalogue_digest = models.CharField(
        _("catalogue digest"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_(
            "Fingerprint of the values last loaded from handbook/data (edits show as a change)."
        ),
    )

    class Meta:
        ordering = ["category__order", "order", "pk"]
        verbose_name = _("worry")
        verbose_name_plural = _("worries")
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=~models.Q(key=""), name="handbook_worry_unique_key"
            )
        ]

    def __str__(self) -> str:
        return self.text


class Service(TranslatedContent):
    """A consultation window (HSDS service with its contacts, location and eligibility)."""

    class PhoneStatus(models.TextChoices):
        VERIFIED = "VERIFIED", _("Verified")
        UNVERIFIED = "UNVERIFIED", _("Unverified")

    class Gender(models.TextChoices):
        ANY = "any", _("Anyone")
        FEMALE = "female", _("Women")
        MALE = "male", _("Men")

    provider = models.ForeignKey(
        "members.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="handbook_services",
        verbose_name=_("provider organisation"),
    )
    source_key = models.CharField(
        _("source key"),
        max_length=200,
        blank=True,
        help_text=_("Name of the row in contacts_verified.csv this window was loaded from."),
    )
    name = models.CharField(_("name"), max_length=400)
    description = models.TextField(_("description"), blank=True)
    what_to_expect = models.TextField(_("what to expect when calling"), blank=True)
    worries = models.ManyToManyField(
        Worry, blank=True, related_name="services", verbose_name=_("worries")
    )
    # Contacts
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    phone_status = models.CharField(
        _("phone status"),
        max_length=10,
        choices=PhoneStatus.choices,
        default=PhoneStatus.UNVERIFIED,
    )
    chat = models.CharField(_("LINE / chat"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    web_url = models.URLField(_("web site"), max_length=500, blank=True)
    in_person = models.CharField(_("in person"), max_length=300, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    ward = models.ForeignKey(
        "members.Ward",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="handbook_services",
        verbose_name=_("ward"),
    )
    # Schedule
    is_24h = models.BooleanField(_("24 hours"), default=False)
    closed_on_holidays = models.BooleanField(
        _("closed on public holidays"),
        default=True,
        help_text=_("Unless there are rows for public holidays (祝)."),
    )
    closed_new_year = models.BooleanField(_("closed 29 Dec – 3 Jan"), default=False)
    hours_note = models.CharField(_("hours as published"), max_length=600, blank=True)
    holiday_notes = models.CharField(_("holiday notes"), max_length=300, blank=True)
    # Eligibility
    target = models.CharField(_("who it is for"), max_length=1000, blank=True)
    age_min = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    gender = models.CharField(
        _("gender"), max_length=10, choices=Gender.choices, default=Gender.ANY
    )
    residents_only = models.BooleanField(_("Kitakyushu residents only"), default=False)
    cost = models.CharField(_("cost"), max_length=400, blank=True)
    anonymous_ok = models.BooleanField(_("anonymous OK"), default=False)
    languages = models.CharField(_("languages"), max_length=100, blank=True, default="日本語")
    # Crisis
    is_crisis_line = models.BooleanField(_("crisis line"), default=False)
    crisis_order = models.PositiveSmallIntegerField(_("crisis order"), default=100)
    # Provenance
    source_url = models.TextField(_("source URL"), blank=True)
    last_checked = models.DateField(_("last checked"), null=True, blank=True)
    is_sample = models.BooleanField(
        _("sample"), default=False, help_text=_("Demo window that does not exist.")
    )
    is_active = models.BooleanField(_("shown"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Every change (by the secretariat or approved from an organisation) is kept, with its author.
    # The per-language columns of handbook/translation.py are added after this model is built,
    # so the history keeps the Japanese source fields (and the translation checks) only.
    history = HistoricalRecords(
        excluded_fields=[
            "updated_at",
            *(
                f"{f}_{lang}"
                for f in ("name", "description", "target", "what_to_expect", "hours_note", "cost")
                for lang in ("ja", "easy", "en", "zh_hans", "ko", "vi")
            ),
        ]
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.UniqueConstraint(
                fields=["source_key"],
                condition=~models.Q(source_key=""),
                name="handbook_service_unique_source_key",
            ),
            models.CheckConstraint(
                condition=models.Q(age_min__isnull=True)
                | models.Q(age_max__isnull=True)
                | models.Q(age_min__lte=models.F("age_max")),
                name="handbook_service_age_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_verified_phone(self) -> bool:
        return bool(self.phone) and self.phone_status == self.PhoneStatus.VERIFIED


class OpeningHours(models.Model):
    """A weekly opening span. `closes` at or before `opens` means the span ends the next day."""

    class Weekday(models.IntegerChoices):
        MON = 0, _("Mon")
        TUE = 1, _("Tue")
        WED = 2, _("Wed")
        THU = 3, _("Thu")
        FRI = 4, _("Fri")
        SAT = 5, _("Sat")
        SUN = 6, _("Sun")
        HOLIDAY = WEEKDAY_HOLIDAY, _("Public holiday")

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="hours", verbose_name=_("service")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"), help_text=_("00:00 means midnight."))

    class Meta:
        ordering = ["service", "weekday", "opens"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"

    @property
    def crosses_midnight(self) -> bool:
        return self.closes <= self.opens


class Channel(models.Model):
    """Where a visit came from (`?src=code`): QR code on flyers, search ads, SNS …"""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        ordering = ["code"]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class WrongEntryReport(models.Model):
    """An anonymous 「情報が違う」 report. Holds no IP address, user agent or contact data."""

    class Reason(models.TextChoices):
        PHONE = "phone", _("The phone number is wrong")
        HOURS = "hours", _("The opening hours are wrong")
        CLOSED = "closed", _("The window no longer exists")
        OTHER = "other", _("Something else")

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="reports", verbose_name=_("service")
    )
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    message = models.TextField(_("message"), max_length=1000, blank=True)
    received_on = models.DateField(_("received on"))
    is_resolved = models.BooleanField(_("resolved"), default=False)

    class Meta:
        ordering = ["is_resolved", "-received_on", "-pk"]
        verbose_name = _("wrong-entry report")
        verbose_name_plural = _("wrong-entry reports")

    def __str__(self) -> str:
        return f"{self.service} ({self.get_reason_display()})"


class UsageDaily(models.Model):
    """An anonymous count per day: never a row per visit."""

    class Kind(models.TextChoices):
        WORRY_TICKED = "worry", _("Worry ticked")
        RESULTS_VIEWED = "results", _("Results viewed")
        SEARCH = "search", _("Search")
        SEARCH_EMPTY = "search_empty", _("Search with no result")
        CHANNEL = "channel", _("Visit from channel")
        FUNNEL = "funnel", _("Funnel step per channel")

    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    key = models.CharField(_("key"), max_length=100, blank=True)
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        ordering = ["-date", "kind", "-count"]
        verbose_name = _("daily usage figure")
        verbose_name_plural = _("daily usage figures")
        constraints = [
            models.UniqueConstraint(
                fields=["date", "kind", "key"], name="handbook_usage_unique_day_kind_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.kind} {self.key}: {self.count}"
