from django.urls import path

from coretests import views_errors as views

urlpatterns = [
    path("sync/errors/<str:kind>/", views.SyncErrors.as_view()),
    path("async/errors/<str:kind>/", views.AsyncErrors.as_view()),
]
