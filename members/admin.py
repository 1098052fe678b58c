from django.contrib import admin

from .models import FieldOfSupport, Organisation, Person, Ward


@admin.register(FieldOfSupport)
class FieldOfSupportAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    search_fields = ["name", "slug"]
    list_filter: list[str] = []


@admin.register(Ward)
class WardAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order"]
    search_fields = ["name"]
    list_filter: list[str] = []


class PersonInline(admin.TabularInline):
    model = Person
    extra = 0
    fields = ["name", "kana", "role", "email", "phone", "listed_by_name", "is_contact"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "status", "joined_on", "is_sample", "last_confirmed_at"]
    list_filter = ["kind", "status", "fields", "wards", "is_sample"]
    search_fields = ["name", "kana", "description"]
    filter_horizontal = ["fields", "wards"]
    inlines = [PersonInline]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "role", "listed_by_name", "is_contact"]
    list_filter = ["listed_by_name", "fields", "organisation__kind"]
    search_fields = ["name", "kana", "role", "ask_me_about", "organisation__name"]
    autocomplete_fields = ["organisation", "user"]
    filter_horizontal = ["fields"]
