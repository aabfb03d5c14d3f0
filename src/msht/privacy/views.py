"""The subject access page: parse the form, call the service, hand back the file."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import View

from msht.accounts.rules import Action, require
from msht.core.errors import ValidationError
from msht.privacy.forms import SubjectAccessForm
from msht.privacy.services import subject_access_export

TEMPLATE = "privacy/subject_access.html"


class SubjectAccessExportView(View):
    """Answer a subject access request: everything held about one person, downloaded."""

    def get(self, request: HttpRequest) -> HttpResponse:
        require(request.user, Action.SUBJECT_ACCESS_EXPORT)
        return render(request, TEMPLATE, {"form": SubjectAccessForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        require(request.user, Action.SUBJECT_ACCESS_EXPORT)
        form = SubjectAccessForm(request.POST)
        if not form.is_valid():
            return render(request, TEMPLATE, {"form": form}, status=400)
        data = form.cleaned_data
        try:
            export = subject_access_export(
                request.user,
                person_id=data["person_id"],
                justification=data["justification"],
                recipient=data["recipient"],
            )
        except ValidationError as error:
            form.add_error("person_id", str(error))
            return render(request, TEMPLATE, {"form": form}, status=400)
        if data["export_format"] == "json":
            response = HttpResponse(export.json, content_type="application/json; charset=utf-8")
        else:
            response = HttpResponse(export.html, content_type="text/html; charset=utf-8")
        name = f"subject-access-{export.person_id}.{data['export_format']}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
