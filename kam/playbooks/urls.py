from django.urls import path

from kam.playbooks import views

app_name = "playbooks"

urlpatterns = [
    path("cases/", views.case_list_view, name="case-list"),
    path("cases/<int:case_id>/", views.case_detail_view, name="case-detail"),
]
