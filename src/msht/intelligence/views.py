"""Investigators' pages: candidate networks, one network as a graph and a table, a suspect."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from msht.accounts.rules import Action, can, require
from msht.core.errors import ValidationError
from msht.intelligence import networks, selectors, services
from msht.intelligence.forms import IntelligenceForm, PursueOutcomeForm
from msht.intelligence.models import (
    CandidateNetwork,
    IntelligenceReport,
    NetworkRun,
    SuspectRecord,
)
from msht.intelligence.services import MISSED_OPPORTUNITY_REFERRALS

NETWORKS_SHOWN = 50
REPORTS_SHOWN = 50


def _latest_run(request: HttpRequest) -> NetworkRun:
    run = networks.network_run_latest(request.user)
    if run is None:
        raise Http404("No network has been built yet: run msht networks.")
    return run


class NetworkListView(View):
    """The latest build as the reader may see it: its largest networks and the missed
    opportunities, worked out on the connections the reader may see."""

    def get(self, request: HttpRequest) -> HttpResponse:
        run = networks.network_run_latest(request.user)
        shown = networks.network_list_shown(request.user, run) if run else []
        context = {
            "run": run,
            "network_count": len(shown),
            "networks": shown[:NETWORKS_SHOWN],
            "missed": networks.network_missed_opportunities_shown(
                request.user, shown, minimum_referrals=MISSED_OPPORTUNITY_REFERRALS
            ),
            "minimum_referrals": MISSED_OPPORTUNITY_REFERRALS,
            "outcome_counts": selectors.pursue_outcome_counts(request.user),
        }
        return render(request, "intelligence/networks.html", context)


class NetworkDetailView(View):
    """One network: an interactive graph (enhancement) and the same facts as tables."""

    def get(self, request: HttpRequest, number: int) -> HttpResponse:
        run = _latest_run(request)
        try:
            view = services.network_view_read(request.user, run=run, number=number)
        except CandidateNetwork.DoesNotExist:
            raise Http404("No such network") from None
        graph = {
            "nodes": [{"id": name, "kind": name.split(":", 1)[0]} for name in view.nodes],
            "edges": [{"source": a, "target": b} for a, b in view.edges],
        }
        kinds = [name.split(":", 1)[0] for name in view.nodes]
        context = {
            "run": run,
            "network": view.network,
            "view": view,
            "rankings": view.rankings,
            "graph": graph,
            "suspects_shown": kinds.count("suspect"),
            "victims_shown": kinds.count("victim"),
            "others_shown": len(kinds) - kinds.count("suspect") - kinds.count("victim"),
        }
        return render(request, "intelligence/network.html", context)


class SuspectDetailView(View):
    """Everything known about one suspect across agencies, as the reader may see it."""

    def get(self, request: HttpRequest, key: str) -> HttpResponse:
        try:
            profile = services.suspect_profile_read(request.user, key=key)
        except SuspectRecord.DoesNotExist:
            raise Http404("No such suspect") from None
        return render(request, "intelligence/suspect.html", {"profile": profile})


class IntelligenceReportListView(View):
    """The reports the investigator may see, newest first."""

    def get(self, request: HttpRequest) -> HttpResponse:
        reports = services.intelligence_report_list_read(request.user, limit=REPORTS_SHOWN)
        context = {"reports": reports, "may_submit": can(request.user, Action.INTELLIGENCE_SUBMIT)}
        return render(request, "intelligence/reports.html", context)


class IntelligenceReportCreateView(View):
    """Submit a graded report; problems are shown on the form."""

    def _render(self, request: HttpRequest, form: IntelligenceForm) -> HttpResponse:
        status = 400 if form.errors else 200
        return render(request, "intelligence/report_form.html", {"form": form}, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        require(request.user, Action.INTELLIGENCE_SUBMIT)
        return self._render(request, IntelligenceForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = IntelligenceForm(request.POST)
        if form.is_valid():
            try:
                report = services.intelligence_report_submit(request.user, answers=form.answers())
            except ValidationError as broken:
                for problem in broken.problems or [str(broken)]:
                    form.add_error(None, problem)
            else:
                url = reverse("intelligence:report", kwargs={"reference": report.reference})
                return HttpResponseRedirect(url)
        return self._render(request, form)


class IntelligenceReportDetailView(View):
    """One report with its grading and handling conditions; others' restricted ones are 404."""

    def get(self, request: HttpRequest, reference: str) -> HttpResponse:
        try:
            report = services.intelligence_report_read(request.user, reference=reference)
        except IntelligenceReport.DoesNotExist:
            raise Http404("No such report") from None
        return render(request, "intelligence/report.html", {"report": report})


class PursueOutcomeCreateView(View):
    """Record a Pursue outcome for the investigator's agency."""

    def _render(self, request: HttpRequest, form: PursueOutcomeForm) -> HttpResponse:
        status = 400 if form.errors else 200
        return render(request, "intelligence/outcome_form.html", {"form": form}, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        require(request.user, Action.PURSUE_OUTCOME_RECORD)
        return self._render(request, PursueOutcomeForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = PursueOutcomeForm(request.POST)
        if form.is_valid():
            try:
                services.pursue_outcome_record(request.user, answers=form.answers())
            except ValidationError as broken:
                for problem in broken.problems or [str(broken)]:
                    form.add_error(None, problem)
            else:
                return HttpResponseRedirect(reverse("intelligence:networks"))
        return self._render(request, form)
