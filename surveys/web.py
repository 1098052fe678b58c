"""Web answering (issue 14): fieldings, access codes, the questionnaire rendered from the
instrument, per-page drafts, one submission per code, and the merge into the dataset.

The questionnaire is the instrument's own YAML (the one uploads are validated against); the
web-only declarations live under its ``web:`` key and are optional:

    web:
      pages:    [{title: …, items: [var, var, …]}, …]   # default: three questions per page
      decline:  [var, …]   # 「答えたくない」 (recorded as 無回答) where the paper has it
      skip:     [{if: {var: [code, …]}, skip: [var, …]}, …]  # skipped questions stay 無回答
      multiple: [{name: …, question: …, options: [var, …]}, …]  # one tick box per yes/no column
      easy:     {var: やさしい日本語の質問文, …}
      fixed:    {mode: 2}       # set by the portal, never asked

A submitted answer is turned into one row of text, exactly like a row of an uploaded file, and
checked by the upload's own checks (``ingest.RecordChecker``: the per-value rule, the required
id and the 「特にない」 rule of ``validate_file``, with its messages), prepared once per
instrument version.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import secrets
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext

from kitakyushu_pf.exports import csv_bytes
from kitakyushu_pf.models import BackgroundJob
from kitakyushu_pf.services import portal_url

from .ingest import Problem, RecordChecker, none_columns
from .models import Dataset, Instrument, ReportJob
from .web_models import AccessCode, WebAnswer, WebFielding

# No 0/O, 1/I/l: 24 letters and 8 digits, 5 bits a character.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
DECLINE = "decline"
DECLINE_LABEL = "答えたくない"
QUESTIONS_PER_PAGE = 3


class WebRefused(Exception):
    """The code cannot be used now; ``reason`` names the page the resident is shown."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class AnswerInvalid(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


# --- Codes ------------------------------------------------------------------------------------


def code_normalise(text: str) -> str:
    """What the resident typed (全角, lower case, spaces or hyphens) → the bare code."""
    folded = unicodedata.normalize("NFKC", text or "").upper()
    return "".join(ch for ch in folded if ch not in " -‐‑‒–—―ー−_　")


