"""Uploaded files, checked the one way every upload of the portal uses.

Text (CSV): :func:`decode_text_upload` decodes the way Japanese offices save files — UTF-8 with
or without a BOM ("CSV UTF-8" in Excel), then CP932 (Excel's default "CSV" on Japanese Windows; a
superset of Shift_JIS with ①, ㈱, 髙 …). Nothing is guessed and no character is ever replaced: a
file that is neither is refused with a ``ValidationError`` naming the line and byte where it
breaks. Used by the members/handbook service import, the trainings registration import, the
survey microdata and the national figures.

Flyers: :func:`validate_flyer` accepts PDF, PNG and JPEG only, judged by the file's first bytes
(its content), never by its name.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class UploadRefused(ValidationError):
    """An upload that cannot be read at all; ``str()`` is the message itself."""

    def __str__(self) -> str:  # the message itself, not ValidationError's list form
        return " ".join(self.messages)


class UndecodableUpload(UploadRefused):
    """The upload is not UTF-8 or CP932 text; the message says why, in the user's language.
    ``code`` ("utf16" or "undecodable") and ``params`` let a stored refusal be shown again in
    another language."""


def decode_text_upload(raw: bytes) -> tuple[str, str]:
    """Return (text, encoding name) or raise :class:`UndecodableUpload`."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UndecodableUpload(
            _(
                "UTF-16 files are not accepted. In Excel, save as “CSV UTF-8 (Comma delimited)” "
                "or “CSV (Comma delimited)”."
            ),
            code="utf16",
        )
    try:
        if raw.startswith(b"\xef\xbb\xbf"):
            return raw[3:].decode("utf-8"), "utf-8-sig"
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp932"), "cp932"
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise UndecodableUpload(
            _(
                "Line %(line)s (byte %(byte)s from the start) cannot be read as UTF-8 or as "
                "Shift_JIS (CP932). The file may be cut off, or saved in another encoding."
            ),
            code="undecodable",
            params={"line": line, "byte": exc.start + 1},
        ) from exc


# Signatures of the formats a flyer may have (first bytes of the file) and their extensions.
FLYER_SIGNATURES: dict[str, tuple[bytes, tuple[str, ...]]] = {
    "PDF": (b"%PDF-", (".pdf",)),
    "PNG": (b"\x89PNG\r\n\x1a\n", (".png",)),
    "JPEG": (b"\xff\xd8\xff", (".jpg", ".jpeg")),
}


def validate_flyer(upload: Any) -> None:
    """Refuse a flyer that is not a PDF, PNG or JPEG by content (an HTML or SVG file named
    ``.pdf`` is refused), or whose name does not match its content."""
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(16)
    upload.seek(position)
    if isinstance(head, str):
        head = head.encode()
    name = str(getattr(upload, "name", "") or "").lower()
    for signature, suffixes in FLYER_SIGNATURES.values():
        if head.startswith(signature):
            if not name.endswith(suffixes):
                raise ValidationError(
                    _("The file's name does not match its content: name it %(suffix)s.")
                    % {"suffix": suffixes[0]},
                    code="flyer_name",
                )
            return
    raise ValidationError(
        _("A flyer must be a PDF, PNG or JPEG file."),
        code="flyer_type",
    )
