"""Routing: chosen centre, else in-region, else nearest; ties to the lighter queue."""

import pytest

from tisc.domain.errors import Invalid
from tisc.domain.geo import Point
from tisc.domain.routing import (
    Candidate,
    RoutingRule,
    language_reason,
    route,
    routing_reason_text,
)

ALMATY = Point(43.2525, 76.9115)
ASTANA = Point(51.1801, 71.446)
KARAGANDA = Point(49.8019, 73.1021)
ATYRAU = Point(47.1048, 51.8843)
AKTAU = Point(43.6611, 51.1739)
KOKSHETAU = Point(53.2841, 69.3936)


def centre(centre_id, region, location, services=("prior_art_search",), queue=0, active=True):
    return Candidate(centre_id, region, location, frozenset(services), queue, active)


NETWORK = [
    centre(1, "KZ-75", ALMATY),
    centre(2, "KZ-71", ASTANA, services=("prior_art_search", "freedom_to_operate")),
    centre(3, "KZ-35", KARAGANDA),
    centre(4, "KZ-23", ATYRAU, services=("ip_consultation",)),
]


def test_the_inventors_chosen_centre_wins_when_it_offers_the_service():
    decision = route(NETWORK, "prior_art_search", "KZ-75", ALMATY, preferred_centre_id=3)
    assert (decision.centre_id, decision.rule) == (3, RoutingRule.PREFERRED)


def test_a_chosen_centre_without_the_service_is_refused_on_that_field():
    with pytest.raises(Invalid) as refusal:
        route(NETWORK, "freedom_to_operate", "KZ-75", ALMATY, preferred_centre_id=1)
    assert refusal.value.field == "preferred_centre"


def test_a_centre_in_the_inventors_region_comes_first():
    decision = route(NETWORK, "prior_art_search", "KZ-35", KARAGANDA)
    assert (decision.centre_id, decision.rule, decision.distance_km) == (
        3,
        RoutingRule.IN_REGION,
        None,
    )


def test_otherwise_the_nearest_centre_offering_the_service_with_its_distance():
    # Kokshetau to Astana by hand: Δlat 2.104°, Δlon 2.052° × cos 52.2° = 1.258°,
    # √(2.104² + 1.258²) = 2.451° × 111.2 km ≈ 273 km; Karaganda is about 440 km.
    decision = route(NETWORK, "prior_art_search", "KZ-11", KOKSHETAU)
    assert (decision.centre_id, decision.rule) == (2, RoutingRule.NEAREST)
    assert 270 <= decision.distance_km <= 276


def test_only_centres_offering_the_service_are_considered():
    # Aktau is nearest to Atyrau, which does not offer FTO: Astana is the only one.
    decision = route(NETWORK, "freedom_to_operate", "KZ-47", AKTAU)
    assert decision.centre_id == 2


def test_inactive_centres_are_skipped():
    network = [centre(1, "KZ-75", ALMATY, active=False), centre(3, "KZ-35", KARAGANDA)]
    assert route(network, "prior_art_search", "KZ-75", ALMATY).centre_id == 3


def test_ties_in_region_go_to_the_lighter_queue():
    network = [centre(5, "KZ-75", ALMATY, queue=7), centre(6, "KZ-75", ALMATY, queue=2)]
    assert route(network, "prior_art_search", "KZ-75", ALMATY).centre_id == 6


def test_equally_near_centres_go_to_the_lighter_queue():
    twin = Point(ASTANA.lat + 0.001, ASTANA.lon)  # about 110 m away
    network = [centre(7, "KZ-71", ASTANA, queue=9), centre(8, "KZ-71", twin, queue=1)]
    decision = route(network, "prior_art_search", "KZ-11", KOKSHETAU)
    assert decision.centre_id == 8


def test_no_centre_offering_the_service_is_a_clear_refusal():
    with pytest.raises(Invalid) as refusal:
        route(NETWORK, "training", "KZ-75", ALMATY)
    assert refusal.value.field == "service"


# --- the inventor's language ---------------------------------------------------------------

KK, RU, EN = frozenset({"kk"}), frozenset({"ru"}), frozenset({"en"})


