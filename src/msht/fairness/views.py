"""Decision monitoring pages: the newest run, or one named run, with the table and chart
behind each finding (Action.FAIRNESS_VIEW, checked in the selector)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import View

from msht.fairness import selectors
from msht.fairness.models import MonitoringRun


class MonitoringView(View):
    """The newest monitoring run."""

    def get(self, request: HttpRequest) -> HttpResponse:
        page = selectors.monitoring_page(request.user)
        return render(request, "fairness/monitoring.html", {"page": page})


class MonitoringRunView(View):
    """One stored run, so a finding can be followed from run to run."""

    def get(self, request: HttpRequest, run_id: int) -> HttpResponse:
        try:
            page = selectors.monitoring_page(request.user, run_id=run_id)
        except MonitoringRun.DoesNotExist as missing:
            raise Http404("No such monitoring run") from missing
        return render(request, "fairness/monitoring.html", {"page": page})
