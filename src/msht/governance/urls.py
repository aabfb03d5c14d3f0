"""Pages of the governance app, mounted at /governance/."""

from django.urls import URLPattern

app_name = "governance"

urlpatterns: list[URLPattern] = []
