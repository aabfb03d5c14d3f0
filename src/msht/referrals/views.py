"""Referral pages: the multi-step form, check answers, confirmation, drafts, the organisation's
referrals and amendment. Every page works without JavaScript (plain POST forms); each parses,
calls one service or selector, and renders. Another organisation's referral answers 404."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from msht.accounts.rules import Action, can, require
from msht.core.reference import AgeGroup
from msht.referrals.answers import ReferralAnswers, referral_answers
from msht.referrals.forms import (
    ANCHOR_OF_ANSWER,
    STEP_BY_SLUG,
    STEP_OF_ANSWER,
    STEPS,
    AmendForm,
    StepForm,
    is_duty_to_notify,
    steps_for,
)
from msht.referrals.models import Referral
from msht.referrals.selectors import (
    referral_get,
    referral_get_draft,
    referral_list_drafts_read,
    referral_list_organisation,
)
from msht.referrals.services import (
    ReferralProblemsError,
    duty_to_notify_submit,
    referral_amend,
    referral_draft_save,
    referral_submit,
)
from msht.referrals.summary import summary_rows

SAVE_AND_RETURN = "save"
CHANGE = "check"


def _draft_or_404(request: HttpRequest, reference: str) -> Referral:
    try:
        return referral_get_draft(request.user, reference=reference)
    except Referral.DoesNotExist as missing:
        raise Http404(reference) from missing


def _referral_or_404(request: HttpRequest, reference: str) -> Referral:
    try:
        return referral_get(request.user, reference=reference)
    except Referral.DoesNotExist as missing:
        raise Http404(reference) from missing


def _problem_links(reference: str, error: ReferralProblemsError) -> list[dict[str, str]]:
    """Each problem, linked to the input on the page where the answer is asked."""
    links = []
    for field, text in error.field_problems:
        slug = STEP_OF_ANSWER.get(field)
        anchor = ANCHOR_OF_ANSWER.get(field, field)
        href = (
            reverse("referrals:step", args=[reference, slug]) + f"?return={CHANGE}#id_{anchor}"
            if slug
            else "#main-content"
        )
        links.append({"href": href, "text": text})
    return links


def _next_url(reference: str, step: type[StepForm], answers: ReferralAnswers) -> str:
    steps = steps_for(answers)
    if step in steps:
        position = steps.index(step) + 1
    else:
        position = next(
            (i for i, s in enumerate(steps) if STEPS.index(s) > STEPS.index(step)), len(steps)
        )
    if position < len(steps):
        return reverse("referrals:step", args=[reference, steps[position].slug])
    return reverse("referrals:check", args=[reference])


def _render_step(
    request: HttpRequest,
    form: StepForm,
    *,
    reference: str | None,
    back: str,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "referrals/step.html",
        {
            "form": form,
            "reference": reference,
            "back": back,
            "return_to": request.GET.get("return", ""),
        },
        status=status,
    )


def _step_response(
    request: HttpRequest, step: type[StepForm], reference: str | None
) -> HttpResponseBase:
    """Save one page's answers to a (new) draft, then go on, back to check, or to the drafts."""
    form = step(request.POST)
    back = reverse("referrals:check", args=[reference]) if reference else reverse("accounts:home")
    if not form.is_valid():
        return _render_step(request, form, reference=reference, back=back, status=400)
    try:
        referral = referral_draft_save(request.user, answers=form.to_answers(), reference=reference)
    except ReferralProblemsError as error:
        for field, text in error.field_problems:
            form.add_error(field if field in form.fields else None, text)
        return _render_step(request, form, reference=reference, back=back, status=400)
    except Referral.DoesNotExist as missing:
        raise Http404(reference) from missing
    if request.POST.get("action") == SAVE_AND_RETURN:
        return redirect("referrals:drafts")
    if request.GET.get("return") == CHANGE:
        return redirect("referrals:check", referral.reference)
    return redirect(_next_url(referral.reference, step, referral_answers(referral)))


class ReferralStartView(View):
    """The first page of a new referral: nothing is stored until it is answered."""

    def get(self, request: HttpRequest) -> HttpResponse:
        require(request.user, Action.REFERRAL_CREATE)
        return _render_step(request, STEPS[0](), reference=None, back=reverse("accounts:home"))

    def post(self, request: HttpRequest) -> HttpResponseBase:
        require(request.user, Action.REFERRAL_CREATE)
        return _step_response(request, STEPS[0], None)


class DutyToNotifyStartView(View):
    """Start a Duty to Notify report: a draft for an adult who does not consent."""

    def get(self, request: HttpRequest) -> HttpResponse:
        require(request.user, Action.DUTY_TO_NOTIFY_CREATE)
        return render(request, "referrals/duty_to_notify_start.html")

    def post(self, request: HttpRequest) -> HttpResponseBase:
        require(request.user, Action.DUTY_TO_NOTIFY_CREATE)
        referral = referral_draft_save(
            request.user,
            answers={"age_group_at_exploitation": AgeGroup.ADULT, "consent_given": False},
        )
        return redirect("referrals:step", referral.reference, "exploitation-types")


