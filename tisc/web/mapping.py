"""Building map scripts with folium: the network map, a centre's small map, the coverage map.

This module loads folium (and, for coverage, numpy): it runs in a child
process (``tisc/offload.py``), never in a web worker, which serves the
built scripts from ``tisc/web/map_scripts.py``. A page holds only the map's
``<div>`` (a fixed id) and loads the map's script from our own origin, so
the Content-Security-Policy needs no inline script. Leaflet and
Leaflet.markercluster come from the XStatic packages (``/vendor``); folium's
own CDN links are never used.

Every text that reaches a popup or a tooltip is HTML-escaped here, because
Leaflet and folium's tooltips insert it as HTML.
"""

import json

import folium
from flask import current_app, url_for
from flask_babel import format_number, get_locale, gettext, ngettext
from folium.plugins import FastMarkerCluster
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import escape

from tisc.domain.catalogue import N_, CentreStatus, Service
from tisc.domain.localized import pick
from tisc.extensions import policy
from tisc.formatting import number_format, service_label
from tisc.services import coverage as coverage_service
from tisc.services import network
from tisc.services.coverage import CoverageReport
from tisc.services.network import CentreCard
from tisc.web import legend
from tisc.web.map_scripts import tiles_attribution

KAZAKHSTAN = (48.0, 67.5)
KAZAKHSTAN_BOUNDS = [[40.6, 46.5], [55.4, 87.3]]
# The full attribution is under every map page; the map itself carries the short one.
DATA_ATTRIBUTION = N_("Boundaries: geokz, CC BY 4.0")
# Folium writes its data with ``tojson``; keep Kazakh and Russian text as UTF-8
# rather than \uXXXX escapes, which made map scripts three times larger.
# (``<``, ``>``, ``&`` and ``'`` are still escaped, so the JSON stays script-safe.)
folium.Map._template.environment.policies["json.dumps_kwargs"] = {
    "sort_keys": True,
    "ensure_ascii": False,
}

# One marker per centre, styled by our CSS (no icon fonts, no images); TEXTS is
# replaced by the escaped labels the popups share.
MARKER_CALLBACK = """(function (texts) {
    return function (row) {
        var kind = row[2] ? "planned" : "active";
        var icon = L.divIcon({className: "tisc-marker tisc-marker-" + kind, iconSize: [24, 24]});
        // row[7]: the name as text, the marker's accessible name (a DOM property, never HTML).
        var marker = L.marker(new L.LatLng(row[0], row[1]),
                              {icon: icon, keyboard: true, title: row[7]});
        var services = row[5].map(function (i) { return texts.services[i]; });
        var status = row[2] ? " (" + texts.planned + ")" : "";
        marker.bindPopup("<strong>" + row[3] + "</strong>" + status + "<br>" + row[4]
            + "<br><small>" + services.join(", ") + "</small><br>"
            + '<a href="' + texts.prefix + encodeURIComponent(row[6]) + '">' + texts.more + "</a>");
        marker.bindTooltip(row[3]);
        return marker;
    };
})(TEXTS)"""


# A proposed centre: its rank in a gold disc, named by its label (row[4], text: the disc's
# digit would be its accessible name); Enter opens the label, as a click does.
PROPOSAL_CALLBACK = """function (row) {
    var icon = L.divIcon({className: "tisc-proposal-icon", iconSize: [26, 26],
                          html: '<span class="tisc-proposal">' + Number(row[2]) + '</span>'});
    var marker = L.marker(new L.LatLng(row[0], row[1]), {icon: icon, title: row[4]});
    marker.on("add", function () { marker.getElement().setAttribute("aria-label", row[4]); });
    marker.bindTooltip(row[3]);
    marker.bindPopup(row[3]);
    return marker;
}"""


def network_script(radius_km: int | None) -> str:
    """The public network map's script, in the current language."""
    return _render(_network_map(network.cards(), str(get_locale()), radius_km))


def centre_script(slug: str) -> str:
    """A centre page's small map."""
    card = next(card for card in network.cards() if card.slug == slug)
    return _render(_centre_map(card, str(get_locale())))


