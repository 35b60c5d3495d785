"""Models used by restflow-core's tests."""

from django.db import models


class Note(models.Model):
    """A row owned by a user, for permission tests."""

    title = models.CharField(max_length=100)
    owner = models.ForeignKey("auth.User", null=True, on_delete=models.CASCADE)

    class Meta:
        app_label = "coretests"
