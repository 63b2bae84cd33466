"""Map scripts as the pages load them: built once per inputs, kept, compressed once.

A script's cache key and stamp name everything it depends on, so an unchanged
map is never built twice in a process: the network's and a centre's maps are
keyed by kind, language and options and stamped with the network's version
(a new version replaces the old); the coverage and figures maps are keyed by
the fingerprint of what they show, since several are current at once.
Building needs folium (and numpy for coverage); it is done by a child process
(:mod:`tisc.offload`) so that web workers never load either.
"""

import gzip
import hashlib
from dataclasses import dataclass

from flask import current_app, request
from flask_babel import get_locale, gettext
from markupsafe import Markup, escape

from tisc import offload
from tisc.caching import Cache
from tisc.domain.catalogue import LANGUAGE_NAMES
from tisc.services import network


@dataclass(frozen=True)
class BuiltMap:
    gzipped: bytes  # compressed once, when built, and kept so
    etag: str


scripts: Cache[BuiltMap] = Cache(size=64)


def _built(script: str) -> BuiltMap:
    data = script.encode()
    return BuiltMap(gzip.compress(data, mtime=0), hashlib.sha256(data).hexdigest()[:32])


def network_map(radius_km: int | None) -> BuiltMap:
    locale = str(get_locale())
    return scripts.get(
        ("network", locale, radius_km),
        lambda: _built(offload.run("network_script", locale, radius_km=radius_km)),
        stamp=network.version(),
    )


def centre_map(slug: str) -> BuiltMap:
    locale = str(get_locale())
    return scripts.get(
        ("centre", locale, slug),
        lambda: _built(offload.run("centre_script", locale, slug=slug)),
        stamp=network.version(),
    )


def coverage_map(measure: str, radius_km: int, proposals: int, fingerprint: str) -> BuiltMap:
    locale = str(get_locale())
    inputs = {"measure": measure, "radius_km": radius_km, "proposals": proposals}
    return scripts.get(
        ("coverage", fingerprint, locale, measure),
        lambda: _built(offload.run("coverage_script", locale, **inputs)),
    )


def figures_map(counts: dict[str, list[int]], fingerprint: str) -> BuiltMap:
    """The dashboard's regions map; ``counts``: region code → [received, completed]."""
    locale = str(get_locale())
    return scripts.get(
        ("figures", fingerprint, locale),
        lambda: _built(offload.run("figures_script", locale, counts=counts)),
    )


def requested_language() -> str:
    """The language a script URL names (``lang``), else the page's."""
    lang = request.args.get("lang", "")
    return lang if lang in {code.value for code in LANGUAGE_NAMES} else str(get_locale())


OPENSTREETMAP = '<a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'


def tiles_attribution() -> Markup:
    """Whose the map tiles are: ``TISC_TILES_ATTRIBUTION`` as the operator wrote it, or by
    default OpenStreetMap's, in the page's language (its attribution guidelines allow the
    words "contributors" to be translated; the name and the link stay)."""
    if given := current_app.config["TISC_TILES_ATTRIBUTION"]:
        return Markup(given)  # the operator's own HTML, as the setting documents
    # The translation escaped like any text; only the link is markup.
    return escape(gettext("© %(openstreetmap)s contributors")) % {
        "openstreetmap": Markup(OPENSTREETMAP)
    }


def map_texts() -> dict[str, str]:
    """Leaflet's own texts in the page's language, for ``static/js/maps.js``."""
    return {
        "zoomIn": gettext("Zoom in"),
        "zoomOut": gettext("Zoom out"),
        "layers": gettext("Layers"),
        "close": gettext("Close"),
        "leaflet": gettext("A JavaScript library for interactive maps"),
        "km": gettext("km"),
        "m": gettext("m"),
        # The count is put in by the script: a group's size is known only in the browser.
        "cluster": gettext("Centres in this group: %(count)s"),
    }