def coverage_script(measure: str, radius_km: int, proposals: int) -> str:
    """The coverage map, shaded by ``measure``, with the planner's proposals."""
    report = coverage_service.report(radius_km, proposals, policy().calendar.tz)
    return _render(_coverage_map(report, measure, str(get_locale())))


def _base_map(name: str, location=KAZAKHSTAN, zoom: int | None = None) -> folium.Map:
    """A map showing the whole country, unless a zoom level is given."""
    m = folium.Map(location=location, zoom_start=zoom or 5, tiles=None, control_scale=True)
    m._id = name  # the page's div is map_<name>; see templates/macros/map.html
    if zoom is None:
        m.fit_bounds(KAZAKHSTAN_BOUNDS)
    folium.TileLayer(
        tiles=current_app.config["TISC_TILES_URL"],
        attr=f"{tiles_attribution()} | {escape(gettext(DATA_ATTRIBUTION))}",
        name=gettext("Street map"),
        control=False,
    ).add_to(m)
    return m


def _render(m: folium.Map) -> str:
    figure = m.get_root()
    figure.render()
    return figure.script.render()


def _regions_layer(
    locale: str, style, extra: dict[str, dict[str, str]] | None = None
) -> folium.GeoJson:
    """Region outlines; ``extra`` adds tooltip lines per region code.

    Every property shown is escaped: folium's tooltips insert them as HTML.
    """
    boundaries = network.region_boundaries()
    extra = extra or {}
    features = []
    for region in network.regions():
        properties = {"code": region.code, "name": str(escape(pick(region.names, locale)))}
        properties.update({k: str(escape(v)) for k, v in extra.get(region.code, {}).items()})
        features.append(
            {"type": "Feature", "properties": properties,
             "geometry": json.loads(boundaries[region.code])}
        )  # fmt: skip
    fields = ["name", *next(iter(extra.values()), {}).keys()]
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=gettext("Regions"),
        style_function=style,
        highlight_function=lambda feature: {"weight": 3},
        tooltip=folium.GeoJsonTooltip(fields=fields, labels=False),
    )


def _centre_markers(cards: list[CentreCard], locale: str, **cluster) -> FastMarkerCluster:
    """Clustered markers with popups (name, city, services, link) and tooltips.

    Each row carries only the centre's own escaped texts and its services as
    indices into one shared list of escaped labels: a popup costs the script
    about a hundred bytes, not a kilobyte. The JavaScript only concatenates
    strings escaped here.
    """
    services = list(Service)
    index = {service.value: i for i, service in enumerate(services)}
    rows = [
        [
            card.location.lat,
            card.location.lon,
            int(card.status is not CentreStatus.ACTIVE),
            str(escape(pick(card.names, locale))),
            str(escape(pick(card.city_names, locale))),
            [index[s] for s in card.services],
            card.slug,
            pick(card.names, locale),
        ]
        for card in cards
    ]
    texts = {
        "services": [str(escape(service_label(s))) for s in services],
        "planned": str(escape(gettext("planned"))),
        "more": str(escape(gettext("Centre page"))),
        "prefix": url_for("public.centre", slug="-")[:-1],
    }
    callback = MARKER_CALLBACK.replace("TEXTS", str(htmlsafe_json_dumps(texts)))
    return FastMarkerCluster(rows, callback=callback, **cluster)


def _network_map(cards: list[CentreCard], locale: str, radius_km: int | None) -> folium.Map:
    shown = [card for card in cards if card.is_listed]
    m = _base_map("network")
    _regions_layer(
        locale,
        lambda feature: {
            "color": "#0b4f8a",
            "weight": 1,
            "fillColor": "#0b4f8a",
            "fillOpacity": 0.04,
        },
    ).add_to(m)
    _centre_markers(
        shown,
        locale,
        name=gettext("Centres"),
        options={"maxClusterRadius": 40, "showCoverageOnHover": False},
    ).add_to(m)
    if radius_km:
        circles = folium.FeatureGroup(name=gettext("Within %(km)s km", km=radius_km))
        _circles([card for card in shown if card.is_active_tisc], radius_km, "#0f7c80").add_to(
            circles
        )
        circles.add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    return m


