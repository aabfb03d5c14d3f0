"""Pages of the governance app, mounted at /governance/."""

from django.urls import URLPattern, path

from msht.governance import views

app_name = "governance"

urlpatterns: list[URLPattern] = [
    path("", views.IndicatorsView.as_view(), name="indicators"),
    path(
        "directorates/<slug:code>/",
        views.DirectorateScorecardView.as_view(),
        name="directorate",
    ),
    path("delivery-plan/", views.DeliveryPlanView.as_view(), name="plan"),
    path("delivery-plan/<int:pk>/", views.PlanItemView.as_view(), name="plan-item"),
    path("recommendations/", views.RecommendationsView.as_view(), name="recommendations"),
    path(
        "recommendations/<int:pk>/respond/",
        views.ResponseView.as_view(),
        name="respond",
    ),
    path(
        "recommendations/<int:pk>/actions/add/",
        views.ActionCreateView.as_view(),
        name="action-add",
    ),
    path("actions/<int:pk>/", views.ActionUpdateView.as_view(), name="action"),
    path("roles-and-responsibilities/", views.RaciView.as_view(), name="raci"),
    path("skills/", views.SkillsView.as_view(), name="skills"),
]
