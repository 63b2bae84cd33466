"""The network's centres and regions named in the reader's language, in its alphabet,
for the filters that list them all: kept per language and network version, since
sorting 2,000 centres' names was most of such a page."""

from flask_babel import get_locale

from tisc.caching import Cache
from tisc.domain.catalogue import CentreKind
from tisc.formatting import by_name, pick_text
from tisc.services import network

_tiscs: Cache[list[tuple[int, str]]] = Cache(size=8)
_regions: Cache[list[tuple[str, str]]] = Cache(size=8)


def tisc_names() -> list[tuple[int, str]]:
    """(id, name) of every TISC of the network, suspended ones too (not the office)."""
    return _tiscs.get((str(get_locale()), network.version()), _sorted_tiscs)


def region_names() -> list[tuple[str, str]]:
    """(code, name) of every region."""
    return _regions.get((str(get_locale()), network.version()), _sorted_regions)


def _sorted_tiscs() -> list[tuple[int, str]]:
    cards = network.cards()
    named = [(c.id, pick_text(c.names)) for c in cards if c.kind is CentreKind.TISC]
    return by_name(named, lambda pair: pair[1])


def _sorted_regions() -> list[tuple[str, str]]:
    named = [(region.code, pick_text(region.names)) for region in network.regions()]
    return by_name(named, lambda pair: pair[1])
