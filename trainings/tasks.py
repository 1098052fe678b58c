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
