"""API routing: the schema, its docs and every app's `api.urlpatterns` under `v1/`.

Authentication, permissions and error handling are set in settings (`REST_FRAMEWORK`) and
`kam.api.exceptions`; endpoints live in their apps (`kam/<app>/api.py`)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from kam.api.root import ApiRootView
from kam.calls import api as calls_api
from kam.clients import api as clients_api
from kam.deals import api as deals_api
from kam.health import api as health_api
from kam.playbooks import api as playbooks_api
from kam.portfolio import api as portfolio_api
from kam.profiles import api as profiles_api
from kam.relations import api as relations_api
from kam.reviews import api as reviews_api
from kam.surveys import api as surveys_api

app_name = "api"

# One entry per app that has an API; a new app adds its module here.
APP_APIS = (
    clients_api,
    relations_api,
    portfolio_api,
    surveys_api,
    playbooks_api,
    deals_api,
    calls_api,
    profiles_api,
    health_api,
    reviews_api,
)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("v1/", ApiRootView.as_view(), name="root"),
    *(path("v1/", include(module.urlpatterns)) for module in APP_APIS),
]
