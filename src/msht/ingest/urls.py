"""Pages of the ingest app, mounted at /ingest/."""

from django.urls import URLPattern

app_name = "ingest"

urlpatterns: list[URLPattern] = []
