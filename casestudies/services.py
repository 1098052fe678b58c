from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import CaseStudy, CaseStudyRead


def casestudy_save(*, form: Any, formset: Any, user: Any = None) -> CaseStudy:
    """Save a validated case-study form and its pathway steps together.

    Spans the identifier check flagged and the author confirmed are recorded on the case study
    with who confirmed them and when (kept with earlier confirmations of the same text).
    """
    by = getattr(user, "get_username", lambda: "")()
    at = timezone.now().isoformat(timespec="seconds")
    confirmed = list(getattr(form, "identifier_confirmations", []))
    for step_form in getattr(formset, "forms", []):
        for item in getattr(step_form, "identifier_confirmations", []):
            confirmed.append({**item, "field": f"{step_form.prefix}-{item['field']}"})
    with transaction.atomic():
        case_study = form.save(commit=False)
        known = {(c["field"], c["kind"], c["text"]) for c in case_study.identifier_confirmations}
        for item in confirmed:
            if (item["field"], item["kind"], item["text"]) not in known:
                case_study.identifier_confirmations.append({**item, "by": by, "at": at})
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
