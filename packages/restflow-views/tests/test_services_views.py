"""Service and selector views, sync and async side by side: rollback, errors, injection, output.

Every case runs on a sync view (DRF's dispatch) and on its ``Async`` twin
(restflow's loop, driven here with ``async_to_sync``), with a sync and an
async service where the mode matters.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.core.cache import caches
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from restflow.core import count_hops
from restflow.services import (
    CircuitBreaker,
    SelectorSpec,
    ServiceConflict,
    ServiceError,
    ServiceNotFound,
    ServiceSpec,
    ServiceValidationError,
    acreate_from_input,
    create_from_input,
    update_from_input,
)
from restflow.services.views import (
    AsyncSelectorListView,
    AsyncSelectorRetrieveView,
    AsyncServiceCreateView,
    AsyncServiceDeleteView,
    AsyncServiceUpdateView,
    SelectorListView,
    SelectorRetrieveView,
    ServiceCreateView,
    ServiceDeleteView,
    ServiceUpdateView,
)
from restflow.test import AsyncAPIRequestFactory
from viewtests.models import Category, Product

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("close_async_connections"),
]

KINDS = {
    "create": (ServiceCreateView, AsyncServiceCreateView),
    "update": (ServiceUpdateView, AsyncServiceUpdateView),
    "delete": (ServiceDeleteView, AsyncServiceDeleteView),
    "list": (SelectorListView, AsyncSelectorListView),
    "retrieve": (SelectorRetrieveView, AsyncSelectorRetrieveView),
}


class ProductIn(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    price = serializers.IntegerField(min_value=0, required=False)


class ProductOut(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "name", "price"]


def view_class(kind: str, mode: str, **attrs: Any) -> Any:
    base = KINDS[kind][mode == "async"]
    attrs.setdefault("authentication_classes", [])
    attrs.setdefault("permission_classes", [])
    return type(f"{base.__name__}Under{mode.title()}", (base,), attrs)


class Answer:
    def __init__(self, response: Any) -> None:
        response.render() if hasattr(response, "render") else None
        self.status = response.status_code
        self.headers = response
        self.json = json.loads(response.content) if response.content else None


def answer(view: Any, method: str, data: Any = None, **url_kwargs: Any) -> Answer:
    """Call ``view`` (a class) once, as its mode wants."""
    handler = view.as_view()
    if view.view_is_async:
        request = getattr(AsyncAPIRequestFactory(), method)("/x/", data)
        return Answer(async_to_sync(handler)(request, **url_kwargs))
    request = getattr(APIRequestFactory(), method)("/x/", data, format="json")
    return Answer(handler(request, **url_kwargs))


MODES = pytest.mark.parametrize("mode", ["sync", "async"])


# -- services: two writes then a failure --------------------------------------------


def place_order(*, data: dict[str, Any]) -> None:
    Category.objects.create(name=data["name"])
    Product.objects.create(name=data["name"])
    raise ServiceError("Out of stock.", code="out_of_stock", details={"sku": data["name"]})


async def aplace_order(*, data: dict[str, Any]) -> None:
    await Category.objects.acreate(name=data["name"])
    await Product.objects.acreate(name=data["name"])
    raise ServiceError("Out of stock.", code="out_of_stock", details={"sku": data["name"]})


def create_product(*, data: dict[str, Any]) -> Product:
    return create_from_input(Product, data).instance


async def acreate_product(*, data: dict[str, Any]) -> Product:
    return (await acreate_from_input(Product, data)).instance


SERVICES = pytest.mark.parametrize(
    "service", [place_order, aplace_order], ids=["sync-service", "async-service"]
)


@MODES
@SERVICES
def test_a_failing_service_rolls_back_both_writes_and_answers_in_the_envelope(
    mode: str, service: Any
) -> None:
    view = view_class("create", mode, spec=ServiceSpec(service=service, input_serializer=ProductIn))
    got = answer(view, "post", {"name": "ink"})
    assert got.status == 400
    assert got.json == {
        "error": {"code": "out_of_stock", "message": "Out of stock.", "details": {"sku": "ink"}}
    }
    assert (Category.objects.count(), Product.objects.count()) == (0, 0)


@MODES
@pytest.mark.parametrize(
    "service", [create_product, acreate_product], ids=["sync-service", "async-service"]
)
def test_create_validates_input_runs_the_service_and_renders_201(mode: str, service: Any) -> None:
    spec = ServiceSpec(service=service, input_serializer=ProductIn, output_serializer=ProductOut)
    got = answer(view_class("create", mode, spec=spec), "post", {"name": "ink", "price": 4})
    assert got.status == 201
    assert got.json == {"id": Product.objects.get().pk, "name": "ink", "price": 4}


@MODES
def test_invalid_input_is_a_400_and_the_service_never_runs(mode: str) -> None:
    spec = ServiceSpec(service=place_order, input_serializer=ProductIn)
    got = answer(view_class("create", mode, spec=spec), "post", {"price": -1})
    assert got.status == 400 and got.json["error"]["code"] == "validation_error"
    assert set(got.json["error"]["details"]) == {"name", "price"}
    assert Category.objects.count() == 0


def _raising(exc: Exception) -> Any:
    def service(*, data: Any) -> None:
        raise exc

    return service


@MODES
@pytest.mark.parametrize(
    ("exc", "status", "code", "details"),
    [
        (
            ServiceValidationError({"email": ["Already registered."]}),
            400,
            "validation_error",
            {"email": ["Already registered."]},
        ),
        (
            ServiceValidationError("Dates overlap."),
            400,
            "validation_error",
            {"non_field_errors": ["Dates overlap."]},
        ),
        (ServiceNotFound("No such cart."), 404, "not_found", None),
        (ServiceConflict("Already paid."), 409, "conflict", None),
    ],
)
def test_service_errors_map_to_their_status_and_code(
    mode: str, exc: Exception, status: int, code: str, details: Any
) -> None:
    got = answer(view_class("create", mode, spec=_raising(exc)), "post", {})
    assert got.status == status
    assert got.json["error"]["code"] == code and got.json["error"]["details"] == details


@MODES
def test_any_other_exception_is_a_500_that_does_not_leak_its_message(mode: str) -> None:
    got = answer(
        view_class("create", mode, spec=_raising(RuntimeError("db password is hunter2"))),
        "post",
        {},
    )
    assert got.status == 500 and got.json["error"]["code"] == "internal_error"
    assert "hunter2" not in json.dumps(got.json)


# -- injection ----------------------------------------------------------------------


@MODES
def test_the_callable_receives_url_kwargs_request_and_user_it_declares(mode: str) -> None:
    seen: dict[str, Any] = {}

    def rename_category(*, category_id: str, user: Any, request: Any) -> dict[str, Any]:
        seen.update(category_id=category_id, anonymous=user.is_anonymous, method=request.method)
        return {"ok": True}

    spec = ServiceSpec(service=rename_category, url_kwargs=("category_id",))
    got = answer(view_class("create", mode, spec=spec), "post", {}, category_id="7")
    assert (got.status, got.json) == (201, {"ok": True})
    assert seen == {"category_id": "7", "anonymous": True, "method": "POST"}


@MODES
def test_as_view_refuses_a_callable_needing_a_name_the_view_never_passes(mode: str) -> None:
    def publish(*, data: Any, shelf: Any) -> None: ...

    with pytest.raises(TypeError, match=r"publish declares parameter 'shelf'"):
        view_class("create", mode, spec=publish).as_view()

    def needs_instance(*, instance: Any) -> None: ...

    with pytest.raises(TypeError, match=r"needs_instance declares parameter 'instance'"):
        view_class("create", mode, spec=needs_instance).as_view()  # a create fetches none
    view_class("update", mode, spec=needs_instance).as_view()
    with pytest.raises(TypeError, match=r"declares parameter 'data'"):
        view_class("list", mode, spec=rename).as_view()  # a selector gets no body
    with pytest.raises(TypeError, match=r"declares no spec"):
        view_class("create", mode).as_view()
    with pytest.raises(TypeError, match=r"a ServiceSpec where a selector is expected"):
        view_class("list", mode, spec=ServiceSpec(service=publish)).as_view()


# -- update, delete, selectors ------------------------------------------------------------


def rename(*, instance: Product, data: dict[str, Any]) -> Product:
    return update_from_input(instance, data).instance


@MODES
def test_update_fetches_the_instance_and_patch_validates_partial_input(mode: str) -> None:
    product = Product.objects.create(name="pad", price=3)
    spec = ServiceSpec(service=rename, input_serializer=ProductIn, output_serializer=ProductOut)
    view = view_class("update", mode, spec=spec, queryset=Product.objects.all())
    got = answer(view, "patch", {"price": 8}, pk=product.pk)
    assert (got.status, got.json) == (200, {"id": product.pk, "name": "pad", "price": 8})
    assert answer(view, "patch", {"price": 8}, pk=product.pk + 100).status == 404


def remove(*, instance: Product) -> None:
    instance.delete()


@MODES
def test_delete_runs_the_service_on_the_instance_and_answers_204(mode: str) -> None:
    product = Product.objects.create(name="pad")
    view = view_class("delete", mode, spec=remove, queryset=Product.objects.all())
    got = answer(view, "delete", pk=product.pk)
    assert (got.status, got.json) == (204, None)
    assert not Product.objects.exists()


def cheap_products(*, request: Any) -> Any:
    return Product.objects.filter(price__lt=int(request.query_params.get("below", 100)))


async def aproduct(*, pk: str) -> Product | None:
    return await Product.objects.filter(pk=pk).afirst()


@MODES
def test_a_list_selector_is_paginated_and_serialized(mode: str) -> None:
    for price in (1, 2, 300):
        Product.objects.create(name=f"p{price}", price=price)
    spec = SelectorSpec(selector=cheap_products, output_serializer=ProductOut)
    view = view_class("list", mode, spec=spec, pagination_class=None)
    got = answer(view, "get")
    assert [row["price"] for row in got.json] == [1, 2]


@MODES
def test_a_retrieve_selector_returning_none_is_a_404(mode: str) -> None:
    product = Product.objects.create(name="pad", price=3)
    view = view_class(
        "retrieve", mode, spec=SelectorSpec(selector=aproduct, output_serializer=ProductOut)
    )
    assert answer(view, "get", pk=str(product.pk)).json == {
        "id": product.pk,
        "name": "pad",
        "price": 3,
    }
    missing = answer(view, "get", pk="0")
    assert missing.status == 404 and missing.json["error"]["code"] == "not_found"


# -- thread hops under the async view -----------------------------------------------------


def _names(hops: list[Any]) -> list[str]:
    return [getattr(func, "__name__", repr(func)) for func in hops]


def echo(*, request: Any) -> dict[str, str]:
    return {"method": request.method}


async def aecho(*, request: Any) -> dict[str, str]:
    return {"method": request.method}


@pytest.mark.parametrize("atomic", [True, False])
def test_async_view_sync_service_takes_exactly_one_hop(atomic: bool) -> None:
    view = view_class("create", "async", spec=ServiceSpec(service=echo, atomic=atomic))
    with count_hops() as hops:
        assert answer(view, "post", {}).json == {"method": "POST"}
    assert len(hops) == 1


def test_async_view_async_service_without_atomic_takes_no_hop() -> None:
    view = view_class("create", "async", spec=ServiceSpec(service=aecho, atomic=False))
    with count_hops() as hops:
        assert answer(view, "post", {}).json == {"method": "POST"}
    assert hops == []


async def acreate_named(*, data: dict[str, Any]) -> dict[str, int]:
    return {"id": (await Product.objects.acreate(name=data["name"])).pk}


def test_async_view_atomic_async_service_hops_only_to_open_and_close_its_transaction() -> None:
    view = view_class("create", "async", spec=ServiceSpec(service=acreate_named))
    with count_hops() as hops:
        assert answer(view, "post", {"name": "ink"}).status == 201
    names = _names(hops)
    assert (names[0], names[-1], len(names)) == ("__enter__", "__exit__", 3)  # between: the acreate


# -- the four combinations, services and selectors: hops taken -----------------------------


def echo_selector(*, request: Any) -> dict[str, str]:
    return {"method": request.method}


async def aecho_selector(*, request: Any) -> dict[str, str]:
    return {"method": request.method}


@pytest.mark.parametrize(
    ("mode", "selector", "expected"),
    [
        ("sync", echo_selector, 0),  # a plain call
        ("sync", aecho_selector, 0),  # bridged with async_to_sync: no thread hop
        ("async", echo_selector, 1),  # one hop
        ("async", aecho_selector, 0),  # awaited on the loop
    ],
)
def test_selectors_take_the_hops_their_mode_needs(mode: str, selector: Any, expected: int) -> None:
    view = view_class("retrieve", mode, spec=selector)
    with count_hops() as hops:
        assert answer(view, "get").json == {"method": "GET"}
    assert len(hops) == expected


@pytest.mark.parametrize("service", [echo, aecho], ids=["sync-service", "async-service"])
@pytest.mark.parametrize("atomic", [True, False])
def test_sync_views_take_no_thread_hop_for_a_service(service: Any, atomic: bool) -> None:
    view = view_class("create", "sync", spec=ServiceSpec(service=service, atomic=atomic))
    with count_hops() as hops:
        assert answer(view, "post", {}).json == {"method": "POST"}
    assert hops == []


# -- timeout and breaker through the views ------------------------------------------------


async def ahang(*, data: Any) -> None:
    await asyncio.Event().wait()


@MODES
def test_a_service_past_its_timeout_is_a_504_in_the_envelope(mode: str) -> None:
    got = answer(
        view_class("create", mode, spec=ServiceSpec(service=ahang, timeout=0.05)), "post", {}
    )
    assert got.status == 504
    assert got.json["error"]["code"] == "timeout"
    assert got.json["error"]["details"] == {"timeout": 0.05}


@MODES
def test_an_open_breaker_is_a_503_with_retry_after(mode: str) -> None:
    caches["default"].clear()
    now = [100.0]

    def down(*, data: Any) -> None:
        raise ConnectionError("down")

    breaker = CircuitBreaker(f"views-{mode}", failures=1, reset_after=12, clock=lambda: now[0])
    view = view_class("create", mode, spec=ServiceSpec(service=down, atomic=False, breaker=breaker))
    assert answer(view, "post", {}).status == 500
    refused = answer(view, "post", {})
    assert refused.status == 503 and refused.headers["Retry-After"] == "12"
    assert refused.json["error"]["code"] == "service_unavailable"
    caches["default"].clear()
