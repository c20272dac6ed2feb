from django.urls import path

from kam.deals import views

app_name = "deals"

urlpatterns = [
    path("", views.deal_list_view, name="deal-list"),
    path("<int:deal_id>/", views.deal_detail_view, name="deal-detail"),
    path("funnel/", views.funnel_view, name="funnel"),
    path("setup/stages/", views.stages_setup_view, name="stages-setup"),
    path("setup/references/", views.references_setup_view, name="references-setup"),
]
