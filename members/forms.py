from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MembershipApplication, Organisation, Person


def nfkc_phone(value: str) -> str:
    """Full-width digits and dashes (０９３－５８２…) as half-width before storing or dialling."""
    from .windows import normalise_phone

    return normalise_phone(value)


class PhoneNormalising:
    """Model forms whose phone fields are stored half-width."""

    phone_fields: tuple[str, ...] = ("phone",)

    def _post_clean(self) -> None:
        for name in self.phone_fields:
            if name in self.cleaned_data:  # type: ignore[attr-defined]
                self.cleaned_data[name] = nfkc_phone(self.cleaned_data[name])  # type: ignore[attr-defined]
        super()._post_clean()  # type: ignore[misc]


class NormalisedDateField(forms.DateField):
    """Accepts ２０２６/１２/２０ as 2026/12/20."""

    input_formats = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"]

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            import unicodedata

            value = unicodedata.normalize("NFKC", value).strip()
        return super().to_python(value)


# Model forms build "fields" and "wards" from the models; these only change how they look.
M2M_WIDGETS = {"fields": forms.CheckboxSelectMultiple, "wards": forms.CheckboxSelectMultiple}
M2M_LABELS = {"fields": _("Fields of support"), "wards": _("Wards served")}


class ApplicationForm(PhoneNormalising, forms.ModelForm):
    phone_fields = ("phone", "contact_phone")
    website = forms.URLField(label=_("web site"), required=False, assume_scheme="https")
    consent_privacy = forms.BooleanField(
        label=_(
            "I agree that the secretariat uses these details to review the application and to "
            "contact me about it."
        ),
        error_messages={"required": _("Please agree so that we can review your application.")},
    )

    class Meta:
        model = MembershipApplication
        fields = [
            "organisation_name",
            "organisation_kana",
            "legal_form",
            "kind",
            "fields",
            "wards",
            "description",
            "phone",
            "website",
            "motivation",
            "contact_name",
            "contact_kana",
            "contact_role",
            "contact_email",
            "contact_phone",
            "contact_listed_by_name",
        ]
        labels = M2M_LABELS
        error_messages = {
            "fields": {"required": _("Please choose at least one field of support.")},
        }
        widgets = {
            **M2M_WIDGETS,
            "description": forms.Textarea(attrs={"rows": 4}),
            "motivation": forms.Textarea(attrs={"rows": 4}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "contact_phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "phone": forms.TextInput(attrs={"inputmode": "tel"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation_kana"].help_text = _("For example ホウボク.")
        self.fields["contact_listed_by_name"].help_text = _(
            "Other members then see your name; without it they see only your role."
        )
        self.fields["kind"].choices = [  # type: ignore[attr-defined]
            c for c in Organisation.Kind.choices if c[0] != Organisation.Kind.CITY
        ]


class OrganisationForm(PhoneNormalising, forms.ModelForm):
    website = forms.URLField(label=_("web site"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = [
            "kana",
            "legal_form",
            "fields",
            "wards",
            "description",
            "phone",
            "website",
            "address",
        ]
        labels = M2M_LABELS
        widgets = {**M2M_WIDGETS, "description": forms.Textarea(attrs={"rows": 5})}


class PersonForm(PhoneNormalising, forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "name",
            "kana",
            "role",
            "ask_me_about",
            "fields",
            "email",
            "phone",
            "listed_by_name",
            "is_contact",
        ]
        labels = M2M_LABELS
        widgets = {**M2M_WIDGETS, "ask_me_about": forms.Textarea(attrs={"rows": 3})}


class DirectorySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, kana, organisation or topic"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. 住まい, ホウボク")}),
    )
    field = forms.ChoiceField(label=_("Field of support"), required=False)

    def __init__(self, *args: Any, field_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [("", _("All fields")), *field_choices]  # type: ignore[attr-defined]


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 4}))


# --- Issue 16: invitations, windows, news, polls, meetings, events ---------------------------


def _nfkc(value: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKC", value or "").strip()


class InvitationAcceptForm(forms.Form):
    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class InviteColleagueForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Colleague"), queryset=Person.objects.none())

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = organisation.people.filter(  # type: ignore[attr-defined]
            user__isnull=True
        ).exclude(email="")
        self.fields["person"].label_from_instance = lambda p: f"{p.name}（{p.role}・{p.email}）"  # type: ignore[attr-defined]


class WindowForm(forms.Form):
    name = forms.CharField(label=_("Name of the window"), max_length=200)
    description = forms.CharField(
        label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    what_to_expect = forms.CharField(
        label=_("what to expect when calling"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    phone = forms.CharField(
        label=_("phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        help_text=_("A new or changed number is shown only after the secretariat checked it."),
    )
    chat = forms.CharField(label=_("LINE / chat"), max_length=300, required=False)
    email = forms.EmailField(label=_("e-mail"), required=False)
    web_url = forms.URLField(label=_("web site"), required=False, assume_scheme="https")
    in_person = forms.CharField(label=_("in person"), max_length=300, required=False)
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    ward: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("ward"),
        queryset=None,  # type: ignore[arg-type]
        required=False,
    )
    hours_note = forms.CharField(label=_("hours as published"), max_length=300, required=False)
    holiday_notes = forms.CharField(label=_("holiday notes"), max_length=300, required=False)
    target = forms.CharField(label=_("who it is for"), max_length=300, required=False)
    cost = forms.CharField(label=_("cost"), max_length=200, required=False)
    anonymous_ok = forms.BooleanField(label=_("anonymous OK"), required=False)
    languages = forms.CharField(label=_("languages"), max_length=100, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from .models import Ward

        super().__init__(*args, **kwargs)
        self.fields["ward"].queryset = Ward.objects.all()  # type: ignore[attr-defined]

    def clean_phone(self) -> str:
        from .windows import normalise_phone

        return normalise_phone(self.cleaned_data.get("phone", ""))


class WindowDecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reasons"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Shown to the organisation in the e-mail. Required when declining; optional when "
            "publishing."
        ),
    )


class PhoneVerifyForm(forms.Form):
    source_url = forms.CharField(
        label=_("Source checked"),
        max_length=500,
        help_text=_("Where you checked the number: the organisation's or the city's page."),
    )


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=_("Your question to the secretariat"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MySettingsForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["news_digest"]


class EventForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    description = forms.CharField(
        label=_("description"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    venue = forms.CharField(label=_("venue"), max_length=200)
    day = NormalisedDateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("start"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("end"), widget=forms.TimeInput(attrs={"type": "time"}))
    capacity = forms.IntegerField(label=_("capacity"), min_value=1, max_value=1000, initial=20)
    open_to_public = forms.BooleanField(
        label=_("Also open to the public (listed on the trainings page)"), required=False
    )
    contact = forms.CharField(
        label=_("organiser contact"), max_length=300, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", _("The end must be after the start."))
        return data
