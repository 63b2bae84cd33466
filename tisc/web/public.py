"""Pages for everyone: home, the directory of centres, a centre's page."""

from datetime import UTC, datetime

from flask import Blueprint, render_template, request
from flask_babel import get_locale, gettext

from tisc.domain.catalogue import Service
from tisc.domain.disclosure import SMALL
from tisc.domain.geo import Point
from tisc.extensions import policy
from tisc.formatting import pick_text, service_label
from tisc.forms import language_options, options
from tisc.forms.filters import DirectoryForm
from tisc.services import centres, dashboards, directory, events, network
from tisc.web import statistics
from tisc.web.network_names import (
    listed_centres,
    near_options,
    region_options,
    service_search_names,
)
from tisc.web.shared_pages import shared_page

bp = Blueprint("public", __name__)
PAGE = 24  # centres per directory page


@bp.route("/")
@shared_page
def home():
    return render_template(
        "public/home.html",
        services=list(Service),
        network_version=network.version(),
        listed_centres=listed_centres,  # called only when the kept list is missing
    )


@bp.route("/centres")
@shared_page(fresh_for=300)  # it lists upcoming training events too
def centre_list():
    form = DirectoryForm(request.args)
    form.region.choices, form.near.choices = region_options(), near_options()
    form.service.choices = options(
        [("", gettext("All services"))] + [(s.value, service_label(s)) for s in Service]
    )
    form.language.choices = language_options(("", gettext("Any language")))
    valid = form.validate() if request.args else True
    query = directory.DirectoryQuery()
    origin_name = ""
    if valid:
        origin = None
        if form.lat.data is not None and form.lon.data is not None:
            origin, origin_name = Point(form.lat.data, form.lon.data), gettext("your position")
        elif form.near.data:
            region = network.regions_by_code()[form.near.data]
            origin, origin_name = region.admin_centre, pick_text(region.admin_centre_names)
        query = directory.DirectoryQuery(
            text=form.q.data or "",
            region_code=form.region.data or "",
            service=form.service.data or "",
            language=form.language.data or "",
            origin=origin,
            service_names=service_search_names(),
        )
    listings = directory.search(query, str(get_locale()))
    elsewhere = directory.elsewhere(query) if valid and not listings else None
    pages = max(1, -(-len(listings) // PAGE))
    page = min(form.page.data or 1, pages) if valid else 1  # past the end: the last page
    shown = listings[(page - 1) * PAGE : page * PAGE]
    return render_template(
        "public/centres.html",
        upcoming=events.upcoming(_today(), per_centre=1),
        form=form,
        total=len(listings),
        listings=shown,
        page=page,
        pages=pages,
        origin_name=origin_name,
        elsewhere=elsewhere,
    ), 200 if valid else 400


@bp.route("/centres/<slug>")
@shared_page(fresh_for=300)  # its figures count requests
def centre(slug: str):
    centre = centres.get_centre(slug)
    return render_template(
        "public/centre.html",
        centre=centre,
        figures=dashboards.public_centre(statistics.current(), centre.id),
        small=SMALL,
        upcoming=events.upcoming(_today(), centre.id).get(centre.id, []),
        version=network.version(),
    )


def _today():
    return datetime.now(UTC).astimezone(policy().calendar.tz).date()
