"""The referral API: one class per operation, each parsing input, calling one service or
selector, and rendering. Another organisation's referral answers 404 everywhere."""

from __future__ import annotations

from typing import Any, cast

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from msht.accounts.api_permissions import RulePermission
from msht.accounts.rules import Action
from msht.core.api import error_responses
from msht.core.errors import PermissionDeniedError, ValidationError
from msht.core.reference import AgeGroup, ExploitationLocation, Gender, ImmigrationStatus
from msht.referrals.answers import ReferralAnswers, referral_answers
from msht.referrals.idempotency import (
    KEY_HEADER,
    KEY_MAX_LENGTH,
    REPLAYED_HEADER,
    IdempotencyKeyInvalidError,
    IdempotencyKeyReusedError,
    idempotency_key_check,
    referral_create_keyed,
)
from msht.referrals.models import DutyToNotifyReport, Referral
from msht.referrals.selectors import referral_get, referral_list_organisation
from msht.referrals.services import (
    MAX_PLACES,
    DutyToNotifyAnswers,
    ReferralProblemsError,
    duty_to_notify_submit,
    referral_amend,
    referral_draft_save,
    referral_submit,
)

NOT_FOUND = "No referral with this reference that you may see."
GENERAL_FIELD = "non_field_errors"


class _MshtApi(APIView):
    """Turns MSHT errors into HTTP answers: each problem under the field it is about."""

    permission_classes = [RulePermission]

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, IdempotencyKeyInvalidError):
            return Response({KEY_HEADER: exc.problems}, status=status.HTTP_400_BAD_REQUEST)
        if isinstance(exc, IdempotencyKeyReusedError):
            return Response({KEY_HEADER: exc.problems}, status=422)
        if isinstance(exc, ReferralProblemsError):
            return Response(exc.by_field(), status=status.HTTP_400_BAD_REQUEST)
        if isinstance(exc, ValidationError):
            return Response({GENERAL_FIELD: exc.problems or [str(exc)]}, status=400)
        if isinstance(exc, Referral.DoesNotExist):
            exc = NotFound(NOT_FOUND)
        if isinstance(exc, PermissionDeniedError):
            exc = PermissionDenied(str(exc))
        return super().handle_exception(exc)


class PlaceSerializer(serializers.Serializer[dict[str, str]]):
    police_force_area = serializers.CharField(
        required=False, allow_blank=True, help_text="Police force area code, for a UK place."
    )
    country = serializers.CharField(
        required=False, allow_blank=True, help_text="ISO 3166-1 alpha-3 code, for overseas."
    )
    town_or_city = serializers.CharField(required=False, allow_blank=True, max_length=200)


def _text(max_length: int = 200) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, max_length=max_length)


def _codes(help_text: str) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(max_length=64), required=False, help_text=help_text
    )


def _choice(choices: Any) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=choices, required=False, allow_blank=True)


def _birth_part(low: int, high: int) -> serializers.IntegerField:
    return serializers.IntegerField(required=False, allow_null=True, min_value=low, max_value=high)


class AnswersSerializer(serializers.Serializer[dict[str, Any]]):
    """The answers of an NRM referral; every one optional in a draft."""

    referring_officer_name = _text()
    referring_officer_email = serializers.EmailField(required=False, allow_blank=True)
    referring_officer_phone = _text(40)
    age_group_at_exploitation = _choice(AgeGroup.choices)
    consent_given = serializers.BooleanField(required=False, allow_null=True)
    given_names = _text()
    family_name = _text()
    aliases = serializers.ListField(child=_text(), required=False)
    gender = _choice(Gender.choices)
    birth_year = _birth_part(1900, 2100)
    birth_month = _birth_part(1, 12)
    birth_day = _birth_part(1, 31)
    birth_date_is_estimated = serializers.BooleanField(required=False)
    nationalities = _codes("ISO 3166-1 alpha-3 codes.")
    home_office_reference = _text(40)
    pnc_id = _text(40)
    passport_number = _text(40)
    phone_numbers = serializers.ListField(child=_text(40), required=False)
    addresses = serializers.ListField(child=_text(500), required=False)
    exploitation_types = _codes("Exploitation type codes (labour, sexual, criminal, ...).")
    county_lines = serializers.BooleanField(required=False)
    exploitation_location = _choice(ExploitationLocation.choices)
    places = PlaceSerializer(
        many=True, required=False, help_text=f"Up to {MAX_PLACES} places of exploitation."
    )
    exploitation_started_on = serializers.DateField(required=False, allow_null=True)
    exploitation_ended_on = serializers.DateField(required=False, allow_null=True)
    exploitation_is_ongoing = serializers.BooleanField(required=False)
    immigration_status = _choice(ImmigrationStatus.choices)
    ilo_indicators = _codes("ILO indicator codes.")
    narrative = _text(20000)
    police_crime_reference = _text(64)


