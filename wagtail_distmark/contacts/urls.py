"""Public URLs: include them in the project's urls.py, before Wagtail's::

path("distmark/", include("wagtail_distmark.contacts.urls")),
"""

from django.urls import path

from .public_views import confirm_view, subscribe_view

urlpatterns = [
    path("subscribe/", subscribe_view, name="distmark_subscribe"),
    path(
        "subscribe/confirm/<str:token>/",
        confirm_view,
        name="distmark_subscribe_confirm",
    ),
]
