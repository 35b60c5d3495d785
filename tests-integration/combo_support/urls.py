"""URLs for tests-integration/."""

from __future__ import annotations

from django.urls import path

from combo_support import views

urlpatterns = [
    path("hello/", views.HelloView.as_view()),
    path("private/", views.PrivateView.as_view()),
]
