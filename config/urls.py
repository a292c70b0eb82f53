from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from core.audit_views import audit_log
from core.views import health, session_keep_alive, session_status
from reporting.views.home import home

# Resolved on first use, not at import: production's manifest storage knows the file's hashed
# name only after collectstatic, and `check --deploy` runs before it.
static_lazy = lazy(static, str)

admin.site.site_header = "SEN placements administration"

# 403.html and 404.html go through Django's own handlers; 500.html needs one that renders
# without the request (core.views.server_error).
handler500 = "core.views.server_error"

urlpatterns = [
    path("", home, name="home"),
    path("health/", health, name="health"),
    path("session/keep-alive/", session_keep_alive, name="session_keep_alive"),
    path("session/", session_status, name="session_status"),
    # Browsers ask for /favicon.ico whatever the page links: send them to the council mark.
    path(
        "favicon.ico",
        login_not_required(RedirectView.as_view(url=static_lazy("favicon.svg"), permanent=True)),
        name="favicon",
    ),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("audit/", audit_log, name="audit_log"),
    path("admin/", admin.site.urls),
    path("imports/", include("imports.urls")),
    path("", include("placements.urls")),
    path("dps/", include("dps.urls")),
    path("panel/", include("panel.urls")),
    path("dashboards/", include("reporting.urls")),
]
