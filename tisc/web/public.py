"""Pages for everyone: home, the directory of centres, a centre's page."""

from flask import Blueprint, render_template

from tisc.domain.catalogue import Service
from tisc.services import centres

bp = Blueprint("public", __name__)


@bp.route("/")
def home():
    return render_template("public/home.html", services=list(Service), centres=centres.tiscs())


@bp.route("/centres")
def centre_list():
    return render_template("public/centres.html", centres=centres.tiscs())


@bp.route("/centres/<slug>")
def centre(slug: str):
    return render_template("public/centre.html", centre=centres.get_centre(slug))
