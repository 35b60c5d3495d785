"""The part of the API built on restflow.services: orders and shipping quotes.

The views only wire the functions of ``catalog.services`` to HTTP:

- ``OrderViewSet`` (``AsyncServiceViewSet``): ``GET /api/orders/`` lists the user's
  orders (a sync selector), ``GET /api/orders/{id}/`` shows one (an ``async def``
  selector), ``POST /api/orders/`` places one (``place_order``: ``async def``, atomic;
  409 when a line is short of stock). A token is required throughout.
- ``ShippingQuoteView`` (``AsyncServiceCreateView``): ``POST /api/shipping/quote/``
  awaits the carrier, at most ``RESTFLOW_EXAMPLE_CARRIER["TIMEOUT"]`` seconds (504
  past it), behind a circuit breaker (503 with ``Retry-After`` while it is open); a
  carrier that fails is a 502.
- ``CarrierQuoteView``: ``GET /carrier/quote/``, the stand-in carrier itself (not part
  of the API: left out of the schema).
"""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from catalog.carrier import rate_card
from catalog.models import Order
from catalog.serializers import (
    OrderCreateSerializer,
    OrderSerializer,
    ParcelSerializer,
    ShippingQuoteSerializer,
)
from catalog.services import aget_order, list_orders, place_order, quote_shipping
from restflow.pagination import PageNumberPagination
from restflow.permissions import AllowAny, IsAuthenticated
from restflow.services import (
    AsyncServiceCreateView,
    AsyncServiceViewSet,
    CircuitBreaker,
    ServiceSpec,
)
from restflow.views import AsyncAPIView

CARRIER = settings.RESTFLOW_EXAMPLE_CARRIER


class OrderPagination(PageNumberPagination):
    """Ten orders a page."""

    page_size = 10


class OrderViewSet(AsyncServiceViewSet):
    """``/api/orders/``: your orders; ``POST`` places one, all lines or none."""

    # the model of the ``{id}`` path parameter; the selectors pick the user's own orders
    queryset = Order.objects.all()
    lookup_value_regex = "[0-9]+"
    permission_classes = [IsAuthenticated]
    serializer_class = OrderSerializer
    pagination_class = OrderPagination
    service_specs = {
        "list": list_orders,
        "retrieve": aget_order,
        "create": ServiceSpec(
            service=place_order,
            input_serializer=OrderCreateSerializer,
            output_serializer=OrderSerializer,
        ),
    }

    @property
    def schema_error_responses(self) -> dict[int, str]:
        """The spec's errors, and the 409 ``place_order`` raises."""
        errors = dict(super().schema_error_responses)
        if self.action == "create":
            errors[409] = "A line asks for more than is in stock: nothing was ordered."
        return errors


class ShippingQuoteView(AsyncServiceCreateView):
    """``POST /api/shipping/quote/``: the carrier's price for a parcel."""

    permission_classes = [IsAuthenticated]
    # what OPTIONS describes (DRF's metadata asks get_serializer()); the spec's serializers
    # validate the input and render the output
    serializer_class = ParcelSerializer
    spec = ServiceSpec(
        service=quote_shipping,
        atomic=False,  # it writes nothing: no transaction, and no thread hop
        input_serializer=ParcelSerializer,
        output_serializer=ShippingQuoteSerializer,
        success_status=200,
        timeout=CARRIER["TIMEOUT"],
        breaker=CircuitBreaker(
            "example-carrier",
            failures=CARRIER["BREAKER_FAILURES"],
            reset_after=CARRIER["BREAKER_RESET_AFTER"],
        ),
    )

    @property
    def schema_error_responses(self) -> dict[int, str]:
        """The spec's 503 and 504, and the 502 of a carrier that fails."""
        return {**super().schema_error_responses, 502: "The carrier failed to answer a quote."}


class CarrierQuoteView(AsyncAPIView):
    """``GET /carrier/quote/?country=FR&items=3``: the stand-in carrier's rate card."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(exclude=True)
    async def get(self, request: Request) -> Response:
        query = ParcelSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(rate_card(**query.validated_data))
