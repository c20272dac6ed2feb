from django.contrib.auth.views import LogoutView
from django.urls import path

from kam.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("language/", views.language_view, name="language"),
    path("users/", views.user_list_view, name="user-list"),
    path("users/new/", views.user_create_view, name="user-create"),
    path("users/<int:user_id>/edit/", views.user_edit_view, name="user-edit"),
]
