"""Demo accounts, one per role, so every part of the portal can be tried after `make run`."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from kitakyushu_pf.roles import ANALYST, MEMBER, SECRETARIAT

DEMO_PASSWORD = "tsunagaru-demo-2023"
DEMO_USERS = (
    # username, role, is_staff
    ("secretariat", SECRETARIAT, True),
    ("member", MEMBER, False),
    ("analyst", ANALYST, False),
)


def seed_demo() -> str:
    User = get_user_model()
    made = 0
    for username, role, is_staff in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"email": f"{username}@example.jp", "is_staff": is_staff},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            made += 1
        user.groups.add(Group.objects.get(name=role))
    return f"{made} demo accounts created ({len(DEMO_USERS)} in all)"
