"""Investigators' pages, mounted at /intelligence/."""

from django.urls import path

from msht.intelligence import views

app_name = "intelligence"

urlpatterns = [
    path("networks/", views.NetworkListView.as_view(), name="networks"),
    path("networks/<int:number>/", views.NetworkDetailView.as_view(), name="network"),
    path("suspects/<str:key>/", views.SuspectDetailView.as_view(), name="suspect"),
    path("reports/", views.IntelligenceReportListView.as_view(), name="reports"),
    path("reports/new/", views.IntelligenceReportCreateView.as_view(), name="report-new"),
    path("reports/<str:reference>/", views.IntelligenceReportDetailView.as_view(), name="report"),
    path("outcomes/new/", views.PursueOutcomeCreateView.as_view(), name="outcome-new"),
]
