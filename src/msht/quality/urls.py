"""Pages of the quality app, mounted at /data-quality/."""

from django.urls import URLPattern, path

from msht.quality import views

app_name = "quality"

urlpatterns: list[URLPattern] = [
    path("", views.NationalQualityView.as_view(), name="national"),
    path("<slug:code>/", views.SourceQualityView.as_view(), name="source"),
]