class ReferralStepView(View):
    """One page of a draft's form."""

    def _step(self, slug: str) -> type[StepForm]:
        step = STEP_BY_SLUG.get(slug)
        if step is None:
            raise Http404(slug)
        return step

    def get(self, request: HttpRequest, reference: str, slug: str) -> HttpResponse:
        require(request.user, Action.REFERRAL_CREATE)
        step = self._step(slug)
        referral = _draft_or_404(request, reference)
        answers = referral_answers(referral)
        steps = steps_for(answers)
        back = reverse("referrals:check", args=[reference])
        if step in steps and steps.index(step) > 0:
            back = reverse("referrals:step", args=[reference, steps[steps.index(step) - 1].slug])
        form = step(initial=step.initial_from(answers))
        return _render_step(request, form, reference=reference, back=back)

    def post(self, request: HttpRequest, reference: str, slug: str) -> HttpResponseBase:
        require(request.user, Action.REFERRAL_CREATE)
        step = self._step(slug)
        _draft_or_404(request, reference)  # a submitted referral has no draft pages (not a 500)
        return _step_response(request, step, reference)


class ReferralCheckView(View):
    """Check your answers, then submit the referral (or the Duty to Notify report)."""

    def _render(
        self,
        request: HttpRequest,
        referral: Referral,
        problems: list[dict[str, str]],
        status: int = 200,
    ) -> HttpResponse:
        answers = referral_answers(referral)
        context: dict[str, Any] = {
            "referral": referral,
            "rows": summary_rows(referral.reference, answers, steps_for(answers)),
            "duty_to_notify": is_duty_to_notify(answers),
            "problems": problems,
        }
        return render(request, "referrals/check.html", context, status=status)

    def get(self, request: HttpRequest, reference: str) -> HttpResponse:
        require(request.user, Action.REFERRAL_CREATE)
        return self._render(request, _draft_or_404(request, reference), [])

    def post(self, request: HttpRequest, reference: str) -> HttpResponseBase:
        require(request.user, Action.REFERRAL_CREATE)
        referral = _draft_or_404(request, reference)
        try:
            if is_duty_to_notify(referral_answers(referral)):
                report = duty_to_notify_submit(request.user, reference=reference)
                return render(
                    request, "referrals/duty_to_notify_confirmation.html", {"report": report}
                )
            submitted = referral_submit(request.user, reference=reference)
        except ReferralProblemsError as error:
            return self._render(request, referral, _problem_links(reference, error), status=400)
        return redirect("referrals:confirmation", submitted.reference)


class ReferralConfirmationView(View):
    def get(self, request: HttpRequest, reference: str) -> HttpResponse:
        require(request.user, Action.REFERRAL_VIEW)
        referral = _referral_or_404(request, reference)
        return render(request, "referrals/confirmation.html", {"referral": referral})


class ReferralDraftListView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        require(request.user, Action.REFERRAL_CREATE)
        drafts = referral_list_drafts_read(request.user)
        return render(request, "referrals/drafts.html", {"drafts": drafts})


class ReferralListView(View):
    """Your organisation's referrals and their outcomes (no personal details)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        require(request.user, Action.REFERRAL_VIEW)
        referrals = referral_list_organisation(request.user)
        return render(request, "referrals/list.html", {"referrals": referrals})


class ReferralDetailView(View):
    def get(self, request: HttpRequest, reference: str) -> HttpResponse:
        require(request.user, Action.REFERRAL_VIEW)
        referral = _referral_or_404(request, reference)
        answers = referral_answers(referral)
        context = {
            "referral": referral,
            "rows": summary_rows(None, answers, steps_for(answers)),
            "amendments": referral.amendments.select_related("amended_by"),
            "may_amend": can(request.user, Action.REFERRAL_AMEND, referral),
        }
        return render(request, "referrals/detail.html", context)


class ReferralAmendView(View):
    """Amend a referral before any decision (REFERRAL_AMEND); the history is kept."""

    def _referral(self, request: HttpRequest, reference: str) -> Referral:
        referral = _referral_or_404(request, reference)
        require(request.user, Action.REFERRAL_AMEND, referral)
        return referral

    def get(self, request: HttpRequest, reference: str) -> HttpResponse:
        referral = self._referral(request, reference)
        answers = dict(referral_answers(referral))
        form = AmendForm(initial={name: answers.get(name) for name in AmendForm.base_fields})
        return render(request, "referrals/amend.html", {"form": form, "referral": referral})

    def post(self, request: HttpRequest, reference: str) -> HttpResponseBase:
        referral = self._referral(request, reference)
        form = AmendForm(request.POST)
        if form.is_valid():
            try:
                referral_amend(
                    request.user,
                    reference=reference,
                    answers=form.to_answers(),
                    reason=form.cleaned_data["reason"],
                )
            except ReferralProblemsError as error:
                for field, text in error.field_problems:
                    form.add_error(field if field in form.fields else None, text)
            else:
                return redirect("referrals:detail", reference)
        return render(
            request, "referrals/amend.html", {"form": form, "referral": referral}, status=400
        )
