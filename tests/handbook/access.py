"""Access table for the handbook app (see tests/access/__init__.py)."""

from typing import Any

from tests.access import NOT_ALLOWED, NOT_FOUND, Access, public, roles_only

ENTRIES = {
    "handbook/": public("/handbook/"),
    "handbook/c/<slug:slug>/": public("/handbook/c/{category}/"),
    "handbook/results/": public("/handbook/results/?w={worry}"),
    "handbook/s/": public("/handbook/s/"),
    "handbook/s/<slug:slug>/": public("/handbook/s/seikatsu-hogo/"),
    "handbook/report/<int:pk>/": public("/handbook/report/{service}/"),
    "handbook/report/thanks/": public("/handbook/report/thanks/"),
    "handbook/tap": Access(
        "/handbook/tap", anonymous=NOT_ALLOWED, member=NOT_ALLOWED, analyst=NOT_ALLOWED,
        secretariat=NOT_ALLOWED, note="POST only (the funnel's tap beacon)",
    ),
    "handbook/api/search": public("/handbook/api/search?q=お金がない"),
    "handbook/api/services": public("/handbook/api/services?worry={worry}"),
    "handbook/api/hsds/services": public("/handbook/api/hsds/services"),
    "handbook/api/hsds/organizations": public("/handbook/api/hsds/organizations"),
    "handbook/api/hsds/taxonomy": public("/handbook/api/hsds/taxonomy"),
    "handbook/api/openapi.json": public("/handbook/api/openapi.json"),
    "handbook/staff/": roles_only("/handbook/staff/", "secretariat"),
    "handbook/staff/usage.csv": roles_only("/handbook/staff/usage.csv", "secretariat"),
    "handbook/bench-baseline": Access(
        "/handbook/bench-baseline", anonymous=NOT_FOUND, member=NOT_FOUND, analyst=NOT_FOUND,
        secretariat=NOT_FOUND, note="exists only with HANDBOOK_BENCH_BASELINE on",
    ),
}  # fmt: skip


def setup() -> dict[str, Any]:
    from tests.handbook.factories import ServiceFactory, WorryFactory

    worry = WorryFactory()
    service = ServiceFactory()
    service.worries.add(worry)
    return {"category": worry.category.slug, "worry": worry.pk, "service": service.pk}
