from django.urls import path

from filtertests import views

urlpatterns = [
    path("products/", views.ProductList.as_view()),
    path("strict-products/", views.StrictProductList.as_view()),
    path("async-products/", views.AsyncProductList.as_view()),
]
