"""Language choice and login-by-default for the HTML side."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils import translation

# Paths that answer without a session: the login page itself, static assets, the health
# check, the API (which authenticates every call with its bearer token) and call-out
# acknowledgement links (signed, single-use: the person paged may have no account).
PUBLIC_PREFIXES = ("/login/", "/static/", "/healthz", "/api/", "/i18n/", "/ack/")


class LanguageMiddleware:
    """Japanese unless the user picked English (cookie). The browser's Accept-Language is
    deliberately ignored: a bank's staff get the Japanese UI by default."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        choice = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if request.path.startswith("/api/"):
            # API clients choose by Accept-Language; English is the API's default.
            header = request.headers.get("Accept-Language", "")
            choice = "ja" if header.lower().startswith("ja") else "en"
        language = choice if choice in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class LoginRequiredMiddleware:
    """Every HTML page needs a session unless it is listed above: deny by default."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated and not request.path.startswith(PUBLIC_PREFIXES):
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)
