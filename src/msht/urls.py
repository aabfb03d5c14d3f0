"""URL configuration: every app's pages and API mounted here."""

from django.urls import include, path

urlpatterns = [
    path("", include("msht.accounts.urls")),
    path("", include("msht.decisions.urls")),
    path("api/", include("msht.api_urls")),
    path("referrals/", include("msht.referrals.urls")),
]
