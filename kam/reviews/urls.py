from django.urls import path

from kam.reviews import views

app_name = "reviews"

urlpatterns = [
    path("", views.analysis_list_view, name="analysis-list"),
    path("new/", views.analysis_create_view, name="analysis-create"),
    path("tags/", views.tags_view, name="tags"),
    path("<int:analysis_id>/", views.analysis_view, name="analysis"),
    path("<int:analysis_id>/pick/", views.pick_view, name="pick"),
    path("<int:analysis_id>/clients/<int:entry_id>/", views.entry_view, name="entry"),
    path("<int:analysis_id>/clients/<int:entry_id>/remove/", views.unpick_view, name="unpick"),
    path("<int:analysis_id>/synthesis/", views.synthesis_view, name="synthesis"),
    path("<int:analysis_id>/tasks/", views.task_create_view, name="task-create"),
    path("<int:analysis_id>/export.xlsx", views.export_view, name="export"),
    path("tasks/<int:task_id>/done/", views.task_done_view, name="task-done"),
]
