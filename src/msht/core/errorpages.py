"""The answers to a request Django could not read (``handler400``) and to one that failed
with an unexpected error (``handler500``).

When the store cannot be used (PostgreSQL restarting or unreachable, a read-only or full
disk), the answer is 503 Service Unavailable with a ``Retry-After``, not 500: the request
changed nothing (its transaction was rolled back) and may be sent again. API callers get
JSON, people get the GOV.UK "service unavailable" page. Neither carries the error itself;
the traceback goes to the server's log only.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views.defaults import bad_request as page_bad_request

# A connection lost during COMMIT leaves the outcome unknown, so "nothing was saved" would
# not always be true: an API client retries with the same Idempotency-Key.
UNAVAILABLE = (
    "The service is unavailable for the moment, and what was sent may or may not have been "
    "saved. Try again in a minute (over the API, with the same Idempotency-Key)."
)
SERVER_ERROR = "There is a problem with the service: nothing was saved."
BAD_REQUEST = "The request could not be read: it is too large, or not well formed."
RETRY_AFTER_SECONDS = 30
API_PREFIX = "/api/"


def store_unavailable(error: BaseException | None) -> bool:
    """The database could not be reached or refused to write (not a fault in the request)."""
    return isinstance(error, OperationalError | InterfaceError)


def server_error(request: HttpRequest) -> HttpResponse:
    """500, or 503 when the store is unavailable; JSON under /api/, a page elsewhere."""
    unavailable = store_unavailable(sys.exc_info()[1])
    status = 503 if unavailable else 500
    response: HttpResponse
    if request.path.startswith(API_PREFIX):
        response = JsonResponse(
            {"detail": UNAVAILABLE if unavailable else SERVER_ERROR}, status=status
        )
    else:
        # Rendered without a request, as Django's own server_error does: no user, no session.
        template = loader.get_template("503.html" if unavailable else "500.html")
        response = HttpResponse(template.render(), status=status)
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400 for a request Django refused before any view (a body over
    DATA_UPLOAD_MAX_MEMORY_SIZE, a suspicious header): JSON under /api/, as the API's own
    errors are, the GOV.UK page (400.html) elsewhere."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": BAD_REQUEST}, status=400)
    return page_bad_request(request, exception)
