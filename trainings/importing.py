"""Import of registrations from the city's electronic application system (電子申請システム).

The export is a CSV in CP932 or UTF-8 (with or without BOM), one row per application and lecture,
with these columns (extra columns are ignored):

    受付番号, 申込日時, 氏名, ふりがな, メールアドレス, 電話番号, 所属, 講座番号

`講座番号` is the session number within the programme (1–13 for the 2023 programme). The preview
marks each row new, duplicate or error with the reason; the import follows the same capacity and
waiting-list rules as the web form, in the order of 申込日時, and is all or nothing.
"""

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Organisation

from .models import ACTIVE_STATES, Programme, Registration
from .services import Applicant, normalise_email, registrations_create

REQUIRED_COLUMNS = ("受付番号", "申込日時", "氏名", "メールアドレス", "講座番号")
OPTIONAL_COLUMNS = ("ふりがな", "電話番号", "所属")
DATE_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M")


@dataclass
class ImportRow:
    line: int
    status: str  # "new", "duplicate" or "error"
    reason: str
    external_id: str
    applied_at: datetime | None
    name: str
    kana: str
    email: str
    phone: str
    organisation: str
    session_number: int | None
    session_id: int | None = None
    session_theme: str = ""


def _parse_datetime(value: str) -> datetime | None:
    for fmt in DATE_FORMATS:
        try:
            return timezone.make_aware(datetime.strptime(value.strip(), fmt))  # noqa: DTZ007
        except ValueError:
            continue
    return None


def import_preview(*, programme: Programme, text: str) -> list[ImportRow]:
    """Mark each row of the decoded file; a file without the required columns is refused
    (``ValidationError``)."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ValidationError(
            _("Required columns are missing: %(columns)s") % {"columns": "、".join(missing)},
            code="columns_missing",
        )
    reader.fieldnames = header
    sessions = {s.number: s for s in programme.sessions.all()}
    taken = set(
        Registration.objects.filter(
            session__programme=programme, state__in=ACTIVE_STATES
        ).values_list("session_id", "email")
    )
    imported = set(
        Registration.objects.filter(session__programme=programme)
        .exclude(external_id="")
        .values_list("session_id", "external_id")
    )
    seen: set[tuple[int, str]] = set()
    rows: list[ImportRow] = []
    for line, raw in enumerate(reader, start=2):
        if None in raw:
            extra = raw.pop(None)
            if any((v or "").strip() for v in extra):
                rows.append(_error_row(line, raw, _("The row has more cells than the header.")))
                continue

        def get(key: str, raw: dict = raw) -> str:
            return (raw.get(key) or "").strip()

        row = ImportRow(
            line=line,
            status="new",
            reason="",
            external_id=get("受付番号"),
            applied_at=_parse_datetime(get("申込日時")),
            name=get("氏名"),
            kana=get("ふりがな"),
            email=normalise_email(get("メールアドレス")),
            phone=get("電話番号"),
            organisation=get("所属"),
            session_number=None,
        )
        number_text = get("講座番号").translate(str.maketrans("０１２３４５６７８９", "0123456789"))
        problems = []
        if not row.name:
            problems.append(_("the name is empty"))
        try:
            validate_email(row.email)
        except ValidationError:
            problems.append(_("the e-mail address is not valid"))
        if row.applied_at is None:
            problems.append(_("the application time cannot be read"))
        if number_text.isdigit() and int(number_text) in sessions:
            session = sessions[int(number_text)]
            row.session_number = int(number_text)
            row.session_id = session.pk
            row.session_theme = session.theme
        else:
            problems.append(_("no lecture with number “%(n)s”") % {"n": number_text})
        if problems:
            row.status = "error"
            row.reason = "、".join(problems)
        elif (row.session_id, row.external_id) in imported and row.external_id:
            row.status, row.reason = "duplicate", _("already imported")
        elif (row.session_id, row.email) in taken:
            row.status, row.reason = "duplicate", _("this e-mail already holds a place")
        elif (row.session_id, row.email) in seen:
            row.status, row.reason = "duplicate", _("the same person appears twice in the file")
        if row.status == "new":
            seen.add((row.session_id, row.email))  # type: ignore[arg-type]
        rows.append(row)
    return rows


def _error_row(line: int, raw: dict, reason: str) -> ImportRow:
    return ImportRow(
        line, "error", reason, "", None, str(raw.get("氏名") or ""), "", "", "", "", None
    )


@dataclass(frozen=True)
class ImportResult:
    confirmed: int
    waitlisted: int
    skipped: int


def registrations_import(*, programme: Programme, text: str) -> ImportResult:
    """Import the new rows in application order; any error leaves the database unchanged."""
    with transaction.atomic():
        rows = import_preview(programme=programme, text=text)
        errors = [r for r in rows if r.status == "error"]
        if errors:
            raise ValidationError(
                _("The file has %(n)s rows with errors; nothing was imported.") % {"n": len(errors)}
            )
        organisations = {o.name: o.pk for o in Organisation.objects.only("pk", "name")}
        confirmed = waitlisted = 0
        new_rows = sorted(
            (r for r in rows if r.status == "new"), key=lambda r: (r.applied_at, r.line)
        )
        for row in new_rows:
            org_id = organisations.get(row.organisation)
            made = registrations_create(
                session_ids=[row.session_id],  # type: ignore[list-item]
                applicant=Applicant(
                    name=row.name,
                    kana=row.kana,
                    email=row.email,
                    phone=row.phone,
                    organisation_id=org_id,
                    organisation_name="" if org_id else row.organisation,
                ),
                source=Registration.Source.IMPORT,
                enforce_window=False,
                external_id=row.external_id,
            )
            for registration in made:
                if registration.state == Registration.State.CONFIRMED:
                    confirmed += 1
                else:
                    waitlisted += 1
        return ImportResult(confirmed, waitlisted, len(rows) - len(new_rows))
