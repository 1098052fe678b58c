from celery import shared_task

from .services import freshness_reminders_send


@shared_task(ignore_result=True, soft_time_limit=300, time_limit=360)
def members_freshness_check() -> dict[str, int]:
    """Periodic: ask stale organisations to confirm or correct their listing."""
    result = freshness_reminders_send()
    return {"stale": result.stale, "sent": result.sent, "without_contact": result.without_contact}
