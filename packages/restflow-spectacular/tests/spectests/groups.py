"""Groups listed behind a FilterSet: the view the filter schema tests describe.

Needs restflow-filters: import it after ``pytest.importorskip("restflow.filters")``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from restflow.filters import FilterSet, IntegerField, RestflowFilterBackend, StringField


class GroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = Group
        fields = ["id", "name"]


class GroupFilterSet(FilterSet):
    name = StringField(lookups=["icontains"])
    id = IntegerField(lookups=["comparison"])

    class Meta:
        model = Group
        fields: list[str] = []


class Groups(generics.ListCreateAPIView):
    """Lists (GET) and creates (POST) groups; the list filtered by :class:`GroupFilterSet`."""

    queryset = Group.objects.all()
    serializer_class = GroupSerializer
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    pagination_class = None
    filterset_class = GroupFilterSet
    filter_backends = [RestflowFilterBackend]
