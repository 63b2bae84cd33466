"""Which browser on which system a User-Agent header names, for the account page's list
of sessions ("Chrome on Linux", "Safari on iPhone").

The reading is ua-parser's (uap-core's rules, kept up to date by that project); only the
names are ours, the ones people know their things by: the rules' "Mobile Safari" is
Safari to someone holding an iPhone, and "Mac OS X" has been macOS since 2016.
"""

from dataclasses import dataclass

# The rules name a browser's phone edition apart; a person calls it by its name.
BROWSER_NAMES = {
    "Mobile Safari": "Safari",
    "Mobile Safari UI/WKWebView": "Safari",
    "Chrome Mobile": "Chrome",
    "Chrome Mobile iOS": "Chrome",
    "Chrome Mobile WebView": "Chrome",
    "HeadlessChrome": "Headless Chrome",
    "Firefox Mobile": "Firefox",
    "Firefox iOS": "Firefox",
    "Edge Mobile": "Edge",
    "Opera Mobile": "Opera",
}
SYSTEM_NAMES = {"Mac OS X": "macOS", "Chrome OS": "ChromeOS"}
# On Apple's phones and tablets the device says more than the system ("iOS").
APPLE_DEVICES = ("iPhone", "iPad", "iPod")


@dataclass(frozen=True)
class Device:
    """The browser's name and the system's (or the device's) as people say them; None
    for a part that the rules do not recognise."""

    browser: str | None
    system: str | None


def device_of(user_agent: str) -> Device:
    """``user_agent`` (a header as a browser sent it, perhaps cut short) read into names."""
    import ua_parser  # its rules: only for the sessions list, not every page of every worker

    found = ua_parser.parse(user_agent)
    browser = found.user_agent.family if found.user_agent else None
    system = found.os.family if found.os else None
    if found.device and found.device.family in APPLE_DEVICES:
        system = found.device.family
    return Device(
        BROWSER_NAMES.get(browser, browser) if browser else None,
        SYSTEM_NAMES.get(system, system) if system else None,
    )