def _circles(cards: list[CentreCard], radius_km: int, colour: str, dashed=False) -> folium.GeoJson:
    points = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {},
             "geometry": {"type": "Point", "coordinates": [c.location.lon, c.location.lat]}}
            for c in cards
        ],
    }  # fmt: skip
    return folium.GeoJson(
        points,
        marker=folium.Circle(
            radius=radius_km * 1000, color=colour, weight=1, fill=True, fill_opacity=0.08,
            dash_array="6" if dashed else None, interactive=False,
        ),
    )  # fmt: skip


def _centre_map(card: CentreCard, locale: str) -> folium.Map:
    m = _base_map("centre", location=(card.location.lat, card.location.lon), zoom=11)
    _centre_markers([card], locale, control=False).add_to(m)
    return m


def _coverage_map(report: CoverageReport, measure: str, locale: str) -> folium.Map:
    bins = legend.measure_bins([row.measure(measure) for row in report.rows])
    by_code = {row.region.code: row for row in report.rows}

    def style(feature):
        row = by_code[feature["properties"]["code"]]
        return {
            "fillColor": legend.colour_of(row.measure(measure), bins),
            "fillOpacity": 0.7,
            "color": "#0b4f8a" if row.covered else "#dc3545",
            "weight": 1 if row.covered else 3,
            "dashArray": None if row.covered else "6",
        }

    numbers = number_format()

    def shown(value: float | None) -> str:  # as the table under the map writes it
        if measure == "distance_km":
            return numbers.whole(value)
        return numbers.two_decimals(value)

    tooltips = {
        row.region.code: {
            "value": gettext(
                "%(measure)s: %(value)s", measure=legend.measure_label(measure),
                value=shown(row.measure(measure)),
            ),
            "reach": gettext("Within %(km)s km of a centre", km=report.radius_km) if row.covered
            else gettext("Not within %(km)s km of a centre", km=report.radius_km),
        }
        for row in report.rows
    }  # fmt: skip
    m = _base_map("coverage")
    _regions_layer(locale, style, tooltips).add_to(m)
    centres = folium.FeatureGroup(name=gettext("Active centres"))
    _centre_markers(
        report.active_centres, locale, options={"maxClusterRadius": 20}
    ).add_to(centres)  # fmt: skip
    centres.add_to(m)
    plan = folium.FeatureGroup(name=gettext("Proposed centres"))
    proposals = [
        [
            proposal.location.lat,
            proposal.location.lon,
            number,
            str(escape(label)),
            label,
        ]
        for number, proposal in enumerate(report.proposals, start=1)
        for label in [ngettext(
            "Proposal %(n)s: %(city)s, +%(people)s person",
            "Proposal %(n)s: %(city)s, +%(people)s people",
            proposal.added_population, n=number,
            city=pick(proposal.city_names, locale),
            people=format_number(proposal.added_population),
        )]
    ]  # fmt: skip
    FastMarkerCluster(
        proposals, callback=PROPOSAL_CALLBACK, options={"disableClusteringAtZoom": 1}
    ).add_to(plan)
    plan.add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    return m


def figures_script(counts: dict[str, list[int]]) -> str:
    """The dashboard's regions shaded by requests received per 100,000 people, on the
    coverage map's outlines and in its colours; ``counts``: region code → [received,
    completed]."""
    return _render(_figures_map(counts, str(get_locale())))


def _figures_map(counts: dict[str, list[int]], locale: str) -> folium.Map:
    regions = network.regions_by_code()
    known = legend.rates_per_100k(
        {code: received for code, (received, _served) in counts.items()},
        {code: card.population for code, card in regions.items()},
    )
    rates = {code: known.get(code) for code in regions}
    bins = legend.measure_bins(list(known.values()))

    def style(feature):
        return {
            "fillColor": legend.colour_of(rates[feature["properties"]["code"]], bins),
            "fillOpacity": 0.7,
            "color": "#0b4f8a",
            "weight": 1,
        }

    tooltips = {
        code: {
            "value": gettext(
                "%(received)s received, %(served)s completed",
                received=format_number(counts[code][0] if code in counts else 0),
                served=format_number(counts[code][1] if code in counts else 0),
            ),
            "rate": gettext(
                "%(value)s per 100,000 people",
                value=number_format().two_decimals(rate),
            ),
        }
        for code, rate in rates.items()
    }
    m = _base_map("figures")
    _regions_layer(locale, style, tooltips).add_to(m)
    return m