def code_looks_valid(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(ch in ALPHABET for ch in code)


def code_display(code: str) -> str:
    """ABCD-EFGH-JKMN: easier to read aloud and to type from paper."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _code_key() -> bytes:
    key = settings.SURVEYS_CODE_KEY or settings.SECRET_KEY
    return ("surveys.web.code:" + key).encode()


def code_hash(code: str) -> str:
    """Keyed hash (HMAC-SHA256): without the key, the stored hashes cannot be brute-forced."""
    return hmac.new(_code_key(), code.encode(), hashlib.sha256).hexdigest()


def code_generate() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def answer_url(code: str) -> str:
    return portal_url(f"/answer/{code}/")


def fielding_open(
    *,
    dataset: Dataset,
    opens_on: date,
    closes_on: date,
    contact: str = "",
) -> WebFielding:
    from django.core.exceptions import ValidationError

    if closes_on < opens_on:
        raise ValidationError(gettext("The web answers end before they start."))
    contact = contact or default_contact()
    fielding, _ = WebFielding.objects.update_or_create(
        dataset=dataset,
        defaults={"opens_on": opens_on, "closes_on": closes_on, "contact": contact},
    )
    return fielding


def default_contact() -> str:
    info = settings.PORTAL_SECRETARIAT
    return f"{info['name']} 電話 {info['phone']}"


def codes_issue(*, dataset: Dataset, count: int) -> list[str]:
    """Issue ``count`` new codes; only their hashes are stored. Returns the codes (once)."""
    from django.core.exceptions import ValidationError

    fielding = WebFielding.objects.filter(dataset=dataset).first()
    if fielding is None:
        raise ValidationError(gettext("This dataset has no period for web answers."))
    if fielding.code_list_destroyed_on:
        raise ValidationError(
            gettext("The code list has been destroyed. No new codes can be issued.")
        )
    if not 1 <= count <= 200_000:
        raise ValidationError(gettext("Give a number of codes from 1 to 200,000."))
    codes: list[str] = []
    while len(codes) < count:
        batch = {code_generate() for _ in range(count - len(codes))}
        rows = [AccessCode(dataset=dataset, code_hash=code_hash(c)) for c in batch]
        try:
            with transaction.atomic():
                AccessCode.objects.bulk_create(rows, batch_size=2000)
        except IntegrityError:  # pragma: no cover - a 60-bit collision
            continue
        codes.extend(batch)
    WebFielding.objects.filter(pk=fielding.pk).update(codes_issued=F("codes_issued") + count)
    return codes


def codes_csv(codes: Iterable[str]) -> bytes:
    return csv_bytes(["code", "url"], ((c, answer_url(c)) for c in codes))


def code_list_destroyed(*, dataset: Dataset, on: date | None = None) -> WebFielding:
    fielding = WebFielding.objects.get(dataset=dataset)
    fielding.code_list_destroyed_on = on or timezone.localdate()
    fielding.save(update_fields=["code_list_destroyed_on"])
    return fielding


def codes_unused(*, dataset: Dataset, codes: Iterable[str]) -> list[str]:
    """Of the issued list the secretariat still holds, the codes not used on web or paper."""
    wanted = {code_hash(code_normalise(c)): code_normalise(c) for c in codes if c.strip()}
    used = set(
        AccessCode.objects.filter(dataset=dataset, code_hash__in=list(wanted))
        .exclude(status=AccessCode.Status.UNUSED)
        .values_list("code_hash", flat=True)
    )
    mine = set(
        AccessCode.objects.filter(dataset=dataset, code_hash__in=list(wanted)).values_list(
            "code_hash", flat=True
        )
    )
    return [code for h, code in wanted.items() if h in mine and h not in used]


def read_code_list(content: bytes) -> list[str]:
    """The ``code,url`` CSV issued earlier (UTF-8, BOM or not)."""
    import csv

    text = content.decode("utf-8-sig", errors="replace")
    rows = list(csv.reader(io.StringIO(text)))
    if rows and rows[0] and rows[0][0].strip().lower() == "code":
        rows = rows[1:]
    return [r[0].strip() for r in rows if r and r[0].strip()]


# --- Letter inserts (PDF) -------------------------------------------------------------------


def inserts_pdf(*, dataset: Dataset, codes: Sequence[str]) -> bytes:
    """A6 inserts, four to an A4 page, cut marks between: QR of the URL, the code in large
    type, the answering period and the secretariat's contact."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    from .renderers import _register_font

    font = _register_font()
    fielding = WebFielding.objects.get(dataset=dataset)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"{dataset.title} 回答コード")
    width, height = A4
    cell_w, cell_h = width / 2, height / 2
    period = f"{_jdate(fielding.opens_on)} 〜 {_jdate(fielding.closes_on)}"
    for index, code in enumerate(codes):
        slot = index % 4
        if index and slot == 0:
            pdf.showPage()
        if slot == 0:
            pdf.setDash(2, 3)
            pdf.setLineWidth(0.3)
            pdf.line(cell_w, 0, cell_w, height)
            pdf.line(0, cell_h, width, cell_h)
            pdf.setDash()
        x0 = (slot % 2) * cell_w
        y0 = height - (slot // 2 + 1) * cell_h
        top = y0 + cell_h - 14 * mm
        pdf.setFont(font, 12)
        pdf.drawString(x0 + 10 * mm, top, "インターネットで回答できます")
        pdf.setFont(font, 8.5)
        pdf.drawString(x0 + 10 * mm, top - 6 * mm, dataset.title[:40])
        widget = QrCodeWidget(answer_url(code), barLevel="M")
        x1, y1, x2, y2 = widget.getBounds()
        size = 42 * mm
        drawing = Drawing(size, size, transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), 0, 0])
        drawing.add(widget)
        renderPDF.draw(drawing, pdf, x0 + (cell_w - size) / 2, top - 10 * mm - size)
        pdf.setFont(font, 9)
        code_y = top - 18 * mm - size
        pdf.drawCentredString(x0 + cell_w / 2, code_y + 9 * mm, "回答コード")
        pdf.setFont("Courier-Bold", 22)
        pdf.drawCentredString(x0 + cell_w / 2, code_y, code_display(code))
        pdf.setFont(font, 8.5)
        lines = [
            f"回答期間: {period}",
            "QRコードを読み取るか、次のページでコードを入力してください。",
            portal_url("/answer/"),
            f"お問い合わせ: {fielding.contact}"[:60],
            "紙の調査票で回答した方はWEBで回答する必要はありません。",
        ]
        for n, line in enumerate(lines):
            pdf.drawString(x0 + 10 * mm, code_y - (9 + 5 * n) * mm, line)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _jdate(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# --- The questionnaire ------------------------------------------------------------------------


@dataclass
class Item:
    name: str
    kind: str  # "single" | "multiple" | "integer"
    question: str
    easy: str
    options: list[tuple[str, str]]
    decline: bool = False
    variables: list[str] = field(default_factory=list)
    number: str = ""
    minimum: int | None = None
    maximum: int | None = None


@dataclass
class Page:
    index: int
    title: str
    items: list[Item]


@dataclass
class Questionnaire:
    pages: list[Page]
    items: dict[str, Item]
    skip: list[dict[str, Any]]
    fixed: dict[str, Any]

    def skipped(self, draft: dict[str, Any]) -> set[str]:
        """Items not asked because of earlier answers (skip logic from the YAML)."""
        out: set[str] = set()
        for rule in self.skip:
            for var, codes in (rule.get("if") or {}).items():
                given = draft.get(var)
                wanted = {str(c) for c in (codes if isinstance(codes, list) else [codes])}
                values = set(given) if isinstance(given, list) else {str(given)}
                if given not in (None, "", []) and values & wanted:
                    out.update(rule.get("skip", []))
        return out

    def visible_pages(self, draft: dict[str, Any]) -> list[Page]:
        hidden = self.skipped(draft)
        return [p for p in self.pages if any(i.name not in hidden for i in p.items)]


def _asked(var: dict[str, Any]) -> str:
    """The printed wording when it is a whole question, else the short description."""
    wording = str(var.get("wording") or "")
    if wording.endswith(("か。", "か？", "か")):
        return wording
    return str(var.get("question") or var.get("name", ""))


@dataclass(frozen=True)
class _Prepared:
    questionnaire: Questionnaire
    checker: RecordChecker


# Per process: what each instrument version needs on every request, built once. The key is the
# instrument's `updated_at` (bumped by every save: a reloaded YAML or an admin edit is picked up
# at the next request) and the spec itself is not read from the database on a hit.
_PREPARED: OrderedDict[tuple[Any, Any], _Prepared] = OrderedDict()
_PREPARED_MAX = 16
_prepared_lock = threading.Lock()


def _prepared(instrument: Instrument) -> _Prepared:
    key = (instrument.pk, instrument.updated_at)
    with _prepared_lock:
        hit = _PREPARED.get(key)
    if hit is not None:
        return hit
    spec = instrument.spec
    made = _Prepared(
        questionnaire=_questionnaire_build(spec),
        checker=RecordChecker([dict(v) for v in spec["variables"]], none_columns(spec)),
    )
    with _prepared_lock:
        _PREPARED[key] = made
        while len(_PREPARED) > _PREPARED_MAX:
            _PREPARED.popitem(last=False)
    return made


def questionnaire(instrument: Instrument) -> Questionnaire:
    """The instrument's web questionnaire (shared by every request: read it, never change it)."""
    return _prepared(instrument).questionnaire


def _questionnaire_build(spec: dict[str, Any]) -> Questionnaire:
    web = spec.get("web") or {}
    fixed = dict(web.get("fixed") or {"mode": 2})
    decline = set(web.get("decline") or [])
    easy = web.get("easy") or {}
    variables = {v["name"]: v for v in spec["variables"]}
    items: dict[str, Item] = {}
    grouped: set[str] = set()
    skip = list(web.get("skip") or [])
    # Multiple-answer questions: the instrument's own `multiple_answer` (one yes/no column per
    # option), or a web-only `multiple` group.
    groups = [
        {**g, "options": list(g.get("columns") or g.get("options") or [])}
        for g in [*(spec.get("multiple_answer") or []), *(web.get("multiple") or [])]
    ]
    for group in groups:
        options = []
        for name in group["options"]:
            grouped.add(name)
            var = variables[name]
            options.append((name, str(var.get("label") or var.get("question", name))))
        items[group["name"]] = Item(
            name=group["name"],
            kind="multiple",
            question=_asked(group),
            easy=easy.get(group["name"], ""),
            options=options,
            decline=group["name"] in decline,
            variables=list(group["options"]),
            number=str(group.get("question_number") or group.get("number") or ""),
        )
    for var in spec["variables"]:
        name = var["name"]
        if var["type"] == "id" or name in fixed or name in grouped:
            continue
        kind = "integer" if var["type"] == "integer" else "single"
        items[name] = Item(
            name=name,
            kind=kind,
            question=_asked(var),
            easy=str(easy.get(name, "")),
            options=[(str(k), str(v)) for k, v in (var.get("codes") or {}).items()],
            decline=name in decline,
            variables=[name],
            number=str(var.get("question_number") or var.get("number") or ""),
            minimum=var.get("min"),
            maximum=var.get("max"),
        )
        asked_if = var.get("asked_if")
        if asked_if:  # the paper's filter: asked only of respondents with these answers
            codes = {int(c) for c in asked_if.get("codes", [])}
            source = variables.get(asked_if["variable"], {})
            others = [int(k) for k in (source.get("codes") or {}) if int(k) not in codes]
            if others:
                skip.append({"if": {asked_if["variable"]: others}, "skip": [name]})
    if web.get("pages"):
        layout = [(str(p.get("title", "")), list(p["items"])) for p in web["pages"]]
        placed = {n for _, names in layout for n in names}
        rest = [n for n in items if n not in placed]
        if rest:
            layout.append(("", rest))
    else:
        names = list(items)
        layout = [
            ("", names[i : i + QUESTIONS_PER_PAGE])
            for i in range(0, len(names), QUESTIONS_PER_PAGE)
        ]
    # Names the instrument does not have (yet) are left out, and so are pages left empty.
    kept = [(title, [items[n] for n in names if n in items]) for title, names in layout]
    pages = [
        Page(index=n, title=title, items=page_items)
        for n, (title, page_items) in enumerate([k for k in kept if k[1]], start=1)
    ]
    return Questionnaire(pages=pages, items=items, skip=skip, fixed=fixed)


def page_read(page: Page, data: Any) -> dict[str, Any]:
    """The answers of one page from a POST (QueryDict); unknown values are dropped."""
    out: dict[str, Any] = {}
    for item in page.items:
        allowed = {v for v, _ in item.options} | ({DECLINE} if item.decline else set())
        if item.kind == "multiple":
            values = [v for v in data.getlist(item.name) if v in allowed]
            if DECLINE in values:
                values = [DECLINE]
            out[item.name] = values
        elif item.kind == "integer":
            out[item.name] = unicodedata.normalize("NFKC", data.get(item.name, "")).strip()[:10]
        else:
            value = data.get(item.name, "")
            out[item.name] = value if value in allowed else ""
    return out


def answer_row(q: Questionnaire, draft: dict[str, Any], resp_id: str) -> dict[str, str]:
    """The answer as one row of text, the way an uploaded file would carry it."""
    row: dict[str, str] = {"resp_id": resp_id}
    row.update({k: str(v) for k, v in q.fixed.items()})
    hidden = q.skipped(draft)
    for item in q.items.values():
        given = None if item.name in hidden else draft.get(item.name)
        if item.kind == "multiple":
            ticked = set(given or [])
            answered = bool(ticked) and DECLINE not in ticked
            for name in item.variables:
                row[name] = ("1" if name in ticked else "0") if answered else ""
        else:
            row[item.name] = "" if given in (None, DECLINE) else str(given)
    return row


def answer_validate(instrument: Instrument, row: dict[str, str]) -> dict[str, Any]:
    """The upload's own checks on the one row; the stored values are what a file gives."""
    values, problems = _prepared(instrument).checker.check(row)
    if problems:
        raise AnswerInvalid(problems)
    return values


# --- Using a code -------------------------------------------------------------------------------


def code_find(code: str) -> AccessCode | None:
    """The code with its dataset, the dataset's instrument (without its spec, read once per
    instrument version by ``_prepared``) and fielding, and its answer so far: one query."""
    code = code_normalise(code)
    if not code_looks_valid(code):
        return None
    from django.db import connection

    return _code_lookup(connection).get(connection, code_hash(code))


class _CodeLookup:
    """``AccessCode.objects.select_related("dataset__instrument", "dataset__web", "answer")
    .defer("dataset__instrument__spec").get(code_hash=…)`` with its SQL built once per process.

    On every answer page the ORM compiled that five-table join again (about a third of a
    submission's CPU). The statement here is written from the models' own fields, tables and
    the backend's quoting, and each value goes through the same converters the ORM applies
    (dates on SQLite, JSON, UUIDs), so the instances are the ones the queryset gives, with the
    same related objects cached (tests compare the two). It is always a fresh read: nothing
    about the code, the fielding or the answer is kept between requests.
    """

    def __init__(self, connection: Any) -> None:
        quote = connection.ops.quote_name
        # (model, table alias, fields); the join below follows this order.
        spec_field = Instrument._meta.get_field("spec")
        self.parts: list[tuple[type[models.Model], list[Any]]] = []
        columns: list[str] = []
        self.converters: list[tuple[int, Any, list[Any]]] = []
        tables = [
            (AccessCode, "c", list(AccessCode._meta.concrete_fields)),
            (WebAnswer, "a", list(WebAnswer._meta.concrete_fields)),
            (Dataset, "d", list(Dataset._meta.concrete_fields)),
            (WebFielding, "w", list(WebFielding._meta.concrete_fields)),
            (Instrument, "i", [f for f in Instrument._meta.concrete_fields if f != spec_field]),
        ]
        for model, alias, fields in tables:
            self.parts.append((model, fields))
            for f in fields:
                expr = f.get_col(alias)
                converters = connection.ops.get_db_converters(expr) + expr.get_db_converters(
                    connection
                )
                if converters:
                    self.converters.append((len(columns), expr, converters))
                columns.append(f"{quote(alias)}.{quote(f.column)}")

        def table(model: type[models.Model], alias: str) -> str:
            return f"{quote(model._meta.db_table)} {quote(alias)}"

        def col(alias: str, model: type[models.Model], name: str) -> str:
            return f"{quote(alias)}.{quote(_field(model, name).column)}"

        self.sql = (
            f"SELECT {', '.join(columns)} FROM {table(AccessCode, 'c')}"
            f" INNER JOIN {table(Dataset, 'd')}"
            f" ON {col('d', Dataset, 'id')} = {col('c', AccessCode, 'dataset')}"
            f" INNER JOIN {table(Instrument, 'i')}"
            f" ON {col('i', Instrument, 'id')} = {col('d', Dataset, 'instrument')}"
            f" LEFT OUTER JOIN {table(WebFielding, 'w')}"
            f" ON {col('w', WebFielding, 'dataset')} = {col('d', Dataset, 'id')}"
            f" LEFT OUTER JOIN {table(WebAnswer, 'a')}"
            f" ON {col('a', WebAnswer, 'code')} = {col('c', AccessCode, 'id')}"
            f" WHERE {col('c', AccessCode, 'code_hash')} = %s"
        )
        self.to_dataset = AccessCode._meta.get_field("dataset")
        self.to_answer = AccessCode._meta.get_field("answer")  # the reverse one-to-one
        self.answer_to_code = WebAnswer._meta.get_field("code")
        self.to_instrument = Dataset._meta.get_field("instrument")
        self.to_web = Dataset._meta.get_field("web")

    def get(self, connection: Any, digest: str) -> AccessCode | None:
        with connection.cursor() as cursor:
            cursor.execute(self.sql, [digest])
            row = cursor.fetchone()
        if row is None:
            return None
        values = list(row)
        for index, col, converters in self.converters:
            value = values[index]
            for converter in converters:
                value = converter(value, col, connection)
            values[index] = value
        made: list[models.Model | None] = []
        start = 0
        for model, fields in self.parts:
            chunk = values[start : start + len(fields)]
            start += len(fields)
            if chunk[0] is None and model in (WebAnswer, WebFielding):  # no row joined
                made.append(None)
                continue
            made.append(model.from_db(connection.alias, [f.attname for f in fields], chunk))
        access, answer, dataset, fielding, instrument = made
        assert isinstance(access, AccessCode) and isinstance(dataset, Dataset)
        self.to_instrument.set_cached_value(dataset, instrument)
        self.to_web.set_cached_value(dataset, fielding)
        self.to_dataset.set_cached_value(access, dataset)
        self.to_answer.set_cached_value(access, answer)
        if answer is not None:
            self.answer_to_code.set_cached_value(answer, access)
        return access


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


_LOOKUPS: dict[tuple[str, str], _CodeLookup] = {}


def _code_lookup(connection: Any) -> _CodeLookup:
    """Per process and database backend (the statement depends on nothing else)."""
    key = (connection.alias, connection.vendor)
    lookup = _LOOKUPS.get(key)
    if lookup is None:
        lookup = _LOOKUPS[key] = _CodeLookup(connection)
    return lookup


def fielding_state(fielding: WebFielding | None, today: date | None = None) -> str:
    """ "open", "before" or "closed"."""
    if fielding is None:
        return "closed"
    today = today or timezone.localdate()
    if today < fielding.opens_on:
        return "before"
    if today > fielding.closes_on:
        return "closed"
    return "open"


def code_check(access: AccessCode, *, dataset_id: Any = None) -> None:
    """Raise WebRefused unless this code can be used today (for this fielding)."""
    if dataset_id is not None and str(access.dataset_id) != str(dataset_id):
        raise WebRefused("other")
    if access.status in (AccessCode.Status.SUBMITTED, AccessCode.Status.PAPER):
        raise WebRefused("used")
    state = fielding_state(getattr(access.dataset, "web", None))
    if state != "open":
        raise WebRefused(state)


def _answer_of(access: AccessCode) -> WebAnswer | None:
    """The answer row, from code_find's join when it was loaded there (one query less)."""
    try:
        return access.answer
    except WebAnswer.DoesNotExist:
        return None


def draft_of(access: AccessCode) -> tuple[dict[str, Any], int]:
    answer = _answer_of(access)
    return (answer.draft, answer.page) if answer else ({}, 0)


def page_save(*, access: AccessCode, page: Page, answers: dict[str, Any]) -> dict[str, Any]:
    """Keep this page's answers (resume later with the same code); refused once submitted."""
    with transaction.atomic():
        locked = AccessCode.objects.select_for_update().get(pk=access.pk)
        locked.dataset = access.dataset
        code_check(locked)
        answer, _ = WebAnswer.objects.get_or_create(
            code=locked, defaults={"dataset_id": locked.dataset_id}
        )
        answer.draft = {**answer.draft, **answers}
        answer.page = max(answer.page, page.index)
        answer.save(update_fields=["draft", "page"])
        if locked.status == AccessCode.Status.UNUSED:
            locked.status = AccessCode.Status.STARTED
            locked.save(update_fields=["status"])
    return answer.draft


def answer_submit(*, access: AccessCode, answers: dict[str, Any] | None = None) -> WebAnswer:
    """The one submission of a code. Exactly one of simultaneous submits wins: the code's
    status changes with one conditional UPDATE (the row lock makes the others wait, then
    match nothing) and the losers are told the code was used (WebRefused)."""
    code_check(access)
    instrument = access.dataset.instrument
    q = questionnaire(instrument)
    answer = _answer_of(access)
    draft = {**(answer.draft if answer else {}), **(answers or {})}
    values = answer_validate(instrument, answer_row(q, draft, access.resp_id))
    today = timezone.localdate()
    from django.db import connection

    if answer is not None and connection.vendor == "postgresql":
        return _submit_one_statement(connection, access, answer, values, today)
    with transaction.atomic():
        won = AccessCode.objects.filter(
            pk=access.pk, status__in=[AccessCode.Status.UNUSED, AccessCode.Status.STARTED]
        ).update(status=AccessCode.Status.SUBMITTED, used_on=today)
        if not won:
            raise WebRefused("used")
        fields = {"draft": {}, "values": values, "submitted_on": today}
        if answer is None:
            answer = WebAnswer.objects.create(code=access, dataset_id=access.dataset_id, **fields)
        else:
            for name, value in fields.items():
                setattr(answer, name, value)
            answer.save(update_fields=list(fields))
        # The dataset row is shared by every resident: touch it after the commit, in its own
        # one-statement transaction, so simultaneous submissions do not queue behind it.
        transaction.on_commit(lambda: _counted_one_more(access.dataset_id))
    return answer


class _SubmitStatement:
    """On PostgreSQL, the submission of a code whose answer row exists (every page saved
    first) as one statement: the conditional UPDATE of the code, the answer's UPDATE and the
    dataset's respondent count, in data-modifying CTEs. The code's UPDATE (``won``) matches
    only a code not yet used whose answer row is there; the answer and the count change only
    when it matched. Sent outside ``atomic()`` the statement is its own transaction, so it is
    the same all-or-nothing as the ORM's transaction plus the count after it, with one round
    trip and one commit (one WAL flush) instead of eight round trips (BEGIN and COMMIT
    included) and two commits. The dataset row is locked from this statement to its commit,
    as it was by the count's own UPDATE.

    Names come from the models; values are adapted by their fields (JSON, dates)."""

    def __init__(self, connection: Any) -> None:
        q = connection.ops.quote_name

        def t(model: type[models.Model]) -> str:
            return q(model._meta.db_table)

        def c(model: type[models.Model], name: str) -> str:
            return q(_field(model, name).column)

        self.fields = [_field(WebAnswer, n) for n in ("draft", "values", "submitted_on")]
        self.sql = (
            f"WITH won AS (UPDATE {t(AccessCode)} SET {c(AccessCode, 'status')} = %s,"
            f" {c(AccessCode, 'used_on')} = %s WHERE {c(AccessCode, 'id')} = %s"
            f" AND {c(AccessCode, 'status')} IN (%s, %s)"
            f" AND EXISTS (SELECT 1 FROM {t(WebAnswer)} WHERE {c(WebAnswer, 'id')} = %s"
            f" AND {c(WebAnswer, 'code')} = %s) RETURNING {c(AccessCode, 'id')}),"
            f" kept AS (UPDATE {t(WebAnswer)} SET {c(WebAnswer, 'draft')} = %s,"
            f" {c(WebAnswer, 'values')} = %s, {c(WebAnswer, 'submitted_on')} = %s"
            f" WHERE {c(WebAnswer, 'id')} = %s AND EXISTS (SELECT 1 FROM won)"
            f" RETURNING {c(WebAnswer, 'id')}),"
            f" counted AS (UPDATE {t(Dataset)} SET {c(Dataset, 'n_respondents')} ="
            f" {c(Dataset, 'n_respondents')} + 1, {c(Dataset, 'status')} = %s"
            f" WHERE {c(Dataset, 'id')} = %s AND EXISTS (SELECT 1 FROM won)"
            f" RETURNING {c(Dataset, 'id')})"
            f" SELECT (SELECT count(*) FROM won), (SELECT count(*) FROM kept),"
            f" (SELECT count(*) FROM counted)"
        )

    def params(
        self, connection: Any, access: AccessCode, answer: WebAnswer, values: Any, today: date
    ) -> list[Any]:
        draft, kept, on = (
            f.get_db_prep_save(v, connection)
            for f, v in zip(self.fields, ({}, values, today), strict=True)
        )
        day = _field(AccessCode, "used_on").get_db_prep_save(today, connection)
        dataset_id = Dataset._meta.pk.get_db_prep_save(access.dataset_id, connection)  # type: ignore[union-attr]
        return [
            AccessCode.Status.SUBMITTED, day, access.pk,
            AccessCode.Status.UNUSED, AccessCode.Status.STARTED, answer.pk, access.pk,
            draft, kept, on, answer.pk,
            Dataset.Status.LOADED, dataset_id,
        ]  # fmt: skip


_SUBMIT: dict[str, _SubmitStatement] = {}


def _submit_one_statement(
    connection: Any, access: AccessCode, answer: WebAnswer, values: dict[str, Any], today: date
) -> WebAnswer:
    statement = _SUBMIT.get(connection.alias)
    if statement is None:
        statement = _SUBMIT[connection.alias] = _SubmitStatement(connection)
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, statement.params(connection, access, answer, values, today))
        won, kept, counted = cursor.fetchone()
    if not won:
        raise WebRefused("used")
    if not (kept and counted):  # pragma: no cover - rows deleted only with their code
        raise RuntimeError("the answer or its dataset row was not found")
    # Like the ORM's path: the reports are looked at after the commit (a rebuild queued now
    # reads this answer); at once in autocommit, after the caller's commit inside atomic().
    transaction.on_commit(lambda: _reports_stale(access.dataset_id))
    answer.draft, answer.values, answer.submitted_on = {}, values, today
    return answer


