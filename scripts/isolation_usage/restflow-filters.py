"""Use restflow-filters in a venv that has only its wheel: a DRF ListAPIView, filtered.

Run by ``scripts/isolation.py`` with the venv's Python after the import
checks; prints ``ok`` or raises. Uses Django's own ``User`` model (``_django.py``), so
no project code is needed.
"""

import importlib.util

from _django import configure

configure(
    "restflow.core",
    REST_FRAMEWORK={"EXCEPTION_HANDLER": "restflow.exceptions.exception_handler"},
)

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from rest_framework import generics, serializers  # noqa: E402
from rest_framework.test import APIRequestFactory  # noqa: E402

from restflow.filters import FilterSet, RestflowFilterBackend, StringField  # noqa: E402

assert importlib.util.find_spec("restflow.views") is None, "restflow-views must be absent"

call_command("migrate", verbosity=0)
for name, staff in [("ada", True), ("bob", False), ("adele", False)]:
    User.objects.create(username=name, is_staff=staff)


class UserFilterSet(FilterSet):
    username = StringField(lookups=["startswith"])

    class Meta:
        model = User
        fields = ["id", "is_staff"]
        order_fields = ["username"]


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["username"]


class UserList(generics.ListAPIView):
    queryset = User.objects.all()
    serializer_class = UserSerializer
    filter_backends = [RestflowFilterBackend]
    filterset_class = UserFilterSet


view = UserList.as_view()
factory = APIRequestFactory()

response = view(factory.get("/", {"username__startswith": "ad", "order_by": "-username"}))
assert response.status_code == 200, response.data
assert [row["username"] for row in response.data] == ["adele", "ada"], response.data

response = view(factory.get("/", {"is_staff!": "true", "order_by": "username"}))
assert [row["username"] for row in response.data] == ["adele", "bob"], response.data

response = view(factory.get("/", {"id": "abc"}))
response.render()
assert response.status_code == 400, response.status_code
assert response.data["error"]["details"] == {"id": ["A valid integer is required."]}, response.data
print("ok")
