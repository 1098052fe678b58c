from typing import Any

from django.db import transaction

from .models import CaseStudy


def casestudy_save(*, form: Any, formset: Any) -> CaseStudy:
    """Save a validated case-study form and its pathway steps together."""
    with transaction.atomic():
        case_study = form.save()
        formset.instance = case_study
        formset.save()
    return case_study
