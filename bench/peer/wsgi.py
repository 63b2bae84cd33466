"""The peer site's WSGI entry point (``gunicorn wsgi`` in this directory)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")
application = get_wsgi_application()
