from collections.abc import Mapping
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kitakyushu_pf.templatetags.portal_i18n import local_date

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
    # Folded text and readings for the directory search (members/search.py), set on save.
    search_text = models.TextField(_("search text"), blank=True, editable=False)
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
    news_digest = models.BooleanField(
        _("news digest by e-mail"),
        default=True,
        help_text=_("Receives the secretariat's news for members by e-mail."),
    )
    on_steering_committee = models.BooleanField(
        _("steering committee member"),
        default=False,
        help_text=_("Member of the 幹事会: receives its notices and can answer them."),
    )
    last_confirmed_at = models.DateTimeField(_("last confirmed"), default=timezone.now)
    # Folded text and readings for the directory search (members/search.py), set on save.
    search_text = models.TextField(_("search text"), blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["organisation", "kana", "name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        # Pickers show the organisation, so two 「相談員」 can be told apart.
        return f"{self.display_name}（{self.organisation.name}）"

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
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    online_url = models.URLField(
        _("online URL"), blank=True, help_text=_("Shown to members who answered オンライン.")
    )
    notice_sent_at = models.DateTimeField(_("notice sent"), null=True, blank=True, editable=False)
    minutes_published = models.BooleanField(
        _("minutes published"),
        default=False,
        help_text=_("Members see the minutes only once they are published."),
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
        return f"{local_date(self.held_on, 'date')} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("members:meeting-detail", args=[self.pk])


class SecretariatDecision(models.Model):
    """A request the secretariat approves or declines: who decided, when, and the reasons sent
    with the decision (``members.services.decision_record`` writes them).

    ``DECISION_FIELD`` names the model's own status field, whose choices include ``APPROVED``
    and ``DECLINED``. ``decision_reason`` is worded for an applicant here; a model whose reader
    is someone else words its help text anew.
    """

    DECISION_FIELD = "status"
    APPROVED = "approved"
    DECLINED = "declined"

    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    reviewed_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(
        _("reasons"),
        blank=True,
        help_text=_(
            "Sent to the applicant with the decision: required when declining (say kindly what "
            "is missing or why), optional when approving (a welcome note)."
        ),
    )

    class Meta:
        abstract = True


class MembershipApplication(SecretariatDecision):
    """An organisation's request to join the council, reviewed by the secretariat."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        APPROVED = SecretariatDecision.APPROVED, _("Approved")
        DECLINED = SecretariatDecision.DECLINED, _("Declined")

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


class Invitation(models.Model):
    """A single-use link to set a password: only the SHA-256 of the random token is stored."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("person")
    )
    email = models.EmailField(_("e-mail"))
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    sent_count = models.PositiveSmallIntegerField(_("times sent"), default=1)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} ({self.person.organisation.name})"

    @property
    def is_pending(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class WindowProposal(SecretariatDecision):
    """An organisation's new or changed handbook window, waiting for the secretariat."""

    DECISION_FIELD = "state"

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = SecretariatDecision.APPROVED, _("Published")
        DECLINED = SecretariatDecision.DECLINED, _("Declined")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="window_proposals",
        verbose_name=_("organisation"),
    )
    service = models.ForeignKey(
        "handbook.Service",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("window"),
        help_text=_("Empty for a new window."),
    )
    data = models.JSONField(_("proposed values"), default=dict)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    proposed_at = models.DateTimeField(_("proposed"), default=timezone.now)
    decision_reason = models.TextField(
        _("reasons"),
        blank=True,
        help_text=_("Shown to the organisation; required when declining."),
    )

    class Meta:
        ordering = ["state", "-proposed_at"]
        verbose_name = _("window change")
        verbose_name_plural = _("window changes")

    def __str__(self) -> str:
        return str(self.data.get("name") or self.service or "")


class NewsPost(models.Model):
    """An announcement from the secretariat to the members (最新の行政情報 and the like)."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    published_at = models.DateTimeField(
        _("published"),
        null=True,
        blank=True,
        help_text=_("Empty while it is a draft; members see it from this time on."),
    )
    digest_sent_at = models.DateTimeField(_("e-mailed"), null=True, blank=True, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("news for members")
        verbose_name_plural = _("news for members")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("members:news-detail", args=[self.pk])


def members_private_storage() -> FileSystemStorage:
    """Files for members only: the private root (``DJANGO_PRIVATE_ROOT``), never served directly."""
    return FileSystemStorage(location=Path(settings.PRIVATE_STORAGE_ROOT), base_url=None)


class NewsAttachment(models.Model):
    post = models.ForeignKey(
        NewsPost, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("news")
    )
    file = models.FileField(_("file"), upload_to="members/news/", storage=members_private_storage)
    title = models.CharField(_("title"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.title or (self.file.name or "").rsplit("/", 1)[-1]


class NewsQuestion(models.Model):
    """A member's question to the secretariat about an announcement."""

    post = models.ForeignKey(
        NewsPost, on_delete=models.CASCADE, related_name="questions", verbose_name=_("news")
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="questions", verbose_name=_("person")
    )
    text = models.TextField(_("question"), max_length=2000)
    asked_at = models.DateTimeField(_("asked"), default=timezone.now)
    answer = models.TextField(_("answer"), blank=True)
    is_answered = models.BooleanField(_("answered"), default=False)

    class Meta:
        ordering = ["is_answered", "-asked_at"]
        verbose_name = _("question to the secretariat")
        verbose_name_plural = _("questions to the secretariat")

    def __str__(self) -> str:
        return self.text[:40]


class Poll(models.Model):
    """A simple 意見聴取: one question, a few choices, one answer per person."""

    question = models.CharField(_("question"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    opens_at = models.DateTimeField(_("opens"), default=timezone.now)
    closes_at = models.DateTimeField(_("closes"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-opens_at"]
        verbose_name = _("poll")
        verbose_name_plural = _("polls")

    def __str__(self) -> str:
        return self.question

    def get_absolute_url(self) -> str:
        return reverse("members:poll-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.opens_at <= timezone.now() < self.closes_at


class PollChoice(models.Model):
    poll = models.ForeignKey(
        Poll, on_delete=models.CASCADE, related_name="choices", verbose_name=_("poll")
    )
    text = models.CharField(_("choice"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")

    def __str__(self) -> str:
        return self.text


class PollVote(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="votes")
    choice = models.ForeignKey(PollChoice, on_delete=models.CASCADE, related_name="votes")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="poll_votes")
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    voted_at = models.DateTimeField(_("answered"), default=timezone.now)

    class Meta:
        verbose_name = _("poll answer")
        verbose_name_plural = _("poll answers")
        constraints = [
            models.UniqueConstraint(fields=["poll", "person"], name="poll_one_vote_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.poll}: {self.choice}"


class MeetingRsvp(models.Model):
    """One person's answer to a meeting notice, and whether they were there."""

    class Answer(models.TextChoices):
        ATTEND = "attend", _("Attending")
        ABSENT = "absent", _("Absent")
        ONLINE = "online", _("Online")

    meeting = models.ForeignKey(
        CouncilMeeting, on_delete=models.CASCADE, related_name="rsvps", verbose_name=_("meeting")
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="rsvps", verbose_name=_("person")
    )
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices)
    answered_at = models.DateTimeField(_("answered"), default=timezone.now)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)

    class Meta:
        ordering = ["meeting", "person"]
        verbose_name = _("meeting answer")
        verbose_name_plural = _("meeting answers")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="rsvp_one_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.meeting}: {self.person} ({self.get_answer_display()})"
