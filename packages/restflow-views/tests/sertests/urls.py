"""URLs the hyperlinked serializer tests reverse (used with ``pytest.mark.urls``)."""

from django.http import HttpResponse
from django.urls import path


def _detail(request: object, pk: int) -> HttpResponse:
    return HttpResponse()


urlpatterns = [
    path("books/<int:pk>/", _detail, name="book-detail"),
    path("authors/<int:pk>/", _detail, name="author-detail"),
]
