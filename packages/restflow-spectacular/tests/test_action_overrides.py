"""Per-action overrides reach the schema from any restflow-views release (none installed needed).

A viewset says what an action overrides through ``get_action_overrides(action)``
(restflow-views' public accessor); a viewset of an older restflow-views, which
has only ``action_configs`` of ``ActionConfig`` objects, through their
``overrides()``. Both are stood in for here by plain DRF viewsets.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.routers import SimpleRouter

from spectests import generate


class GroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = Group
        fields = ["id", "name"]


class GroupDetailSerializer(GroupSerializer):
    class Meta(GroupSerializer.Meta):
        fields = ["id", "name", "permissions"]


class _Config:
    """What an older restflow-views' ``ActionConfig`` offers: ``overrides()``."""

    def __init__(self, **overrides: Any) -> None:
        self._overrides = overrides

    def overrides(self) -> dict[str, Any]:
        return dict(self._overrides)


class _Groups(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = Group.objects.all()
    serializer_class = GroupSerializer
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]


class WithAccessor(_Groups):
    @classmethod
    def get_action_overrides(cls, action: str | None) -> dict[str, Any]:
        return {"serializer_class": GroupDetailSerializer} if action == "retrieve" else {}


class WithConfigsOnly(_Groups):
    action_configs = {"retrieve": _Config(serializer_class=GroupDetailSerializer)}


def _retrieve_and_list(viewset: type) -> tuple[str, str]:
    router = SimpleRouter()
    router.register("groups", viewset, basename="group")
    paths = generate(router.urls)["paths"]
    retrieve = paths["/groups/{id}/"]["get"]["responses"]["200"]["content"]["application/json"]
    listing = paths["/groups/"]["get"]["responses"]["200"]["content"]["application/json"]
    return retrieve["schema"]["$ref"], listing["schema"]["items"]["$ref"]


def test_the_public_accessor_chooses_the_serializer_of_its_action() -> None:
    assert _retrieve_and_list(WithAccessor) == (
        "#/components/schemas/GroupDetail",
        "#/components/schemas/Group",
    )


def test_an_older_restflow_views_is_read_through_its_action_configs() -> None:
    assert _retrieve_and_list(WithConfigsOnly) == (
        "#/components/schemas/GroupDetail",
        "#/components/schemas/Group",
    )
