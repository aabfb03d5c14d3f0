"""Decision pages: each parses its input, calls one service or selector, and renders."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from msht.accounts.rules import Action, can, require
from msht.core.errors import PermissionDeniedError, ValidationError
from msht.core.pagination import paginated
from msht.decisions import selectors, services
from msht.decisions.forms import (
    APPROVE,
    AssuranceForm,
    DecisionForm,
    QueueFilterForm,
    ReconsiderationRequestForm,
    WithdrawForm,
)
from msht.decisions.models import Decision
from msht.referrals.models import Referral, ReferralStatus

PAGE_SIZE = 50

# The queue's sortable columns: (sort key, heading).
_SORTABLE = [
    ("reference", "Referral"),
    ("stage", "Decision due"),
    ("due", "Due from"),
    ("deadline", "Deadline"),
]


def _refused(request: HttpRequest, reason: str) -> HttpResponse:
    """A refusal that says why (403)."""
    return render(request, "decisions/refused.html", {"reason": reason}, status=403)


def _case(request: HttpRequest, reference: str) -> Referral:
    try:
        return selectors.case_get(request.user, reference=reference)
    except Referral.DoesNotExist as missing:
        raise Http404("No such case") from missing


def _sort_headers(request: HttpRequest, filters: selectors.QueueFilters) -> list[dict[str, str]]:
    """Column headings as links that sort on the server (MOJ sortable table, no JavaScript)."""
    headers = []
    for key, label in _SORTABLE:
        current = filters.sort == key
        descending = current and not filters.descending
        query = request.GET.copy()
        query["sort"] = key
        query["order"] = "desc" if descending else "asc"
        query.pop("page", None)
        aria = "none"
        if current:
            aria = "descending" if filters.descending else "ascending"
        headers.append({"label": label, "href": f"?{query.urlencode()}", "aria_sort": aria})
    return headers


class DecisionQueueView(View):
    """The decision maker's work queue: filters, server-side sorting, pages of 50."""

    stage = ""

    def get(self, request: HttpRequest) -> HttpResponse:
        require(request.user, Action.DECISION_MAKE)
        choices = selectors.case_filter_choices()
        data = request.GET.copy()
        if self.stage and "stage" not in data:
            data["stage"] = self.stage
        form = QueueFilterForm(data, authorities=choices["competent_authority"])
        filters = form.filters()
        queue = selectors.decision_list_queue(request.user, filters=filters)
        paging = paginated(request, queue, PAGE_SIZE)
        rows = [
            {"decision": decision, "remaining": selectors.working_days_remaining(decision)}
            for decision in paging["page"].object_list
        ]
        context = {
            "filter_form": form,
            "rows": rows,
            "headers": _sort_headers(request, filters),
            "choices": choices,
            **paging,
        }
        return render(request, "decisions/queue.html", context)


class ReconsiderationQueueView(DecisionQueueView):
    stage = selectors.QueueStage.RECONSIDERATION.value


class DecisionOverdueView(View):
    """Managers' view of RG and CG decisions past their targets."""

    def get(self, request: HttpRequest) -> HttpResponse:
        summary = selectors.decision_overdue_summary(request.user)
        context = {
            "summary": summary,
            "rg_overdue": summary.rg_overdue[:PAGE_SIZE],
            "cg_overdue": summary.cg_overdue[:PAGE_SIZE],
            "cg_target_days": services.CG_TARGET_DAYS,
        }
        return render(request, "decisions/overdue.html", context)


class CaseDetailView(View):
    """A case: the referral's summary, its timeline, linked referrals and outcome."""

    def get(self, request: HttpRequest, reference: str) -> HttpResponse:
        referral = _case(request, reference)
        actor = request.user
        full = selectors.decision_maker_data_visible(actor)
        decisions = list(selectors.decision_list_for_referral(actor, referral=referral))
        may_decide = services.decision_refusal_reason(actor, referral) is None
        context = {
            "referral": referral,
            "full": full,
            "timeline": selectors.case_timeline(actor, referral=referral),
            "linked": selectors.referral_list_linked(actor, referral=referral),
            "decisions": decisions,
            "may_decide_rg": may_decide and referral.status == ReferralStatus.SUBMITTED,
            "may_decide_cg": may_decide and referral.status == ReferralStatus.RG_POSITIVE,
            "may_withdraw": may_decide
            and referral.status in {ReferralStatus.SUBMITTED, ReferralStatus.RG_POSITIVE},
            "reconsiderable": [
                d
                for d in decisions
                if selectors.decision_negative_issued(d) and not d.reconsiderations.exists()
            ],
            "open_reconsiderations": [
                d for d in decisions if d.reconsideration_of_id is not None and d.is_pending
            ]
            if may_decide
            else [],
            "may_request": can(actor, Action.REFERRAL_VIEW, referral),
        }
        return render(request, "decisions/case.html", context)


