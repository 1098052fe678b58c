"""A person removed, or an organisation that becomes former, loses its log-ins at once.

Signals rather than service calls, because the secretariat also deletes people and changes an
organisation's status in the admin.
"""

from typing import Any

from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver

from .invitations import logins_revoke
from .models import Organisation, Person


@receiver(pre_delete, sender=Person, dispatch_uid="members.person_removed")
def person_removed(sender: Any, instance: Person, **kwargs: Any) -> None:
    logins_revoke(people=Person.objects.filter(pk=instance.pk))


@receiver(post_save, sender=Organisation, dispatch_uid="members.organisation_left")
def organisation_left(sender: Any, instance: Organisation, **kwargs: Any) -> None:
    if instance.status == Organisation.Status.FORMER:
        logins_revoke(people=instance.people.all())
