"""Every CSV and XLSX the portal writes neutralises formula cells; re-read each one, every cell.

Attendee lists (tests/trainings) and survey reports (tests/surveys) have their own checks; this
covers the member list (admin export) and the handbook usage figures, and proves with a control
that the check fails when the neutralising is switched off.
"""

import csv
import io
from typing import Any
from unittest import mock

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from handbook import services as handbook_services
from kitakyushu_pf.exports import DANGEROUS_PREFIXES
from members.models import Organisation
from tests.members.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://x")', "+cmd", "-1+2", "@SUM(A1)", "\t=1", "\r=1"]


def dangerous_csv_cells(content: bytes) -> list[str]:
    assert content.startswith(b"\xef\xbb\xbf"), "CSV must carry a BOM for Japanese Excel"
    rows = csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""))
    return [cell for row in rows for cell in row if cell.startswith(DANGEROUS_PREFIXES)]


def dangerous_xlsx_cells(content: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(content))
    found = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    found.append(str(cell.value))
                elif isinstance(cell.value, str) and cell.value.startswith(DANGEROUS_PREFIXES):
                    found.append(cell.value)
    return found


def hostile_members() -> None:
    for i, text in enumerate(HOSTILE):
        org = OrganisationFactory(name=f"{text} {i}", description=text)
        PersonFactory(organisation=org, role=text, ask_me_about=text, listed_by_name=True)


def export_members(client: Any, action: str) -> bytes:
    response = client.post(
        reverse("admin:members_organisation_changelist"),
        {
            "action": action,
            "_selected_action": list(Organisation.objects.values_list("pk", flat=True)),
        },
    )
    assert response.status_code == 200
    return response.content


def xlsx_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content))
    return " ".join(str(c.value) for s in book.worksheets for r in s.iter_rows() for c in r)


@pytest.mark.parametrize(
    ("action", "check", "text"),
    [
        ("export_csv", dangerous_csv_cells, lambda b: b.decode("utf-8-sig")),
        ("export_xlsx", dangerous_xlsx_cells, xlsx_text),
    ],
)
def test_member_list_exports_are_neutralised(
    secretariat_client: Any, action: str, check: Any, text: Any
) -> None:
    hostile_members()
    content = export_members(secretariat_client, action)
    assert check(content) == []
    assert "HYPERLINK" in text(content), "the hostile names are kept, only neutralised"


def test_handbook_usage_csv_is_neutralised(secretariat_client: Any) -> None:
    for text in HOSTILE:
        handbook_services.usage_record(kind="search_empty", key=text)
    content = secretariat_client.get(reverse("handbook:staff-usage-csv")).content
    assert dangerous_csv_cells(content) == []
    assert "HYPERLINK" in content.decode("utf-8-sig")


def test_control_without_neutralising_the_check_finds_formulas(secretariat_client: Any) -> None:
    hostile_members()
    with mock.patch("kitakyushu_pf.exports.safe_cell", side_effect=lambda v: v):
        content = export_members(secretariat_client, "export_csv")
    assert dangerous_csv_cells(content), "the check must be able to fail"
