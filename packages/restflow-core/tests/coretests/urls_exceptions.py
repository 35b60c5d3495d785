from django.urls import path

from coretests import views_exceptions as views

urlpatterns = [
    path("people/", views.PersonView.as_view()),
    path("protected/", views.ProtectedView.as_view()),
    path("throttled/", views.ThrottledView.as_view()),
    path("notes/<int:pk>/", views.NoteView.as_view()),
    path("forbidden/", views.ForbiddenView.as_view()),
    path("locked/", views.LockedView.as_view()),
    path("broken/", views.BrokenView.as_view()),
]
