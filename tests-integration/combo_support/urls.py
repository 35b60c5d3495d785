"""URLs for tests-integration/; routes of packages the combination lacks are left out."""

from __future__ import annotations

import importlib.util

from django.urls import path

from combo_support import views

urlpatterns = [
    path("hello/", views.HelloView.as_view()),
    path("private/", views.PrivateView.as_view()),
]

if importlib.util.find_spec("restflow.filters"):
    from combo_support import filter_views

    urlpatterns.append(path("books/", filter_views.BookList.as_view()))

if importlib.util.find_spec("restflow.authentication"):
    from combo_support import jwt_views

    urlpatterns.append(path("whoami/", jwt_views.WhoAmI.as_view()))
