"""Ingest pages: upload an export, see a batch, list and correct quarantined rows."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from msht.core.errors import ValidationError
from msht.core.pagination import paginated
from msht.ingest import queued, selectors, services
from msht.ingest.forms import CorrectionForm, UploadForm
from msht.ingest.models import Batch, QuarantinedRow, QuarantineStatus

PAGE_SIZE = 50
RECENT = 20


class BatchUploadView(View):
    """An administrator uploads an export; a small one is ingested at once, a large one
    queued (``msht.ingest.queued``), and its batch shown."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._page(request, UploadForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = UploadForm(request.POST, request.FILES)
        selectors.batch_list(request.user)  # the rule first, before any file is read
        if not form.is_valid():
            return self._page(request, form, status=400)
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix
        with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
            handle.flush()
            if queued.is_large(Path(handle.name), upload.name):
                batch = queued.batch_queue(
                    request.user,
                    source_code=form.cleaned_data["source"],
                    path=Path(handle.name),
                    file_name=upload.name,
                )
                return HttpResponseRedirect(reverse("ingest:batch", args=[batch.pk]))
            try:
                result = services.batch_ingest(
                    request.user,
                    source_code=form.cleaned_data["source"],
                    path=Path(handle.name),
                    file_name=upload.name,
                    lock_timeout=0,  # a page does not wait behind another ingest
                )
            except ValidationError as error:
                form.add_error("file", str(error))
                return self._page(request, form, status=400)
        return HttpResponseRedirect(reverse("ingest:batch", args=[result.batch.pk]))

    def _page(self, request: HttpRequest, form: UploadForm, status: int = 200) -> HttpResponse:
        batches = selectors.batch_list(request.user)[:RECENT]
        return render(
            request, "ingest/upload.html", {"form": form, "batches": batches}, status=status
        )


class BatchDetailView(View):
    """One batch: its counts, its state and the problems of a rejected file."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            batch = selectors.batch_get(request.user, pk=pk)
        except Batch.DoesNotExist as missing:
            raise Http404("No such batch") from missing
        quarantined = selectors.quarantine_list(request.user, status="").filter(batch=batch)
        return render(
            request,
            "ingest/batch.html",
            {"batch": batch, "quarantined": quarantined[:PAGE_SIZE]},
        )


class QuarantineListView(View):
    """Quarantined rows, by source and status, 50 to a page."""

    def get(self, request: HttpRequest) -> HttpResponse:
        source = request.GET.get("source", "")
        status = request.GET.get("status", QuarantineStatus.OPEN)
        rows = selectors.quarantine_list(request.user, source=source, status=status)
        return render(
            request,
            "ingest/quarantine_list.html",
            {
                **paginated(request, rows, PAGE_SIZE),
                "sources": selectors.source_list(request.user),
                "source": source,
                "status": status,
                "statuses": QuarantineStatus.choices,
            },
        )


class QuarantineCorrectView(View):
    """Correct a quarantined row's cells and re-submit it."""

    def _row(self, request: HttpRequest, pk: int) -> QuarantinedRow:
        try:
            return selectors.quarantine_get(request.user, pk=pk)
        except QuarantinedRow.DoesNotExist as missing:
            raise Http404("No such quarantined row") from missing

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        row = self._row(request, pk)
        return self._page(request, row, CorrectionForm(cells=row.raw))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        row = self._row(request, pk)
        form = CorrectionForm(request.POST, cells=row.raw)
        if form.is_valid():
            try:
                services.quarantine_resubmit(
                    request.user, quarantined_id=row.pk, corrections=form.corrections(row.raw)
                )
            except ValidationError as error:
                for problem in error.problems or [str(error)]:
                    form.add_error(None, problem)
                row.refresh_from_db()
                return self._page(request, row, form, status=400)
            messages.success(request, f"Row {row.row_number} of {row.file_name} was loaded.")
            return HttpResponseRedirect(reverse("ingest:quarantine"))
        return self._page(request, row, form, status=400)

    def _page(
        self, request: HttpRequest, row: QuarantinedRow, form: CorrectionForm, status: int = 200
    ) -> HttpResponse:
        problem_columns = {problem["field"] for problem in row.problems}
        cells = [
            (form[f"cell_{index}"], column in problem_columns)
            for index, column in enumerate(form.columns)
        ]
        return render(
            request,
            "ingest/quarantine_correct.html",
            {"row": row, "form": form, "cells": cells},
            status=status,
        )
