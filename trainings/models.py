import uuid
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kitakyushu_pf.templatetags.portal_i18n import local_when
from kitakyushu_pf.uploads import validate_flyer
from members.models import FieldOfSupport, Organisation


class Programme(models.Model):
    """A training programme (研修会) or a case-study session series, with one application window."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    venue_address = models.CharField(_("venue address"), max_length=200, blank=True)
    organiser_contact = models.TextField(_("organiser contact"), blank=True)
    fee = models.CharField(_("fee"), max_length=60, blank=True, default="無料")
    application_opens_on = models.DateField(_("applications open on"))
    application_closes_on = models.DateField(_("applications close on"))
    flyer = models.FileField(
        _("flyer"),
        upload_to="trainings/flyers/",
        blank=True,
        validators=[validate_flyer],
        help_text=_("PDF, PNG or JPEG."),
    )
    is_published = models.BooleanField(_("published"), default=False)
    is_sample = models.BooleanField(_("sample"), default=False)
    cancel_cutoff_minutes = models.PositiveIntegerField(
        _("cancellation cut-off (minutes before the start)"),
        default=0,
        help_text=_(
            "Cancelling, undoing a cancellation and moving people up from the waiting list stop "
            "this many minutes before each session starts (0 = at the start)."
        ),
    )
    confirmation_hold_hours = models.PositiveSmallIntegerField(
        _("hold a seat pending e-mail confirmation (hours)"),
        default=0,
        validators=[MaxValueValidator(168)],
        help_text=_(
            "0 = off: a place from the web form is confirmed at once. With N hours, a free seat "
            "is only held: the e-mail carries a confirmation link, and a hold not confirmed "
            "within N hours is released to the waiting list. Turn it on for programmes open to "
            "the public."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # --- Members' own events (issue 16): proposed by a member organisation, approved by the
    # secretariat before they are listed (see members/events.py). Empty for the city's trainings.
    organiser = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organised_programmes",
        verbose_name=_("organising member"),
    )
    approval = models.CharField(
        _("approval"),
        max_length=10,
        choices=[
            ("", _("Not needed (secretariat's own)")),
            ("proposed", _("Proposed, waiting for the secretariat")),
            ("approved", _("Approved")),
            ("declined", _("Declined")),
        ],
        default="",
        blank=True,
    )
    open_to_public = models.BooleanField(
        _("open to the public"),
        default=True,
        help_text=_("For a member's event: also listed on the public trainings page."),
    )

    class Meta:
        ordering = ["-application_opens_on", "title"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(application_closes_on__gte=F("application_opens_on")),
                name="programme_window_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("trainings:programme-detail", args=[self.slug])

    def window_state(self, today: date | None = None) -> str:
        """'before', 'open' or 'after' the application window (dates in Asia/Tokyo)."""
        today = today or timezone.localdate()
        if today < self.application_opens_on:
            return "before"
        if today > self.application_closes_on:
            return "after"
        return "open"

    @property
    def is_open(self) -> bool:
        return self.window_state() == "open"

    def is_finished(self, now: datetime | None = None) -> bool:
        """True once the last session has ended (no seats left to offer, no waiting list)."""
        now = now or timezone.now()
        ends = [s.ends_at for s in self.sessions.all()]
        return bool(ends) and max(ends) <= now


class Session(models.Model):
    class Format(models.TextChoices):
        LECTURE = "lecture", _("Lecture")
        GROUP_WORK = "group_work", _("Group work")
        ONLINE = "online", _("Online")

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("programme")
    )
    number = models.PositiveSmallIntegerField(_("number"), default=1)
    date = models.DateField(_("date"))
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"))
    theme = models.CharField(_("theme"), max_length=200)
    lecturers = models.TextField(
        _("lecturers"),
        blank=True,
        help_text=_("One lecturer per line: name, then the affiliation after a ／."),
    )
    format = models.CharField(
        _("format"), max_length=20, choices=Format.choices, default=Format.LECTURE
    )
    capacity = models.PositiveIntegerField(_("capacity"), default=75)
    # Seats taken (confirmed, attended and held pending confirmation), kept in the same
    # transaction as the registrations; the check constraint is a backstop.
    confirmed_count = models.PositiveIntegerField(_("confirmed places"), default=0, editable=False)
    online_url = models.URLField(
        _("online URL"), blank=True, help_text=_("Shown to confirmed participants only.")
    )

    class Meta:
        ordering = ["date", "start", "number"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(confirmed_count__lte=F("capacity")),
                name="session_confirmed_within_capacity",
            ),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="session_end_after_start"),
            models.UniqueConstraint(fields=["programme", "number"], name="session_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{local_when(self.date, self.start, style='date')} {self.theme}"

    @property
    def starts_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.date, self.start))

    @property
    def ends_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.date, self.end))

    @property
    def cutoff_at(self) -> datetime:
        """After this moment nobody cancels, undoes a cancellation or moves up."""
        return self.starts_at - timedelta(minutes=self.programme.cancel_cutoff_minutes)

    def is_past_cutoff(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.cutoff_at

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.confirmed_count, 0)

    @property
    def is_full(self) -> bool:
        return self.confirmed_count >= self.capacity

    def lecturer_lines(self) -> list[tuple[str, str]]:
        lines = []
        for line in self.lecturers.splitlines():
            if line.strip():
                name, _sep, affiliation = line.partition("／")
                lines.append((name.strip(), affiliation.strip()))
        return lines

    def overlaps(self, other: "Session") -> bool:
        return self.date == other.date and self.start < other.end and other.start < self.end


# Places an address holds (one per session); places that take a seat (counted in
# Session.confirmed_count); places that are firm (questionnaire, certificates, statistics).
ACTIVE_STATES = ("confirmed", "waitlisted", "attended", "pending")
SEAT_STATES = ("confirmed", "attended", "pending")
HOLDING_STATES = ("confirmed", "attended")


class Registration(models.Model):
    class State(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("Waiting list")
        CANCELLED = "cancelled", _("Cancelled")
        ATTENDED = "attended", _("Attended")
        PENDING = "pending", _("Held, awaiting e-mail confirmation")

    class Source(models.TextChoices):
        WEB = "web", _("Web form")
        IMPORT = "import", _("Electronic application system")
        WALK_IN = "walk_in", _("Walk-in")
        ADMIN = "admin", _("Secretariat")

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("session")
    )
    name = models.CharField(_("name"), max_length=100)
    kana = models.CharField(_("name in kana"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("member organisation"),
    )
    organisation_name = models.CharField(_("organisation (free text)"), max_length=200, blank=True)
    field_of_work = models.ForeignKey(
        FieldOfSupport,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("field of work"),
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices)
    position = models.PositiveIntegerField(
        _("waiting-list position"), null=True, blank=True, editable=False
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default="web")
    external_id = models.CharField(_("application number"), max_length=60, blank=True)
    checkin_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    language = models.CharField(
        _("language"),
        max_length=10,
        default="ja",
        help_text=_("The language the person registered in; their e-mails are written in it."),
    )
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("registered at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    promoted_at = models.DateTimeField(_("promoted at"), null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True, editable=False)
    attended_at = models.DateTimeField(_("attended at"), null=True, blank=True, editable=False)
    hold_expires_at = models.DateTimeField(
        _("seat held until"), null=True, blank=True, editable=False
    )
    confirmed_by_email_at = models.DateTimeField(
        _("confirmed by e-mail at"), null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["session", "created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "email"],
                condition=Q(state__in=ACTIVE_STATES) & ~Q(email=""),
                name="registration_one_place_per_email",
            ),
            models.UniqueConstraint(
                fields=["session", "position"],
                condition=Q(position__isnull=False),
                name="registration_position_unique",
            ),
        ]
        indexes = [models.Index(fields=["email"]), models.Index(fields=["session", "state"])]

    def __str__(self) -> str:
        return f"{self.name} — {self.session}"

    @property
    def organisation_label(self) -> str:
        return self.organisation.name if self.organisation else self.organisation_name

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES


ANSWER_MAX_LENGTH = 2000


class Question(models.Model):
    """One question of a programme's questionnaire, edited by the secretariat (admin → 研修会).

    A programme without questions gets the default five first (services.DEFAULT_QUESTIONS).
    """

    class Kind(models.TextChoices):
        SCALE = "scale", _("Scale 1–5")
        CHOICE = "choice", _("One choice")
        TEXT = "text", _("Free text")

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="questions", verbose_name=_("programme")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SCALE)
    label = models.CharField(_("question"), max_length=300)
    heading = models.CharField(
        _("short title"),
        max_length=60,
        blank=True,
        help_text=_("Column title in the summary and the exports (empty: the question)."),
    )
    choices = models.TextField(
        _("choices"), blank=True, help_text=_("For “one choice”: one choice per line.")
    )
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        ordering = ["programme", "order", "pk"]
        verbose_name = _("questionnaire question")
        verbose_name_plural = _("questionnaire questions")

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return self.heading or self.label

    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    def clean(self) -> None:
        if self.kind == self.Kind.CHOICE and len(self.choice_list()) < 2:
            raise ValidationError({"choices": _("Give at least two choices, one per line.")})
        if self.pk and self.answer_items.exists():
            kind = Question.objects.filter(pk=self.pk).values_list("kind", flat=True).first()
            if kind is not None and kind != self.kind:
                raise ValidationError(
                    {"kind": _("This question has answers already: its kind cannot change.")}
                )


class QuestionnaireAnswer(models.Model):
    """One person's answers to the questionnaire of one session (one item per question)."""

    registration = models.OneToOneField(
        Registration,
        on_delete=models.CASCADE,
        related_name="questionnaire_answer",
        verbose_name=_("registration"),
    )
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-answered_at"]
        verbose_name = _("questionnaire answer")
        verbose_name_plural = _("questionnaire answers")

    def __str__(self) -> str:
        return f"{self.registration} ({self.answered_at:%Y-%m-%d})"

    def by_question(self) -> dict[int, int | str]:
        """{question id: answer} for the questions answered (a number for a 1–5 scale)."""
        return {item.question_id: item.value for item in self.items.all()}


