from django.urls import path

from kam.health import views

app_name = "health"

urlpatterns = [
    path("", views.health_list_view, name="health-list"),
    path("portfolio/", views.portfolio_section_view, name="portfolio-section"),
    path("settings/", views.settings_view, name="settings"),
    path("clients/<int:client_id>/snooze/", views.snooze_view, name="snooze"),
]
