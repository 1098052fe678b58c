from django import forms
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from kitakyushu_pf.uploads import decode_text_upload

from .models import Dataset, Instrument, ReportJob


class DatasetForm(forms.ModelForm):
    instrument = forms.ModelChoiceField(queryset=Instrument.objects.all(), label=_("Instrument"))

    class Meta:
        model = Dataset
        fields = [
            "instrument",
            "title",
            "population",
            "sample_size",
            "fielding_start",
            "fielding_end",
            "modes",
            "hikikomori_rule",
            "retain_until",
            "previous",
        ]
        widgets = {
            "fielding_start": forms.DateInput(attrs={"type": "date"}),
            "fielding_end": forms.DateInput(attrs={"type": "date"}),
            "retain_until": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts = {
            "modes": _("For example: postal, web"),
            "retain_until": _("Microdata is deleted after this date. Empty: three years."),
        }


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Data file (CSV in UTF-8 or Shift_JIS, or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class MarginsForm(forms.Form):
    file = forms.FileField(
        label=_("Population margins (CSV: variable,code,count)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv"}),
    )
    weight_min_ratio = forms.FloatField(
        label=_("Lowest weight (ratio to the mean, optional)"), required=False, min_value=0.01
    )
    weight_max_ratio = forms.FloatField(
        label=_("Highest weight (ratio to the mean, optional)"), required=False, min_value=1
    )
    clear = forms.BooleanField(label=_("Remove the margins (unweighted report)"), required=False)


class ReportForm(forms.Form):
    mode = forms.ChoiceField(choices=ReportJob.Mode.choices, label=_("Mode"))


class NationalUploadForm(forms.Form):
    file = forms.FileField(label=_("Replacement CSV (UTF-8 or Shift_JIS)"))

    def clean_file(self) -> ContentFile:
        """Decode like every other upload (UTF-8 or CP932); hand on UTF-8 bytes."""
        upload = self.cleaned_data["file"]
        text, _encoding = decode_text_upload(upload.read())  # raises ValidationError
        return ContentFile(text.encode("utf-8"), name=upload.name)
