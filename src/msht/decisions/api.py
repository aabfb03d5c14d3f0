"""The decisions API: one class per operation; other organisations' referrals answer 404."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from msht.accounts.api_permissions import RulePermission
from msht.accounts.rules import Action
from msht.core.api import error_responses
from msht.core.errors import PermissionDeniedError, ValidationError
from msht.decisions import selectors, services
from msht.decisions.models import Decision, DecisionOutcome
from msht.referrals.models import Referral


class DecisionOutputSerializer(serializers.ModelSerializer[Decision]):
    referral = serializers.CharField(source="referral.reference")
    decision_making_unit = serializers.CharField(source="decision_making_unit.code")
    # Declared: read_only_fields makes DRF drop the model field's allow_blank, so the schema
    # would leave out the blank outcome of a decision still to be made.
    outcome = serializers.ChoiceField(
        choices=DecisionOutcome.choices,
        allow_blank=True,
        read_only=True,
        help_text="Blank while the decision is still to be made.",
    )

    class Meta:
        model = Decision
        fields = (
            "id",
            "referral",
            "stage",
            "outcome",
            "assurance_status",
            "decision_making_unit",
            "started_on",
            "deadline",
            "decided_on",
            "assured_on",
            "recovery_period_ends_on",
            "reasons",
            "rules_version",
        )
        read_only_fields = fields


PROBLEMS = OpenApiResponse(
    description="Problems by field, or under `problems` when the referral does not await "
    "this decision now"
)


def _referral(request: Request, reference: str) -> Referral:
    try:
        return selectors.referral_get_for_decision(request.user, reference=reference)
    except Referral.DoesNotExist as missing:
        raise NotFound from missing


class _DecisionRecordApi(APIView):
    permission_classes = [RulePermission]
    required_action = Action.DECISION_MAKE

    @extend_schema_serializer(component_name="DecisionRecordInput")
    class InputSerializer(serializers.Serializer[Any]):
        outcome = serializers.ChoiceField(
            choices=[DecisionOutcome.POSITIVE.value, DecisionOutcome.NEGATIVE.value]
        )
        reasons = serializers.CharField(min_length=1, max_length=20000)

    OutputSerializer = DecisionOutputSerializer

    def check_permissions(self, request: Request) -> None:
        """A signed-in caller who may not see the referral gets 404 before any 403, so
        that another organisation's referral cannot be told apart from a missing one."""
        if request.user.is_authenticated:
            _referral(request, self.kwargs["reference"])
        super().check_permissions(request)

    def record(self, request: Request, referral: Referral, data: dict[str, Any]) -> Decision:
        raise NotImplementedError

    def post(self, request: Request, reference: str) -> Response:
        referral = _referral(request, reference)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            decision = self.record(request, referral, dict(serializer.validated_data))
        except PermissionDeniedError as refused:
            raise PermissionDenied(str(refused)) from refused
        except ValidationError as broken:
            raise ApiValidationError({"problems": broken.problems or [str(broken)]}) from broken
        return Response(self.OutputSerializer(decision).data, status=status.HTTP_201_CREATED)


class DecisionRgRecordApi(_DecisionRecordApi):
    """Record a Reasonable Grounds decision; a negative one awaits quality assurance."""

    @extend_schema(
        request=_DecisionRecordApi.InputSerializer,
        responses={201: DecisionOutputSerializer, 400: PROBLEMS, **error_responses(401, 403, 404)},
        summary="Record a Reasonable Grounds decision on a referral",
    )
    def post(self, request: Request, reference: str) -> Response:
        return super().post(request, reference)

    def record(self, request: Request, referral: Referral, data: dict[str, Any]) -> Decision:
        return services.decision_record_rg(actor=request.user, referral=referral, **data)


class DecisionCgRecordApi(_DecisionRecordApi):
    """Record a Conclusive Grounds decision, not before the recovery period has passed."""

    @extend_schema(
        request=_DecisionRecordApi.InputSerializer,
        responses={201: DecisionOutputSerializer, 400: PROBLEMS, **error_responses(401, 403, 404)},
        summary="Record a Conclusive Grounds decision on a referral",
    )
    def post(self, request: Request, reference: str) -> Response:
        return super().post(request, reference)

    def record(self, request: Request, referral: Referral, data: dict[str, Any]) -> Decision:
        return services.decision_record_cg(actor=request.user, referral=referral, **data)


class DecisionListApi(APIView):
    """A referral's decisions: the referrer sees issued ones only."""

    permission_classes = [RulePermission]
    required_action = Action.REFERRAL_VIEW

    OutputSerializer = DecisionOutputSerializer

    @extend_schema(
        responses={200: DecisionOutputSerializer(many=True), **error_responses(401, 403, 404)},
        summary="List a referral's decisions",
    )
    def get(self, request: Request, reference: str) -> Response:
        referral = _referral(request, reference)
        decisions = selectors.decision_list_for_referral_read(request.user, referral=referral)
        return Response(self.OutputSerializer(decisions, many=True).data)
