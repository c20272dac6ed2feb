"""The user's language over the browser's Accept-Language; idle and over-age sessions end."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import translation

SEEN_KEY = "kam_seen"
STARTED_KEY = "kam_started"


class UserLanguageMiddleware:
    """Runs after AuthenticationMiddleware; the user row is already loaded, no extra query."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "language", None) if user is not None else None
        if user is not None and user.is_authenticated and language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


class SessionIdleMiddleware:
    """Ends a session idle longer than SESSION_IDLE_SECONDS or older than SESSION_COOKIE_AGE.

    The last-seen time is kept in the session itself and written at most once a minute, so an
    active user costs no extra write on most requests. Runs after AuthenticationMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            session = request.session
            seen = session.get(SEEN_KEY)
            started = session.setdefault(STARTED_KEY, now)
            idle = seen is not None and now - int(seen) > settings.SESSION_IDLE_SECONDS
            if idle or now - int(started) > settings.SESSION_COOKIE_AGE:
                logout(request)  # flushes the session; the login-required middleware redirects
            elif seen is None or now - int(seen) >= 60:
                session[SEEN_KEY] = now
        return self.get_response(request)
