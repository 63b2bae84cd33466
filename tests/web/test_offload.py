"""Maps and coverage are built in a child process, so web workers never load folium or numpy."""

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import settings_for

ROOT = Path(__file__).resolve().parents[2]

# A web process of its own: it serves the map script and the coverage page, then says
# which heavy libraries it has loaded.
WEB_PROCESS = """
import json, sys
from tests.factories import login, Person
from tisc import create_app
settings, coordinator = json.loads(sys.argv[1]), json.loads(sys.argv[2])
app = create_app(settings)
client = app.test_client()
visitor = client.get("/map/network.js?radius=150")
login(client, Person(**coordinator))
coverage = client.get("/office/coverage?radius=150&proposals=2")
print(json.dumps({
    "script": [visitor.status_code, visitor.get_data(as_text=True)],
    "coverage": [coverage.status_code, coverage.get_data(as_text=True)],
    "loaded": sorted(m for m in ("folium", "numpy", "branca") if m in sys.modules),
}))
"""


def test_the_web_process_serves_maps_and_coverage_without_loading_folium_or_numpy(database, make):
    coordinator = make.user("coordinator")
    settings = settings_for(database) | {"TISC_OFFLOAD": True}
    done = subprocess.run(
        [sys.executable, "-c", WEB_PROCESS, json.dumps(settings),
         json.dumps(coordinator.__dict__ | {"role": coordinator.role.value})],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    status, script = result["script"]
    assert status == 200 and "Kazakh-British Technical University" in script
    status, page = result["coverage"]
    assert status == 200 and 'id="proposals"' in page
    assert result["loaded"] == []
