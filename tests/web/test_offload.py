"""Maps and coverage are built in a helper child process, so web workers never load folium
or numpy; the helper is kept, and replaced when it dies."""

from tests.conftest import in_a_process_of_its_own, settings_for

# A web process of its own: it serves the map script and the coverage page, then says
# which heavy libraries it has loaded.
WEB_PROCESS = """
import json, sys
from tests.factories import login, Person
from tisc import create_app
settings, coordinator = json.loads(sys.argv[1]), json.loads(sys.argv[2])
app = create_app(settings)
client = app.test_client()
from tisc import offload
visitor = client.get("/map/network.js?radius=150")
first = offload._helper.process.pid
login(client, Person(**coordinator))
coverage = client.get("/office/coverage?radius=150&proposals=2")
kept = offload._helper.process.pid
offload._helper.process.kill()  # a helper that died is replaced at the next order
offload._helper.process.wait()
again = client.get("/map/network.js?radius=100")
print(json.dumps({
    "script": [visitor.status_code, visitor.get_data(as_text=True)],
    "coverage": [coverage.status_code, coverage.get_data(as_text=True)],
    "again": again.status_code,
    "helpers": [first, kept, offload._helper.process.pid],
    "loaded": sorted(m for m in ("folium", "numpy", "branca") if m in sys.modules),
}))
"""


def test_the_web_process_serves_maps_and_coverage_without_loading_folium_or_numpy(database, make):
    coordinator = make.user("coordinator")
    settings = settings_for(database) | {"TISC_OFFLOAD": True}
    result = in_a_process_of_its_own(WEB_PROCESS, settings, coordinator)
    status, script = result["script"]
    assert status == 200 and "Kazakh-British Technical University" in script
    status, page = result["coverage"]
    assert status == 200 and 'id="proposals"' in page
    assert result["loaded"] == []
    first, kept, replaced = result["helpers"]
    assert first == kept  # one helper for every task: its imports are paid once
    assert result["again"] == 200 and replaced != first
