"""Pages of the ingest app, mounted at /ingest/."""

from django.urls import URLPattern, path

from msht.ingest import views

app_name = "ingest"

urlpatterns: list[URLPattern] = [
    path("", views.BatchUploadView.as_view(), name="upload"),
    path("batches/<int:pk>/", views.BatchDetailView.as_view(), name="batch"),
    path("quarantine/", views.QuarantineListView.as_view(), name="quarantine"),
    path("quarantine/<int:pk>/", views.QuarantineCorrectView.as_view(), name="quarantine-correct"),
]
