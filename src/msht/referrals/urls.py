"""Referral pages, mounted at /referrals/."""

from django.urls import path

from msht.referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.ReferralListView.as_view(), name="list"),
    path("new/", views.ReferralStartView.as_view(), name="start"),
    path("duty-to-notify/", views.DutyToNotifyStartView.as_view(), name="duty-to-notify"),
    path("drafts/", views.ReferralDraftListView.as_view(), name="drafts"),
    path("drafts/<str:reference>/check/", views.ReferralCheckView.as_view(), name="check"),
    path("drafts/<str:reference>/<slug:slug>/", views.ReferralStepView.as_view(), name="step"),
    path("<str:reference>/", views.ReferralDetailView.as_view(), name="detail"),
    path(
        "<str:reference>/confirmation/",
        views.ReferralConfirmationView.as_view(),
        name="confirmation",
    ),
    path("<str:reference>/amend/", views.ReferralAmendView.as_view(), name="amend"),
]
