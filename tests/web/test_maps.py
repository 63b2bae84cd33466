"""The public map, centre maps and the coverage page: escaping, caching, assets, access."""

import json
import re

import pytest

from tests.factories import login
from tisc.services import network
from tisc.web import map_scripts, shared_pages

HOSTILE = '<script>alert("x")</script>`${alert(1)}`</script><img src=x onerror=alert(2)>'


def tiles_attribution(script: str) -> str:
    """The attribution a map script gives its tile layer (a JSON string)."""
    return json.loads(re.search(r'"attribution": ("(?:[^"\\]|\\.)*")', script)[1])


def script_url(page: str, name: str) -> str:
    return re.search(rf'<script src="(/[^"]*{name}[^"]*)"', page)[1].replace("&amp;", "&")


def test_the_map_page_loads_leaflet_from_our_origin_and_no_inline_script(client):
    page = client.get("/map").get_data(as_text=True)
    assert 'id="map_network"' in page
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page)
    assert sources and all(s.startswith("/") for s in sources), sources
    assert "/vendor/leaflet/leaflet.js" in page
    assert "/vendor/leaflet.markercluster/leaflet.markercluster.js" in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert "OpenStreetMap" in page and "geokz" in page  # attributions
    for path in ("/vendor/leaflet/leaflet.js", "/vendor/leaflet/leaflet.css",
                 "/vendor/leaflet.markercluster/MarkerCluster.css"):  # fmt: skip
        with client.get(path) as response:
            assert response.status_code == 200, path
    assert client.get("/vendor/leaflet/../../../etc/passwd").status_code == 404
    assert client.get("/vendor/jquery/jquery.js").status_code == 404


def test_the_map_script_has_every_centre_and_no_foreign_script(client, make):
    make.centre("planned-one", name="Planned One", status="planned")
    page = client.get("/map").get_data(as_text=True)
    script = client.get(script_url(page, "network.js")).get_data(as_text=True)
    assert "map_network" in script
    rows = re.findall(r'\[[\d.]+, [\d.]+, ([01]), "([^"]+)"', script)
    assert sorted(rows) == sorted([
        ("0", "Karaganda Buketov University"), ("0", "Kazakh-British Technical University"),
        ("0", "Kh. Dosmukhamedov Atyrau University"), ("0", "Nazarbayev University"),
        ("1", "Planned One"),
    ])  # fmt: skip
    assert "https://tile.openstreetmap.org/{z}/{x}/{y}.png" in script
    assert "cdn" not in script.lower() and "$(" not in script


def test_every_text_in_popups_and_tooltips_is_escaped(client, make):
    make.centre("hostile", name=HOSTILE, host_institution=HOSTILE)
    page = client.get("/map").get_data(as_text=True)
    script = client.get(script_url(page, "network.js")).get_data(as_text=True)
    assert "<script>" not in script and "<img" not in script
    assert "alert(2)" in script  # present, but only as escaped text
    assert "&amp;lt;script&amp;gt;" in script or "\\u0026lt;script\\u0026gt;" in script
    centre_page = client.get("/centres/hostile").get_data(as_text=True)
    assert "<script>alert" not in centre_page
    centre_script = client.get("/centres/hostile/map.js").get_data(as_text=True)
    assert "<script>" not in centre_script and "<img" not in centre_script


def test_coverage_circles_follow_the_chosen_radius(client):
    page = client.get("/map?radius=150").get_data(as_text=True)
    script = client.get(script_url(page, "network.js")).get_data(as_text=True)
    assert "150000" in script and "L.circle" in script
    plain = client.get(script_url(client.get("/map").get_data(True), "network.js")).get_data(True)
    assert "L.circle(" not in plain
    assert client.get("/map?radius=42").status_code == 400
    assert client.get("/map/network.js?radius=42").status_code == 404


def test_a_map_is_built_once_until_a_centre_changes(client, make, as_=None):
    page = client.get("/map?radius=100").get_data(as_text=True)
    url = script_url(page, "network.js")
    client.get(url)
    builds = map_scripts.scripts.builds
    first = client.get(url)
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"].strip('"')})
    assert map_scripts.scripts.builds == builds  # served from the cache
    assert again.status_code == 304
    make.centre("new-centre", name="New Centre")
    fresh = client.get(script_url(client.get("/map?radius=100").get_data(True), "network.js"))
    assert map_scripts.scripts.builds == builds + 1
    assert "New Centre" in fresh.get_data(as_text=True)


