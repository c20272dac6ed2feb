"""Superuser maintenance of the playbook's editable lists (admins use the setup pages)."""

from django.contrib import admin

from kam.playbooks.models import ChecklistItem, DifficultType, PlaybookSettings, RootCause


class ChecklistItemInline(admin.TabularInline[ChecklistItem, DifficultType]):
    model = ChecklistItem
    extra = 0


@admin.register(DifficultType)
class DifficultTypeAdmin(admin.ModelAdmin[DifficultType]):
    list_display = ["code", "name_ru", "behaviour_on"]
    readonly_fields = ["code"]
    inlines = [ChecklistItemInline]


admin.site.register(RootCause)
admin.site.register(PlaybookSettings)
