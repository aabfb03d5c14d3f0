"""Hidden-figure pages, mounted at /hidden-figure/."""

from django.urls import path

from msht.estimation import views

app_name = "estimation"

urlpatterns = [
    path("", views.EstimateListView.as_view(), name="list"),
    path("<int:pk>/", views.EstimateDetailView.as_view(), name="detail"),
]
