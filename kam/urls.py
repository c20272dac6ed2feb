"""Top-level URL map."""

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView

from kam.accounts import views as accounts_views
from kam.core import views as core_views
from kam.relations import views as relations_views

urlpatterns = [
    path("", accounts_views.home_view, name="home"),
    path("accounts/", include("kam.accounts.urls")),
    path("today/", relations_views.today_view, name="today"),
    path("today/sections/<slug:key>/", relations_views.today_section_view, name="today-section"),
    path("clients/", include("kam.clients.urls")),
    path("relationships/", include("kam.relations.urls")),
    path("portfolio/", include("kam.portfolio.urls")),
    path("icp/", include("kam.profiles.urls")),
    path("surveys/", include("kam.surveys.urls")),
    path("playbooks/", include("kam.playbooks.urls")),
    path("deals/", include("kam.deals.urls")),
    path("health/", include("kam.health.urls")),
    path("contrast/", include("kam.reviews.urls")),
    path("imports/", include("kam.imports.urls")),
    path("calls/", include("kam.calls.urls")),
    path("settings/", accounts_views.settings_view, name="settings"),
    path("settings/branding/", accounts_views.branding_view, name="settings-branding"),
    path("brand/logo/<str:digest>/", core_views.logo_view, name="brand-logo"),
    path("api/", include("kam.api.urls")),
    path("admin/", admin.site.urls),
    path(
        "favicon.ico",
        login_not_required(RedirectView.as_view(url="/static/kam/favicon.svg")),
        name="favicon",
    ),
]

handler404 = "kam.core.views.not_found_view"
handler403 = "kam.core.views.forbidden_view"
handler500 = "kam.core.views.server_error_view"
