"""Pages of the fairness app, mounted at /fairness/."""

from django.urls import URLPattern, path

from msht.fairness import views

app_name = "fairness"

urlpatterns: list[URLPattern] = [
    path("", views.MonitoringView.as_view(), name="monitoring"),
    path("runs/<int:run_id>/", views.MonitoringRunView.as_view(), name="run"),
]
