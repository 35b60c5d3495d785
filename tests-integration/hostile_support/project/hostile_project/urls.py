"""Routes of the hostile project."""

from __future__ import annotations

from django.urls import path

from hostile_project import views
from restflow.authentication.views import TokenBlacklistView, TokenObtainView, TokenRefreshView

urlpatterns = [
    path("alive/", views.AliveView.as_view(), name="alive"),
    path("me/", views.MeView.as_view(), name="me"),
    path("echo/", views.EchoView.as_view()),
    path("sync/echo/", views.SyncEchoView.as_view()),
    path("drf/echo/", views.DrfEchoView.as_view()),
    path("links/", views.LinksView.as_view()),
    path("sync/links/", views.SyncLinksView.as_view()),
    path("greeting/", views.GreetingView.as_view()),
    path("sync/greeting/", views.SyncGreetingView.as_view()),
    path("whoami/", views.WhoAmIView.as_view()),
    path("sync/whoami/", views.SyncWhoAmIView.as_view()),
    path("slow/", views.SlowView.as_view()),
    path("auth/token/", TokenObtainView.as_view()),
    path("auth/refresh/", TokenRefreshView.as_view()),
    path("auth/blacklist/", TokenBlacklistView.as_view()),
]
