"""The queue's rows carry task arguments (an e-mail's text with a personal survey link while
it waits to be sent), so they stay out of the Django admin: the import page shows a task's
state, and `kam manage shell` reaches the rest."""

from django.contrib import admin
from django_tasks_db.models import DBTaskResult

if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)