def _counted_one_more(dataset_id: Any) -> None:
    Dataset.objects.filter(pk=dataset_id).update(
        n_respondents=F("n_respondents") + 1, status=Dataset.Status.LOADED
    )
    _reports_stale(dataset_id)


def _reports_stale(dataset_id: Any) -> None:
    """The report counts web answers at once: queue a rebuild of each report the dataset has,
    unless one is already queued (a queued build reads every answer submitted before it runs;
    a second run is harmless).

    The reports and their builds' states are read in one query without a lock; only a report
    with no build waiting goes through ``report_request`` (which locks its row and checks
    again). In a burst the first answer queues the rebuild and the others find it waiting,
    instead of each taking the report rows' locks in turn.
    """
    from .services.reports import report_request

    stale = [
        mode for mode, status in _report_states(dataset_id) if status != BackgroundJob.Status.QUEUED
    ]
    if not stale:
        return
    dataset = Dataset.objects.get(pk=dataset_id)
    for mode in stale:
        report_request(
            dataset=dataset,
            mode=mode,
            dispatch=settings.SURVEYS_WEB_REPORT_DISPATCH,
            unless_queued=True,
        )


_REPORT_STATES: dict[str, str] = {}


def _report_states(dataset_id: Any) -> list[tuple[str, str | None]]:
    """The dataset's reports and the state of each one's build (None: never built), i.e.
    ``ReportJob.objects.filter(dataset_id=…).order_by().values_list("mode", "job__status")``,
    with the SQL the ORM writes for it kept per process (every web answer reads it): only the
    dataset's id changes between calls. Both columns are text, read as the database gives them.
    """
    from django.db import connection

    sql = _REPORT_STATES.get(connection.alias)
    if sql is None:
        query = (
            ReportJob.objects.filter(dataset_id=dataset_id)
            .order_by()
            .values_list("mode", "job__status")
        )
        sql, params = query.query.sql_with_params()
        assert len(params) == 1  # the dataset's id, and nothing else
        _REPORT_STATES[connection.alias] = sql
    param = _field(ReportJob, "dataset").get_db_prep_value(dataset_id, connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [param])
        return [(mode, status) for mode, status in cursor.fetchall()]


