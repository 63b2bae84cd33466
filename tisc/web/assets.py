"""Third-party browser libraries, served from the packages that ship them.

Leaflet and Leaflet.markercluster come from the XStatic packages installed
with the application (see pyproject.toml); Chart.js, Swagger UI and the Noto
Sans font (every Kazakh letter in the same typeface as the rest) from the npm
registry, installed by ``make install`` (``npm ci`` from package-lock.json)
into ``node_modules``. Nothing is copied into the repository and nothing is
fetched from a CDN.
"""

from pathlib import Path

from flask import Blueprint, abort, send_from_directory
from xstatic.pkg import leaflet, leaflet_markercluster

bp = Blueprint("assets", __name__)

NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"
LIBRARIES = {
    "leaflet": leaflet.BASE_DIR,
    "leaflet.markercluster": leaflet_markercluster.BASE_DIR,
    "chart.js": str(NODE_MODULES / "chart.js" / "dist"),
    "swagger-ui": str(NODE_MODULES / "swagger-ui-dist"),
    "noto-sans": str(NODE_MODULES / "@fontsource-variable" / "noto-sans"),
}
ONE_DAY = 24 * 3600


@bp.route("/<library>/<path:filename>")
def vendor(library: str, filename: str):
    folder = LIBRARIES.get(library)
    if folder is None:
        abort(404)
    return send_from_directory(folder, filename, max_age=ONE_DAY)
