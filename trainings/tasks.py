from celery import shared_task

from . import services


@shared_task(ignore_result=True, soft_time_limit=300, time_limit=360)
def reminders_send() -> int:
    """Periodic (daily): remind everyone with a place in tomorrow's sessions, once each."""
    return services.reminders_send()


@shared_task(ignore_result=True, soft_time_limit=300, time_limit=360)
def questionnaires_send() -> int:
    """Periodic (hourly): after a session ends, e-mail its participants the questionnaire."""
    return services.questionnaires_send()


@shared_task(ignore_result=True, soft_time_limit=120, time_limit=150)
def holds_release() -> int:
    """Periodic (every 5 minutes): release seats held past their end without confirmation."""
    return services.holds_release()
