"""DRF permission classes that ask accounts.rules: the API denies by default, like the pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rest_framework.permissions import BasePermission

from msht.accounts.rules import Action, can

if TYPE_CHECKING:
    # DRF imports its settings (and so this module) while loading rest_framework.views.
    from rest_framework.request import Request
    from rest_framework.views import APIView


class DenyAll(BasePermission):
    """The default for every endpoint: an endpoint must name the rule that lets a caller in."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return False


class SignedIn(BasePermission):
    """Any active, signed-in user (the API's own schema and docs page: no personal data)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return can(request.user, Action.HOME_VIEW)


class RulePermission(BasePermission):
    """Allows a request when ``accounts.rules`` allows the view's ``required_action``."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        action: Action | None = getattr(view, "required_action", None)
        return action is not None and can(request.user, action)

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        action: Action | None = getattr(view, "required_action", None)
        return action is not None and can(request.user, action, obj)