def test_map_scripts_are_built_per_language(client, make):
    make.centre(
        "trilingual", name_kk="Қазақша атауы", name_ru="Русское название", name_en="English name"
    )
    kk = client.get("/map/network.js?radius=&lang=kk").get_data(as_text=True)
    ru = client.get("/map/network.js?radius=&lang=ru").get_data(as_text=True)
    assert "\\u049a\\u0430\\u0437\\u0430\\u049b\\u0448\\u0430" in kk or "Қазақша атауы" in kk
    assert "Русское название" in ru or "\\u0420\\u0443\\u0441\\u0441\\u043a\\u043e\\u0435" in ru


OSM_LINK = '<a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'


@pytest.mark.parametrize(
    ("locale", "words"),
    [("en", f"© {OSM_LINK} contributors"), ("ru", f"© участники {OSM_LINK}"),
     ("kk", f"© {OSM_LINK} қатысушылары")],
)  # fmt: skip
def test_the_tiles_are_credited_to_openstreetmap_in_the_pages_language(client, locale, words):
    client.post("/locale", data={"locale": locale})
    page = client.get("/map").get_data(as_text=True)
    assert words in page  # under the map
    script = client.get(script_url(page, "network.js")).get_data(as_text=True)
    assert words in tiles_attribution(script)  # on the map


def test_a_configured_tiles_attribution_is_shown_as_written(app, client, monkeypatch):
    own = 'Tiles © <a href="https://tiles.example.kz/about">Example</a>'
    monkeypatch.setitem(app.config, "TISC_TILES_ATTRIBUTION", own)
    monkeypatch.setattr(map_scripts, "scripts", type(map_scripts.scripts)(size=4))
    monkeypatch.setattr(shared_pages, "pages", type(shared_pages.pages)(size=4))
    client.post("/locale", data={"locale": "ru"})
    page = client.get("/map").get_data(as_text=True)
    assert own in page and "участники" not in page
    script = client.get(script_url(page, "network.js")).get_data(as_text=True)
    assert tiles_attribution(script).startswith(own + " | ")


@pytest.fixture
def coordinator_client(client, make):
    login(client, make.user("coordinator"))
    return client


def test_coverage_shows_headline_table_and_proposals(coordinator_client):
    page = coordinator_client.get("/office/coverage?radius=150&proposals=3").get_data(as_text=True)
    headline = re.search(r'id="headline">([^<]+)<', page)[1]
    assert re.search(r"\d+% of the population lives within 150 km of an active centre", headline)
    assert page.count("<tr class=") == 20  # one row per region
    assert len(re.findall(r'<li class="list-group-item', page)) == 3
    assert "Turkistan" in page  # the most populous region without a centre is proposed first
    script = coordinator_client.get(script_url(page, "map.js")).get_data(as_text=True)
    assert "map_coverage" in script and "tisc-proposal" in script


def test_a_map_script_behind_a_role_is_kept_by_no_cache_a_public_one_by_any(coordinator_client):
    """The coverage and dashboard maps carry requests by region: like their pages, no cache
    (a shared proxy ignoring Vary: Cookie included) may keep them."""
    for path, name in (("/office/coverage", "map.js"), ("/office/dashboard", "regions.js")):
        page = coordinator_client.get(path).get_data(as_text=True)
        control = coordinator_client.get(script_url(page, name)).cache_control
        assert control.no_store and not control.public and not control.max_age, path
    page = coordinator_client.get("/map").get_data(as_text=True)
    control = coordinator_client.get(script_url(page, "network.js")).cache_control
    assert control.public and control.max_age == 86400


def test_coverage_rejects_bad_parameters(coordinator_client):
    for query in ("radius=0", "radius=abc", "proposals=99", "measure=astrology"):
        response = coordinator_client.get("/office/coverage?" + query)
        assert response.status_code == 400, query
    assert coordinator_client.get("/office/coverage/map.js?radius=0").status_code == 404


def test_coverage_escapes_centre_names(coordinator_client, make):
    make.centre("hostile", name=HOSTILE)
    page = coordinator_client.get("/office/coverage").get_data(as_text=True)
    script = coordinator_client.get(script_url(page, "map.js")).get_data(as_text=True)
    assert "<script>" not in script and "<img" not in script


