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

if importlib.util.find_spec("restflow.views"):
    from combo_support import async_views

    urlpatterns += [
        path("async-books/", async_views.AsyncBooks.as_view()),
        path("async-books/<int:pk>/", async_views.AsyncBook.as_view()),
    ]
    if hasattr(async_views, "AsyncFilteredBooks"):
        urlpatterns.append(path("async-filtered-books/", async_views.AsyncFilteredBooks.as_view()))
    if hasattr(async_views, "AsyncPrivateBooks"):
        urlpatterns.append(path("async-private-books/", async_views.AsyncPrivateBooks.as_view()))
