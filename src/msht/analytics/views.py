"""Statistics pages: each parses its input, calls one selector or service, and renders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from msht.accounts.models import Organisation
from msht.accounts.rules import Action, can, require
from msht.analytics import selectors, services
from msht.analytics.engine.charts import Series, bar_chart, line_chart
from msht.analytics.engine.dashboard import Dashboard, DashboardFilters
from msht.analytics.engine.layout import table_from_json
from msht.analytics.engine.page import release_sections
from msht.analytics.engine.periods import Quarter
from msht.analytics.forms import DashboardFilterForm, PublicationDownloadForm, PublishForm
from msht.analytics.models import Publication
from msht.core.errors import ConfigurationError, ValidationError
from msht.estimation.selectors import estimation_run_latest


def _filters(request: HttpRequest) -> tuple[DashboardFilterForm, DashboardFilters]:
    choices = selectors.dashboard_choices(request.user)
    if not choices.quarters:
        raise ConfigurationError("The analytics store holds no referrals yet.")
    form = DashboardFilterForm(
        request.GET or None,
        quarters=choices.quarters,
        exploitation_types=choices.exploitation_types,
    )
    cleaned: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    period = cleaned.get("period") or str(choices.quarters[0])
    filters = DashboardFilters(
        quarter=Quarter.parse(period),
        nation=cleaned.get("nation") or None,
        exploitation_type=cleaned.get("exploitation_type") or None,
    )
    if not form.is_bound:
        form = DashboardFilterForm(
            {"period": period},
            quarters=choices.quarters,
            exploitation_types=choices.exploitation_types,
        )
        form.is_valid()
    return form, filters


def _charts(dashboard: Dashboard) -> dict[str, Any]:
    labels = [quarter for quarter, _r, _p in dashboard.trend]
    trend = line_chart(
        "chart-trend",
        "Referrals and distinct people by quarter",
        labels,
        [
            Series("Referrals", tuple(r for _q, r, _p in dashboard.trend)),
            Series("People", tuple(p for _q, _r, p in dashboard.trend)),
        ],
    )
    breakdowns = [
        {
            "breakdown": breakdown,
            "chart": bar_chart(
                f"chart-{breakdown.key}",
                f"Referrals in {dashboard.filters.quarter} by {breakdown.title.lower()}",
                [label for label, _count in breakdown.rows],
                [count for _label, count in breakdown.rows],
            ),
        }
        for breakdown in dashboard.breakdowns
    ]
    return {"trend_chart": trend, "breakdowns": breakdowns}


def _no_store(request: HttpRequest, error: ConfigurationError) -> HttpResponse:
    return render(request, "analytics/no_store.html", {"reason": str(error)})


def _missing(
    request: HttpRequest,
    error: selectors.DashboardMissingError,
    form: DashboardFilterForm,
    heading: str,
) -> HttpResponse:
    """The dashboard's page saying its figures were not computed at refresh (never computing
    them in the request), with the filters to choose another quarter."""
    context = {"reason": str(error), "filters": error.filters, "form": form, "heading": heading}
    return render(request, "analytics/dashboard_missing.html", context)


class NationalDashboardView(View):
    """The national picture: trends and breakdowns, filtered by period, nation and type."""

    def get(self, request: HttpRequest) -> HttpResponse:
        require(request.user, Action.STATISTICS_VIEW)
        heading = "National picture"
        try:
            form, filters = _filters(request)
        except ConfigurationError as error:
            return _no_store(request, error)
        try:
            dashboard = selectors.statistics_dashboard(request.user, filters=filters)
        except selectors.DashboardMissingError as missing:
            return _missing(request, missing, form, heading)
        except ConfigurationError as error:
            return _no_store(request, error)
        context = {
            "form": form,
            "dashboard": dashboard,
            "heading": heading,
            "can_publish": can(request.user, Action.STATISTICS_PUBLISH),
            "hidden_figure": estimation_run_latest(request.user),
            **_charts(dashboard),
        }
        return render(request, "analytics/dashboard.html", context)


class OrganisationDashboardListView(View):
    """Which organisation's dashboard to open (one's own, or any for analysts)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        organisations = selectors.organisation_list_with_dashboards(request.user)
        if organisations.count() == 1:
            only = organisations.get()
            return HttpResponseRedirect(
                reverse("analytics:organisation-dashboard", args=[only.code])
            )
        return render(request, "analytics/organisation_list.html", {"organisations": organisations})


