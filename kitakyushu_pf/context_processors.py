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
    my_organisation_id = None
    if user is not None and user.is_authenticated and "member" in groups:
        from members.models import Organisation, Person

        my_organisation_id = (
            Person.objects.filter(user=user, organisation__status=Organisation.Status.MEMBER)
            .values_list("organisation_id", flat=True)
            .first()
        )
    return {
        "portal_secretariat": settings.PORTAL_SECRETARIAT,
        "user_groups": groups,
        # The member's own organisation (自分の団体) for the navigation, or None.
        "my_organisation_id": my_organisation_id,
    }
