"""restflow.views: DRF views with serializer/pagination helpers, on sync or async dispatch.

``AsyncAPIView``, the async generics, mixins and viewsets run on
restflow-core's async loop; ``APIView`` and the sync viewsets keep DRF's.
"""

from restflow.views.action_config import ActionConfig
from restflow.views.apiview import APIView, AsyncAPIView
from restflow.views.generics import (
    AsyncCreateAPIView,
    AsyncDestroyAPIView,
    AsyncGenericAPIView,
    AsyncListAPIView,
    AsyncListCreateAPIView,
    AsyncRetrieveAPIView,
    AsyncRetrieveDestroyAPIView,
    AsyncRetrieveUpdateAPIView,
    AsyncRetrieveUpdateDestroyAPIView,
    AsyncUpdateAPIView,
    GenericAPIView,
)
from restflow.views.mixins import (
    AsyncCreateModelMixin,
    AsyncDestroyModelMixin,
    AsyncListModelMixin,
    AsyncRetrieveModelMixin,
    AsyncUpdateModelMixin,
    CreateModelMixin,
    DestroyModelMixin,
    ListModelMixin,
    RetrieveModelMixin,
    UpdateModelMixin,
)
from restflow.views.post_fetch import PostFetch
from restflow.views.viewsets import (
    AsyncGenericViewSet,
    AsyncModelViewSet,
    AsyncReadOnlyModelViewSet,
    AsyncViewSet,
    GenericViewSet,
    ModelViewSet,
    ReadOnlyModelViewSet,
    ViewSet,
)

__all__ = [
    "APIView",
    "ActionConfig",
    "AsyncAPIView",
    "AsyncCreateAPIView",
    "AsyncCreateModelMixin",
    "AsyncDestroyAPIView",
    "AsyncDestroyModelMixin",
    "AsyncGenericAPIView",
    "AsyncGenericViewSet",
    "AsyncListAPIView",
    "AsyncListCreateAPIView",
    "AsyncListModelMixin",
    "AsyncModelViewSet",
    "AsyncReadOnlyModelViewSet",
    "AsyncRetrieveAPIView",
    "AsyncRetrieveDestroyAPIView",
    "AsyncRetrieveModelMixin",
    "AsyncRetrieveUpdateAPIView",
    "AsyncRetrieveUpdateDestroyAPIView",
    "AsyncUpdateAPIView",
    "AsyncUpdateModelMixin",
    "AsyncViewSet",
    "CreateModelMixin",
    "DestroyModelMixin",
    "GenericAPIView",
    "GenericViewSet",
    "ListModelMixin",
    "ModelViewSet",
    "PostFetch",
    "ReadOnlyModelViewSet",
    "RetrieveModelMixin",
    "UpdateModelMixin",
    "ViewSet",
]
