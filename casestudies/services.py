from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import CaseStudy, CaseStudyRead


def confirmations_collect(*, form: Any, formsets: Any = ()) -> list[dict[str, str]]:
    """The spans the author confirmed in a case-study form and its pathway-step forms (a step's
    field named with its form prefix, e.g. ``steps-0-what_they_did``)."""
    confirmed = list(getattr(form, "identifier_confirmations", []))
    for formset in formsets:
        for step_form in getattr(formset, "forms", []):
            for item in getattr(step_form, "identifier_confirmations", []):
                confirmed.append({**item, "field": f"{step_form.prefix}-{item['field']}"})
    return confirmed


def confirmations_add(
    *, case_study: CaseStudy, confirmed: list[dict[str, str]], user: Any = None
) -> bool:
    """Record on ``case_study`` (not saved here) each confirmation it does not hold yet, with
    who confirmed it and when. Returns whether anything was added."""
    by = getattr(user, "get_username", lambda: "")()
    at = timezone.now().isoformat(timespec="seconds")
    known = {(c["field"], c["kind"], c["text"]) for c in case_study.identifier_confirmations}
    added = False
    for item in confirmed:
        if (item["field"], item["kind"], item["text"]) not in known:
            case_study.identifier_confirmations.append({**item, "by": by, "at": at})
            added = True
    return added


def casestudy_save(*, form: Any, formset: Any, user: Any = None) -> CaseStudy:
    """Save a validated case-study form and its pathway steps together.

    Spans the identifier check flagged and the author confirmed are recorded on the case study
    with who confirmed them and when (kept with earlier confirmations of the same text).
    """
    confirmed = confirmations_collect(form=form, formsets=[formset])
    with transaction.atomic():
        case_study = form.save(commit=False)
        confirmations_add(case_study=case_study, confirmed=confirmed, user=user)
        case_study.save()
        form.save_m2m()
        formset.instance = case_study
        formset.save()
    return case_study


def casestudy_read_record(*, case_study: CaseStudy, user: Any) -> CaseStudyRead:
    """Log that ``user`` opened ``case_study`` (every opening, for the secretariat's read log)."""
    person = getattr(user, "person", None)
    label = user.get_username()
    if person is not None:
        label = f"{person.name}（{person.organisation.name}）"
    return CaseStudyRead.objects.create(case_study=case_study, user=user, reader_label=label)
