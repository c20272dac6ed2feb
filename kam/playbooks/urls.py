from django.urls import path

from kam.playbooks import views

app_name = "playbooks"

urlpatterns = [
    path("types/", views.type_list_view, name="type-list"),
    path("types/<slug:code>/edit/", views.type_edit_view, name="type-edit"),
    path("setup/", views.setup_view, name="setup"),
    path("clients/<int:client_id>/types/", views.tag_add_view, name="tag-add"),
    path("clients/<int:client_id>/types/remove/", views.tag_remove_view, name="tag-remove"),
    path("clients/<int:client_id>/checklist/", views.tick_view, name="tick"),
    path("clients/<int:client_id>/cases/", views.case_open_view, name="case-open"),
    path("cases/", views.case_list_view, name="case-list"),
    path("cases/<int:case_id>/", views.case_detail_view, name="case-detail"),
    path("report/", views.report_view, name="report"),
]
