"""URL routes of the example project."""

from __future__ import annotations

from django.urls import path

from example import views

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("api/hello/", views.HelloView.as_view(), name="hello"),
    path("api/notes/", views.NotesView.as_view(), name="notes"),
]
