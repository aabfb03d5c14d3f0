"""Pages of the quality app, mounted at /data-quality/."""

from django.urls import URLPattern

app_name = "quality"

urlpatterns: list[URLPattern] = []
