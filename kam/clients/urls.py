from django.urls import path

from kam.clients import views

app_name = "clients"

urlpatterns = [
    path("", views.client_list_view, name="client-list"),
    path("new/", views.client_create_view, name="client-create"),
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
    path("<int:client_id>/revenue/new/", views.revenue_create_view, name="revenue-create"),
    path(
        "<int:client_id>/revenue/<int:record_id>/edit/",
        views.revenue_edit_view,
        name="revenue-edit",
    ),
    path(
        "<int:client_id>/revenue/<int:record_id>/delete/",
        views.revenue_delete_view,
        name="revenue-delete",
    ),
]
