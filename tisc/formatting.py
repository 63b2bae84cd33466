"""Saying things in the reader's language: labels, localized names, dates and reasons.

Pages and e-mails both use these (each inside its own Flask-Babel locale),
so they live outside ``tisc/web``. Catalogue labels are translated once per
language and Babel's date patterns parsed once per locale and zone, kept in
:mod:`tisc.caching`.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from babel import dates, numbers, support
from flask_babel import (
    format_decimal,
    get_domain,
    get_locale,
    get_timezone,
    gettext,
    ngettext,
)
from markupsafe import Markup, escape

from tisc.caching import Cache
from tisc.domain import audit, collation, localized, workflow
from tisc.domain.calendar import due_day
from tisc.domain.catalogue import (
    CENTRE_STATUS_LABELS,
    EVENT_AUDIENCE_LABELS,
    EVENT_FORMAT_LABELS,
    IP_RIGHT_LABELS,
    LANGUAGE_LABELS,
    OUTCOME_LABELS,
    PATENT_OFFICE_LABELS,
    REQUESTER_CATEGORY_LABELS,
    ROLE_LABELS,
    SERVICE_DESCRIPTIONS,
    SERVICE_LABELS,
    CentreStatus,
    EventAudience,
    EventFormat,
    IpRight,
    Language,
    Outcome,
    PatentOffice,
    RequesterCategory,
    Role,
    Service,
)
from tisc.domain.devices import device_of
from tisc.domain.errors import DomainError
from tisc.domain.notifications import KIND_NAMES, Kind
from tisc.domain.routing import RoutingRule, language_reason, routing_reason_text
from tisc.domain.workflow import (
    ACTION_LABELS_TO_INVENTOR,
    SPECS,
    STATUS_LABELS,
    STATUS_LABELS_TO_INVENTOR,
    Action,
    Status,
)


def in_locale(thing, attribute: str = "names") -> str:
    """A trilingual value (a model's ``names()``, ``descriptions()`` …) in the reader's language."""
    if thing is None:
        return ""
    return pick_text(getattr(thing, attribute)())


def pick_text(values: dict[str, str]) -> str:
    """The text of a ``{"kk": …, "ru": …, "en": …}`` mapping in the reader's language."""
    return localized.pick(values, str(get_locale()))


def in_locale_marked(thing, attribute: str = "names") -> Markup:
    """:func:`in_locale` as HTML, marked with its language when it is not the page's."""
    return pick_marked(getattr(thing, attribute)()) if thing is not None else Markup("")


def isolated(name: str) -> Markup:
    """A person's name escaped inside a ``<bdi>``: a right-to-left name leaves the words
    after it on the line in their order. Here and below, ``escape`` and an f-string rather
    than ``Markup.format``, whose formatter cost a 200-event timeline 8 M instructions."""
    return Markup(f"<bdi>{escape(name)}</bdi>")


# A domain this long at most is kept on one line (every real one is shorter); a longer one
# may still break where the browser finds room, rather than push its column wider.
WHOLE_DOMAIN = 30


def address_breaks(email: str) -> Markup:
    """An e-mail address escaped, that may break after its ``@`` where a column is too
    narrow (``staff.karaganda@`` / ``tisc-demo.kz``), rather than inside a word or at the
    hyphen of its domain (``staff.karaganda@tisc-`` / ``demo.kz``)."""
    local, at, domain = email.rpartition("@")
    if not at:
        return escape(email)
    shown = escape(domain)
    if len(domain) <= WHOLE_DOMAIN:
        shown = f'<span class="nowrap">{shown}</span>'
    return Markup(f"{escape(local)}@<wbr>{shown}")


def pick_marked(values: dict[str, str]) -> Markup:
    """:func:`pick_text` as HTML: a Russian address on a Kazakh page is read by a Russian
    voice (``<span lang="ru">``). For page text only, never an attribute's value."""
    locale = str(get_locale())
    text, language = localized.pick_with_language(values, locale)
    if language and language != locale:
        return Markup(f'<span lang="{escape(language)}">{escape(text)}</span>')
    return escape(text)


def by_name(items, name=lambda item: item) -> list:
    """``items`` sorted by ``name(item)`` in the reader's alphabet (Қ after К in Kazakh)."""
    return collation.sorted_by_name(items, name, str(get_locale()))


@dataclass(frozen=True)
class Labels:
    """The catalogue's labels in one language."""

    service: dict[str, str]
    status: dict[str, str]
    status_to_inventor: dict[str, str]
    action: dict[str, str]
    action_to_inventor: dict[str, str]
    outcome: dict[str, str]
    event_format: dict[str, str]
    audience: dict[str, str]


_labels: Cache[Labels] = Cache(size=8)


def labels() -> Labels:
    return _labels.get(str(get_locale()), lambda: _labels_from(gettext))


@cache
def labels_apart(language: str) -> Labels:
    """:func:`labels` in ``language``, for what names every code in every language (the
    API's ``/labels`` and ``/services``, the directory's search by a service's name). Read
    once per process from the catalogue, which is not kept in Flask-Babel's cache: a worker
    then holds the catalogues of the languages its pages are shown in (0.5-0.7 MB each),
    not of every language it once named a code in."""
    domain = get_domain()
    catalogue = support.Translations()
    for directory in domain.translation_directories:
        catalogue.merge(support.Translations.load(directory, [language], domain.domain[0]))
    return _labels_from(catalogue.ugettext)


def _labels_from(translate) -> Labels:
    return Labels(
        {s.value: translate(text) for s, text in SERVICE_LABELS.items()},
        {s.value: translate(text) for s, text in STATUS_LABELS.items()},
        {s.value: translate(text) for s, text in STATUS_LABELS_TO_INVENTOR.items()},
        {a.value: translate(spec.label) for a, spec in SPECS.items()},
        {
            a.value: translate(ACTION_LABELS_TO_INVENTOR.get(a, spec.label))
            for a, spec in SPECS.items()
        },
        {o.value: translate(text) for o, text in OUTCOME_LABELS.items()},
        {f.value: translate(text) for f, text in EVENT_FORMAT_LABELS.items()},
        {a.value: translate(text) for a, text in EVENT_AUDIENCE_LABELS.items()},
    )


_list_words: Cache[dict[str, str]] = Cache(size=8)


def list_words() -> dict[str, str]:
    """The words every row of a list repeats - its columns' names, which the phone layout
    shows beside each value, and its marks - translated once per language: a row
    rendered on its own would otherwise look each of them up again."""
    return _list_words.get(
        str(get_locale()),
        lambda: {
            "reference": gettext("Reference"),
            "title": gettext("Title"),
            "service": gettext("Service"),
            "status": gettext("Status"),
            "assignee": gettext("Assignee"),
            "centre": gettext("Centre"),
            "region": gettext("Region"),
            "submitted": gettext("Submitted"),
            "due": gettext("Due"),
            "outcome": gettext("Outcome"),
            # Not "New": an old request with a new message is marked too.
            "unread": gettext("Unread"),
            "unread_means": gettext("changed since you last opened it"),
            "possible_duplicate": gettext("Possible duplicate"),
            "question_after_completion": gettext("Question after completion"),
        },
    )


def service_label(value) -> str:
    return labels().service[Service(value).value]


def service_description(value) -> str:
    return gettext(SERVICE_DESCRIPTIONS[Service(value)])


def status_label(value, to_inventor: bool = False) -> str:
    """A status's name; ``to_inventor``: as said to the inventor of the request."""
    said = labels().status_to_inventor if to_inventor else labels().status
    return said[Status(value).value]


def action_label(value) -> str:
    return labels().action[Action(value).value]


def outcome_label(value) -> str:
    return labels().outcome[Outcome(value).value]


def category_label(value) -> str:
    """A requester category; requests from before categories were asked say so."""
    if not value or value == "unknown":
        return gettext("Not recorded")
    return gettext(REQUESTER_CATEGORY_LABELS[RequesterCategory(value)])


def category_choices() -> list[tuple[str, str]]:
    return [(c.value, gettext(text)) for c, text in REQUESTER_CATEGORY_LABELS.items()]


def ip_right_label(value) -> str:
    return gettext(IP_RIGHT_LABELS[IpRight(value)])


def office_label(value) -> str:
    return gettext(PATENT_OFFICE_LABELS[PatentOffice(value)])


def event_format_label(value) -> str:
    return labels().event_format[EventFormat(value).value]


def audience_label(value) -> str:
    return labels().audience[EventAudience(value).value]


def month_label(month: int, long: bool = False) -> str:
    """``YYYYMM`` as the reader says it, e.g. "Mar 2026", "март 2026 г.", "2026 ж. нау."."""
    locale = get_locale()

    def build() -> str:
        moment = date(month // 100, month % 100, 1)
        return dates.format_skeleton("yMMMM" if long else "yMMM", moment, locale=locale)

    return _months.get((str(locale), month, long), build)


_months: Cache[str] = Cache(size=2048)


def centre_status_label(value) -> str:
    return gettext(CENTRE_STATUS_LABELS[CentreStatus(value)])


def role_label(value) -> str:
    return gettext(ROLE_LABELS[Role(value)])


def language_label(value) -> str:
    return gettext(LANGUAGE_LABELS[Language(value)])


def mail_kind_label(value: str) -> str:
    """An e-mail's kind by its name; a code no longer known (an old row's) as it is."""
    try:
        return gettext(KIND_NAMES[Kind(value)])
    except ValueError:
        return value


def device_label(user_agent: str | None) -> str:
    """A session's browser and system as people say them ("Chrome on Linux"), else
    whichever of the two is known, else "Unknown device"."""
    device = device_of(user_agent or "")
    if device.browser and device.system:
        return gettext("%(browser)s on %(system)s", browser=device.browser, system=device.system)
    return device.browser or device.system or gettext("Unknown device")


# The audit trail's recorded values that are codes, and how a reader says them.
_RECORDED_LABELS = {
    "role": role_label,
    "status": centre_status_label,
    "services": service_label,
    "languages": language_label,
    "service": service_label,
    "action": lambda action: gettext(audit.ACTIONS[action]),
}


@dataclass(frozen=True)
class RecordedNames:
    """The names the audit trail's recorded ids and codes stand for, in the reader's
    language: towns and centres by id, centres by slug (a staff member's centre), regions
    by code."""

    cities: Mapping[int, str] = field(default_factory=dict)
    centres: Mapping[int, str] = field(default_factory=dict)
    regions: Mapping[str, str] = field(default_factory=dict)
    centre_slugs: Mapping[str, str] = field(default_factory=dict)


def recorded_field(key: str, target: str = "") -> str:
    """A key the audit trail recorded (on ``target``, the entry's), as a reader names it
    ("Keep me signed in on this device", "Address (Kazakh)"); a key it has no label for,
    as kept."""
    label, language = audit.field_and_language(key, target)
    if label == key:
        return key
    if language is None:
        return gettext(label)
    return gettext(
        "%(field)s (%(language)s)", field=gettext(label), language=language_label(language)
    )


def recorded(value, key: str, names: RecordedNames | None = None, within: str = "") -> str:
    """A value the audit trail recorded under ``key``, as a reader says it: codes as
    their labels, a town, centre or region by its name, a day as the pages write it, lists
    joined, yes or no, "∅" for nothing; a list's filters (``within="filters"``) by their
    labels, none of them as the whole list; a value with no label (a code of another
    kind, a name, an address) as it was kept."""
    names = names or RecordedNames()
    if key == "filters" and value == {}:
        return gettext("None (the whole list)")
    if _is_nothing(value):
        return "∅"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, list):
        return ", ".join(recorded(item, key, names, within) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{recorded_field(name)}: {recorded(item, name, names, key)}"
                         for name, item in value.items())  # fmt: skip
    if within == "filters" and (words := audit.FILTER_VALUES.get(key)) and value in words:
        return gettext(words[value])
    if within == "filters" and key == "status":
        label = _label_or_none(status_label, value)
        return label if label is not None else str(value)
    for codes, wanted in ((names.cities, "city_id"), (names.centres, "centre_id"),
                          (names.regions, "region_code"),
                          (names.centre_slugs, "centre")):  # fmt: skip
        if key == wanted and value in codes:
            return codes[value]
    if (moment := audit.recorded_day(key, value)) is not None:
        return day(moment)
    if (label := _RECORDED_LABELS.get(key)) is not None:
        return _label_or_none(label, value) or str(value)
    return str(value)


def _label_or_none(label, value) -> str | None:
    try:
        return label(value)
    except (KeyError, ValueError):
        return None


def _is_nothing(value) -> bool:
    return value is None or value == "" or value == []


class RecordedChange(NamedTuple):
    """One field of an audit entry's change, as a reader says it. ``was`` and ``now``: the
    value before and after, None where the entry has none on that side. ``added`` and
    ``removed``: for a list on both sides (a centre's services), the values it gained and
    lost, None for none; said instead of both whole lists."""

    label: str
    was: str | None
    now: str | None
    added: str | None = None
    removed: str | None = None

    @property
    def of_a_list(self) -> bool:
        return self.added is not None or self.removed is not None


def recorded_changes(
    before: dict | None, after: dict | None, names: RecordedNames, target: str = ""
) -> list[RecordedChange]:
    """An entry's change, key by key (the keys of ``before``, then those only ``after``
    has). A value recorded once (a creation, a count) is no change from nothing: it has
    no value before. A key with nothing on either side is left out: a creation shows the
    fields that were set."""
    before, after = before or {}, after or {}
    keys = [*before, *(key for key in after if key not in before)]
    return [
        _recorded_change(key, before, after, names, target)
        for key in keys
        if not (_is_nothing(before.get(key)) and _is_nothing(after.get(key)))
    ]


def _recorded_change(
    key: str, before: dict, after: dict, names: RecordedNames, target: str
) -> RecordedChange:
    change = RecordedChange(
        recorded_field(key, target),
        recorded(before[key], key, names) if key in before else None,
        recorded(after[key], key, names) if key in after else None,
    )
    if (listed := audit.list_change(before.get(key), after.get(key))) is None:
        return change
    added, removed = (recorded(values, key, names) if values else None for values in listed)
    return change._replace(added=added, removed=removed)


def change_said(change: RecordedChange) -> str:
    """A field's change on one line of text (the CSV's): "before → after", or what a list
    gained and lost ("added Training; removed Prior-art search")."""
    if not change.of_a_list:
        return " → ".join(value for value in (change.was, change.now) if value is not None)
    said = []
    if change.added:
        said.append(gettext("added %(values)s", values=change.added))
    if change.removed:
        said.append(gettext("removed %(values)s", values=change.removed))
    return "; ".join(said)


def routing_reason(service_request, to_inventor: bool = True) -> str:
    """Why the request went where it did when it was submitted, in the reader's language,
    with what the inventor's language weighed; said to the inventor ("your region"), or
    ``to_inventor=False`` of them to the national office ("the inventor's region")."""
    rule = RoutingRule(service_request.routing_rule)
    reason = gettext(
        routing_reason_text(rule, to_inventor=to_inventor),
        service=service_label(service_request.service),
        km=service_request.routing_distance_km or 0,
    )
    speaks = getattr(service_request, "routing_speaks_language", None)
    language = language_reason(rule, speaks, to_inventor=to_inventor)
    if language is None:
        return reason
    return (
        f"{reason} {gettext(language, language=language_label(service_request.preferred_language))}"
    )


def handled_reason(service_request, timeline, to_inventor: bool = True) -> str:
    """Why the request is where it is now: its last transfer - from where, by whom and
    why - or, never transferred, the routing reason (which the timeline keeps anyway),
    said to the inventor or of them (:func:`routing_reason`)."""
    moved = next((e for e in reversed(timeline) if e.action is Action.TRANSFER), None)
    if moved is None:
        return routing_reason(service_request, to_inventor)
    return gettext(
        "Transferred from %(centre)s by %(name)s on %(date)s: “%(reason)s”",
        centre=pick_text(moved.from_centre or {}),
        name=moved.actor_name or gettext("the national office"),
        date=day(moved.created_at),
        reason=moved.text,
    )


# Lists' dates, day first as read in Kazakhstan (Babel's English "short" is American).
# All digits, so strftime writes them as Babel would, several times faster.
SHORT_DATES = {"kk": "%d.%m.%Y", "ru": "%d.%m.%Y", "en": "%d/%m/%Y"}
# The other dates and times in English follow the same order, and a 24-hour clock, as
# British English writes them ("28 Dec 2026, 15:00"), not American ("Dec 28, 2026, 3:00 PM").
DATE_PATTERNS_OF = {"en": "en_GB"}


class Clock:
    """Dates for one locale and time zone, with Babel's patterns parsed once.

    Long tables and timelines format hundreds of dates; Babel's ``format_*``
    look the locale up and parse the pattern on every call.
    """

    def __init__(self, locale, zone):
        self.locale, self.zone = locale, zone
        patterns = DATE_PATTERNS_OF.get(str(locale), locale)
        self.date_pattern = dates.parse_pattern(dates.get_date_format("medium", locale=patterns))
        self.time_pattern = dates.parse_pattern(dates.get_time_format("short", locale=patterns))
        self.joined = dates.get_datetime_format("medium", locale=patterns)
        self.short_format = SHORT_DATES.get(str(locale), "%d.%m.%Y")

    def day(self, moment: date | datetime) -> str:
        if isinstance(moment, datetime):
            moment = moment.astimezone(self.zone)
        return self.date_pattern.apply(moment, self.locale)

    def short(self, moment: date | datetime) -> str:
        """A list's date: all digits, day first, the year whole (``02.12.2026``)."""
        if isinstance(moment, datetime):
            moment = moment.astimezone(self.zone)
        return moment.strftime(self.short_format)

    def due(self, due_at: datetime) -> str:
        """A due date, in full (see :func:`due_day`)."""
        return self.day(due_day(due_at, self.zone))

    def due_short(self, due_at: datetime) -> str:
        """A due date in a list (see :func:`due_day`)."""
        return self.short(due_day(due_at, self.zone))

    def when(self, moment: datetime) -> str:
        local = moment.astimezone(self.zone)
        return self.joined.replace("{1}", self.date_pattern.apply(local, self.locale)).replace(
            "{0}", self.time_pattern.apply(local, self.locale)
        )


_clocks: Cache[Clock] = Cache(size=16)


def clock() -> Clock:
    locale, zone = get_locale(), get_timezone()
    # zoneinfo rather than Flask-Babel's pytz zone: a list converts fifty dates, and
    # pytz's conversion, in Python, was a tenth of a desk page's rendering.
    return _clocks.get((str(locale), str(zone)), lambda: Clock(locale, ZoneInfo(str(zone))))


class Numbers:
    """Numbers for one locale, formatted without Babel's per-call pattern parsing: the
    dashboards show a thousand of them."""

    def __init__(self, locale):
        self.group = numbers.get_group_symbol(locale)
        self.decimal = numbers.get_decimal_symbol(locale)
        pattern = locale.percent_formats[None].pattern
        self.percent_suffix = pattern[pattern.rindex("0") + 1 :]

    def whole(self, value) -> str:
        """1234 → "1 234" / "1,234"; None → "—"."""
        if value is None:
            return "—"
        return f"{round(value):,}".replace(",", self.group)

    def one_decimal(self, value) -> str:
        """4.5 → "4,5"; 4.0 → "4"."""
        if value is None:
            return "—"
        return self._localised(f"{value:,.1f}".removesuffix(".0"))

    def two_decimals(self, value) -> str:
        """0.0626 → "0,06"; 0 → "0,00": the rates per 100,000 people, written alike by the
        dashboard and the coverage page (one decimal made 0.06 and 0.14 both 0.1)."""
        if value is None:
            return "—"
        return self._localised(f"{value:,.2f}")

    def _localised(self, text: str) -> str:
        """Python's "1,234.5" in the locale's symbols ("1 234,5")."""
        return text.replace(",", "\x00").replace(".", self.decimal).replace("\x00", self.group)

    def rating(self, value) -> str:
        """3.4567 → "3,5" (always one decimal)."""
        if value is None:
            return "—"
        return f"{value:.1f}".replace(".", self.decimal)

    def percent(self, share) -> str:
        """0.123 → "12%" / "12 %"."""
        if share is None:
            return "—"
        return self.whole(share * 100) + self.percent_suffix


_numbers: Cache[Numbers] = Cache(size=8)


def number_format() -> Numbers:
    locale = get_locale()
    return _numbers.get(str(locale), lambda: Numbers(locale))


def file_size(size: int) -> str:
    """A file's size in the reader's numbers and units: "0,6 КБ", "2.4 MB"."""
    numbers, kib = number_format(), size / 1024
    if kib < 1024:
        # A file of a few bytes is not "0 KB": it holds something.
        return gettext("%(size)s KB", size=numbers.one_decimal(max(kib, 0.1) if size else 0))
    return gettext("%(size)s MB", size=numbers.one_decimal(kib / 1024))


def when(moment: datetime | None) -> str:
    return clock().when(moment) if moment else ""


def in_time(seconds: int) -> str:
    """A wait from now in the reader's words: "in 58 minutes", "через 58 минут",
    "58 минуттан кейін" (never rounded up to the next unit)."""
    return dates.format_timedelta(
        timedelta(seconds=seconds), threshold=1, add_direction=True, locale=get_locale()
    )


def day(moment: date | datetime | None) -> str:
    return clock().day(moment) if moment else ""


def due(due_at: datetime | None) -> str:
    """The day a request is due (a moment at midnight ends the day before)."""
    return clock().due(due_at) if due_at else ""


def lower_first(label: str) -> str:
    """A button's label inside a sentence: "Withdraw request" in "Yes, withdraw request"."""
    return label[:1].lower() + label[1:]


def one_full_stop(sentence: str) -> str:
    """A date ending in an abbreviation (``2 дек. 2026 г.``, ``2026 ж.``) at the end of a
    sentence: one full stop, not two. A translated sentence stays markup (its values are
    escaped already), else a page would escape them a second time."""
    mended = _DOUBLE_STOP.sub(".", sentence)
    return Markup(mended) if isinstance(sentence, Markup) else mended


_DOUBLE_STOP = re.compile(r"(?<=\w)\.\.(?=\s|$)")


def is_overdue(service_request) -> bool:
    return workflow.is_overdue(service_request.status, service_request.due_at, datetime.now(UTC))


def _in_words(value):
    if isinstance(value, Status):
        return status_label(value)
    if isinstance(value, Decimal):
        return format_decimal(value)
    return value


def explain(error: DomainError) -> str:
    """A domain error's message in the reader's language (a status it names, and a number
    as the reader writes it: "0,25" in kk and ru)."""
    params = {key: _in_words(value) for key, value in error.params.items()}
    if error.plural:
        number = params.pop("num")
        return ngettext(error.message, error.plural, number, **params)
    return gettext(error.message, **params)
