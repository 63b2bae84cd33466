"""The public network map and the scripts of every map (see ``tisc/web/mapping.py``)."""

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import force_locale, get_locale

from tisc.domain.catalogue import LANGUAGE_NAMES
from tisc.forms.filters import RADIUS_CHOICES, MapForm
from tisc.services import centres, network
from tisc.web import mapping
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
    built = mapping.scripts.peek(("network", request.args.get("v"), language, km))
    if built is None:
        with force_locale(language):
            built = mapping.network_map(km)
    return script_response(built)


@bp.route("/centres/<slug>/map.js")
def centre_script(slug: str):
    language = requested_language()
    built = mapping.scripts.peek(("centre", request.args.get("v"), language, slug))
    if built is None:
        centre = centres.get_centre(slug)
        card = next(card for card in network.cards() if card.id == centre.id)
        with force_locale(language):
            built = mapping.centre_map(card)
    return script_response(built)


def requested_language() -> str:
    lang = request.args.get("lang", "")
    return lang if lang in {code.value for code in LANGUAGE_NAMES} else str(get_locale())


def script_response(built: mapping.BuiltMap) -> Response:
    """A built map script, cacheable by browsers: its URL changes with the network.

    Sent gzipped (compressed once, when built) to browsers that accept it.
    """
    if "gzip" in request.accept_encodings:
        response = Response(built.gzipped, mimetype="text/javascript")
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = Response(built.script, mimetype="text/javascript")
    response.vary.add("Accept-Encoding")
    response.set_etag(built.etag)
    response.cache_control.public = True
    response.cache_control.max_age = ONE_DAY
    return response.make_conditional(request)
