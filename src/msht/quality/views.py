"""Data quality pages: the national picture and one page per source."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import View

from msht.ingest.models import Source
from msht.quality import selectors
from msht.quality.models import Dimension


class NationalQualityView(View):
    """Every source's figures, and for each field the source that drags it down."""

    def get(self, request: HttpRequest) -> HttpResponse:
        picture = selectors.quality_national(request.user)
        return render(
            request,
            "quality/national.html",
            {"picture": picture, "dimensions": Dimension.choices},
        )


class SourceQualityView(View):
    """One source: latest figures per dimension and field, history, recent batches."""

    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        try:
            picture = selectors.quality_source(request.user, code=code)
        except Source.DoesNotExist as missing:
            raise Http404("No such source") from missing
        return render(
            request,
            "quality/source.html",
            {"picture": picture, "code": code, "dimensions": Dimension.choices},
        )
