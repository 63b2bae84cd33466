"""The directory through the API: centres, services, languages, and the names of the
API's codes. Open to anyone."""

from flask_babel import get_locale

from tisc.api import schemas
from tisc.api.blueprints import Blueprint
from tisc.api.representations import centre
from tisc.domain.catalogue import LANGUAGE_NAMES, N_, Language, Service
from tisc.domain.errors import Invalid
from tisc.formatting import labels_apart
from tisc.services import centres, directory, network

bp = Blueprint("api_centres", __name__, url_prefix="/api/v1", description="Centres of the network")


@bp.route("/centres")
@bp.open_to_all
@bp.arguments(schemas.CentreQuery, location="query", as_kwargs=True)
@bp.response(200, schemas.Centre(many=True))
def centre_list(q="", region="", service="", language="", near=""):
    """The active and planned centres matching every filter (the directory's)."""
    if region and region not in network.regions_by_code():  # as near, not an empty list
        raise Invalid("region", N_("Choose one of the options."))
    origin = None
    if near:
        found = network.regions_by_code().get(near)
        if found is None:
            raise Invalid("near", N_("Choose one of the options."))
        origin = found.admin_centre
    query = directory.DirectoryQuery(q, region, service, language, origin)
    return [
        centre(listing.centre, listing.distance_km)
        for listing in directory.search(query, str(get_locale()))
    ]


@bp.route("/centres/<slug>")
@bp.open_to_all
@bp.response(200, schemas.Centre)
@bp.refuses(404)
def centre_detail(slug: str):
    """One centre, with its contacts."""
    row = centres.get_centre(slug)
    return centre(network.cards_by_id()[row.id], details=row)


@bp.route("/services")
@bp.open_to_all
@bp.response(200, schemas.ServiceInfo(many=True))
def service_list():
    """The WIPO TISC service catalogue, each service named in the three languages."""
    names = _in_three_languages("service")
    return [{"code": service.value, "names": names[service.value]} for service in Service]


@bp.route("/labels")
@bp.open_to_all
@bp.response(200, schemas.Labels)
def label_list():
    """The names of the services, statuses, outcomes and actions, in kk, ru and en."""
    return {
        "services": _in_three_languages("service"),
        "statuses": _in_three_languages("status"),
        "outcomes": _in_three_languages("outcome"),
        "actions": _in_three_languages("action"),
    }


def _in_three_languages(kind: str) -> dict[str, dict[str, str]]:
    """One of the pages' label tables (:func:`tisc.formatting.labels`: ``service``,
    ``status``, ``outcome``, ``action``), each code named in kk, ru and en."""
    named: dict[str, dict[str, str]] = {}
    for language in Language:
        for code, text in getattr(labels_apart(language.value), kind).items():
            named.setdefault(code, {})[language.value] = text
    return named


@bp.route("/languages")
@bp.open_to_all
@bp.response(200, schemas.LanguageInfo(many=True))
def language_list():
    """The languages of the network, each named in itself."""
    return [{"code": code.value, "name": name} for code, name in LANGUAGE_NAMES.items()]
