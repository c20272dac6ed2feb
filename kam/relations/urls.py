from django.urls import path

from kam.relations import views

app_name = "relations"

urlpatterns = [
    path("", views.overview_view, name="overview"),
    path("setup/stages/", views.stages_setup_view, name="stages-setup"),
    path("setup/catalogue/", views.catalogue_setup_view, name="catalogue-setup"),
    path("<int:client_id>/log/", views.interaction_list_view, name="interaction-list"),
    path("<int:client_id>/log/new/", views.interaction_create_view, name="interaction-create"),
    path(
        "<int:client_id>/log/<int:interaction_id>/complete/",
        views.interaction_complete_view,
        name="interaction-complete",
    ),
    path(
        "<int:client_id>/log/<int:interaction_id>/edit/",
        views.interaction_edit_view,
        name="interaction-edit",
    ),
    path(
        "<int:client_id>/log/<int:interaction_id>/delete/",
        views.interaction_delete_view,
        name="interaction-delete",
    ),
    path("<int:client_id>/stage/", views.stage_set_view, name="stage-set"),
    path("<int:client_id>/bank/", views.bank_view, name="bank"),
    path("<int:client_id>/bank/new/", views.bank_add_view, name="bank-add"),
    path("<int:client_id>/checklist/new/", views.task_add_view, name="task-add"),
    path(
        "<int:client_id>/checklist/template/",
        views.checklist_template_view,
        name="checklist-template",
    ),
    path("<int:client_id>/checklist/<int:task_id>/done/", views.task_done_view, name="task-done"),
]
