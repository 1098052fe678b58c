from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MembershipApplication, Organisation, Person

# Model forms build "fields" and "wards" from the models; these only change how they look.
M2M_WIDGETS = {"fields": forms.CheckboxSelectMultiple, "wards": forms.CheckboxSelectMultiple}
M2M_LABELS = {"fields": _("Fields of support"), "wards": _("Wards served")}


class ApplicationForm(forms.ModelForm):
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


class OrganisationForm(forms.ModelForm):
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


class PersonForm(forms.ModelForm):
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