# --- The dataset: web rows merged with uploaded (paper) rows -----------------------------------


def web_counted(dataset: Dataset) -> list[dict[str, Any]]:
    """Values of the submitted web answers that count (a paper duplicate wins by default)."""
    qs = WebAnswer.objects.filter(dataset=dataset, submitted_on__isnull=False).exclude(
        code__on_paper=True, code__counted=AccessCode.Counted.PAPER
    )
    return list(qs.order_by("pk").values_list("values", flat=True))


def paper_dropped(dataset: Dataset) -> set[str]:
    """resp_ids of paper rows replaced by the web answer the analyst chose."""
    codes = AccessCode.objects.filter(
        dataset=dataset, on_paper=True, counted=AccessCode.Counted.WEB
    ).values_list("code_hash", flat=True)
    return {"C" + h[:15] for h in codes}


def merge_frame(dataset: Dataset, frame: pd.DataFrame) -> pd.DataFrame:
    """Uploaded rows plus the web answers that count (what reports and the microdata see)."""
    if not WebFielding.objects.filter(dataset=dataset).exists():
        return frame
    dropped = paper_dropped(dataset)
    if dropped and "resp_id" in frame.columns:
        frame = frame[~frame["resp_id"].isin(dropped)].reset_index(drop=True)
    web = web_counted(dataset)
    if not web:
        return frame
    names = [v["name"] for v in dataset.instrument.spec["variables"]]
    extra = pd.DataFrame([[row.get(n) for n in names] for row in web], columns=names)
    for name in names:
        if name == "resp_id":
            extra[name] = extra[name].astype(str)
        else:
            dtype = frame[name].dtype if name in frame.columns else np.int16
            extra[name] = extra[name].fillna(-1).astype(dtype)
    if not len(frame.columns):
        return extra
    for name in extra.columns:
        if name not in frame.columns:  # an optional column the paper file left out: 無回答
            frame[name] = np.full(len(frame), -1, dtype=extra[name].dtype)
    return pd.concat([frame, extra[frame.columns]], ignore_index=True)


