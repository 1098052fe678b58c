"""Handbook content in six languages (django-modeltranslation): one column per language next to
the Japanese source, e.g. ``Worry.text_en``; see handbook/languages.py for the languages and
handbook/localise.py for what a reader is shown.

Phone numbers, ``tel:`` targets, opening hours, crisis order and crisis flags are not translated
fields: every language shows the same ones.
"""

from modeltranslation.translator import TranslationOptions, register

from .models import Category, Service, Worry

CATEGORY_FIELDS = ("name", "description")
WORRY_FIELDS = ("text", "keywords")
SERVICE_FIELDS = ("name", "description", "target", "what_to_expect", "hours_note", "cost")


@register(Category)
class CategoryTranslation(TranslationOptions):
    fields = CATEGORY_FIELDS


@register(Worry)
class WorryTranslation(TranslationOptions):
    fields = WORRY_FIELDS


@register(Service)
class ServiceTranslation(TranslationOptions):
    fields = SERVICE_FIELDS
