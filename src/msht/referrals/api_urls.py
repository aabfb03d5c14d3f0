"""Referral endpoints, mounted at /api/referrals/."""

from django.urls import path

from msht.referrals import api

urlpatterns = [
    path("", api.ReferralCollectionApi.as_view(), name="referrals"),
    path(
        "duty-to-notify-reports/",
        api.DutyToNotifyCreateApi.as_view(),
        name="duty-to-notify-create",
    ),
    path("<str:reference>/", api.ReferralDetailApi.as_view(), name="referral-detail"),
    path("<str:reference>/submission/", api.ReferralSubmitApi.as_view(), name="referral-submit"),
    path("<str:reference>/amendments/", api.ReferralAmendApi.as_view(), name="referral-amend"),
]
