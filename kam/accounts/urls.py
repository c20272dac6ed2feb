from django.contrib.auth.views import LogoutView
from django.urls import path

from kam.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("language/", views.language_view, name="language"),
    path("profile/", views.profile_view, name="profile"),
    path("profile/token/", views.token_rotate_view, name="token-rotate"),
    path("profile/password/", views.password_change_view, name="password-change"),
    path("users/", views.user_list_view, name="user-list"),
    path("users/new/", views.user_create_view, name="user-create"),
    path("users/<int:user_id>/edit/", views.user_edit_view, name="user-edit"),
    path("org-chart/", views.org_chart_view, name="org-chart"),
    path("departments/", views.department_list_view, name="department-list"),
    path("departments/new/", views.department_edit_view, name="department-create"),
    path(
        "departments/<int:department_id>/edit/",
        views.department_edit_view,
        name="department-edit",
    ),
]
