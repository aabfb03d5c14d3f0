"""Pages of the analytics app, mounted at /statistics/."""

from django.urls import path

from msht.analytics import views

app_name = "analytics"

urlpatterns = [
    path("", views.NationalDashboardView.as_view(), name="dashboard"),
    path(
        "organisations/",
        views.OrganisationDashboardListView.as_view(),
        name="organisation-dashboards",
    ),
    path(
        "organisations/<slug:code>/",
        views.OrganisationDashboardView.as_view(),
        name="organisation-dashboard",
    ),
    path("publications/", views.PublicationListView.as_view(), name="publications"),
    path("publications/<int:pk>/", views.PublicationDetailView.as_view(), name="publication"),
    path(
        "publications/<int:pk>/download/",
        views.PublicationDownloadView.as_view(),
        name="publication-download",
    ),
]
