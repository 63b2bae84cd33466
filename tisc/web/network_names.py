"""The network's centres, regions and towns named in the reader's language, in its
alphabet: the offices' filters and list of centres list them all (suspended centres
too), the home page the centres the public sees, the directory the regions, the centre
form every town. Kept per language and network version, since sorting 2,000 centres'
names was most of such a page."""

from collections.abc import Callable

from flask_babel import get_locale, gettext

from tisc.caching import Cache
from tisc.domain.catalogue import SERVICE_LABELS, CentreKind, Language
from tisc.domain.collation import region_sort_name
from tisc.domain.search import words_of
from tisc.formatting import RecordedNames, by_name, labels_apart, pick_text
from tisc.forms import Options, options
from tisc.services import network

_kept: Cache = Cache(size=16)


def _kept_per_language(build: Callable):
    return _kept.get((build.__name__, str(get_locale())), build, stamp=network.version())


_service_names: dict[str, str] = {}


def service_search_names() -> dict[str, str]:
    """Each service's names in every language, folded as the directory's search compares
    them (``патенттик`` finds the centres offering «Патенттік ландшафт»). The catalogues
    do not change while the app runs: read once per process."""
    if not _service_names:
        names: dict[str, list[str]] = {service.value: [] for service in SERVICE_LABELS}
        for language in Language:
            for service, label in labels_apart(language.value).service.items():
                names[service] += words_of(label)
        _service_names.update({service: " ".join(words) for service, words in names.items()})
    return _service_names


def tisc_names() -> list[tuple[int, str]]:
    """(id, name) of every TISC of the network, suspended ones too (not the office)."""
    return _kept_per_language(_tisc_names)


def centre_options() -> Options:
    """A filter's choices: every centre of :func:`tisc_names`, after "All centres"."""
    return _kept_per_language(_centre_options)


def staff_centre_options() -> Options:
    """A staff account's centre: each centre that takes new staff (active or planned, not
    suspended), by slug, after "—"."""
    return _kept_per_language(_staff_centre_options)


def region_options() -> Options:
    """A filter's choices: every region, after "All regions"."""
    return _kept_per_language(_region_options)


def region_names() -> list[tuple[str, str]]:
    """(code, name) of every region, by name in the reader's alphabet (:func:`region_sort_name`)."""
    return _kept_per_language(_region_names)


def near_options() -> Options:
    """The directory's "near": each region's administrative centre, after "Nowhere"."""
    return _kept_per_language(_near_options)


def city_options() -> Options:
    """A centre's town: every town of the network's data, by name."""
    return _kept_per_language(_city_options)


def city_names() -> dict[int, str]:
    """Every town's name by its id (the audit trail's recorded towns)."""
    return _kept_per_language(_city_names)


def recorded_names() -> RecordedNames:
    """The names of the towns, centres and regions the audit trail records by id, slug
    or code."""
    centres = [(card, pick_text(card.names)) for card in all_centres()]
    return RecordedNames(
        cities=city_names(),
        centres={card.id: name for card, name in centres},
        regions={region.code: pick_text(region.names) for region in network.regions()},
        centre_slugs={card.slug: name for card, name in centres},
    )


def listed_centres() -> list[network.CentreCard]:
    """The centres the public sees (active and planned ones)."""
    return _kept_per_language(_listed_centres)


def all_centres() -> list[network.CentreCard]:
    """Every centre, suspended ones and the coordinating office too."""
    return network.cards_by_name(str(get_locale()))


def _tisc_names() -> list[tuple[int, str]]:
    return [(c.id, pick_text(c.names)) for c in all_centres() if c.kind is CentreKind.TISC]


def _centre_options() -> Options:
    return options([("", gettext("All centres"))] + [(str(i), n) for i, n in tisc_names()])


def _staff_centre_options() -> Options:
    joinable = [(c.slug, pick_text(c.names)) for c in all_centres() if c.admits_staff]
    return options([("", "—"), *joinable])


def _region_options() -> Options:
    return options([("", gettext("All regions"))] + region_names())


def _region_names() -> list[tuple[str, str]]:
    named = [(region.code, pick_text(region.names)) for region in network.regions()]
    return by_name(named, lambda pair: region_sort_name(pair[1]))


def _near_options() -> Options:
    named = [(region.code, pick_text(region.admin_centre_names)) for region in network.regions()]
    return options([("", gettext("Nowhere in particular"))] + by_name(named, lambda pair: pair[1]))


def _city_options() -> Options:
    return options(
        by_name([(c.id, pick_text(c.names())) for c in network.cities()], lambda pair: pair[1])
    )


def _city_names() -> dict[int, str]:
    return {int(choice.value): choice.label for choice in city_options()}


def _listed_centres() -> list[network.CentreCard]:
    return [card for card in all_centres() if card.is_listed]
