from django.urls import path

from msht.privacy import views

app_name = "privacy"

urlpatterns = [
    path("subject-access/", views.SubjectAccessExportView.as_view(), name="subject-access"),
]