def paper_ids_link(dataset: Dataset, ids: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Uploaded resp_ids that are this fielding's codes become the code's respondent id
    (the plain code is never kept). Returns the ids and the hashes found."""
    if not WebFielding.objects.filter(dataset=dataset).exists():
        return ids, []
    out = ids.copy().astype(object)
    found: dict[str, list[int]] = {}
    for index, raw in enumerate(ids.tolist()):
        code = code_normalise(str(raw))
        if code_looks_valid(code):
            found.setdefault(code_hash(code), []).append(index)
    known = set(
        AccessCode.objects.filter(dataset=dataset, code_hash__in=list(found)).values_list(
            "code_hash", flat=True
        )
    )
    for digest in known:
        for index in found[digest]:
            out[index] = "C" + digest[:15]
    return out.astype(str), sorted(known)


def paper_codes_mark(dataset: Dataset, hashes: list[str]) -> int:
    """After a postal upload has loaded: codes seen on paper; web+paper pairs become
    duplicates (the paper answer counts until the analyst chooses). Returns duplicates."""
    today = timezone.localdate()
    with transaction.atomic():
        qs = AccessCode.objects.select_for_update().filter(dataset=dataset, code_hash__in=hashes)
        duplicates = qs.filter(status=AccessCode.Status.SUBMITTED).update(on_paper=True)
        qs.exclude(status=AccessCode.Status.SUBMITTED).update(
            status=AccessCode.Status.PAPER, on_paper=True, used_on=today
        )
        respondents_recount(dataset)
    return duplicates


def respondents_recount(dataset: Dataset) -> int:
    """n_respondents = uploaded rows − replaced paper rows + web answers that count."""
    from .services import microdata_arrays

    dataset = Dataset.objects.get(pk=dataset.pk)  # the caller's copy may predate a load
    ids = microdata_arrays(dataset).get("resp_id")
    uploaded = 0 if ids is None else len(ids)
    dropped = len(paper_dropped(dataset) & set(ids.tolist())) if ids is not None else 0
    web = len(web_counted(dataset))
    total = uploaded - dropped + web
    update: dict[str, Any] = {"n_respondents": total}
    if total:
        update["status"] = Dataset.Status.LOADED
    Dataset.objects.filter(pk=dataset.pk).update(**update)
    return total


def duplicate_choose(*, access: AccessCode, counted: str) -> None:
    if counted not in AccessCode.Counted.values or not access.on_paper:
        from django.core.exceptions import ValidationError

        raise ValidationError(gettext("This choice is not available."))
    with transaction.atomic():
        AccessCode.objects.filter(pk=access.pk).update(counted=counted)
        respondents_recount(access.dataset)
        _reports_stale(access.dataset_id)


def duplicates(dataset: Dataset) -> list[AccessCode]:
    return list(
        AccessCode.objects.filter(
            dataset=dataset, on_paper=True, status=AccessCode.Status.SUBMITTED
        ).select_related("answer")
    )


# --- Fieldwork ---------------------------------------------------------------------------------


@dataclass
class Fieldwork:
    fielding: WebFielding
    per_day: list[tuple[date, int, int]]  # day, web, paper
    status_counts: dict[str, int]
    web_total: int
    paper_total: int
    respondents: int
    sample_size: int | None
    response_rate: float | None
    duplicates: int


def fieldwork(dataset: Dataset) -> Fieldwork:
    fielding = WebFielding.objects.get(dataset=dataset)
    days: dict[date, list[int]] = {}
    by_day = (
        AccessCode.objects.filter(dataset=dataset, used_on__isnull=False)
        .values("used_on", "status")
        .annotate(n=Count("pk"))
    )
    for row in by_day:
        slot = days.setdefault(row["used_on"] or timezone.localdate(), [0, 0])
        if row["status"] == AccessCode.Status.SUBMITTED:
            slot[0] += row["n"]
        elif row["status"] == AccessCode.Status.PAPER:
            slot[1] += row["n"]
    status_counts = {
        row["status"]: row["n"]
        for row in AccessCode.objects.filter(dataset=dataset)
        .values("status")
        .annotate(n=Count("pk"))
    }
    respondents_recount(dataset)  # exact, even if a process died between commit and count
    dataset.refresh_from_db(fields=["n_respondents", "sample_size"])
    ids = _uploaded_count(dataset)
    web_total = status_counts.get(AccessCode.Status.SUBMITTED, 0)
    paper_total = ids
    rate = (
        round(100 * dataset.n_respondents / dataset.sample_size, 1) if dataset.sample_size else None
    )
    return Fieldwork(
        fielding=fielding,
        per_day=[(d, v[0], v[1]) for d, v in sorted(days.items())],
        status_counts=status_counts,
        web_total=web_total,
        paper_total=paper_total,
        respondents=dataset.n_respondents,
        sample_size=dataset.sample_size,
        response_rate=rate,
        duplicates=len(duplicates(dataset)),
    )


def _uploaded_count(dataset: Dataset) -> int:
    from .services import microdata_arrays

    ids = microdata_arrays(Dataset.objects.get(pk=dataset.pk)).get("resp_id")
    return 0 if ids is None else len(ids)
