from django.db.models import Prefetch, Q, QuerySet

from members.models import FieldOfSupport

from .models import CaseStudy, PathwayStep


def casestudies_library(*, field: FieldOfSupport | None = None, q: str = "") -> QuerySet[CaseStudy]:
    qs = CaseStudy.objects.filter(is_published=True)
    if field is not None:
        qs = qs.filter(fields=field)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(summary__icontains=q) | Q(lessons__icontains=q))
    return (
        qs.select_related("session__programme", "presenting_organisation")
        .prefetch_related("fields")
        .distinct()
        .order_by("-session__date", "-created_at")
    )


def casestudy_detail(pk: int) -> CaseStudy:
    return (
        CaseStudy.objects.select_related("session__programme", "presenting_organisation")
        .prefetch_related(
            "fields",
            Prefetch("steps", queryset=PathwayStep.objects.select_related("organisation")),
        )
        .get(pk=pk)
    )
