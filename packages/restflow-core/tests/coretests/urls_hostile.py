from django.urls import path

from coretests import views_hostile as views

urlpatterns = [
    path("sync/query/", views.SyncQuery.as_view()),
    path("async/query/", views.AsyncQuery.as_view()),
    path("sync/echo/", views.SyncEcho.as_view()),
    path("async/echo/", views.AsyncEcho.as_view()),
    path("sync/suspicious/", views.SyncSuspicious.as_view()),
    path("async/suspicious/", views.AsyncSuspicious.as_view()),
    path("sync/reject/", views.SyncReject.as_view()),
    path("async/reject/", views.AsyncReject.as_view()),
]
