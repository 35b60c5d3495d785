from django.urls import path

from coretests import views_dispatch as views

urlpatterns = [
    path("mixed/", views.MixedView.as_view()),
    path("model-perms/", views.ModelPermsView.as_view()),
    path("notes/<int:pk>/", views.ObjectView.as_view()),
    path("no-header/", views.NoHeaderView.as_view()),
    path("broken/", views.BrokenView.as_view()),
    path("careless/", views.CarelessView.as_view()),
]
