"""Public pages where residents answer with the code on their letter (no log-in, no JavaScript).

Only the CSRF cookie is set (the forms need it). The code travels in the URL (the QR code on
the letter); nothing about the device, the address or the exact time is stored.
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from kitakyushu_pf import ratelimits

from . import web
from .web_models import AccessCode

logger = logging.getLogger(__name__)

REFUSED_STATUS = {"used": 410, "closed": 403, "before": 403, "other": 409, "unknown": 404}


# Wrong codes are counted per IP address and over the whole site by the portal's shared
# limits (the shared cache; a bounded per-process table while it is down); a right code, and
# answering with it, never counts. The IP address is never written anywhere else.
GUESS_SCOPE = "surveys.answer_code"


def _easy(request: HttpRequest) -> bool:
    return (request.GET.get("easy") or request.POST.get("easy")) == "1"


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    context = {"easy": _easy(request), **context}
    response = render(request, f"surveys/answer/{template}", context, status=status)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"  # the code in the URL never leaves the site
    return response


def _throttled_page(request: HttpRequest, wait: int) -> HttpResponse:
    response = _render(request, "throttled.html", {}, status=429)
    response["Retry-After"] = str(wait)
    return response


def _refused(request: HttpRequest, reason: str, access: AccessCode | None = None) -> HttpResponse:
    fielding = getattr(access.dataset, "web", None) if access else None
    return _render(
        request,
        "refused.html",
        {"reason": reason, "fielding": fielding},
        status=REFUSED_STATUS.get(reason, 403),
    )


def _with_easy(url: str, request: HttpRequest) -> str:
    return url + ("&" if "?" in url else "?") + "easy=1" if _easy(request) else url


@never_cache
@require_http_methods(["GET", "POST"])
def answer_start(request: HttpRequest) -> HttpResponse:
    """Type the code from the letter."""
    error = ""
    if request.method == "POST":
        wait = ratelimits.guess_wait(request, GUESS_SCOPE)
        if wait:
            return _throttled_page(request, wait)
        typed = request.POST.get("code", "")
        access = web.code_find(typed)
        if access is None:
            ratelimits.guess_failed(request, GUESS_SCOPE)
            error = "not-found"
        else:
            code = web.code_normalise(typed)
            return redirect(_with_easy(reverse("answer-page", args=[code]), request))
    return _render(request, "start.html", {"error": error}, status=404 if error else 200)


def _locate(request: HttpRequest, code: str) -> tuple[AccessCode | None, HttpResponse | None]:
    wait = ratelimits.guess_wait(request, GUESS_SCOPE)
    if wait:
        return None, _throttled_page(request, wait)
    access = web.code_find(code)
    if access is None:
        ratelimits.guess_failed(request, GUESS_SCOPE)
        return None, _refused(request, "unknown")
    return access, None


@never_cache
@require_http_methods(["GET", "POST"])
def answer_page(request: HttpRequest, code: str) -> HttpResponse:
    access, denied = _locate(request, code)
    if denied is not None:
        return denied
    assert access is not None
    code = web.code_normalise(code)
    fielding_id = request.POST.get("fielding") if request.method == "POST" else None
    try:
        web.code_check(access, dataset_id=fielding_id or None)
    except web.WebRefused as exc:
        return _refused(request, exc.reason, access)
    q = web.questionnaire(access.dataset.instrument)
    here = reverse("answer-page", args=[code])
    if request.method == "POST":
        return _answer_post(request, access, q, here)
    draft, saved_page = web.draft_of(access)
    pages = q.visible_pages(draft)
    wanted = request.GET.get("p")
    if wanted == "review":
        return _review(request, access, q, draft, pages, here)
    try:
        number = int(wanted) if wanted else 0
    except ValueError:
        number = 0
    if not number:  # first visit or resume: the page after the last saved one
        number = next((p.index for p in pages if p.index > saved_page), pages[-1].index)
        if saved_page and saved_page >= pages[-1].index:
            return redirect(_with_easy(here + "?p=review", request))
    page = next((p for p in pages if p.index == number), pages[0])
    position = pages.index(page)
    hidden = q.skipped(draft)
    return _render(
        request,
        "page.html",
        {
            "access": access,
            "dataset": access.dataset,
            "page": page,
            "items": [
                _item_context(item, draft, request)
                for item in page.items
                if item.name not in hidden
            ],
            "position": position + 1,
            "total": len(pages),
            "percent": int(100 * position / len(pages)),
            "first": position == 0,
            "resumed": bool(saved_page) and not wanted,
            "here": here,
        },
    )


def _item_context(item: web.Item, draft: dict[str, Any], request: HttpRequest) -> dict[str, Any]:
    given = draft.get(item.name)
    chosen = set(given) if isinstance(given, list) else {given}
    options = [(v, label, v in chosen) for v, label in item.options]
    if item.decline:
        options.append((web.DECLINE, web.DECLINE_LABEL, web.DECLINE in chosen))
    question = item.easy if (_easy(request) and item.easy) else item.question
    return {
        "item": item,
        "question": question,
        "options": options,
        "value": given if item.kind == "integer" else "",
    }


def _answer_post(
    request: HttpRequest, access: AccessCode, q: web.Questionnaire, here: str
) -> HttpResponse:
    nav = request.POST.get("nav", "next")
    if nav == "submit":
        try:
            web.answer_submit(access=access)
        except web.WebRefused as exc:
            return _refused(request, exc.reason, access)
        except web.AnswerInvalid as exc:
            return _render(
                request,
                "invalid.html",
                {"problems": _problem_rows(q, exc.problems), "here": here},
                status=422,
            )
        return redirect(_with_easy(reverse("answer-thanks"), request))
    try:
        number = int(request.POST.get("page", "0"))
    except ValueError:
        number = 0
    page = next((p for p in q.pages if p.index == number), None)
    if page is None:
        return redirect(_with_easy(here, request))
    answers = web.page_read(page, request.POST)
    try:
        draft = web.page_save(access=access, page=page, answers=answers)
    except web.WebRefused as exc:
        return _refused(request, exc.reason, access)
    pages = q.visible_pages(draft)
    indexes = [p.index for p in pages]
    if nav == "back":
        earlier = [i for i in indexes if i < page.index]
        target = f"?p={earlier[-1]}" if earlier else f"?p={indexes[0]}"
    else:
        later = [i for i in indexes if i > page.index]
        target = f"?p={later[0]}" if later else "?p=review"
    return redirect(_with_easy(here + target, request))


def _problem_rows(q: web.Questionnaire, problems: list[Any]) -> list[tuple[str, str, int]]:
    """The upload's messages, each under the question (問番号 and wording) it is about, with
    the page to change it on."""
    where = {
        v: (item, page.index) for page in q.pages for item in page.items for v in item.variables
    }
    rows = []
    for problem in problems:
        item, index = where.get(problem.column, (None, 0))
        label = f"{item.number} {item.question}".strip() if item else problem.column
        rows.append((label, problem.message, index))
    return rows


def _review(
    request: HttpRequest,
    access: AccessCode,
    q: web.Questionnaire,
    draft: dict[str, Any],
    pages: list[web.Page],
    here: str,
) -> HttpResponse:
    hidden = q.skipped(draft)
    rows = []
    for page in pages:
        for item in page.items:
            if item.name in hidden:
                continue
            given = draft.get(item.name)
            labels: dict[str, str] = dict(item.options) | {web.DECLINE: web.DECLINE_LABEL}
            if isinstance(given, list):
                shown = "、".join(labels.get(str(v), str(v)) for v in given)
            else:
                shown = labels.get(given or "", given or "")
            rows.append((page.index, item, shown))
    return _render(
        request,
        "review.html",
        {
            "access": access,
            "dataset": access.dataset,
            "rows": rows,
            "here": here,
            "last": pages[-1].index,
            "total": len(pages),
        },
    )


@never_cache
def answer_thanks(request: HttpRequest) -> HttpResponse:
    return _render(request, "thanks.html", {})
