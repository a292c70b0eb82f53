from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from .roles import role_of
from .sessions import session_seconds_left


def service(request: HttpRequest) -> dict[str, object]:
    """The council's name and the signed-in user's role, for the header and navigation."""
    user = getattr(request, "user", None)
    return {
        "council_name": settings.COUNCIL_NAME,
        "service_name": settings.SERVICE_NAME,
        "user_role": role_of(user) if user is not None else None,
        # For the timeout warning on <body>: an idle session ends SESSION_COOKIE_AGE after it
        # was last renewed.
        "session_timeout_seconds": (
            session_seconds_left(request)
            if user is not None and user.is_authenticated
            else settings.SESSION_COOKIE_AGE
        ),
        "session_warning_seconds": min(
            settings.SESSION_WARNING_SECONDS, settings.SESSION_COOKIE_AGE
        ),
        # Pages of jobs say their files were deleted after this many days (core.retention).
        "file_retention_days": settings.FILE_RETENTION_DAYS,
    }
