"""Root URLconf of the view tests."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter, SimpleRouter

from viewtests import hostile_views, service_views, views

router = DefaultRouter()
router.register("vs/products", views.ProductViewSet, basename="vsproduct")
router.register("vs/fast", views.FastProductViewSet, basename="vsfast")
router.register("vs/configured", views.ConfiguredViewSet, basename="vsconfigured")
router.register("vs/per-action", views.AsyncPerActionViewSet, basename="vsperaction")
sync_router = SimpleRouter()
sync_router.register("sync-vs/products", views.SyncProductViewSet, basename="syncproduct")
sync_router.register("sync-vs/per-action", views.SyncPerActionViewSet, basename="syncperaction")

urlpatterns = [
    path("helpers/sync/", views.SyncProductsView.as_view()),
    path("helpers/async/", views.AsyncProductsView.as_view()),
    path("helpers/default-pages/sync/", views.SyncDefaultPaginationView.as_view()),
    path("helpers/default-pages/async/", views.AsyncDefaultPaginationView.as_view()),
    path("helpers/context/sync/", views.SyncContextView.as_view()),
    path("helpers/context/async/", views.AsyncContextView.as_view()),
    path("helpers/post-fetch/sync/", views.SyncPostFetchView.as_view()),
    path("helpers/post-fetch/async/", views.AsyncPostFetchView.as_view()),
    path("helpers/async-surface/", views.AsyncSurfaceView.as_view()),
    path("helpers/service/", views.ServiceView.as_view()),
    path("products/", views.ProductList.as_view()),
    path("products/fast/", views.ProductFastList.as_view()),
    path("products/drf-pages/", views.ProductDRFPagesList.as_view()),
    path("products/all/", views.ProductUnpaginatedList.as_view()),
    path("products/post-fetch/", views.ProductPostFetchList.as_view()),
    path("products/search/", views.ProductSearchList.as_view()),
    path("products/cheap/", views.AsyncQuerysetList.as_view()),
    path("products/in-stock/<int:pk>/", views.AsyncQuerysetDetail.as_view()),
    path("products/create/", views.ProductCreate.as_view()),
    path("products/create-split/", views.ProductCreateSplit.as_view()),
    path("products/create-sync-hook/", views.ProductCreateSyncHook.as_view()),
    path("products/create-async-surface/", views.ProductCreateAsyncSurface.as_view()),
    path("products/list-create/", views.ProductListCreate.as_view()),
    path("products/<int:pk>/", views.ProductRetrieve.as_view(), name="product-detail"),
    path("products/<str:pk>/any/", views.ProductRetrieve.as_view()),
    path("products/<int:pk>/update/", views.ProductUpdate.as_view()),
    path("products/<int:pk>/destroy/", views.ProductDestroy.as_view()),
    path("products/<int:pk>/retrieve-update/", views.ProductRetrieveUpdate.as_view()),
    path("products/<int:pk>/retrieve-destroy/", views.ProductRetrieveDestroy.as_view()),
    path("products/<int:pk>/owned-async/", views.OwnedDetailAsyncPermission.as_view()),
    path("products/<int:pk>/owned-sync/", views.OwnedDetailSyncPermission.as_view()),
    path("by-name/<str:product_name>/", views.ProductBySlug.as_view()),
    path("sync-overrides/", views.SyncOverridesList.as_view()),
    path("sync-get-object/<str:name>/", views.SyncGetObjectDetail.as_view()),
    path("parsers/sync/", hostile_views.SyncEcho.as_view()),
    path("parsers/async/", hostile_views.AsyncEcho.as_view()),
    path("parsers/sync-generic/", hostile_views.SyncGenericEcho.as_view()),
    path("services/meeting/", service_views.MeetingView.as_view()),
    path("", include(router.urls)),
    path("", include(sync_router.urls)),
]
