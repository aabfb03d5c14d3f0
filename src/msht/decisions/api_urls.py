"""Decisions API routes, mounted under /api/decisions/."""

from django.urls import path

from msht.decisions import api

urlpatterns = [
    path("referrals/<str:reference>/", api.DecisionListApi.as_view(), name="decision-list"),
    path(
        "referrals/<str:reference>/rg/",
        api.DecisionRgRecordApi.as_view(),
        name="decision-rg-record",
    ),
    path(
        "referrals/<str:reference>/cg/",
        api.DecisionCgRecordApi.as_view(),
        name="decision-cg-record",
    ),
]
