from django.urls import path

from kam.surveys import views

app_name = "surveys"

urlpatterns = [
    path("", views.campaign_list_view, name="campaign-list"),
    path("new/", views.campaign_create_view, name="campaign-create"),
    path("results/", views.results_view, name="results"),
    path("<int:campaign_id>/", views.campaign_detail_view, name="campaign-detail"),
    path("<int:campaign_id>/links/", views.send_links_view, name="send-links"),
    path("<int:campaign_id>/call/<int:client_id>/", views.phone_view, name="phone"),
    path("s/<int:campaign_id>/<str:token>/", views.link_view, name="link"),
    path("e/<int:campaign_id>/<str:token>/", views.enps_link_view, name="enps-link"),
]
