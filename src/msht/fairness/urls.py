"""Pages of the fairness app, mounted at /fairness/."""

from django.urls import URLPattern

app_name = "fairness"

urlpatterns: list[URLPattern] = []
