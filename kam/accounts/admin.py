"""Django admin: superuser maintenance of users and departments only (never dossiers)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from kam.accounts.models import Department, User


@admin.register(User)
class KamUserAdmin(UserAdmin):  # type: ignore[type-arg]
    fieldsets = (
        *UserAdmin.fieldsets,  # type: ignore[misc]
        (
            "KAM",
            {
                "fields": (
                    "middle_name",
                    "is_manager",
                    "is_supervisor",
                    "is_director",
                    "is_admin",
                    "supervisor",
                    "department",
                    "language",
                )
            },
        ),
    )
    list_display = (
        "username",
        "last_name",
        "first_name",
        "is_manager",
        "is_supervisor",
        "is_director",
        "is_admin",
        "supervisor",
        "is_active",
    )


admin.site.register(Department)