def speaking(centre_id, region, location, languages, queue=0, services=("prior_art_search",)):
    return Candidate(centre_id, region, location, frozenset(services), queue, True, languages)


@pytest.mark.parametrize(
    ("network", "region", "origin", "language", "expected"),
    [
        # In the region, the centre that speaks the language wins over a lighter queue.
        ([speaking(1, "KZ-75", ALMATY, RU, queue=0), speaking(2, "KZ-75", ALMATY, KK, queue=9)],
         "KZ-75", ALMATY, "kk", (2, RoutingRule.IN_REGION, True)),
        # Several speak it: the lighter queue among them.
        ([speaking(1, "KZ-75", ALMATY, KK | RU, queue=5), speaking(2, "KZ-75", ALMATY, KK, queue=3),
          speaking(3, "KZ-75", ALMATY, RU, queue=0)],
         "KZ-75", ALMATY, "kk", (2, RoutingRule.IN_REGION, True)),
        # Nobody in the region speaks it: the region still wins over a speaker elsewhere,
        # and the reason says the language is not spoken.
        ([speaking(1, "KZ-75", ALMATY, RU), speaking(2, "KZ-71", ASTANA, EN)],
         "KZ-75", ALMATY, "en", (1, RoutingRule.IN_REGION, False)),
        # No centre in the region: the nearest, whatever it speaks.
        ([speaking(1, "KZ-71", ASTANA, RU), speaking(2, "KZ-75", ALMATY, EN)],
         "KZ-11", KOKSHETAU, "en", (1, RoutingRule.NEAREST, False)),
        # Equally near: the one that speaks the language, before the lighter queue.
        ([speaking(1, "KZ-71", ASTANA, RU, queue=0),
          speaking(2, "KZ-71", Point(ASTANA.lat + 0.001, ASTANA.lon), EN, queue=5)],
         "KZ-11", KOKSHETAU, "en", (2, RoutingRule.NEAREST, True)),
        # The inventor's own choice stands; whether it speaks the language is kept.
        ([speaking(1, "KZ-75", ALMATY, KK), speaking(2, "KZ-75", ALMATY, EN)],
         "KZ-75", ALMATY, "en", (1, RoutingRule.PREFERRED, False)),
        # No language asked: as before, and nothing said about languages.
        ([speaking(1, "KZ-75", ALMATY, RU, queue=4), speaking(2, "KZ-75", ALMATY, KK, queue=1)],
         "KZ-75", ALMATY, None, (2, RoutingRule.IN_REGION, None)),
    ],
)  # fmt: skip
def test_the_inventors_language_weighs_within_the_region(network, region, origin, language,
                                                         expected):  # fmt: skip
    preferred = 1 if expected[1] is RoutingRule.PREFERRED else None
    decision = route(network, "prior_art_search", region, origin, preferred, language)
    assert (decision.centre_id, decision.rule, decision.speaks_language) == expected


@pytest.mark.parametrize(
    ("rule", "speaks", "says"),
    [
        (RoutingRule.IN_REGION, True, "It works in your language"),
        (RoutingRule.IN_REGION, False, "no centre in your region offering the service lists it"),
        (RoutingRule.NEAREST, False, "no centre as near lists it"),
        (RoutingRule.PREFERRED, False, "is not among its languages."),
        (RoutingRule.NEAREST, None, None),
    ],
)
def test_the_reason_says_what_the_language_weighed(rule, speaks, says):
    reason = language_reason(rule, speaks)
    assert (reason is None) if says is None else (says in reason)


@pytest.mark.parametrize("rule", list(RoutingRule))
@pytest.mark.parametrize("speaks", [True, False, None])
def test_the_reason_told_to_the_office_is_about_the_inventor_never_to_you(rule, speaks):
    said = [routing_reason_text(rule, to_inventor=False),
            language_reason(rule, speaks, to_inventor=False) or ""]  # fmt: skip
    for sentence in said:
        assert not {"you", "your"} & set(sentence.lower().replace(".", " ").split()), sentence
    if rule is not RoutingRule.NEAREST:
        assert "the inventor" in said[0]
    if speaks is not None:
        assert said[1].startswith(("It works in the inventor's", "The inventor's language"))
    assert said[0] != routing_reason_text(rule)  # a msgid of its own, translated apart
