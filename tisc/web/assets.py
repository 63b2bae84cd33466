"""Third-party browser libraries, served from the Python packages that ship them.

Leaflet and Leaflet.markercluster come from the XStatic packages installed
with the application (see pyproject.toml); nothing is copied into the
repository and nothing is fetched from a CDN.
"""

from flask import Blueprint, abort, send_from_directory
from xstatic.pkg import leaflet, leaflet_markercluster

bp = Blueprint("assets", __name__)

LIBRARIES = {
    "leaflet": leaflet.BASE_DIR,
    "leaflet.markercluster": leaflet_markercluster.BASE_DIR,
}
ONE_DAY = 24 * 3600


@bp.route("/<library>/<path:filename>")
def vendor(library: str, filename: str):
    folder = LIBRARIES.get(library)
    if folder is None:
        abort(404)
    return send_from_directory(folder, filename, max_age=ONE_DAY)
