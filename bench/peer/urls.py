"""The peer site's URLs: django-helpdesk under /helpdesk/."""

from django.urls import include, path

urlpatterns = [path("helpdesk/", include("helpdesk.urls", namespace="helpdesk"))]