def test_the_shaded_measure_is_a_column_of_the_table_under_each_map(coordinator_client, make):
    """The dashboard's map is shaded by requests per 100,000 people, the coverage map by the
    chosen measure: both can be read without the map, and the dashboard's legend gives values."""
    inventor = make.user("inventor")
    for _ in range(3):
        make.request(inventor, region="KZ-23")
    with make.app.app_context():
        population = network.regions_by_code()["KZ-23"].population
    rate = f"{3 * 100_000 / population:.2f}"  # the same on both pages (the dashboard's was 0.1)
    page = coordinator_client.get("/office/dashboard").get_data(as_text=True)
    table = re.search(r'id="by-region"[\s\S]*?</table>', page).group()
    assert "Received per 100,000 people" in table
    assert re.search(rf"Atyrau Region</th><td[^>]*>{rate}</td>", table)
    legend = re.search(r'id="figures-legend"[\s\S]*?</ul>', page).group()
    assert "&lt; " in legend and "≥ " in legend and "no requests" in legend
    script = coordinator_client.get(script_url(page, "regions.js").replace("lang=en", "lang=ru"))
    text = script.get_data(as_text=True)
    assert rate.replace(".", ",") in text and f"{rate} " not in text
    coverage = coordinator_client.get("/office/coverage?measure=requests_per_100k")
    rows = re.search(r'id="regions"[\s\S]*?</table>', coverage.get_data(as_text=True)).group()
    assert "Requests per 100,000 people (12 months)</th>" in rows
    atyrau = re.search(r">Atyrau Region</td>[\s\S]*?</tr>", rows).group()
    # on a phone each region is a card whose values say what they are (list-table)
    assert 'list-table" id="regions"' in coverage.get_data(as_text=True)
    assert 'data-label="Requests per 100,000 people (12 months)">' in atyrau
    assert f">{rate}</td>" in atyrau
    open_measure = coordinator_client.get("/office/coverage?measure=open_per_centre")
    assert (
        "Open requests per centre"
        in re.search(r'id="regions"[\s\S]*?</thead>', open_measure.get_data(as_text=True)).group()
    )


def test_the_coverage_measure_is_chosen_by_radio_buttons_that_wrap(coordinator_client):
    """Review 10, finding 11: a closed select shows its choice on one line, and at 390 px
    Chromium cut the Kazakh and Russian ones off. Radio buttons' labels wrap."""
    coordinator_client.post("/locale", data={"locale": "kk"})
    page = coordinator_client.get("/office/coverage?measure=distance_km").get_data(as_text=True)
    assert '<select class="form-select" id="measure"' not in page
    radios = re.findall(
        r'<input type="radio"[^>]*name="measure" value="([a-z_0-9]+)"([^>]*)>', page
    )
    assert [value for value, _ in radios] == ["requests_per_100k", "distance_km", "open_per_centre"]
    assert [" checked" in rest for _, rest in radios] == [False, True, False]
    assert "Өңірлерді бояу көрсеткіші</legend>" in page
    assert coordinator_client.get("/office/coverage?measure=astrology").status_code == 400


def test_the_radius_and_its_button_line_up(client):
    """A field given its own space below (mb-0) has only that: with Bootstrap's mb-3 as well,
    mb-3 won, and the select sat a line's margin above its Apply button."""
    page = client.get("/map").get_data(as_text=True)
    form = page.split('aria-label="Map options"', 1)[1].split("</form>", 1)[0]
    assert '<div class="mb-0">' in form and "mb-3" not in form
    register = client.get("/register").get_data(as_text=True)
    assert '<div class="mb-3">' in register  # a field with no space of its own keeps mb-3


def test_the_dashboards_rates_are_the_coverage_pages_and_use_every_class():
    """Rounded to one decimal, Atyrau's 0.14 and Almaty's 0.06 were both 0.1: the five
    classes' middle three were empty, and Karaganda's 0.177 was shaded as "≥ 0.18"."""
    from tisc.domain.stats import per_100k
    from tisc.web import legend

    populations = {"almaty": 1_597_000, "atyrau": 693_000, "karaganda": 1_131_000,
                   "north": 538_000}  # fmt: skip
    received = {"almaty": 1, "atyrau": 1, "karaganda": 2, "north": 1}
    rates = legend.rates_per_100k(received, populations)
    assert rates == {code: per_100k(received[code], populations[code]) for code in received}
    bins = legend.measure_bins(list(rates.values()))
    colours = {code: legend.colour_of(rate, bins) for code, rate in rates.items()}
    assert colours["almaty"] != colours["atyrau"]
    assert [sum(rate >= edge for edge in bins) for rate in rates.values()] == [0, 3, 4, 4]
