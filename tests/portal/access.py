"""Access table for the foundation's URLs (kitakyushu_pf, Django's auth and language views)."""

from tests.access import (
    LOGIN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    REDIRECT,
    Access,
    public,
    signed_in,
)  # fmt: skip

ENTRIES = {
    "": public("/"),
    "healthz": public("/healthz"),
    "i18n/setlang/": Access(
        "/i18n/setlang/", method="POST", data={"language": "ja", "next": "/"},
        anonymous=REDIRECT, member=REDIRECT, analyst=REDIRECT, secretariat=REDIRECT,
    ),
    "accounts/login/": public("/accounts/login/"),
    "accounts/logout/": Access(
        "/accounts/logout/", anonymous=NOT_ALLOWED, member=NOT_ALLOWED, analyst=NOT_ALLOWED,
        secretariat=NOT_ALLOWED, note="log-out is POST only (CSRF-protected)",
    ),
    "accounts/password_change/": signed_in("/accounts/password_change/"),
    "accounts/password_change/done/": signed_in("/accounts/password_change/done/"),
    "accounts/password_reset/": public("/accounts/password_reset/"),
    "accounts/password_reset/done/": public("/accounts/password_reset/done/"),
    "accounts/reset/<uidb64>/<token>/": public(
        "/accounts/reset/MQ/bad-token/", note="an invalid link shows its own message"
    ),
    "accounts/reset/done/": public("/accounts/reset/done/"),
    # The whole admin is staff-only; its index stands for every admin URL.
    "admin/": Access("/admin/", anonymous=LOGIN, member=LOGIN, analyst=LOGIN, secretariat=OK),
    # Uploaded media (flyers) are public downloads; a missing file is a 404 for everyone.
    "media/(?P<path>.+)": Access(
        "/media/trainings/flyers/none.pdf", anonymous=NOT_FOUND, member=NOT_FOUND,
        analyst=NOT_FOUND, secretariat=NOT_FOUND,
    ),
}  # fmt: skip
