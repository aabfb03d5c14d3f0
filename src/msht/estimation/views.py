"""The hidden-figure pages for analysts: past estimates, a new one, one estimate in full."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from msht.accounts.rules import Action, can
from msht.core.errors import ValidationError
from msht.estimation import selectors, services
from msht.estimation.forms import EstimateForm
from msht.estimation.models import ListGrouping

RUNS_SHOWN = 20


class EstimateListView(View):
    """Past estimates and, for analysts, the form to make a new one."""

    def _render(self, request: HttpRequest, form: EstimateForm) -> HttpResponse:
        runs = selectors.estimation_run_list(request.user)[:RUNS_SHOWN]
        context = {
            "runs": runs,
            "form": form,
            "may_run": can(request.user, Action.STATISTICS_PUBLISH),
        }
        return render(request, "estimation/list.html", context, status=400 if form.errors else 200)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, EstimateForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = EstimateForm(request.POST)
        if form.is_valid():
            try:
                run = services.estimation_run(
                    request.user,
                    period=form.cleaned_data["period"],
                    grouping=ListGrouping(form.cleaned_data["grouping"]),
                    selection=form.cleaned_data["selection"],
                )
            except ValidationError as broken:
                form.add_error("period", broken.problems[0] if broken.problems else str(broken))
            else:
                return HttpResponseRedirect(reverse("estimation:detail", kwargs={"pk": run.pk}))
        return self._render(request, form)


class EstimateDetailView(View):
    """One estimate: the selected figure and interval, every candidate model, the caveats."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            run = selectors.estimation_run_get(request.user, pk)
        except ObjectDoesNotExist:
            raise Http404("No such estimate") from None
        return render(request, "estimation/detail.html", {"run": run, "result": run.result})
