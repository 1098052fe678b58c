"""The portal's three roles and the checks every app uses to guard its pages."""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from .security import denial_log

SECRETARIAT = "secretariat"
MEMBER = "member"
ANALYST = "analyst"
ROLES = (SECRETARIAT, MEMBER, ANALYST)


def user_has_role(user: Any, *roles: str) -> bool:
    """True when the user belongs to one of the groups (superusers hold every role)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name__in=roles).exists()


def role_required(
    *roles: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Anonymous users are sent to the login page; signed-in users without the role get 403."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user_has_role(request.user, *roles):
                denial_log(request=request, reason=f"role_required({','.join(roles)})")
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_roles = roles  # type: ignore[attr-defined]
        return wrapped

    return decorator


class RoleRequiredMixin(AccessMixin):
    """Class-based equivalent of :func:`role_required`."""

    required_roles: Iterable[str] = ()

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not user_has_role(request.user, *self.required_roles):
            roles = ",".join(self.required_roles)
            denial_log(request=request, reason=f"role_required({roles})")
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


def grant_permissions(apps: Any, *, group: str, app_label: str, codenames: Iterable[str]) -> None:
    """Give a group model permissions from inside a data migration.

    Permissions are normally created after all migrations ran; create them now so that each
    app's own migration can hand its permissions to the roles.
    """
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config(app_label)
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    grp, _ = Group.objects.get_or_create(name=group)
    perms = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    grp.permissions.add(*perms)
