from django.contrib import admin

from kam.reviews.models import CauseTag

# Superuser maintenance only; analyses hold client answers and are reached through the pages.
admin.site.register(CauseTag)
