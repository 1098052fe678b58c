from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import FieldOfSupport

from .identifiers import identifiers_find
from .models import CaseStudy, PathwayStep

CHECKED_FIELDS = ("summary", "lessons", "discussion_notes", "feedback")


def identifier_errors(text: str) -> list[forms.ValidationError]:
    return [
        forms.ValidationError(
            _(
                "This looks like %(what)s: “%(text)s”. Remove it or replace it with a neutral "
                "description (for example 「Aさん」「70代の女性」「市内」)."
            ),
            code=f"identifier_{f.kind}",
            params={"what": f.label, "text": f.text},
        )
        for f in identifiers_find(text)
    ]


class CaseStudyForm(forms.ModelForm):
    class Meta:
        model = CaseStudy
        fields = [
            "title",
            "session",
            "presenting_organisation",
            "presenting_organisation_name",
            "presenter",
            "summary",
            "fields",
            "lessons",
            "discussion_notes",
            "feedback",
            "is_published",
        ]
        widgets = {
            **{f: forms.Textarea(attrs={"rows": 5}) for f in CHECKED_FIELDS},
            "fields": forms.CheckboxSelectMultiple,
        }

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        for name in CHECKED_FIELDS:
            for error in identifier_errors(cleaned.get(name, "")):
                self.add_error(name, error)
        return cleaned


class PathwayStepForm(forms.ModelForm):
    class Meta:
        model = PathwayStep
        fields = ["order", "organisation", "organisation_name", "what_they_did"]
        widgets = {"what_they_did": forms.Textarea(attrs={"rows": 2})}

    def clean_what_they_did(self) -> str:
        text = self.cleaned_data["what_they_did"]
        errors = identifier_errors(text)
        if errors:
            raise forms.ValidationError(errors)
        return text


PathwayFormSet = forms.inlineformset_factory(
    CaseStudy, PathwayStep, form=PathwayStepForm, extra=3, can_delete=True
)


class LibraryFilterForm(forms.Form):
    field = forms.ModelChoiceField(
        label=_("Field of support"),
        queryset=FieldOfSupport.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label=_("All fields"),
    )
    q = forms.CharField(label=_("Keyword"), required=False)
