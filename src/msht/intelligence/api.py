"""The intelligence API: submit graded reports and read those you may see.

A report under handling code C that does not name your organisation does not exist
for you: it answers 404, as another organisation's referral does.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from msht.accounts.api_permissions import RulePermission
from msht.accounts.rules import Action
from msht.core.api import error_responses
from msht.core.errors import PermissionDeniedError, ValidationError
from msht.intelligence import services
from msht.intelligence.models import (
    HandlingCode,
    IntelligenceAssessment,
    IntelligenceReport,
    Offence,
    PursueOutcomeType,
    SourceEvaluation,
)

NOT_FOUND = "No intelligence report with this reference that you may see."


def _texts(help_text: str) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(max_length=300), required=False, help_text=help_text
    )


class IntelligenceInputSerializer(serializers.Serializer[dict[str, Any]]):
    received_on = serializers.DateField()
    source_evaluation = serializers.ChoiceField(choices=SourceEvaluation.choices)
    intelligence_assessment = serializers.ChoiceField(choices=IntelligenceAssessment.choices)
    handling_code = serializers.ChoiceField(choices=HandlingCode.choices)
    handling_conditions = serializers.CharField(required=False, allow_blank=True, default="")
    permitted_organisations = _texts("Organisation codes; handling code C only.")
    summary = serializers.CharField(min_length=1, max_length=5000)
    suspect_references = _texts("Source references of suspect records the report names.")
    phone_numbers = _texts("Phone numbers as given.")
    addresses = _texts("Addresses as given.")
    vehicles = _texts("Vehicle registration marks.")
    organisations_named = _texts("Businesses and groups the report names.")


class IntelligenceOutputSerializer(serializers.Serializer[dict[str, Any]]):
    reference = serializers.CharField()
    grading = serializers.CharField(help_text="3x5x2: source, assessment, handling code.")
    received_on = serializers.DateField()
    originating_organisation = serializers.CharField()
    handling_code = serializers.CharField()
    handling_conditions = serializers.CharField()
    permitted_organisations = serializers.ListField(child=serializers.CharField())
    summary = serializers.CharField()
    suspect_references = serializers.ListField(child=serializers.CharField())
    phone_numbers = serializers.ListField(child=serializers.CharField())
    addresses = serializers.ListField(child=serializers.CharField())
    vehicles = serializers.ListField(child=serializers.CharField())
    organisations_named = serializers.ListField(child=serializers.CharField())


def _output(report: IntelligenceReport) -> dict[str, Any]:
    return {
        "reference": report.reference,
        "grading": report.grading,
        "received_on": report.received_on,
        "originating_organisation": report.originating_organisation.code,
        "handling_code": report.handling_code,
        "handling_conditions": report.handling_conditions,
        "permitted_organisations": [o.code for o in report.permitted_organisations.all()],
        "summary": report.summary,
        "suspect_references": [s.source_reference for s in report.suspects.all()],
        "phone_numbers": [str(p) for p in report.phone_numbers],
        "addresses": [str(a) for a in report.addresses],
        "vehicles": [str(v) for v in report.vehicles],
        "organisations_named": [str(o) for o in report.organisations_named],
    }


def _answers(data: dict[str, Any]) -> services.IntelligenceAnswers:
    lists = (
        "permitted_organisations",
        "suspect_references",
        "phone_numbers",
        "addresses",
        "vehicles",
        "organisations_named",
    )
    return services.IntelligenceAnswers(
        received_on=data["received_on"],
        source_evaluation=data["source_evaluation"],
        intelligence_assessment=data["intelligence_assessment"],
        handling_code=data["handling_code"],
        summary=data["summary"],
        handling_conditions=data.get("handling_conditions", ""),
        **{name: tuple(data.get(name, ())) for name in lists},
    )


class _IntelligenceApi(APIView):
    permission_classes = [RulePermission]

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, ValidationError):
            return Response({"non_field_errors": exc.problems or [str(exc)]}, status=400)
        if isinstance(exc, IntelligenceReport.DoesNotExist):
            exc = NotFound(NOT_FOUND)
        if isinstance(exc, PermissionDeniedError):
            exc = PermissionDenied(str(exc))
        return super().handle_exception(exc)


class IntelligenceReportCollectionApi(_IntelligenceApi):
    """GET lists the reports you may see; POST submits one from your organisation."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # One URL, two rules: reading and submitting are different actions.
        submitting = request.method == "POST"
        self.required_action = (
            Action.INTELLIGENCE_SUBMIT if submitting else Action.INTELLIGENCE_VIEW
        )
        super().initial(request, *args, **kwargs)

    @extend_schema(
        operation_id="intelligence_report_list",
        responses={200: IntelligenceOutputSerializer(many=True), **error_responses(401, 403)},
    )
    def get(self, request: Request) -> Response:
        reports = services.intelligence_report_list_read(request.user, page="intelligence API")
        rows: Any = [_output(report) for report in reports]
        return Response(IntelligenceOutputSerializer(rows, many=True).data)

    @extend_schema(
        operation_id="intelligence_report_submit",
        request=IntelligenceInputSerializer,
        responses={
            201: IntelligenceOutputSerializer,
            400: OpenApiResponse(description="Problems"),
            **error_responses(401, 403),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = IntelligenceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        answers = _answers(serializer.validated_data)
        report = services.intelligence_report_submit(request.user, answers=answers)
        return Response(IntelligenceOutputSerializer(_output(report)).data, status=201)


class IntelligenceReportDetailApi(_IntelligenceApi):
    required_action = Action.INTELLIGENCE_VIEW

    @extend_schema(
        operation_id="intelligence_report_read",
        responses={200: IntelligenceOutputSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, reference: str) -> Response:
        report = services.intelligence_report_read(request.user, reference=reference)
        return Response(IntelligenceOutputSerializer(_output(report)).data)


class PursueOutcomeInputSerializer(serializers.Serializer[dict[str, Any]]):
    outcome_type = serializers.ChoiceField(choices=PursueOutcomeType.choices)
    occurred_on = serializers.DateField()
    suspect_reference = serializers.CharField(required=False, allow_blank=True, default="")
    network_reference = serializers.CharField(required=False, allow_blank=True, default="")
    offence = serializers.ChoiceField(choices=Offence.choices, default=Offence.NOT_APPLICABLE)
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class PursueOutcomeOutputSerializer(serializers.Serializer[dict[str, Any]]):
    id = serializers.IntegerField()
    outcome_type = serializers.CharField()
    agency = serializers.CharField()
    occurred_on = serializers.DateField()
    suspect_reference = serializers.CharField()
    network_reference = serializers.CharField()
    offence = serializers.CharField()


class PursueOutcomeCreateApi(_IntelligenceApi):
    required_action = Action.PURSUE_OUTCOME_RECORD

    @extend_schema(
        operation_id="pursue_outcome_record",
        request=PursueOutcomeInputSerializer,
        responses={
            201: PursueOutcomeOutputSerializer,
            400: OpenApiResponse(description="Problems"),
            **error_responses(401, 403),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = PursueOutcomeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        outcome = services.pursue_outcome_record(
            request.user, answers=services.PursueOutcomeAnswers(**serializer.validated_data)
        )
        body = {
            "id": outcome.pk,
            "outcome_type": outcome.outcome_type,
            "agency": outcome.agency.code,
            "occurred_on": outcome.occurred_on,
            "suspect_reference": outcome.suspect_record.source_reference
            if outcome.suspect_record
            else "",
            "network_reference": outcome.network_reference,
            "offence": outcome.offence,
        }
        return Response(PursueOutcomeOutputSerializer(body).data, status=201)
