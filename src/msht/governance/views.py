"""Governance pages: each parses its input, calls one service or selector, and renders."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from msht.accounts.models import Directorate
from msht.accounts.rules import Action as Permission
from msht.accounts.rules import can, require
from msht.core.errors import ValidationError
from msht.core.periods import Quarter
from msht.governance import selectors, services
from msht.governance.forms import (
    NO_ROLE,
    ActionForm,
    ActionUpdateForm,
    PeriodForm,
    PlanItemForm,
    PlanStatusForm,
    RaciForm,
    ResponseForm,
)
from msht.governance.models import (
    Action,
    ActionStatus,
    DeliveryPlanItem,
    DeliveryStatus,
    RaciRole,
    Recommendation,
    ResponseKind,
)


def _period(request: HttpRequest) -> tuple[Quarter, PeriodForm]:
    """The quarter asked for, else the latest computed, else the current one."""
    form = PeriodForm(request.GET)
    if form.is_valid() and form.cleaned_data["period"]:
        return Quarter.parse(form.cleaned_data["period"]), form
    latest = selectors.latest_period(request.user)
    return latest or Quarter.of(timezone.localdate()), form


def _may_edit(request: HttpRequest) -> bool:
    return can(request.user, Permission.GOVERNANCE_EDIT)


class IndicatorsView(View):
    """The national scorecard: every indicator with RAG against target and trend."""

    def get(self, request: HttpRequest) -> HttpResponse:
        period, form = _period(request)
        return render(
            request,
            "governance/indicators.html",
            {
                "period": period,
                "period_form": form,
                "rows": selectors.scorecard(request.user, period=period),
                "breakdowns": selectors.scorecard_breakdowns(request.user, period=period),
                "directorates": Directorate.choices,
                "may_edit": _may_edit(request),
            },
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        """Compute (again) the indicators of the quarter shown."""
        require(request.user, Permission.GOVERNANCE_EDIT)
        period, _form = _period(request)
        services.indicator_values_compute(request.user, period=period)
        return HttpResponseRedirect(reverse("governance:indicators") + f"?period={period}")


class DirectorateScorecardView(View):
    """One directorate's scorecard: its own readings of each indicator."""

    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        labels = dict(Directorate.choices)
        if code not in labels:
            raise Http404("No such directorate")
        period, form = _period(request)
        return render(
            request,
            "governance/directorate.html",
            {
                "period": period,
                "period_form": form,
                "directorate": labels[code],
                "code": code,
                "rows": selectors.scorecard(request.user, period=period, directorate=code),
            },
        )


