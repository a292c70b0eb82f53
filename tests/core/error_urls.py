"""The project's URLs plus a page that fails, for tests/core/test_error_pages.py."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from config.urls import handler500
from config.urls import urlpatterns as project_urlpatterns

__all__ = ["handler500", "urlpatterns"]


@login_not_required
def broken(request):
    raise RuntimeError("A bug in a view")


urlpatterns = [path("broken/", broken), *project_urlpatterns]
