"""Linkage pages: runs for analysts, the clerical review queue for reviewers."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from msht.accounts.rules import can
from msht.core.errors import ValidationError
from msht.core.pagination import paginated
from msht.linkage import selectors, services
from msht.linkage.charts import match_weights_chart
from msht.linkage.engine.weights import comparison_levels
from msht.linkage.forms import ClericalDecisionForm, LinkageRunStartForm
from msht.linkage.models import ClericalPair, LinkageKind, LinkageRun

PAGE_SIZE = 50


def _runs_page(request: HttpRequest, form: LinkageRunStartForm, status: int = 200) -> HttpResponse:
    runs = selectors.linkage_run_list(request.user)
    paging = paginated(request, runs, PAGE_SIZE)
    precision = {
        kind.label: selectors.clerical_precision_get(request.user, kind=kind.value)
        for kind in LinkageKind
    }
    return render(
        request,
        "linkage/runs.html",
        {
            **paging,
            "runs": paging["page"].object_list,
            "precision": precision,
            "form": form,
        },
        status=status,
    )


class LinkageRunListView(View):
    """Every linkage run with its headline figures and the reviewers' precision, and the
    form that starts a run."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return _runs_page(request, LinkageRunStartForm())


class LinkageRunStartView(View):
    """Start a run of persons or suspects; it runs on after the response (a run takes
    minutes at scale) and its page shows how far it has gone."""

    def get(self, request: HttpRequest) -> HttpResponse:
        """The form lives on the runs page (for those allowed to see it)."""
        selectors.linkage_run_list(request.user)
        return HttpResponseRedirect(reverse("linkage:runs"))

    def post(self, request: HttpRequest) -> HttpResponse:
        selectors.linkage_run_list(request.user)  # LINKAGE_RUN, before reading the form
        form = LinkageRunStartForm(request.POST)
        if not form.is_valid():
            return _runs_page(request, form, status=400)
        try:
            run = services.linkage_run_request(request.user, kind=form.cleaned_data["kind"])
        except ValidationError as error:
            form.add_error("kind", str(error))
            return _runs_page(request, form, status=409)
        messages.success(request, "The run has started. This page shows how far it has gone.")
        return HttpResponseRedirect(reverse("linkage:run", args=[run.pk]))


class LinkageRunDetailView(View):
    """One run: its counts, timings, entity changes and the trained model's match weights."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            run = selectors.linkage_run_get(request.user, pk=pk)
        except LinkageRun.DoesNotExist as missing:
            raise Http404("No such run") from missing
        changes = selectors.entity_change_list(request.user, run=run)
        return render(
            request,
            "linkage/run.html",
            {
                "run": run,
                "chart": match_weights_chart(run.model),
                "comparisons": comparison_levels(run.model),
                "changes": changes[:PAGE_SIZE],
                "change_count": changes.count(),
                "may_review": can(request.user, services.review_action(run.kind)),
            },
        )


class ClericalQueueView(View):
    """Pairs the model was unsure about, most likely matches first."""

    def get(self, request: HttpRequest, kind: str) -> HttpResponse:
        if kind not in LinkageKind.values:
            raise Http404("No such kind of record")
        pairs = selectors.clerical_pair_list_undecided(request.user, kind=kind)
        paging = paginated(request, pairs, PAGE_SIZE)
        return render(
            request,
            "linkage/queue.html",
            {
                "kind": LinkageKind(kind),
                **paging,
                "pairs": paging["page"].object_list,
            },
        )


class ClericalPairView(View):
    """Two records side by side with the comparison evidence; the reviewer decides."""

    def _page(
        self, request: HttpRequest, pk: int, form: ClericalDecisionForm, status: int = 200
    ) -> HttpResponse:
        try:
            review = selectors.clerical_pair_get(request.user, pk=pk)
        except ClericalPair.DoesNotExist as missing:
            raise Http404("No such pair") from missing
        return render(
            request,
            "linkage/pair.html",
            {"review": review, "pair": review.pair, "form": form},
            status=status,
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._page(request, pk, ClericalDecisionForm())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            pair = ClericalPair.objects.get(pk=pk)
        except ClericalPair.DoesNotExist as missing:
            raise Http404("No such pair") from missing
        form = ClericalDecisionForm(request.POST)
        if not form.is_valid():
            return self._page(request, pk, form, status=400)
        try:
            services.clerical_pair_decide(
                request.user, pair=pair, decision=form.cleaned_data["decision"]
            )
        except ValidationError as error:
            form.add_error("decision", str(error))
            return self._page(request, pk, form, status=409)
        messages.success(request, "Decision saved. The next linkage run will follow it.")
        return HttpResponseRedirect(reverse(f"linkage:queue-{pair.kind}"))
