from django import forms
from django.utils.translation import gettext_lazy as _

from .models import WrongEntryReport


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong?"),
        choices=WrongEntryReport.Reason.choices,
        widget=forms.RadioSelect,
    )
    message = forms.CharField(
        label=_("Details (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Please do not write your name, address or phone number."),
    )


class ServiceImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 or Shift_JIS. The columns of the export; empty id = new service."),
    )
