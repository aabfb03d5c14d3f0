"""Decision pages: the work queue, cases, decisions, quality assurance and overdue cases."""

from django.urls import path

from msht.decisions import views

app_name = "decisions"

urlpatterns = [
    path("cases/", views.DecisionQueueView.as_view(), name="queue"),
    path(
        "cases/reconsiderations/", views.ReconsiderationQueueView.as_view(), name="reconsiderations"
    ),
    path("cases/overdue/", views.DecisionOverdueView.as_view(), name="overdue"),
    path("cases/assurance/", views.AssuranceQueueView.as_view(), name="assurance-queue"),
    path("cases/assurance/<int:pk>/", views.DecisionAssureView.as_view(), name="assure"),
    path("cases/<str:reference>/", views.CaseDetailView.as_view(), name="case"),
    path("cases/<str:reference>/rg/", views.RgDecisionRecordView.as_view(), name="record-rg"),
    path("cases/<str:reference>/cg/", views.CgDecisionRecordView.as_view(), name="record-cg"),
    path("cases/<str:reference>/withdraw/", views.ReferralWithdrawView.as_view(), name="withdraw"),
    path(
        "cases/<str:reference>/decisions/<int:pk>/reconsideration/",
        views.ReconsiderationRequestView.as_view(),
        name="reconsideration-request",
    ),
    path(
        "cases/<str:reference>/reconsiderations/<int:pk>/",
        views.ReconsiderationRecordView.as_view(),
        name="record-reconsideration",
    ),
]