class OrganisationDashboardView(View):
    """One organisation's referrals over time, by the same filters."""

    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        require(request.user, Action.ORGANISATION_DASHBOARD_VIEW)
        try:
            organisation = selectors.organisation_get(request.user, code=code)
        except Organisation.DoesNotExist as missing:
            raise Http404("No such organisation") from missing
        heading = f"Referrals made by {organisation.name}"
        try:
            form, filters = _filters(request)
        except ConfigurationError as error:
            return _no_store(request, error)
        try:
            dashboard = selectors.organisation_dashboard(
                request.user, organisation=organisation, filters=filters
            )
        except selectors.DashboardMissingError as missing:
            return _missing(request, missing, form, heading)
        except ConfigurationError as error:
            return _no_store(request, error)
        context = {
            "form": form,
            "dashboard": dashboard,
            "heading": heading,
            "organisation": organisation,
            **_charts(dashboard),
        }
        return render(request, "analytics/dashboard.html", context)


class PublicationListView(View):
    """Publications so far, and (for analysts) the form to publish a quarter."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, PublishForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        require(request.user, Action.STATISTICS_PUBLISH)
        form = PublishForm(request.POST)
        if not form.is_valid():
            return self._render(request, form, status=400)
        period = form.cleaned_data["period"]
        out = Path(settings.VAR_DIR) / "publications" / f"{period}-{timezone.now():%Y%m%d%H%M%S}"
        try:
            result = services.statistics_publish(
                request.user,
                period=period,
                out=out,
                round_to=5 if form.cleaned_data["round_to_five"] else None,
            )
        except ConfigurationError as error:
            return _no_store(request, error)
        return HttpResponseRedirect(reverse("analytics:publication", args=[result.publication.pk]))

    def _render(self, request: HttpRequest, form: PublishForm, status: int = 200) -> HttpResponse:
        publications = selectors.publication_list(request.user)
        context = {
            "publications": publications,
            "form": form,
            "can_publish": can(request.user, Action.STATISTICS_PUBLISH),
        }
        return render(request, "analytics/publications.html", context, status=status)


class PublicationDetailView(View):
    """One publication as released: the same tables and charts as its HTML page."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            publication = selectors.publication_get(request.user, pk=pk)
        except Publication.DoesNotExist as missing:
            raise Http404("No such publication") from missing
        tables = [table_from_json(data) for data in publication.tables]
        quarter = Quarter.parse(publication.period)
        context = {
            "publication": publication,
            "title": "Modern Slavery: National Referral Mechanism and Duty to Notify "
            f"statistics, UK, {quarter.label}",
            "cover": [
                f"Published {publication.published_at:%d %B %Y} under rules "
                f"{publication.rules_version}.",
                f"Counts from 1 to {publication.threshold - 1} are suppressed ([c])"
                + (
                    f"; counts rounded to the nearest {publication.round_to}."
                    if publication.round_to
                    else "."
                ),
            ],
            "caveats": publication.caveats,
            "sections": release_sections(tables),
            "can_download": can(request.user, Action.STATISTICS_PUBLISH),
        }
        return render(request, "analytics/publication.html", context)


class PublicationDownloadView(View):
    """Download a stored publication (ODS, CSV or HTML) for a named recipient and reason."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        require(request.user, Action.STATISTICS_PUBLISH)
        publication = self._publication(request, pk)
        return self._render(request, publication, self._form(publication))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        require(request.user, Action.STATISTICS_PUBLISH)
        publication = self._publication(request, pk)
        form = self._form(publication, request.POST)
        if not form.is_valid():
            return self._render(request, publication, form, status=400)
        try:
            download = services.publication_download(
                request.user,
                publication=publication,
                file_format=services.DownloadFormat(form.cleaned_data["file_format"]),
                table_key=form.cleaned_data.get("table") or "",
                recipient=form.cleaned_data["recipient"],
                justification=form.cleaned_data["justification"],
            )
        except ValidationError as error:
            for problem in error.problems:
                form.add_error(None, problem)
            return self._render(request, publication, form, status=400)
        response = HttpResponse(download.content, content_type=download.content_type)
        response["Content-Disposition"] = f'attachment; filename="{download.filename}"'
        return response

    @staticmethod
    def _publication(request: HttpRequest, pk: int) -> Publication:
        try:
            return selectors.publication_get(request.user, pk=pk)
        except Publication.DoesNotExist as missing:
            raise Http404("No such publication") from missing

    @staticmethod
    def _form(publication: Publication, data: object = None) -> PublicationDownloadForm:
        tables = [(str(table["key"]), str(table["title"])) for table in publication.tables]
        return PublicationDownloadForm(data, tables=tables)

    @staticmethod
    def _render(
        request: HttpRequest,
        publication: Publication,
        form: PublicationDownloadForm,
        status: int = 200,
    ) -> HttpResponse:
        context = {"publication": publication, "form": form}
        return render(request, "analytics/publication_download.html", context, status=status)
