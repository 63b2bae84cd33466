"""The public network map, and serving the scripts of every map (``tisc/web/map_scripts.py``)."""

import gzip

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import force_locale, get_locale

from tisc.forms.filters import RADIUS_CHOICES, MapForm
from tisc.services import centres, network
from tisc.web import map_scripts
from tisc.web.map_scripts import requested_language
from tisc.web.shared_pages import shared_page

bp = Blueprint("maps", __name__)
ONE_DAY = 86400


@bp.route("/map")
@shared_page
def network_map():
    form = MapForm(request.args)
    valid = form.validate() if request.args else True
    radius = int(form.radius.data) if valid and form.radius.data else None
    script = url_for(
        ".network_script", radius=radius or "", lang=str(get_locale()), v=network.version()
    )
    return render_template("maps/network.html", form=form, script_url=script), (
        200 if valid else 400
    )


@bp.route("/map/network.js")
def network_script():
    radius = request.args.get("radius", "")
    if radius not in RADIUS_CHOICES:
        abort(404)
    km, language = (int(radius) if radius else None), requested_language()
    # The page names the network's version in the URL: a cached map answers
    # without even asking the database which version is current.
    built = map_scripts.scripts.peek(("network", language, km), request.args.get("v"))
    if built is None:
        with force_locale(language):
            built = map_scripts.network_map(km)
    return script_response(built)


@bp.route("/centres/<slug>/map.js")
def centre_script(slug: str):
    language = requested_language()
    built = map_scripts.scripts.peek(("centre", language, slug), request.args.get("v"))
    if built is None:
        centres.get_centre(slug)  # 404 for an unknown or suspended centre
        with force_locale(language):
            built = map_scripts.centre_map(slug)
    return script_response(built)


def script_response(built: map_scripts.BuiltMap, public: bool = True) -> Response:
    """A built map script, sent gzipped (compressed once, when built) to browsers that
    accept it. A public one is cacheable by anyone for a day (its URL changes with the
    network); one behind a role (figures by region) is ``no-store``, like its page."""
    if "gzip" in request.accept_encodings:
        response = Response(built.gzipped, mimetype="text/javascript")
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = Response(gzip.decompress(built.gzipped), mimetype="text/javascript")
    response.vary.add("Accept-Encoding")
    response.set_etag(built.etag)
    if public:
        response.cache_control.public = True
        response.cache_control.max_age = ONE_DAY
    else:
        response.cache_control.no_store = True
    return response.make_conditional(request)
