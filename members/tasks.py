from celery import shared_task

from .meetings import meeting_reminders_send
from .news import news_digest_send
from .services import freshness_reminders_send
from .windows import window_reminders_send


@shared_task(ignore_result=True, soft_time_limit=300, time_limit=360)
def members_freshness_check() -> dict[str, int]:
    """Periodic: ask stale organisations, and owners of stale windows, to confirm or correct."""
    result = freshness_reminders_send()
    windows = window_reminders_send()
    return {
        "stale": result.stale,
        "sent": result.sent,
        "without_contact": result.without_contact,
        "windows_sent": windows,
    }


@shared_task(ignore_result=True, soft_time_limit=300, time_limit=360)
def members_news_digest() -> int:
    """Daily: e-mail the news published since the last digest (people can opt out)."""
    return news_digest_send()


@shared_task(ignore_result=True, soft_time_limit=300, time_limit=360)
def members_meeting_reminders() -> int:
    """Hourly: remind the people who will attend tomorrow's meetings (once each)."""
    return meeting_reminders_send()
