from django.urls import path

from coretests import views_defaults as views

urlpatterns = [
    path("whoami/", views.WhoAmI.as_view()),
    path("two/", views.TwoRenderers.as_view()),
]
