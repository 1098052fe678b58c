from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from members.models import FieldOfSupport

from .identifiers import Finding, identifiers_find
from .models import CaseStudy, PathwayStep

CHECKED_FIELDS = ("title", "summary", "lessons", "discussion_notes", "feedback")
CONFIRM_NAME = "confirm_identifier"


def identifiers_highlight(text: str, findings: list[Finding]) -> SafeString:
    """The text, escaped, with each finding wrapped in ``<mark>``."""
    parts: list[str] = []
    position = 0
    for f in findings:
        parts.append(escape(text[position : f.start]))
        parts.append(f'<mark class="identifier">{escape(text[f.start : f.end])}</mark>')
        position = f.end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts).replace("\n", "<br>"))  # noqa: S308 — every part is escaped


@dataclass(frozen=True)
class FlaggedSpan:
    token: str
    finding: Finding
    confirmed: bool


@dataclass(frozen=True)
class IdentifierPanel:
    """What the author sees for one field: the text with the flagged spans marked, and a
    checkbox per span to keep it on purpose."""

    field: str
    label: str
    highlighted: SafeString
    spans: list[FlaggedSpan]


def identifier_error(finding: Finding) -> forms.ValidationError:
    return forms.ValidationError(
        _(
            "This looks like %(what)s: “%(text)s”. Remove it or replace it with a neutral "
            "description (for example 「Aさん」「70代の女性」「市内」), or tick the box to "
            "confirm it identifies nobody."
        ),
        code=f"identifier_{finding.kind}",
        params={"what": finding.label, "text": finding.text},
    )


class IdentifierCheckMixin(forms.BaseForm):
    """Refuse identifiers in the checked fields unless the author confirmed each one.

    Each flagged span gets a checkbox (``confirm_identifier`` = ``field:kind:text``); a span the
    author ticked is kept and recorded in ``identifier_confirmations``, any other one is an error
    on its field. The panels (text with the spans marked) are in ``identifier_panels``.
    """

    checked_fields: tuple[str, ...] = ()

    def _confirmed_tokens(self) -> set[str]:
        getlist = getattr(self.data, "getlist", None)
        return set(getlist(CONFIRM_NAME)) if getlist else set()

    def identifiers_check(self, cleaned: dict[str, Any]) -> None:
        self.identifier_panels: list[IdentifierPanel] = []
        self.identifier_confirmations: list[dict[str, str]] = []
        confirmed = self._confirmed_tokens()
        for name in self.checked_fields:
            text = cleaned.get(name) or ""
            findings = identifiers_find(text)
            if not findings:
                continue
            spans = []
            for f in findings:
                token = f"{self.add_prefix(name)}:{f.kind}:{f.text}"
                ok = token in confirmed
                spans.append(FlaggedSpan(token=token, finding=f, confirmed=ok))
                if ok:
                    self.identifier_confirmations.append(
                        {"field": name, "kind": f.kind, "text": f.text}
                    )
                else:
                    self.add_error(name, identifier_error(f))
            self.identifier_panels.append(
                IdentifierPanel(
                    field=self.add_prefix(name),
                    label=str(self.fields[name].label),
                    highlighted=identifiers_highlight(text, findings),
                    spans=spans,
                )
            )


class CaseStudyForm(IdentifierCheckMixin, forms.ModelForm):
    checked_fields = CHECKED_FIELDS

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
            **{f: forms.Textarea(attrs={"rows": 5}) for f in CHECKED_FIELDS if f != "title"},
            "fields": forms.CheckboxSelectMultiple,
        }

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        self.identifiers_check(cleaned)
        return cleaned


class PathwayStepForm(IdentifierCheckMixin, forms.ModelForm):
    checked_fields = ("what_they_did",)

    class Meta:
        model = PathwayStep
        fields = ["order", "organisation", "organisation_name", "what_they_did"]
        widgets = {"what_they_did": forms.Textarea(attrs={"rows": 2})}

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        self.identifiers_check(cleaned)
        return cleaned


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
