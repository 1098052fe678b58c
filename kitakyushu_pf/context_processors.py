from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    groups: set[str] = set()
    if user is not None and user.is_authenticated:
        groups = (
            {g.name for g in user.groups.all()}
            if not user.is_superuser
            else {
                "secretariat",
                "member",
                "analyst",
            }
        )
    return {
        "portal_secretariat": settings.PORTAL_SECRETARIAT,
        "user_groups": groups,
    }
