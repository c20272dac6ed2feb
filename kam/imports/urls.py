from django.urls import path

from kam.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.import_start_view, name="start"),
    path("<int:job_id>/", views.job_view, name="job"),
    path("<int:job_id>/confirm/", views.job_confirm_view, name="job-confirm"),
    path("<int:job_id>/discard/", views.job_discard_view, name="job-discard"),
    path("<int:job_id>/errors/", views.job_errors_view, name="job-errors"),
    path("<int:job_id>/undo/", views.job_undo_view, name="job-undo"),
]