class ReferralOutputSerializer(serializers.Serializer[dict[str, Any]]):
    reference = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    referred_on = serializers.DateField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    competent_authority = serializers.CharField(allow_null=True)
    nation = serializers.CharField()
    possible_duplicate = serializers.BooleanField(
        help_text="True when existing records may describe the same person (who is not shown)."
    )


class ReferralDetailOutputSerializer(ReferralOutputSerializer):
    answers = AnswersSerializer()


def _summary(referral: Referral) -> dict[str, Any]:
    authority = referral.competent_authority
    return {
        "reference": referral.reference,
        "status": referral.status,
        "status_label": referral.get_status_display(),
        "referred_on": referral.referred_on,
        "submitted_at": referral.submitted_at,
        "competent_authority": authority.code if authority is not None else None,
        "nation": referral.nation,
        "possible_duplicate": referral.possible_duplicate_count > 0,
    }


def _detail(referral: Referral) -> dict[str, Any]:
    return {**_summary(referral), "answers": referral_answers(referral)}


def _answers(data: dict[str, Any]) -> ReferralAnswers:
    return cast(ReferralAnswers, {k: v for k, v in data.items() if k not in {"submit", "reason"}})


KEY_PARAMETER = OpenApiParameter(
    KEY_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    pattern=f"^[ -~]{{1,{KEY_MAX_LENGTH}}}$",
    description=(
        "Send a new random key (a UUID) with each referral, and the same key again when "
        "retrying it: a retry with the same key and body answers as the first request did "
        f"(marked `{REPLAYED_HEADER}: true`) and stores nothing. Keys are the caller's own "
        "and kept for 24 hours."
    ),
)
KEY_PROBLEM = inline_serializer(
    "IdempotencyKeyProblem", {KEY_HEADER: serializers.ListField(child=serializers.CharField())}
)


class ReferralCreateApi(_MshtApi):
    required_action = Action.REFERRAL_CREATE

    @extend_schema_serializer(component_name="ReferralCreateInput")
    class InputSerializer(AnswersSerializer):
        submit = serializers.BooleanField(
            default=True, help_text="False saves a draft; true (the default) submits."
        )

    OutputSerializer: type[ReferralOutputSerializer] = ReferralDetailOutputSerializer

    @extend_schema(
        operation_id="referral_create",
        request=InputSerializer,
        parameters=[KEY_PARAMETER],
        responses={
            201: OutputSerializer,
            400: OpenApiResponse(description=f"Problems by field (or with {KEY_HEADER})"),
            **error_responses(401, 403),
            422: OpenApiResponse(
                KEY_PROBLEM, description=f"The {KEY_HEADER} was used with a different body"
            ),
        },
    )
    def post(self, request: Request) -> Response:
        key = request.headers.get(KEY_HEADER)
        if key is None:
            _referral, status_code, body = self._create(request)
            return Response(body, status=status_code)
        answer = referral_create_keyed(
            request.user,
            key=idempotency_key_check(key),
            body=request.data,
            create=lambda: self._create(request),
        )
        response = Response(answer.body, status=answer.status)
        if answer.replayed:
            response[REPLAYED_HEADER] = "true"
        return response

    @staticmethod
    def _create(request: Request) -> tuple[Referral, int, dict[str, Any]]:
        # Named, not self.: ReferralCollectionApi inherits the list's serializers first.
        serializer = ReferralCreateApi.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        answers = _answers(serializer.validated_data)
        if serializer.validated_data["submit"]:
            referral = referral_submit(request.user, answers=answers)
        else:
            referral = referral_draft_save(request.user, answers=answers)
        return referral, 201, dict(ReferralDetailOutputSerializer(_detail(referral)).data)


