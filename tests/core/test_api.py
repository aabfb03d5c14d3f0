"""What every API endpoint shares: the JSON parser's depth limit and the error answers every
operation of the schema documents."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from rest_framework.exceptions import ParseError
from rest_framework.test import APIClient

from msht.core.api import BODY_TOO_DEEP, MAX_NESTING, JsonParser
from tests.accounts.factories import UserFactory


def nul_parameters_refused(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
    """A query wrapper (``connection.execute_wrapper``) that fails, as PostgreSQL does, on
    a parameter holding NUL: on any database it proves an endpoint makes no such query."""
    values = [value for row in params for value in row] if many else list(params or ())
    assert not [value for value in values if isinstance(value, str) and "\x00" in value]
    return execute(sql, params, many, context)


def _nested(depth: int) -> bytes:
    """A JSON body of ``depth`` lists, one inside the other."""
    return ("[" * depth + "]" * depth).encode()


def _parse(body: bytes) -> Any:
    return JsonParser().parse(io.BytesIO(body), "application/json", {})


def test_the_parser_reads_a_body_as_deep_as_the_limit() -> None:
    assert _parse(json.dumps({"places": [{"country": "ROU"}]}).encode()) == {
        "places": [{"country": "ROU"}]
    }
    assert _parse(_nested(MAX_NESTING)) == json.loads(_nested(MAX_NESTING))


@pytest.mark.parametrize(
    "body",
    [
        _nested(MAX_NESTING + 1),
        # Past Python's recursion limit: the json module raises RecursionError itself.
        _nested(100_000),
        b'{"a": ' + _nested(MAX_NESTING) + b"}",
    ],
    ids=["one-past-the-limit", "past-the-recursion-limit", "inside-an-object"],
)
def test_the_parser_refuses_a_body_nested_too_deeply(body: bytes) -> None:
    with pytest.raises(ParseError, match=re.escape(BODY_TOO_DEEP)):
        _parse(body)


@pytest.mark.django_db
def test_every_operation_documents_its_error_answers() -> None:
    client = APIClient()
    client.force_login(UserFactory.create())
    schema = client.get("/api/schema/", {"format": "json"}).json()
    undocumented = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            expected = {"401", "403"} | ({"404"} if "{reference}" in path else set())
            missing = expected - set(operation["responses"])
            if missing:
                undocumented.append((method, path, sorted(missing)))
    assert undocumented == []
