"""The REST API: the OpenAPI schema and its docs page, then each app's endpoints."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from msht.accounts.api_permissions import SignedIn

app_name = "api"

urlpatterns = [
    path(
        "schema/",
        SpectacularAPIView.as_view(permission_classes=[SignedIn]),
        name="schema",
    ),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", permission_classes=[SignedIn]),
        name="docs",
    ),
    path("referrals/", include("msht.referrals.api_urls")),
    path("decisions/", include("msht.decisions.api_urls")),
    path("intelligence/", include("msht.intelligence.api_urls")),
]
