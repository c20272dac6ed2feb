from django.urls import path

from kam.relations import views

app_name = "relations"

urlpatterns = [
    path("<int:client_id>/", views.interaction_list_view, name="interaction-list"),
    path("<int:client_id>/new/", views.interaction_create_view, name="interaction-create"),
    path(
        "<int:client_id>/<int:interaction_id>/complete/",
        views.interaction_complete_view,
        name="interaction-complete",
    ),
]
