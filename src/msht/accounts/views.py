"""Sign-in, sign-out and each role's home page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView

from msht.accounts.rules import Action, require
from msht.accounts.selectors import home_tasks_for


@method_decorator(login_not_required, name="dispatch")
class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass


class HomeView(TemplateView):
    template_name = "accounts/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        require(self.request.user, Action.HOME_VIEW)
        context = super().get_context_data(**kwargs)
        context["tasks"] = home_tasks_for(self.request.user)
        return context
