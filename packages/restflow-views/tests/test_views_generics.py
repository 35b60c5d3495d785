"""The async generic views end to end through Django's ASGI handler."""

from __future__ import annotations

import base64

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from viewtests.asgi import request
from viewtests.models import Product
from viewtests.serializers import AsyncSurfaceProductSerializer

pytestmark = pytest.mark.django_db


@pytest.fixture
def products() -> list[Product]:
    return [
        Product.objects.create(name="apple", price=3),
        Product.objects.create(name="banana", price=5, in_stock=False),
        Product.objects.create(name="cherry", price=12),
        Product.objects.create(name="date", price=20),
        Product.objects.create(name="elderberry", price=7),
    ]


def _basic(user: User) -> dict[str, str]:
    token = base64.b64encode(f"{user.username}:pw".encode()).decode()
    return {"authorization": f"Basic {token}"}


class TestList:
    def test_list_returns_the_first_page_with_count_and_links(self, products):
        response = request("GET", "/products/")
        assert response.status == 200
        assert response.json["count"] == 5
        assert [row["name"] for row in response.json["results"]] == ["apple", "banana"]
        assert response.json["next"] == "http://testserver/products/?page=2"
        assert response.json["previous"] is None

    def test_list_page_last_and_invalid_page(self, products):
        assert [
            r["name"] for r in request("GET", "/products/", query={"page": "last"}).json["results"]
        ] == ["elderberry"]
        invalid = request("GET", "/products/", query={"page": "9"})
        assert invalid.status == 404
        assert invalid.json["error"]["code"] == "not_found"
        assert invalid.json["error"]["message"] == "Invalid page."

    def test_list_issues_one_count_and_one_page_query(self, products):
        with CaptureQueriesContext(connection) as queries:
            response = request("GET", "/products/", query={"page": "2"})
        assert response.status == 200
        assert len(queries) == 2
        assert "COUNT(" in queries[0]["sql"].upper()

    def test_plain_drf_paginator_gives_the_same_body(self, products):
        ours = request("GET", "/products/", query={"page": "2"}).json
        drf = request("GET", "/products/drf-pages/", query={"page": "2"}).json
        assert drf["results"] == ours["results"]
        assert drf["count"] == ours["count"]

    def test_unpaginated_list_serializes_everything(self, products):
        response = request("GET", "/products/all/")
        assert response.status == 200
        assert [row["name"] for row in response.json] == [p.name for p in products]

    def test_native_async_backend_then_sync_drf_backends_chain_in_order(self, products):
        response = request("GET", "/products/search/", query={"search": "e", "ordering": "-price"})
        # banana is out of stock (native backend); search "e" keeps apple, cherry, date, elderberry
        assert [row["name"] for row in response.json] == ["date", "cherry", "elderberry", "apple"]

    def test_async_def_get_queryset_is_awaited(self, products):
        response = request("GET", "/products/cheap/")
        assert response.status == 200
        assert [row["name"] for row in response.json] == ["apple", "banana", "elderberry"]

    def test_async_def_get_queryset_scopes_the_detail_lookup(self, products):
        assert request("GET", f"/products/in-stock/{products[0].pk}/").status == 200
        assert request("GET", f"/products/in-stock/{products[1].pk}/").status == 404


class TestRetrieve:
    def test_retrieve_returns_the_object(self, products):
        response = request("GET", f"/products/{products[2].pk}/")
        assert response.status == 200
        assert response.json == {
            "id": products[2].pk,
            "name": "cherry",
            "price": 12,
            "in_stock": True,
            "category": None,
        }

    def test_missing_object_is_a_404_in_the_envelope(self, products):
        response = request("GET", "/products/999999/")
        assert response.status == 404
        assert response.json["error"]["code"] == "not_found"

    def test_malformed_lookup_value_is_a_404_not_a_500(self, products):
        response = request("GET", "/products/not-a-number/any/")
        assert response.status == 404
        assert response.json["error"]["code"] == "not_found"

    def test_lookup_field_and_lookup_url_kwarg(self, products):
        response = request("GET", "/by-name/date/")
        assert response.status == 200
        assert response.json["id"] == products[3].pk

    def test_retrieve_costs_one_query(self, products):
        with CaptureQueriesContext(connection) as queries:
            request("GET", f"/products/{products[0].pk}/")
        assert len(queries) == 1