class _FormView(View):
    """GET shows the form; POST parses it and calls one service; refusals say why."""

    template_name = "decisions/decide.html"
    form_class: type[forms.Form] = DecisionForm
    title = ""

    def target(self, request: HttpRequest, reference: str, pk: int | None) -> Any:
        return _case(request, reference)

    def refusal(self, request: HttpRequest, target: Any) -> str | None:
        referral = target if isinstance(target, Referral) else target.referral
        return services.decision_refusal_reason(request.user, referral)

    def call(self, request: HttpRequest, target: Any, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def _render(self, request: HttpRequest, target: Any, form: forms.Form) -> HttpResponse:
        referral = target if isinstance(target, Referral) else target.referral
        context = {"form": form, "referral": referral, "target": target, "title": self.title}
        return render(request, self.template_name, context, status=400 if form.errors else 200)

    def get(self, request: HttpRequest, reference: str, pk: int | None = None) -> HttpResponse:
        target = self.target(request, reference, pk)
        reason = self.refusal(request, target)
        if reason:
            return _refused(request, reason)
        return self._render(request, target, self.form_class())

    def post(self, request: HttpRequest, reference: str, pk: int | None = None) -> HttpResponse:
        target = self.target(request, reference, pk)
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                self.call(request, target, form.cleaned_data)
            except PermissionDeniedError as refused:
                return _refused(request, str(refused))
            except ValidationError as broken:
                for problem in broken.problems or [str(broken)]:
                    form.add_error(None, problem)
            else:
                referral = target if isinstance(target, Referral) else target.referral
                return HttpResponseRedirect(
                    reverse("decisions:case", kwargs={"reference": referral.reference})
                )
        return self._render(request, target, form)


def _decision_of(request: HttpRequest, reference: str, pk: int | None) -> Decision:
    referral = _case(request, reference)
    try:
        decision = selectors.decision_get(request.user, pk=pk or 0)
    except Decision.DoesNotExist as missing:
        raise Http404("No such decision") from missing
    if decision.referral_id != referral.pk:
        raise Http404("No such decision")
    return decision


class RgDecisionRecordView(_FormView):
    title = "Record a Reasonable Grounds decision"

    def call(self, request: HttpRequest, target: Any, data: dict[str, Any]) -> Any:
        return services.decision_record_rg(
            actor=request.user, referral=target, outcome=data["outcome"], reasons=data["reasons"]
        )


class CgDecisionRecordView(_FormView):
    title = "Record a Conclusive Grounds decision"

    def call(self, request: HttpRequest, target: Any, data: dict[str, Any]) -> Any:
        return services.decision_record_cg(
            actor=request.user, referral=target, outcome=data["outcome"], reasons=data["reasons"]
        )


class ReferralWithdrawView(_FormView):
    title = "Withdraw or close the referral without a decision"
    form_class = WithdrawForm

    def call(self, request: HttpRequest, target: Any, data: dict[str, Any]) -> Any:
        return services.referral_withdraw(
            actor=request.user, referral=target, reasons=data["reasons"]
        )


class ReconsiderationRequestView(_FormView):
    title = "Request reconsideration"
    form_class = ReconsiderationRequestForm

    def target(self, request: HttpRequest, reference: str, pk: int | None) -> Any:
        return _decision_of(request, reference, pk)

    def refusal(self, request: HttpRequest, target: Any) -> str | None:
        return None

    def call(self, request: HttpRequest, target: Any, data: dict[str, Any]) -> Any:
        return services.reconsideration_request(
            actor=request.user,
            decision=target,
            reasons=data["reasons"],
            exceptional_circumstances=data["exceptional_circumstances"],
        )


class ReconsiderationRecordView(_FormView):
    title = "Decide a reconsideration"

    def target(self, request: HttpRequest, reference: str, pk: int | None) -> Any:
        return _decision_of(request, reference, pk)

    def call(self, request: HttpRequest, target: Any, data: dict[str, Any]) -> Any:
        return services.decision_record_reconsideration(
            actor=request.user,
            reconsideration=target,
            outcome=data["outcome"],
            reasons=data["reasons"],
        )


class AssuranceQueueView(View):
    """Negative decisions awaiting a second person's quality assurance."""

    def get(self, request: HttpRequest) -> HttpResponse:
        decisions = selectors.decision_list_awaiting_assurance(request.user)
        return render(
            request, "decisions/assurance_queue.html", paginated(request, decisions, PAGE_SIZE)
        )


class DecisionAssureView(View):
    """Approve a negative decision (issuing it) or send it back."""

    def _decision(self, request: HttpRequest, pk: int) -> Decision:
        try:
            return selectors.decision_get_for_assurance(request.user, pk=pk)
        except Decision.DoesNotExist as missing:
            raise Http404("No such decision awaiting assurance") from missing

    def _render(
        self, request: HttpRequest, decision: Decision, form: AssuranceForm
    ) -> HttpResponse:
        context = {"form": form, "decision": decision, "referral": decision.referral}
        status = 400 if form.errors else 200
        return render(request, "decisions/assure.html", context, status=status)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._render(request, self._decision(request, pk), AssuranceForm())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        decision = self._decision(request, pk)
        form = AssuranceForm(request.POST)
        if form.is_valid():
            try:
                services.decision_assure(
                    actor=request.user,
                    decision=decision,
                    approve=form.cleaned_data["verdict"] == APPROVE,
                    notes=form.cleaned_data["notes"],
                )
            except PermissionDeniedError as refused:
                return _refused(request, str(refused))
            except ValidationError as broken:
                for problem in broken.problems or [str(broken)]:
                    form.add_error("notes", problem)
            else:
                return HttpResponseRedirect(reverse("decisions:assurance-queue"))
        return self._render(request, decision, form)