class DeliveryPlanView(View):
    """Objectives, milestones and owners per strand, with the strand's indicators; governance
    users add an objective or a milestone with the form below."""

    def _render(self, request: HttpRequest, form: PlanItemForm, status: int = 200) -> HttpResponse:
        period, period_form = _period(request)
        return render(
            request,
            "governance/plan.html",
            {
                "period": period,
                "period_form": period_form,
                "strands": selectors.delivery_plan(request.user, period=period),
                "form": form,
                "may_edit": _may_edit(request),
            },
            status=status,
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, PlanItemForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        require(request.user, Permission.GOVERNANCE_EDIT)
        form = PlanItemForm(request.POST)
        if not form.is_valid():
            return self._render(request, form, status=400)
        data = form.cleaned_data
        try:
            services.plan_item_create(
                request.user,
                strand=data["strand"],
                title=data["title"],
                owner=data["owner"],
                due_on=data["due_on"],
                parent=data["parent"],
                status=DeliveryStatus(data["status"]),
            )
        except ValidationError as error:
            form.add_error("parent", str(error))
            return self._render(request, form, status=400)
        return HttpResponseRedirect(reverse("governance:plan"))


class PlanItemView(View):
    """Change the status of one objective or milestone."""

    template = "governance/plan_item.html"

    def _item(self, request: HttpRequest, pk: int) -> DeliveryPlanItem:
        try:
            return selectors.plan_item_get(request.user, pk=pk)
        except DeliveryPlanItem.DoesNotExist as missing:
            raise Http404("No such objective or milestone") from missing

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        require(request.user, Permission.GOVERNANCE_EDIT)
        item = self._item(request, pk)
        form = PlanStatusForm(initial={"status": item.status})
        return _form_page(request, self.template, form, {"item": item})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        require(request.user, Permission.GOVERNANCE_EDIT)
        item = self._item(request, pk)
        form = PlanStatusForm(request.POST)
        if not form.is_valid():
            return _form_page(request, self.template, form, {"item": item}, status=400)
        services.plan_item_status_set(
            request.user, item=item, status=DeliveryStatus(form.cleaned_data["status"])
        )
        return HttpResponseRedirect(reverse("governance:plan"))


class RecommendationsView(View):
    """Inspection reports, response deadlines, responses, actions; overdue ones flagged."""

    def get(self, request: HttpRequest) -> HttpResponse:
        today = timezone.localdate()
        return render(
            request,
            "governance/recommendations.html",
            {
                "reports": selectors.inspection_reports(request.user, today=today),
                "today": today,
                "may_edit": _may_edit(request),
                "accepted": {ResponseKind.ACCEPTED, ResponseKind.PARTIALLY_ACCEPTED},
            },
        )


def _recommendation(request: HttpRequest, pk: int) -> Recommendation:
    try:
        return selectors.recommendation_get(request.user, pk=pk)
    except Recommendation.DoesNotExist as missing:
        raise Http404("No such recommendation") from missing


def _form_page(
    request: HttpRequest, template: str, form: Any, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render(request, template, {"form": form, **context}, status=status)


class ResponseView(View):
    """Record the department's response to one recommendation."""

    template = "governance/respond.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        require(request.user, Permission.GOVERNANCE_EDIT)
        recommendation = _recommendation(request, pk)
        form = ResponseForm(
            initial={
                "response": recommendation.response,
                "response_text": recommendation.response_text,
                "responded_on": recommendation.responded_on,
            }
        )
        return _form_page(request, self.template, form, {"recommendation": recommendation})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        require(request.user, Permission.GOVERNANCE_EDIT)
        recommendation = _recommendation(request, pk)
        form = ResponseForm(request.POST)
        context = {"recommendation": recommendation}
        if not form.is_valid():
            return _form_page(request, self.template, form, context, status=400)
        try:
            services.recommendation_respond(
                request.user,
                recommendation=recommendation,
                response=ResponseKind(form.cleaned_data["response"]),
                response_text=form.cleaned_data["response_text"],
                responded_on=form.cleaned_data["responded_on"],
            )
        except ValidationError as error:
            form.add_error("responded_on", str(error))
            return _form_page(request, self.template, form, context, status=400)
        return HttpResponseRedirect(reverse("governance:recommendations"))


class ActionCreateView(View):
    """Add an action, with an owner and a deadline, to an accepted recommendation."""

    template = "governance/action_add.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        require(request.user, Permission.GOVERNANCE_EDIT)
        recommendation = _recommendation(request, pk)
        return _form_page(request, self.template, ActionForm(), {"recommendation": recommendation})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        require(request.user, Permission.GOVERNANCE_EDIT)
        recommendation = _recommendation(request, pk)
        form = ActionForm(request.POST)
        context = {"recommendation": recommendation}
        if not form.is_valid():
            return _form_page(request, self.template, form, context, status=400)
        try:
            services.action_create(request.user, recommendation=recommendation, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("description", str(error))
            return _form_page(request, self.template, form, context, status=400)
        return HttpResponseRedirect(reverse("governance:recommendations"))


class ActionUpdateView(View):
    """Move an action on: status, evidence and the day it was completed."""

    template = "governance/action.html"

    def _action(self, request: HttpRequest, pk: int) -> Action:
        try:
            return selectors.action_get(request.user, pk=pk)
        except Action.DoesNotExist as missing:
            raise Http404("No such action") from missing

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        require(request.user, Permission.GOVERNANCE_EDIT)
        action = self._action(request, pk)
        form = ActionUpdateForm(
            initial={
                "status": action.status,
                "evidence": action.evidence,
                "completed_on": action.completed_on,
            }
        )
        return _form_page(request, self.template, form, {"action": action})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        require(request.user, Permission.GOVERNANCE_EDIT)
        action = self._action(request, pk)
        form = ActionUpdateForm(request.POST)
        if not form.is_valid():
            return _form_page(request, self.template, form, {"action": action}, status=400)
        try:
            services.action_update(
                request.user,
                action=action,
                status=ActionStatus(form.cleaned_data["status"]),
                evidence=form.cleaned_data["evidence"],
                completed_on=form.cleaned_data["completed_on"],
            )
        except ValidationError as error:
            form.add_error("evidence", str(error))
            return _form_page(request, self.template, form, {"action": action}, status=400)
        return HttpResponseRedirect(reverse("governance:recommendations"))


class RaciView(View):
    """The roles and responsibilities matrix with its gaps, overlaps and history; governance
    users change one cell at a time with the form below it."""

    template = "governance/raci.html"

    def _render(self, request: HttpRequest, form: RaciForm, status: int = 200) -> HttpResponse:
        return render(
            request,
            self.template,
            {
                "matrix": selectors.raci_matrix(request.user),
                "form": form,
                "may_edit": _may_edit(request),
            },
            status=status,
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, RaciForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        require(request.user, Permission.GOVERNANCE_EDIT)
        form = RaciForm(request.POST)
        if not form.is_valid():
            return self._render(request, form, status=400)
        role = form.cleaned_data["role"]
        services.raci_set(
            request.user,
            organisation=form.cleaned_data["organisation"],
            strand=form.cleaned_data["strand"],
            role=None if role == NO_ROLE else RaciRole(role),
        )
        return HttpResponseRedirect(reverse("governance:raci"))


class SkillsView(View):
    """Competencies required per role against training in date, by organisation and role,
    and the staff whose training lapses in the next 90 days."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(
            request,
            "governance/skills.html",
            {"picture": selectors.skills_gaps(request.user)},
        )
