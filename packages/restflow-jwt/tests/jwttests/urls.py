from django.urls import path

from jwttests import views
from restflow.authentication.views import TokenBlacklistView, TokenObtainView, TokenRefreshView

_simplejwt_sync, _simplejwt_async = views.simplejwt_views()

urlpatterns = [
    path("token/", TokenObtainView.as_view()),
    path("token/throttled/", views.ThrottledTokenObtainView.as_view()),
    path("token/unthrottled/", TokenObtainView.as_view(throttle_classes=[])),
    path("token/refresh/", TokenRefreshView.as_view()),
    path("token/blacklist/", TokenBlacklistView.as_view()),
    path("jwt/sync/", views.JWTSyncView.as_view()),
    path("jwt/async/", views.JWTAsyncView.as_view()),
    path("simplejwt/sync/", _simplejwt_sync.as_view()),
    path("simplejwt/async/", _simplejwt_async.as_view()),
    *(path(f"{name}/async/", view.as_view()) for name, view in views.ASYNC_STANDARD_VIEWS.items()),
    *(path(f"{name}/sync/", view.as_view()) for name, view in views.SYNC_STANDARD_VIEWS.items()),
]
