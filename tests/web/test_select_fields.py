"""Select fields check a submitted value by lookup in their options, not by walking them."""

import pytest
import wtforms
from flask import Flask
from flask_babel import Babel
from werkzeug.datastructures import MultiDict

from tisc.forms import Form, SelectField, options


class PickForm(Form):
    class Meta:
        csrf = False

    centre = SelectField("Centre")
    city = SelectField("City", coerce=int)


CENTRES = options([("", "Any")] + [(str(n), f"Centre {n}") for n in range(2000)])
CITIES = options([(n, f"City {n}") for n in range(1, 4)])


def _form(**data) -> PickForm:
    form = PickForm(MultiDict(data))
    form.centre.choices, form.city.choices = CENTRES, CITIES
    return form


@pytest.fixture
def page():
    """A request of a bare Flask app with Babel: the fields need no database."""
    app = Flask(__name__)
    Babel(app)
    with app.test_request_context("/"):
        yield


@pytest.fixture
def no_walking(monkeypatch):
    """WTForms' own check walks every choice; these fields must not."""

    def walk(self):
        raise AssertionError("the choices were walked to check one value")

    monkeypatch.setattr(wtforms.SelectField, "_iter_choices_normalized", walk)


def test_a_listed_value_is_accepted_without_walking_the_list(page, no_walking):
    form = _form(centre="1999", city="2")
    assert form.validate(), form.errors
    assert (form.centre.data, form.city.data) == ("1999", 2)


@pytest.mark.parametrize(("centre", "city"), [("2000", "2"), ("1", "4"), ("x", "1")])
def test_a_value_not_listed_is_refused_with_the_field_named(page, no_walking, centre, city):
    form = _form(centre=centre, city=city)
    assert not form.validate()
    bad = {"centre"} if centre in {"2000", "x"} else {"city"}
    assert set(form.errors) == bad
    assert form.errors[bad.pop()] == ["Not a valid choice."]


def test_a_value_that_cannot_be_coerced_is_a_form_error(page):
    form = _form(centre="", city="two")
    assert not form.validate()
    assert list(form.errors) == ["city"]


def test_plain_lists_keep_wtforms_own_check(page):
    form = PickForm(MultiDict({"centre": "b", "city": "1"}))
    form.centre.choices, form.city.choices = [("a", "A")], [(1, "One")]
    assert not form.validate()
    assert list(form.errors) == ["centre"]


def test_the_lookup_set_is_made_once_per_list():
    assert CENTRES.values_as(str) is CENTRES.values_as(str)
    assert CITIES.values_as(int) == frozenset({1, 2, 3})
