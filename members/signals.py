"""A person removed, or an organisation that becomes former, loses its log-ins at once.

Signals rather than service calls, because the secretariat also deletes people and changes an
organisation's status in the admin.
"""

from typing import Any

from django.db.models.signals import post_save, pre_delete, pre_save
from django.dispatch import receiver

from .invitations import logins_revoke
from .models import Organisation, Person
from .search import organisation_search_text, person_search_text


@receiver(pre_save, sender=Person, dispatch_uid="members.person_search_text")
def person_search(sender: Any, instance: Person, **kwargs: Any) -> None:
    instance.search_text = person_search_text(instance)
    # A save limited to some fields would not write the search text: write it here.
    fields = kwargs.get("update_fields")
    searched = {"name", "kana", "role", "ask_me_about", "listed_by_name"}
    if fields is not None and "search_text" not in fields and searched & set(fields):
        Person.objects.filter(pk=instance.pk).update(search_text=instance.search_text)


@receiver(pre_save, sender=Organisation, dispatch_uid="members.organisation_search_text")
def organisation_search(sender: Any, instance: Organisation, **kwargs: Any) -> None:
    instance.search_text = organisation_search_text(instance)
    fields = kwargs.get("update_fields")
    if fields is not None and "search_text" not in fields and {"name", "kana"} & set(fields):
        Organisation.objects.filter(pk=instance.pk).update(search_text=instance.search_text)


@receiver(pre_delete, sender=Person, dispatch_uid="members.person_removed")
def person_removed(sender: Any, instance: Person, **kwargs: Any) -> None:
    logins_revoke(people=Person.objects.filter(pk=instance.pk))


@receiver(post_save, sender=Organisation, dispatch_uid="members.organisation_left")
def organisation_left(sender: Any, instance: Organisation, **kwargs: Any) -> None:
    if instance.status == Organisation.Status.FORMER:
        logins_revoke(people=instance.people.all())
