"""Decoding of uploaded text files (CSV) the way Japanese offices save them.

UTF-8 with or without a BOM ("CSV UTF-8" in Excel), then CP932 (Excel's default "CSV" on Japanese
Windows; a superset of Shift_JIS with ①, ㈱, 髙 …). Nothing is guessed and no character is ever
replaced: a file that is neither is refused, naming the line and byte where it breaks.
"""

from django.utils.translation import gettext as _


class UndecodableUpload(ValueError):
    """The upload is not UTF-8 or CP932 text; the message says why, in the user's language."""


def decode_text_upload(raw: bytes) -> tuple[str, str]:
    """Return (text, encoding name) or raise :class:`UndecodableUpload`."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UndecodableUpload(
            _(
                "UTF-16 files are not accepted. In Excel, save as “CSV UTF-8 (Comma delimited)” "
                "or “CSV (Comma delimited)”."
            )
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
            )
            % {"line": line, "byte": exc.start + 1}
        ) from exc