class TestCreate:
    def test_create_returns_201_with_location_from_the_url_field(self, db):
        response = request("POST", "/products/create/", {"name": "fig", "price": 4})
        assert response.status == 201
        created = Product.objects.get(name="fig")
        assert response.headers["location"] == f"http://testserver/products/{created.pk}/"
        assert response.json["url"] == response.headers["location"]

    def test_create_without_url_field_has_no_location(self, db):
        response = request("POST", "/products/list-create/", {"name": "fig", "price": 4})
        assert response.status == 201
        assert "location" not in response.headers

    def test_invalid_body_is_a_400_with_field_details(self, db):
        response = request("POST", "/products/create-split/", {"name": "fig", "price": -1})
        assert response.status == 400
        assert response.json["error"]["code"] == "validation_error"
        assert "price" in response.json["error"]["details"]
        assert not Product.objects.exists()

    def test_request_and_response_serializers_split(self, db):
        response = request("POST", "/products/create-split/", {"name": "fig", "price": 4})
        assert response.status == 201
        # validated by ProductCreateSerializer, rendered by ProductSerializer
        assert set(response.json) == {"id", "name", "price", "in_stock", "category"}

    def test_sync_perform_create_override_is_honoured(self, db):
        response = request("POST", "/products/create-sync-hook/", {"name": "fig", "price": 4})
        assert response.status == 201
        assert response.json["name"] == "FIG"
        assert Product.objects.get().name == "FIG"

    def test_serializer_async_surface_is_used_when_present(self, db):
        AsyncSurfaceProductSerializer.calls.clear()
        response = request("POST", "/products/create-async-surface/", {"name": "fig", "price": 4})
        assert response.status == 201
        assert AsyncSurfaceProductSerializer.calls == ["ais_valid", "asave", "adata"]
        assert response.json["name"] == "fig"


class TestUpdate:
    def test_put_replaces_and_patch_updates_part(self, products):
        target = products[0]
        put = request("PUT", f"/products/{target.pk}/update/", {"name": "apricot", "price": 9})
        assert put.status == 200
        assert put.json["name"] == "apricot"
        patch = request("PATCH", f"/products/{target.pk}/update/", {"price": 1})
        assert patch.status == 200
        assert patch.json == {**put.json, "price": 1}
        target.refresh_from_db()
        assert (target.name, target.price) == ("apricot", 1)

    def test_put_with_missing_required_field_is_a_400(self, products):
        response = request("PUT", f"/products/{products[0].pk}/update/", {"price": 9})
        assert response.status == 400
        assert "name" in response.json["error"]["details"]

    def test_update_of_missing_object_is_a_404(self, db):
        assert request("PATCH", "/products/424242/update/", {"price": 1}).status == 404

    def test_retrieve_update_view_routes_get_put_patch(self, products):
        url = f"/products/{products[1].pk}/retrieve-update/"
        assert request("GET", url).json["name"] == "banana"
        assert request("PATCH", url, {"name": "plantain"}).json["name"] == "plantain"
        assert request("DELETE", url).status == 405


class TestDestroy:
    def test_destroy_deletes_and_returns_204(self, products):
        response = request("DELETE", f"/products/{products[0].pk}/destroy/")
        assert response.status == 204
        assert response.body == b""
        assert not Product.objects.filter(pk=products[0].pk).exists()

    def test_destroy_of_missing_object_is_a_404(self, db):
        assert request("DELETE", "/products/31337/destroy/").status == 404

    def test_retrieve_destroy_view(self, products):
        url = f"/products/{products[4].pk}/retrieve-destroy/"
        assert request("GET", url).status == 200
        assert request("DELETE", url).status == 204
        assert request("GET", url).status == 404


