from django.urls import path

from kam.clients import views

app_name = "clients"

urlpatterns = [
    path("", views.client_list_view, name="client-list"),
    path("new/", views.client_create_view, name="client-create"),
    path("reassign-from/<int:user_id>/", views.clients_reassign_view, name="clients-reassign"),
    path("<int:client_id>/", views.client_detail_view, name="client-detail"),
    path("<int:client_id>/edit/", views.client_edit_view, name="client-edit"),
    path("<int:client_id>/archive/", views.client_archive_view, name="client-archive"),
    path("<int:client_id>/restore/", views.client_restore_view, name="client-restore"),
    path("<int:client_id>/contacts/new/", views.contact_create_view, name="contact-create"),
    path(
        "<int:client_id>/contacts/<int:contact_id>/edit/",
        views.contact_edit_view,
        name="contact-edit",
    ),
    path(
        "<int:client_id>/contacts/<int:contact_id>/archive/",
        views.contact_archive_view,
        name="contact-archive",
    ),
    path("<int:client_id>/panels/<slug:key>/", views.card_panel_view, name="card-panel"),
    path("<int:client_id>/dossier/", views.dossier_view, name="dossier"),
    path("<int:client_id>/dossier/notes/", views.dossier_notes_view, name="dossier-notes"),
    path("<int:client_id>/dossier/review/", views.dossier_review_view, name="dossier-review"),
    path(
        "<int:client_id>/dossier/competitors/new/",
        views.competitor_create_view,
        name="competitor-create",
    ),
    path(
        "<int:client_id>/dossier/competitors/<int:competitor_id>/edit/",
        views.competitor_edit_view,
        name="competitor-edit",
    ),
    path(
        "<int:client_id>/dossier/competitors/<int:competitor_id>/archive/",
        views.competitor_archive_view,
        name="competitor-archive",
    ),
    path(
        "<int:client_id>/contacts/<int:contact_id>/dates/new/",
        views.contact_date_create_view,
        name="contact-date-create",
    ),
    path(
        "<int:client_id>/contacts/<int:contact_id>/dates/<int:date_id>/delete/",
        views.contact_date_delete_view,
        name="contact-date-delete",
    ),
]
