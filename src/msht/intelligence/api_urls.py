"""Intelligence API endpoints, mounted at /api/intelligence/."""

from django.urls import path

from msht.intelligence import api

urlpatterns = [
    path("reports/", api.IntelligenceReportCollectionApi.as_view(), name="intelligence-reports"),
    path(
        "reports/<str:reference>/",
        api.IntelligenceReportDetailApi.as_view(),
        name="intelligence-report",
    ),
    path("pursue-outcomes/", api.PursueOutcomeCreateApi.as_view(), name="pursue-outcome-record"),
]
