"""Deny by default: every URL in the URL configuration refuses an anonymous visitor.

The test walks the URL configuration, so a new page or endpoint is covered the day it is
added. Only the pages listed in PUBLIC may answer an anonymous visitor.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

# Pages an anonymous visitor must reach to sign in at all.
PUBLIC = {"accounts:sign-in"}

# A value for each kind of path parameter, so parameterised routes are requested too.
_SAMPLE_FOR_CONVERTER = {
    "int": "1",
    "str": "x",
    "slug": "x",
    "uuid": str(uuid.uuid4()),
    "path": "x",
}


def _walk(
    resolver: URLResolver, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str]]:
    for entry in resolver.url_patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry, prefix + route, inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name or route}", prefix + route


def _concrete(route: str) -> str:
    """Turn a route such as 'referrals/<int:pk>/' into a requestable path."""
    path = re.sub(
        r"<(?:(\w+):)?\w+>",
        lambda match: _SAMPLE_FOR_CONVERTER.get(match.group(1) or "str", "x"),
        route,
    )
    path = path.lstrip("^").rstrip("$").replace("\\Z", "")
    return "/" + path


ROUTES = sorted(set(_walk(get_resolver())))


def test_the_walk_finds_the_url_configuration() -> None:
    names = {name for name, _ in ROUTES}
    assert {"accounts:home", "accounts:sign-in"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "route"), ROUTES, ids=[name for name, _ in ROUTES])
def test_anonymous_visitors_are_refused_everywhere_but_sign_in(name: str, route: str) -> None:
    if name in PUBLIC:
        pytest.skip(f"{name} is public by design")
    client = Client()
    for method in ("get", "post"):
        response = getattr(client, method)(_concrete(route))
        # Pages send the visitor to sign in; API endpoints answer 401 or 403.
        refused = response.status_code in {401, 403} or (
            response.status_code == 302 and "/sign-in/" in response["Location"]
        )
        assert refused, f"{method.upper()} {route} answered {response.status_code}"
