"""Pages of the analytics app, mounted at /statistics/."""

from django.urls import URLPattern

app_name = "analytics"

urlpatterns: list[URLPattern] = []
