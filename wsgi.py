"""The WSGI entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi …``."""

import gc

from tisc import create_app

app = create_app()

# What start-up built (modules, models, the routing map: some 130,000 objects) lives as
# long as the process. Frozen, it is left out of the collector's full passes, which
# otherwise walk all of it - about 0.1 s each, in the middle of someone's request.
gc.collect()
gc.freeze()
