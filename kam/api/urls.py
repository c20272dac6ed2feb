from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from kam.api import views
from kam.calls import api as calls_api
from kam.surveys import api as surveys_api

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("v1/clients/", views.ClientListView.as_view(), name="client-list"),
    path("v1/clients/<int:client_id>/", views.ClientDetailView.as_view(), name="client-detail"),
    path(
        "v1/clients/<int:client_id>/contacts/",
        views.ContactListView.as_view(),
        name="contact-list",
    ),
    path(
        "v1/clients/<int:client_id>/interactions/",
        views.InteractionListView.as_view(),
        name="interaction-list",
    ),
    path("v1/clients/<int:client_id>/dossier/", views.DossierView.as_view(), name="dossier"),
    path("v1/clients/<int:client_id>/bank/", views.BankView.as_view(), name="bank"),
    path("v1/clients/<int:client_id>/stage/", views.StageView.as_view(), name="stage"),
    path("v1/clients/<int:client_id>/checklist/", views.ChecklistView.as_view(), name="checklist"),
    path("v1/today/", views.TodayView.as_view(), name="today"),
    path("v1/portfolio/", views.PortfolioView.as_view(), name="portfolio"),
    path("v1/surveys/campaigns/", surveys_api.CampaignListView.as_view(), name="campaign-list"),
    path(
        "v1/surveys/campaigns/<int:campaign_id>/answers/",
        surveys_api.CampaignAnswersView.as_view(),
        name="campaign-answers",
    ),
    path("v1/surveys/results/", surveys_api.ResultsView.as_view(), name="nps-results"),
    path("v1/calls/", calls_api.CallsReportView.as_view(), name="calls-report"),
]
