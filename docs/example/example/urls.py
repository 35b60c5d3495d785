"""URL routes of the example project."""

from __future__ import annotations

from catalog import service_views
from catalog import views as catalog
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from example.views import IndexView
from restflow.authentication.views import TokenBlacklistView, TokenObtainView, TokenRefreshView

router = SimpleRouter()
router.register("products", catalog.ProductViewSet, basename="product")
router.register("reviews", catalog.ReviewViewSet, basename="review")
router.register("categories", catalog.CategoryViewSet, basename="category")
router.register("orders", service_views.OrderViewSet, basename="order")

# every error Django answers itself (bad Host, unknown URL, crash) in the envelope, as JSON
handler400 = "example.errors.bad_request"
handler403 = "example.errors.permission_denied"
handler404 = "example.errors.not_found"
handler500 = "example.errors.server_error"

urlpatterns = [
    path("", IndexView.as_view(), name="index"),
    path("api/auth/token/", TokenObtainView.as_view(), name="token"),
    path("api/auth/refresh/", TokenRefreshView.as_view(), name="token-refresh"),
    path("api/auth/blacklist/", TokenBlacklistView.as_view(), name="token-blacklist"),
    path("api/stats/", catalog.StatsView.as_view(), name="stats"),
    path("api/top-rated/", catalog.TopRatedView.as_view(), name="top-rated"),
    path("api/events/products/", catalog.ProductEventsView.as_view(), name="product-events"),
    path("api/export/products/", catalog.ProductExportView.as_view(), name="product-export"),
    path("api/shipping/quote/", service_views.ShippingQuoteView.as_view(), name="shipping-quote"),
    path("carrier/quote/", service_views.CarrierQuoteView.as_view(), name="carrier-quote"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("api/", include(router.urls)),
]
