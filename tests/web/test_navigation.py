"""Links built for pages: a list's row links, and links that keep a page's query."""

import pytest
from flask import url_for

from tisc.web.navigation import row_links, with_query


@pytest.mark.parametrize("reference", ["TISC-2026-00042", "a b/c?d#e"])
def test_row_links_are_url_for_s_own(app, reference):
    with app.test_request_context("/desk"):
        link = row_links("requests.detail", "reference")
        assert link(reference) == url_for("requests.detail", reference=reference)


def test_row_links_refuse_a_part_that_is_not_the_route_s_last(app):
    with app.test_request_context("/desk"), pytest.raises(ValueError):
        row_links("desk.queue", "reference")  # no such part: it would go in the query


def test_with_query_keeps_the_filters_and_drops_what_url_for_reads(app):
    query = "/desk?status=all&after=x&endpoint=y&_external=1&_anchor=z&q=%D0%B0"
    with app.test_request_context(query):
        assert with_query("desk.queue", after=None, before="c") == url_for(
            "desk.queue", status="all", q="а", before="c"
        )