class ReferralListApi(_MshtApi):
    required_action = Action.REFERRAL_VIEW
    OutputSerializer: type[ReferralOutputSerializer] = ReferralOutputSerializer

    @extend_schema(
        operation_id="referral_list",
        responses={200: OutputSerializer(many=True), **error_responses(401, 403)},
    )
    def get(self, request: Request) -> Response:
        referrals = referral_list_organisation(request.user)
        rows: Any = [_summary(referral) for referral in referrals]
        return Response(self.OutputSerializer(rows, many=True).data)


class ReferralCollectionApi(ReferralListApi, ReferralCreateApi):
    """One URL, two operations: GET is ReferralListApi, POST is ReferralCreateApi."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # Each operation keeps its own rule (checked by super().initial); the URL joins them.
        operation = ReferralListApi if request.method == "GET" else ReferralCreateApi
        self.required_action = operation.required_action
        super().initial(request, *args, **kwargs)


class ReferralSubmitApi(_MshtApi):
    required_action = Action.REFERRAL_CREATE
    OutputSerializer = ReferralDetailOutputSerializer

    @extend_schema(
        operation_id="referral_submit",
        request=None,
        responses={
            200: OutputSerializer,
            400: OpenApiResponse(description="Problems by field"),
            **error_responses(401, 403, 404),
        },
    )
    def post(self, request: Request, reference: str) -> Response:
        referral = referral_submit(request.user, reference=reference)
        return Response(self.OutputSerializer(_detail(referral)).data)


class ReferralDetailApi(_MshtApi):
    required_action = Action.REFERRAL_VIEW
    OutputSerializer = ReferralDetailOutputSerializer

    @extend_schema(
        operation_id="referral_read",
        responses={200: OutputSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, reference: str) -> Response:
        referral = referral_get(request.user, reference=reference)
        return Response(self.OutputSerializer(_detail(referral)).data)


class ReferralAmendApi(_MshtApi):
    required_action = Action.REFERRAL_AMEND

    @extend_schema_serializer(component_name="ReferralAmendInput")
    class InputSerializer(AnswersSerializer):
        reason = serializers.CharField(min_length=1, help_text="Why the referral is amended.")

    class OutputSerializer(serializers.Serializer[dict[str, Any]]):
        reference = serializers.CharField()
        amended_at = serializers.DateTimeField()
        changes = serializers.DictField(
            child=serializers.ListField(), help_text="Each changed field: [old, new]."
        )
        reason = serializers.CharField()

    @extend_schema(
        operation_id="referral_amend",
        request=InputSerializer,
        responses={
            201: OutputSerializer,
            400: OpenApiResponse(description="Problems by field"),
            **error_responses(401, 403, 404),
        },
    )
    def post(self, request: Request, reference: str) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        amendment = referral_amend(
            request.user,
            reference=reference,
            answers=_answers(serializer.validated_data),
            reason=serializer.validated_data["reason"],
        )
        output = {
            "reference": reference,
            "amended_at": amendment.amended_at,
            "changes": amendment.changes,
            "reason": amendment.reason,
        }
        return Response(self.OutputSerializer(output).data, status=201)


class DutyToNotifyCreateApi(_MshtApi):
    required_action = Action.DUTY_TO_NOTIFY_CREATE

    @extend_schema_serializer(component_name="DutyToNotifyCreateInput")
    class InputSerializer(serializers.Serializer[dict[str, Any]]):
        """Nothing that identifies the person can be sent (MSA 2015 s.52)."""

        gender = _choice(Gender.choices)
        nationality = _text(3)
        exploitation_types = _codes("Exploitation type codes.")
        exploitation_location = _choice(ExploitationLocation.choices)
        police_force_area = _text(64)
        country_of_exploitation = _text(3)
        ilo_indicators = _codes("ILO indicator codes.")

    OutputSerializer = inline_serializer(
        "DutyToNotifyReportOutput",
        {"reference": serializers.CharField(), "reported_on": serializers.DateField()},
    )

    @extend_schema(
        operation_id="duty_to_notify_create",
        request=InputSerializer,
        responses={
            201: OutputSerializer,
            400: OpenApiResponse(description="Problems by field"),
            **error_responses(401, 403),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report: DutyToNotifyReport = duty_to_notify_submit(
            request.user, answers=cast(DutyToNotifyAnswers, serializer.validated_data)
        )
        return Response(
            {"reference": report.reference, "reported_on": report.reported_on}, status=201
        )
