"""What every MSHT API endpoint shares: its JSON parser (the default, settings.REST_FRAMEWORK)
and the error answers its schema documents (docs: the OpenAPI schema, /api/schema/).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# No MSHT request body nests deeper than 3 (a referral's places); 32 leaves room and stays
# far below Python's recursion limit, which the view's own JSON handling also runs into.
MAX_NESTING = 32
BODY_TOO_DEEP = f"JSON parse error - the body nests lists and objects more than {MAX_NESTING} deep"


def _nesting(data: object) -> int:
    """How deeply ``data`` nests lists and objects (a scalar is 0), counted without
    recursion and only as far as one level past MAX_NESTING."""
    deepest = 0
    stack: list[tuple[object, int]] = [(data, 1)]
    while stack and deepest <= MAX_NESTING:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, depth)
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children)
    return deepest


class JsonParser(JSONParser):
    """DRF's JSON parser, answering 400 to a body nested too deeply: Python's json module
    raises RecursionError, not ValueError, so DRF's parser would let it become a 500."""

    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as too_deep:
            raise ParseError(BODY_TOO_DEEP) from too_deep
        if _nesting(data) > MAX_NESTING:
            raise ParseError(BODY_TOO_DEEP)
        return data


ERROR_DETAIL = inline_serializer("ErrorDetail", {"detail": serializers.CharField()})

_ERRORS: dict[int, OpenApiResponse] = {
    401: OpenApiResponse(ERROR_DETAIL, description="No token, or a token that is not valid"),
    403: OpenApiResponse(
        ERROR_DETAIL, description="Your role or organisation may not do this, and why"
    ),
    404: OpenApiResponse(ERROR_DETAIL, description="Nothing with this reference that you may see"),
}


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """The error answers ``codes`` (401, 403, 404) as the schema documents them, for
    ``extend_schema``; each endpoint describes its own 400."""
    return {code: _ERRORS[code] for code in codes}
