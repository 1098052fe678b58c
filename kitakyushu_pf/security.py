"""Security events: every denied request is logged, without personal data."""

import logging

from django.http import HttpRequest

security_logger = logging.getLogger("kitakyushu_pf.security")

# Set on the request once a denial was logged, so one denial gives one log line.
_LOGGED_FLAG = "_portal_denial_logged"


def denial_log(*, request: HttpRequest, reason: str, status: int = 403) -> None:
    """Log one access denial: user id (never a name or an address), method, path and reason."""
    if getattr(request, _LOGGED_FLAG, False):
        return
    user = getattr(request, "user", None)
    user_id = user.pk if user is not None and getattr(user, "is_authenticated", False) else None
    security_logger.warning(
        "access denied: status=%s user_id=%s method=%s path=%s reason=%s",
        status,
        user_id if user_id is not None else "anonymous",
        request.method,
        request.path,
        reason,
    )
    setattr(request, _LOGGED_FLAG, True)
