"""受講証明 (certificate of attendance): one A4 page per attended session, as PDF.

The font is IPAex Gothic (shipped with matplotlib-fontja, already a dependency), embedded in
the PDF so that it prints the same everywhere.
"""

import io
from collections.abc import Iterable
from pathlib import Path

from django.utils import timezone

from .models import Registration

FONT = "IPAexGothic-trainings"


def _font() -> str:
    import matplotlib_fontja
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        path = Path(matplotlib_fontja.__file__).parent / "fonts" / "ipaexg.ttf"
        pdfmetrics.registerFont(TTFont(FONT, str(path)))
    return FONT


def _page(canvas: object, registration: Registration) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm

    c = canvas
    width, height = A4
    session = registration.session
    programme = session.programme
    font = _font()
    c.setFont(font, 28)  # type: ignore[attr-defined]
    c.drawCentredString(width / 2, height - 60 * mm, "受 講 証 明 書")  # type: ignore[attr-defined]
    c.setFont(font, 16)  # type: ignore[attr-defined]
    c.drawCentredString(width / 2, height - 90 * mm, f"{registration.name} 様")  # type: ignore[attr-defined]
    if registration.organisation_label:
        c.setFont(font, 11)  # type: ignore[attr-defined]
        c.drawCentredString(width / 2, height - 98 * mm, registration.organisation_label[:60])  # type: ignore[attr-defined]
    c.setFont(font, 12)  # type: ignore[attr-defined]
    lines = [
        "あなたは下記の研修を受講されたことを証明します。",
        "",
        f"研修名　　{programme.title}",
        f"講座　　　第{session.number}回　{session.theme}",
        f"日時　　　{session.date:%Y年%-m月%-d日} {session.start:%H:%M}〜{session.end:%H:%M}",
    ]
    if session.format != "online" and programme.venue:
        lines.append(f"会場　　　{programme.venue}")
    y = height - 120 * mm
    for line in lines:
        c.drawString(30 * mm, y, line)  # type: ignore[attr-defined]
        y -= 9 * mm
    issued = timezone.localdate()
    c.drawRightString(width - 30 * mm, 70 * mm, f"{issued:%Y年%-m月%-d日}")  # type: ignore[attr-defined]
    c.drawRightString(width - 30 * mm, 60 * mm, "北九州市孤独・孤立対策等連携協議会")  # type: ignore[attr-defined]
    c.setFont(font, 8)  # type: ignore[attr-defined]
    c.drawString(30 * mm, 20 * mm, f"証明番号 {registration.checkin_token}")  # type: ignore[attr-defined]
    c.showPage()  # type: ignore[attr-defined]


def certificates_pdf(registrations: Iterable[Registration]) -> bytes:
    """One page per attended registration (others are skipped); empty input gives no pages."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, pageCompression=1)
    canvas.setTitle("受講証明書")
    canvas.setAuthor("北九州市孤独・孤立対策等連携協議会")
    for registration in registrations:
        if registration.state == Registration.State.ATTENDED and not registration.anonymised_at:
            _page(canvas, registration)
    canvas.save()
    return out.getvalue()
