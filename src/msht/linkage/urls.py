"""Pages of the linkage app, mounted at /linkage/."""

from django.urls import path

from msht.linkage import views

app_name = "linkage"

urlpatterns = [
    path("runs/", views.LinkageRunListView.as_view(), name="runs"),
    path("runs/start/", views.LinkageRunStartView.as_view(), name="run-start"),
    path("runs/<int:pk>/", views.LinkageRunDetailView.as_view(), name="run"),
    path(
        "review/persons/",
        views.ClericalQueueView.as_view(),
        {"kind": "persons"},
        name="queue-persons",
    ),
    path(
        "review/suspects/",
        views.ClericalQueueView.as_view(),
        {"kind": "suspects"},
        name="queue-suspects",
    ),
    path("pairs/<int:pk>/", views.ClericalPairView.as_view(), name="pair"),
]
