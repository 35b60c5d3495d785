"""Viewsets with DRF routers, @action and ActionConfig, through Django's ASGI handler."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.decorators import action
from rest_framework.response import Response

from restflow.views import ActionConfig, AsyncModelViewSet, AsyncViewSet, ModelViewSet
from viewtests.asgi import request
from viewtests.models import Product
from viewtests.serializers import ProductSerializer

pytestmark = pytest.mark.django_db


@pytest.fixture
def products() -> list[Product]:
    return [
        Product.objects.create(name=name, price=price, in_stock=False)
        for name, price in [("apple", 3), ("banana", 5), ("cherry", 12), ("date", 20)]
    ]


def _basic(user: User) -> dict[str, str]:
    token = base64.b64encode(f"{user.username}:pw".encode()).decode()
    return {"authorization": f"Basic {token}"}


class TestAsyncModelViewSet:
    def test_list_uses_the_list_action_config_response_serializer(self, products):
        response = request("GET", "/vs/products/")
        assert response.status == 200
        assert response.json["count"] == 4
        assert response.json["results"] == [
            {"id": products[0].pk, "name": "apple"},
            {"id": products[1].pk, "name": "banana"},
        ]

    def test_retrieve_uses_the_class_serializer(self, products):
        response = request("GET", f"/vs/products/{products[0].pk}/")
        assert response.status == 200
        assert set(response.json) == {"id", "name", "price", "in_stock", "category"}

    def test_retrieve_missing_and_malformed_are_404(self, products):
        assert request("GET", "/vs/products/9999/").status == 404
        assert request("GET", "/vs/products/abc/").status == 404

    def test_create_update_partial_update(self, db):
        created = request("POST", "/vs/products/", {"name": "fig", "price": 4})
        assert created.status == 201
        url = f"/vs/products/{created.json['id']}/"
        put = request("PUT", url, {"name": "figs", "price": 6})
        assert (put.status, put.json["name"], put.json["price"]) == (200, "figs", 6)
        patch = request("PATCH", url, {"in_stock": False})
        assert (patch.status, patch.json["in_stock"], patch.json["name"]) == (200, False, "figs")

    def test_destroy_config_requires_an_admin(self, products):
        User.objects.create_user("user", password="pw")
        admin = User.objects.create_user("admin", password="pw", is_staff=True)
        url = f"/vs/products/{products[0].pk}/"
        assert request("DELETE", url).status == 403
        assert (
            request("DELETE", url, headers=_basic(User.objects.get(username="user"))).status == 403
        )
        assert Product.objects.filter(pk=products[0].pk).exists()
        assert request("DELETE", url, headers=_basic(admin)).status == 204
        assert not Product.objects.filter(pk=products[0].pk).exists()

    def test_detail_action(self, products):
        response = request("POST", f"/vs/products/{products[1].pk}/restock/")
        assert response.status == 200
        assert response.json["in_stock"] is True
        products[1].refresh_from_db()
        assert products[1].in_stock is True

    def test_list_action_with_its_own_pagination_config(self, products):
        response = request("GET", "/vs/products/cheap/")
        assert response.status == 200
        assert [row["name"] for row in response.json] == ["apple", "banana"]

    def test_router_root_lists_the_viewsets(self, db):
        response = request("GET", "/")
        assert response.status == 200
        assert "vs/products" in response.json

    def test_fast_pagination_per_action_never_counts(self, products):
        with CaptureQueriesContext(connection) as queries:
            response = request("GET", "/vs/fast/", query={"page": 2})
        assert response.status == 200
        assert set(response.json) == {"next", "previous", "results"}
        assert [row["name"] for row in response.json["results"]] == ["cherry", "date"]
        assert response.json["next"] is None
        assert len(queries) == 1
        assert "COUNT(" not in queries[0]["sql"].upper()

    def test_options_reports_the_viewset(self, db):
        response = request("OPTIONS", "/vs/products/")
        assert response.status == 200
        assert {m.strip() for m in response.headers["allow"].split(",")} == {
            "GET",
            "POST",
            "HEAD",
            "OPTIONS",
        }


class TestSyncViewSet:
    def test_sync_model_viewset_with_action_config(self, products):
        response = request("GET", "/sync-vs/products/")
        assert response.status == 200
        assert response.json["results"] == [
            {"id": products[0].pk, "name": "apple"},
            {"id": products[1].pk, "name": "banana"},
        ]
        detail = request("GET", f"/sync-vs/products/{products[0].pk}/")
        assert detail.json["price"] == 3

    def test_sync_viewset_helpers(self, products):
        response = request("GET", "/sync-vs/products/names/")
        assert [row["name"] for row in response.json] == ["apple", "banana", "cherry", "date"]

    def test_sync_viewset_crud(self, db):
        created = request("POST", "/sync-vs/products/", {"name": "fig", "price": 1})
        assert created.status == 201
        url = f"/sync-vs/products/{created.json['id']}/"
        assert request("PATCH", url, {"price": 2}).json["price"] == 2
        assert request("DELETE", url).status == 204
        assert request("GET", url).status == 404


class TestDeclarationErrors:
    def test_action_configs_must_hold_action_configs(self):
        with pytest.raises(
            TypeError, match=r"Bad\.action_configs\['list'\] must be an ActionConfig"
        ):

            class Bad(AsyncModelViewSet):
                action_configs = {"list": {"pagination_class": None}}  # type: ignore[dict-item]

    def test_unknown_action_name_is_refused(self):
        with pytest.raises(TypeError, match="unknown action 'lisst'"):

            class Typo(AsyncModelViewSet):
                action_configs = {"lisst": ActionConfig(pagination_class=None)}

    def test_extra_actions_are_known_names(self):
        class WithExtra(AsyncModelViewSet):
            queryset = Product.objects.all()
            serializer_class = ProductSerializer
            action_configs = {"touch": ActionConfig(pagination_class=None)}

            @action(detail=False)
            async def touch(self, request: Any) -> Response:
                return Response({})

        assert WithExtra._action_overrides == {"touch": {"pagination_class": None}}

    def test_sync_action_on_an_async_viewset_is_refused_when_routed(self):
        class Mixed(AsyncViewSet):
            def list(self, request: Any) -> Response:
                return Response([])

        with pytest.raises(ImproperlyConfigured, match=r"Mixed\.list .*async def list"):
            Mixed.as_view({"get": "list"})

    def test_as_view_without_actions_is_drfs_type_error(self):
        with pytest.raises(TypeError, match="actions"):
            AsyncModelViewSet.as_view()

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"permission_classes": object}, r"permission_classes must be a list .*\[object\]"),
            ({"filter_backends": "x"}, "filter_backends must be a list"),
            ({"serializer_class": ProductSerializer()}, "serializer_class must be a class"),
        ],
    )
    def test_bad_action_config_values_are_refused(self, kwargs, message):
        with pytest.raises(TypeError, match=message):
            ActionConfig(**kwargs)

    def test_unset_fields_fall_through(self):
        assert ActionConfig(pagination_class=None).overrides() == {"pagination_class": None}
        assert ActionConfig().overrides() == {}

    def test_sync_family_accepts_action_configs_too(self):
        class SyncSet(ModelViewSet):
            action_configs = {"retrieve": ActionConfig(serializer_class=ProductSerializer)}

        assert SyncSet._action_overrides == {"retrieve": {"serializer_class": ProductSerializer}}


class TestActionConfigAttributes:
    @pytest.fixture
    def user(self, db) -> User:
        return User.objects.create_user("carol", password="pw")

    def test_permission_and_filter_backends_per_action(self, products, user):
        Product.objects.filter(name="apple").update(in_stock=True)
        listed = request("GET", "/vs/configured/")
        assert listed.status == 200
        assert [row["name"] for row in listed.json] == ["apple"]
        # the class-level IsAuthenticated still guards the other actions
        assert request("GET", f"/vs/configured/{products[0].pk}/").status == 403

    def test_authentication_classes_per_action(self, user):
        response = request(
            "POST", "/vs/configured/", {"name": "x", "price": 1}, headers=_basic(user)
        )
        # no authenticator for create: the valid credentials are not read, and DRF
        # answers a refusal without authenticators with PermissionDenied
        assert response.status == 403
        assert response.json["error"]["code"] == "permission_denied"
        # the same credentials do authenticate where the class authenticators apply
        assert request("GET", "/vs/configured/", headers=_basic(user)).status == 200
        assert not Product.objects.exists()

    def test_throttle_classes_per_action(self, products, user):
        response = request("GET", f"/vs/configured/{products[0].pk}/", headers=_basic(user))
        assert response.status == 429
        assert response.headers["retry-after"] == "7"
        # list is not throttled
        assert request("GET", "/vs/configured/", headers=_basic(user)).status == 200

    def test_request_serializer_class_per_action(self, products, user):
        url = f"/vs/configured/{products[0].pk}/"
        refused = request("PUT", url, {"name": "apple", "price": 0}, headers=_basic(user))
        assert refused.status == 400
        assert refused.json["error"]["details"] == {"price": ["must be positive"]}
        accepted = request("PUT", url, {"name": "apple", "price": 8}, headers=_basic(user))
        assert accepted.status == 200
        # rendered by the class serializer (the response direction is not overridden)
        assert set(accepted.json) == {"id", "name", "price", "in_stock", "category"}


class TestMoreActionConfigAttributes:
    """queryset, parser_classes and renderer_classes per action, on both families."""

    PREFIXES = {"async": "/vs/per-action/", "sync": "/sync-vs/per-action/"}

    @pytest.mark.parametrize("path", ["async", "sync"])
    def test_queryset_and_renderer_classes_per_action(self, products, path):
        Product.objects.filter(name="apple").update(in_stock=True)
        listed = request("GET", self.PREFIXES[path])
        assert listed.status == 200
        assert listed.headers["content-type"].startswith("text/plain")
        assert listed.body == b"apple"  # the list's queryset, rendered by its renderer
        other = products[1]
        detail = request("GET", f"{self.PREFIXES[path]}{other.pk}/")
        assert detail.status == 200  # the class queryset: every product
        assert detail.json["name"] == other.name

    @pytest.mark.parametrize("path", ["async", "sync"])
    def test_parser_classes_per_action(self, db, path):
        refused = request("POST", self.PREFIXES[path], {"name": "fig", "price": 4})
        assert refused.status == 415  # create parses forms only
        assert refused.json["error"]["code"] == "unsupported_media_type"

    def test_a_queryset_must_be_a_queryset_or_manager(self):
        with pytest.raises(TypeError, match="queryset must be a QuerySet or a Manager"):
            ActionConfig(queryset=Product)


class TestActionOverridesAccessor:
    def test_each_action_reads_what_its_config_sets_on_the_class_and_an_instance(self):
        class Split(AsyncModelViewSet):
            action_configs = {
                "list": ActionConfig(pagination_class=None),
                "retrieve": ActionConfig(serializer_class=ProductSerializer),
            }

        assert Split.get_action_overrides("list") == {"pagination_class": None}
        assert Split().get_action_overrides("retrieve") == {"serializer_class": ProductSerializer}
        assert Split.get_action_overrides("destroy") == {}
        assert Split.get_action_overrides(None) == {}

    def test_a_subclass_inherits_the_configs_and_a_copy_is_returned(self):
        class Base(ModelViewSet):
            action_configs = {"list": ActionConfig(pagination_class=None)}

        class Child(Base):
            pass

        overrides = Child.get_action_overrides("list")
        overrides["pagination_class"] = object
        assert Child.get_action_overrides("list") == {"pagination_class": None}
