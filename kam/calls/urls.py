from django.urls import path

from kam.calls import views

app_name = "calls"

urlpatterns = [
    path("", views.call_list_view, name="call-list"),
    path("team/", views.team_view, name="team"),
    path("upload/", views.upload_view, name="upload"),
    path("setup/", views.setup_view, name="setup"),
    path("managers/<int:user_id>/", views.manager_view, name="manager"),
    path("<int:call_id>/", views.call_detail_view, name="call-detail"),
]
