from django.urls import path

from kam.portfolio import views

app_name = "portfolio"

urlpatterns = [
    path("", views.portfolio_view, name="portfolio"),
    path("trend/", views.trend_view, name="trend"),
    path("clients/<int:client_id>/key-profile/", views.key_profile_view, name="key-profile"),
    path("clients/<int:client_id>/plan/", views.plan_view, name="plan"),
    path("clients/<int:client_id>/plan/goals/", views.goal_create_view, name="goal-create"),
    path(
        "clients/<int:client_id>/plan/goals/<int:goal_id>/result/",
        views.goal_result_view,
        name="goal-result",
    ),
    path(
        "clients/<int:client_id>/plan/goals/<int:goal_id>/actions/",
        views.action_create_view,
        name="action-create",
    ),
    path(
        "clients/<int:client_id>/plan/goals/<int:goal_id>/actions/<int:action_id>/done/",
        views.action_done_view,
        name="action-done",
    ),
    path("clients/<int:client_id>/plan/reviews/", views.review_create_view, name="review-create"),
    path("clients/<int:client_id>/revenue/new/", views.revenue_create_view, name="revenue-create"),
    path(
        "clients/<int:client_id>/revenue/<int:record_id>/edit/",
        views.revenue_edit_view,
        name="revenue-edit",
    ),
    path(
        "clients/<int:client_id>/revenue/<int:record_id>/delete/",
        views.revenue_delete_view,
        name="revenue-delete",
    ),
]
