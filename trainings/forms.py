from collections.abc import Sequence

from django import forms
from django.utils.translation import gettext_lazy as _

from kitakyushu_pf.templatetags.portal_i18n import local_when
from members.models import FieldOfSupport, Organisation

from .models import ANSWER_MAX_LENGTH, Programme, Question, Session


class SessionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Session) -> str:  # type: ignore[override]
        return f"{local_when(obj.date, obj.start, obj.end, style='day')} {obj.theme}"


class SessionIdsField(forms.TypedMultipleChoiceField):
    """Session ids as integers. Which sessions exist and belong to the programme is checked by
    the registration service under the session lock, so the form does not query them again."""

    def valid_value(self, value: object) -> bool:
        return str(value).isdigit()


class RegistrationForm(forms.Form):
    sessions = SessionIdsField(
        label=_("Sessions to attend"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Please choose at least one session.")},
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    kana = forms.CharField(label=_("Name in kana"), max_length=100, required=False)
    email = forms.EmailField(label=_("E-mail"))
    phone = forms.CharField(label=_("Phone number"), max_length=30, required=False)
    organisation = forms.ModelChoiceField(
        label=_("Member organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("If your organisation is a member of the council, choose it here."),
    )
    organisation_name = forms.CharField(
        label=_("Organisation (if not in the list)"), max_length=200, required=False
    )
    field_of_work = forms.ModelChoiceField(
        label=_("Field of work"), queryset=FieldOfSupport.objects.none(), required=False
    )

    def __init__(self, *args: object, programme: Programme, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.programme = programme
        self.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            status="member"
        )
        self.fields["field_of_work"].queryset = FieldOfSupport.objects.all()  # type: ignore[attr-defined]
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"


class WalkInForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kana = forms.CharField(label=_("Name in kana"), max_length=100, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    organisation_name = forms.CharField(label=_("Organisation"), max_length=200, required=False)


class QuestionnaireForm(forms.Form):
    """The programme's questions, one field each (``q<id>``); the service checks the rules."""

    SCALE = [(i, str(i)) for i in range(1, 6)]

    def __init__(self, *args: object, questions: Sequence[Question], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.questions = list(questions)
        for question in self.questions:
            field: forms.Field
            if question.kind == Question.Kind.SCALE:
                field = forms.TypedChoiceField(
                    choices=self.SCALE, coerce=int, widget=forms.RadioSelect, empty_value=None
                )
            elif question.kind == Question.Kind.CHOICE:
                choices = [(c, c) for c in question.choice_list()]
                field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect)
            else:
                field = forms.CharField(
                    max_length=ANSWER_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
                )
            field.label = question.label
            field.required = question.required
            self.fields[f"q{question.pk}"] = field

    def answers(self) -> dict[int, int | str]:
        """{question id: answer} of the questions answered."""
        found: dict[int, int | str] = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"q{question.pk}")
            if value not in (None, ""):
                found[question.pk] = value
        return found


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV file from the electronic application system"))

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


class LinkResendForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address you registered with"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
