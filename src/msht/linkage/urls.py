"""Pages of the linkage app, mounted at /linkage/."""

from django.urls import URLPattern

app_name = "linkage"

urlpatterns: list[URLPattern] = []
