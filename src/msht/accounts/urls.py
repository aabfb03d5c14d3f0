from django.urls import path

from msht.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", views.SignOutView.as_view(), name="sign-out"),
    path("second-factor/", views.SecondFactorVerifyView.as_view(), name="second-factor"),
    path(
        "second-factor/set-up/",
        views.SecondFactorEnrolView.as_view(),
        name="second-factor-enrol",
    ),
    path(
        "second-factor/new-app/",
        views.SecondFactorReplaceView.as_view(),
        name="second-factor-replace",
    ),
    path(
        "second-factor/recovery-code-used/",
        views.RecoveryCodeUsedView.as_view(),
        name="recovery-code-used",
    ),
    path(
        "second-factor/recovery-codes/",
        views.RecoveryCodesView.as_view(),
        name="recovery-codes",
    ),
    path("users/", views.UserListView.as_view(), name="users"),
    path(
        "users/<str:username>/second-factor/reset/",
        views.SecondFactorResetView.as_view(),
        name="second-factor-reset",
    ),
]
