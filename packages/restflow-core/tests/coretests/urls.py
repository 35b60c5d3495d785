"""Default URLconf for restflow-core's tests; test modules add their own via override_settings."""

urlpatterns: list[object] = []
