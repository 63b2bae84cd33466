"""Links built for pages: links that keep a page's query."""

from flask import url_for

from tisc.web.navigation import with_query


def test_with_query_keeps_the_filters_and_drops_what_url_for_reads(app):
    query = "/desk?status=all&after=x&endpoint=y&_external=1&_anchor=z&q=%D0%B0"
    with app.test_request_context(query):
        assert with_query("desk.queue", after=None, before="c") == url_for(
            "desk.queue", status="all", q="а", before="c"
        )