class TestAllowHeaders:
    @pytest.mark.parametrize(
        ("url", "allowed"),
        [
            ("/products/", {"GET", "HEAD", "OPTIONS"}),
            ("/products/create/", {"POST", "OPTIONS"}),
            ("/products/list-create/", {"GET", "POST", "HEAD", "OPTIONS"}),
            ("/products/1/update/", {"PUT", "PATCH", "OPTIONS"}),
            ("/products/1/destroy/", {"DELETE", "OPTIONS"}),
        ],
    )
    def test_each_generic_allows_exactly_its_methods(self, db, url, allowed):
        response = request("OPTIONS", url)
        assert response.status == 200
        assert {m.strip() for m in response.headers["allow"].split(",")} == allowed


class TestObjectPermissions:
    @pytest.fixture
    def owners(self, db):
        alice = User.objects.create_user("alice", password="pw")
        bob = User.objects.create_user("bob", password="pw")
        product = Product.objects.create(name="owned", price=3, owner=alice)
        return alice, bob, product

    @pytest.mark.parametrize("kind", ["owned-async", "owned-sync"])
    def test_owner_passes_and_others_get_403(self, owners, kind):
        alice, bob, product = owners
        url = f"/products/{product.pk}/{kind}/"
        assert request("GET", url, headers=_basic(alice)).status == 200
        denied = request("GET", url, headers=_basic(bob))
        assert denied.status == 403
        assert denied.json["error"]["code"] == "permission_denied"

    @pytest.mark.parametrize("kind", ["owned-async", "owned-sync"])
    def test_denied_delete_deletes_nothing(self, owners, kind):
        _alice, bob, product = owners
        assert (
            request("DELETE", f"/products/{product.pk}/{kind}/", headers=_basic(bob)).status == 403
        )
        assert Product.objects.filter(pk=product.pk).exists()

    def test_sync_permission_message_is_kept(self, owners):
        _alice, bob, product = owners
        denied = request("GET", f"/products/{product.pk}/owned-sync/", headers=_basic(bob))
        assert denied.json["error"]["message"] == "Only the owner may do this."


class TestThreadHops:
    @pytest.fixture
    def hops(self):
        from sertests.hops import count_hops

        with count_hops() as counter:
            yield counter

    def _view(self, cls, **query):
        from rest_framework.request import Request
        from rest_framework.test import APIRequestFactory

        view = cls()
        view.request = Request(APIRequestFactory().get("/", query))
        view.kwargs, view.format_kwarg = {}, None
        return view

    def test_a_run_of_sync_backends_shares_one_thread_hop(self, products, hops):
        from asgiref.sync import async_to_sync

        from viewtests.views import ProductSearchList

        view = self._view(ProductSearchList, search="an", ordering="-price")
        queryset = async_to_sync(view.afilter_queryset)(Product.objects.all())
        assert hops.count == 1  # search and ordering, both sync, in one hop
        assert [p.name for p in queryset] == []  # banana (the only "an") is out of stock

    def test_native_paginator_and_default_get_queryset_stay_on_the_loop(self, products, hops):
        from asgiref.sync import async_to_sync

        from viewtests.views import ProductFastList

        view = self._view(ProductFastList, page=2)
        response = async_to_sync(view.list)(view.request)
        # one hop for the page query, one for the plain DRF serializer's data
        assert hops.names == ["_evaluate", "_read_data"]
        assert [row["name"] for row in response.data["results"]] == ["cherry", "date"]

    def test_manager_as_queryset_is_looked_up_with_aget(self, products):
        from asgiref.sync import async_to_sync

        from viewtests.views import ProductRetrieve

        view = self._view(type("ByManager", (ProductRetrieve,), {"queryset": Product.objects}))
        view.kwargs = {"pk": products[0].pk}
        assert async_to_sync(view.aget_object)() == products[0]


class TestDRFStyleSyncOverrides:
    def test_sync_filter_queryset_and_get_paginated_response_overrides(self, products):
        response = request("GET", "/sync-overrides/")
        assert response.status == 200
        # apple (the cheapest) is excluded by the sync override that queries
        assert [row["name"] for row in response.json["results"]] == ["banana", "cherry"]
        assert response.headers["x-total"] == "4"

    def test_sync_get_object_override(self, products):
        response = request("GET", "/sync-get-object/date/")
        assert response.status == 200
        assert response.json == {"id": products[3].pk, "name": "date"}
