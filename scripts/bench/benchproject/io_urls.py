"""URLs of the I/O-bound bench; ``IO_ENDPOINTS`` maps each key of ``io_bound.py`` to its path."""

from __future__ import annotations

from django.urls import path

from benchproject import io_views

IO_ENDPOINTS = {
    "restflow": ("/io/restflow/", io_views.RestflowIO.as_view()),
    "drf-sync": ("/io/drf-sync/", io_views.DrfSyncIO.as_view()),
    "django-async": ("/io/django-async/", io_views.django_async_io),
}

urlpatterns = [path(url.lstrip("/"), view, name=key) for key, (url, view) in IO_ENDPOINTS.items()]
