"""URL of every bench endpoint; ``ENDPOINTS`` is what the bench iterates over."""

from __future__ import annotations

from django.urls import path

from benchproject import views

# key -> (url path, view). Keys are "<implementation>" for the lean DRF
# configuration (and the bare Django view) and "<implementation>@default"
# for DRF's default authentication classes.
ENDPOINTS = {
    "drf-sync": ("/lean/drf-sync/", views.DrfSyncLean.as_view()),
    "adrf": ("/lean/adrf/", views.AdrfLean.as_view()),
    "restflow": ("/lean/restflow/", views.RestflowLean.as_view()),
    "django-async": ("/django-async/", views.django_async),
    "drf-sync@default": ("/default/drf-sync/", views.DrfSyncDefault.as_view()),
    "adrf@default": ("/default/adrf/", views.AdrfDefault.as_view()),
    "restflow@default": ("/default/restflow/", views.RestflowDefault.as_view()),
}

urlpatterns = [path(url.lstrip("/"), view, name=key) for key, (url, view) in ENDPOINTS.items()]