class QuestionnaireAnswerItem(models.Model):
    answer = models.ForeignKey(
        QuestionnaireAnswer,
        on_delete=models.CASCADE,
        related_name="items",
        verbose_name=_("questionnaire answer"),
    )
    # RESTRICT: an answered question is not deleted on its own, but with its programme it is.
    question = models.ForeignKey(
        Question,
        on_delete=models.RESTRICT,
        related_name="answer_items",
        verbose_name=_("questionnaire question"),
    )
    number = models.PositiveSmallIntegerField(
        _("score"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text = models.TextField(_("answer"), blank=True)

    class Meta:
        ordering = ["answer", "question__order", "question"]
        verbose_name = _("answer to a question")
        verbose_name_plural = _("answers to questions")
        constraints = [
            models.UniqueConstraint(fields=["answer", "question"], name="qa_item_one_per_question"),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(number__gte=1, number__lte=5),
                name="qa_item_score_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.value}"

    @property
    def value(self) -> int | str:
        return self.number if self.number is not None else self.text


class AccessLink(models.Model):
    """A personal link sent by e-mail: "my registrations" (per person and programme), a
    questionnaire or the confirmation of a held seat (per registration).

    The link's token is never stored: it is an HMAC of ``nonce`` with the secret key, and only
    its SHA-256 is kept (and looked up). Rotating the nonce revokes every copy of the old link.
    """

    class Purpose(models.TextChoices):
        ME = "me", _("My registrations")
        QUESTIONNAIRE = "questionnaire", _("Questionnaire")
        CONFIRM = "confirm", _("Confirmation of a held seat")

    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    email = models.EmailField(_("e-mail"), blank=True)
    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="access_links",
        verbose_name=_("programme"),
    )
    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="access_links",
        verbose_name=_("registration"),
    )
    nonce = models.CharField(max_length=64, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("valid until"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("personal link")
        verbose_name_plural = _("personal links")
        constraints = [
            models.UniqueConstraint(
                fields=["purpose", "email", "programme"],
                condition=Q(purpose="me"),
                name="accesslink_one_me_link_per_person_and_programme",
            ),
            models.UniqueConstraint(
                fields=["registration", "purpose"],
                condition=Q(registration__isnull=False),
                name="accesslink_one_link_per_registration_and_purpose",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} — {self.programme}"

    def is_usable(self, now: datetime | None = None) -> bool:
        return self.revoked_at is None and (now or timezone.now()) < self.expires_at
