"""Requests through MSHT's whole middleware stack in a process of its own, against the
store ``DATABASE_URL`` names (the fault tests break that store's disk in between).

    python -m tests.faults.inprocess prepare   -> JSON: token, draft reference, session
    python -m tests.faults.inprocess submit TOKEN DRAFT SESSION -> JSON: one answer per request

``prepare`` makes a first responder with an API token, a complete draft referral and a
signed-in session while the store is writable. ``submit`` then submits a referral over the
API and the draft from its check-answers page, as a browser would, and prints each answer's
status, content type, Retry-After and body.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from bench.api_bench import REFERRAL

# Pages name their static files through the production manifest, which only `msht serve`
# builds (collectstatic); these requests test the database, so plain static names will do.
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.faults.plain_static_settings"


def _client() -> Any:
    from django.test import Client

    # raise_request_exception=False: the answer is what a browser or API caller would get.
    return Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)


def prepare() -> dict[str, str]:
    from django.conf import settings
    from rest_framework.authtoken.models import Token

    from msht.accounts.models import Organisation, OrganisationType, Role, User

    force = Organisation.objects.filter(organisation_type=OrganisationType.POLICE_FORCE).first()
    user = User.objects.create(
        username="fault-first-responder", role=Role.FIRST_RESPONDER, organisation=force
    )
    token = Token.objects.create(user=user).key
    client = _client()
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"}
    draft = client.post(
        "/api/referrals/", {**REFERRAL, "submit": False}, content_type="application/json", **headers
    )
    assert draft.status_code == 201, draft.content
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"token": token, "draft": draft.json()["reference"], "session": session}


def _answer(what: str, response: Any) -> dict[str, Any]:
    return {
        "what": what,
        "status": response.status_code,
        "content_type": response.get("Content-Type", ""),
        "retry_after": response.get("Retry-After", ""),
        "body": response.content.decode(errors="replace"),
    }


def submit(token: str, draft: str, session: str) -> list[dict[str, Any]]:
    from django.conf import settings

    client = _client()
    api = client.post(
        "/api/referrals/",
        REFERRAL,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    client.cookies[settings.SESSION_COOKIE_NAME] = session
    page = client.post(f"/referrals/drafts/{draft}/check/", {})
    return [_answer("api", api), _answer("page", page)]


def main() -> None:
    import django

    django.setup()
    if sys.argv[1] == "prepare":
        result: Any = prepare()
    else:
        result = submit(*sys.argv[2:5])
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
