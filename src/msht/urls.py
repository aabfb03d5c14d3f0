"""URL configuration: every app's pages and API mounted here."""

from django.urls import include, path

urlpatterns = [
    path("", include("msht.accounts.urls")),
    path("", include("msht.decisions.urls")),
    path("api/", include("msht.api_urls")),
    path("referrals/", include("msht.referrals.urls")),
    path("ingest/", include("msht.ingest.urls")),
    path("data-quality/", include("msht.quality.urls")),
    path("linkage/", include("msht.linkage.urls")),
    path("statistics/", include("msht.analytics.urls")),
    path("hidden-figure/", include("msht.estimation.urls")),
    path("fairness/", include("msht.fairness.urls")),
    path("governance/", include("msht.governance.urls")),
    path("intelligence/", include("msht.intelligence.urls")),
    path("privacy/", include("msht.privacy.urls")),
]

# A request Django cannot read answers JSON on the API; the store unavailable (a database
# restart, a read-only or full disk) answers 503, not 500.
handler400 = "msht.core.errorpages.bad_request"
handler500 = "msht.core.errorpages.server_error"
