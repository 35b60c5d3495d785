"""Root URLconf of the view tests."""

from django.urls import path

urlpatterns: list[path] = []
