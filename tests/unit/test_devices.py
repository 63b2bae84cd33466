"""A session's User-Agent header read as people name their things: the account page
lists "Chrome on Linux", not "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 …"."""

import pytest

from tisc.domain.devices import Device, device_of

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0"
CASES = {
    "Chrome on Linux": (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.0.0 Safari/537.36",
        Device("Chrome", "Linux"),
    ),
    "Safari on iPhone": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
        Device("Safari", "iPhone"),
    ),
    "Chrome on iPad": (
        "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
        "Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1",
        Device("Chrome", "iPad"),
    ),
    "Firefox on Windows": (FIREFOX, Device("Firefox", "Windows")),
    "Safari on macOS": (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like "
        "Gecko) Version/17.5 Safari/605.1.15",
        Device("Safari", "macOS"),
    ),
    "Chrome on Android": (
        "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.6478.122 Mobile Safari/537.36",
        Device("Chrome", "Android"),
    ),
    "Edge on Windows": (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87",
        Device("Edge", "Windows"),
    ),
    "Yandex Browser on Windows": (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.0.0 YaBrowser/24.6.0.0 Safari/537.36",
        Device("Yandex Browser", "Windows"),
    ),
    "Chrome on ChromeOS": (
        "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.0.0 Safari/537.36",
        Device("Chrome", "ChromeOS"),
    ),
    "a program without a system": ("curl/8.5.0", Device("curl", None)),
    "cut short at 200 characters as kept": (
        (FIREFOX + " " + "x" * 200)[:200],
        Device("Firefox", "Windows"),
    ),
    "empty": ("", Device(None, None)),
    "blank": ("   ", Device(None, None)),
    "nothing recognised": ("garbage", Device(None, None)),
    "only the first word": ("Mozilla/5.0", Device(None, None)),
}


@pytest.mark.parametrize(("user_agent", "device"), CASES.values(), ids=CASES.keys())
def test_a_user_agent_is_read_as_a_browser_on_a_system(user_agent, device):
    assert device_of(user_agent) == device
