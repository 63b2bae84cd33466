"""django-helpdesk's public ticket submission under the bench's load tool (see README.md).

``python -m bench.peer.measure VENV``: VENV holds django-helpdesk 2.6.1 and gunicorn.
"""

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench import load

HERE = Path(__file__).resolve().parent
PORT = 5901
FORM = f"http://127.0.0.1:{PORT}/helpdesk/tickets/submit/"
TICKETS = 10_000
SEED = """
from django.utils import timezone
from helpdesk.models import Queue, Ticket
queue, _ = Queue.objects.get_or_create(slug="patents", defaults={
    "title": "Patent information", "allow_public_submission": True,
    "email_address": "queue@example.org"})
if not Ticket.objects.exists():
    now = timezone.now()
    Ticket.objects.bulk_create([Ticket(
        queue=queue, title=f"Request {n}", description="An invention, described. " * 5,
        submitter_email=f"inventor{n % 3000}@example.org", priority=3,
        status=1 if n % 3 else 4, created=now, modified=now) for n in range(TICKETS)],
        batch_size=2000)
else:  # the tickets earlier runs submitted go: each run starts from the same 10,000
    last_seeded = Ticket.objects.order_by("id").values_list("id", flat=True)[
        TICKETS - 1 : TICKETS
    ].first()
    if last_seeded is not None:
        Ticket.objects.filter(id__gt=last_seeded).delete()
print(queue.id)
""".replace("TICKETS", str(TICKETS))


def main(venv: Path) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "settings", "PYTHONPATH": str(HERE)}
    queue = subprocess.run([str(venv / "bin/python"), "-c", "import django; django.setup()\n"
                            + SEED], env=env, cwd=HERE, check=True, capture_output=True,
                           text=True).stdout.split()[-1]  # fmt: skip
    server = subprocess.Popen([str(venv / "bin/gunicorn"), "-w", "2", "-b", f"127.0.0.1:{PORT}",
                               "--log-level", "warning", "wsgi"], cwd=HERE, env=env)  # fmt: skip
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(FORM, timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        jar = http.cookiejar.CookieJar()
        page = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar)).open(FORM)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode())[1]
        cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
        body = (
            f"csrfmiddlewaretoken={token}&queue={queue}&title=Prior+art+{load.UNIQUE}"
            "&body=Describe+the+invention&priority=3&submitter_email=inventor%40example.org"
        )
        for _round in range(2):
            for connections in (8, 1):
                load.measure(FORM, connections, 1.0, "POST", body, cookie)
                before = load.cpu_seconds([server])
                result = load.measure(FORM, connections, 5.0, "POST", body, cookie)
                cpu_ms = (load.cpu_seconds([server]) - before) / result.requests * 1000
                print(f"{connections} connection(s): {result.requests / result.seconds:.1f} "
                      f"req/s, p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms, "
                      f"errors {result.errors}; workers' CPU {cpu_ms:.2f} ms a submission",
                      flush=True)  # fmt: skip
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
