"""Which TISCs were in the network at the end of a year, from what is recorded of each centre.

WIPO's report for a year counts the network as it stood when the year ended (for the year
under way: now), so a report made again later says the same, whatever centres were added,
planned or suspended since:

- **active**: a TISC active at that moment that had joined by then (its join date on or
  before that day);
- **planned**: a TISC planned at that moment that was on record by then.

A centre's status at a moment is read from its recorded changes of status (the audit
trail keeps every one: creation, edits, suspension, reactivation): the status the last
change before that moment left; before its first change, the status that change started
from (for a centre created in the app, the one it was created with). A centre whose status
never changed has had its present status throughout.

A centre whose join date is not recorded (the partner centres loaded from the data files)
counts from the day its record was added to this app: nothing earlier is known of it, and
counting it in every year would make last year's report change whenever such a centre is
added today.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from tisc.domain.catalogue import CentreKind, CentreStatus


@dataclass(frozen=True)
class StatusChange:
    at: datetime
    before: CentreStatus | None  # None: the centre's record was created with ``after``
    after: CentreStatus


@dataclass(frozen=True)
class CentreRecord:
    """What is recorded of one centre: its status now and its changes, oldest first."""

    slug: str
    kind: CentreKind
    status: CentreStatus
    joined_on: date | None
    added_on: date  # the day its record was created, in the network's time zone
    changes: tuple[StatusChange, ...] = ()

    def status_at(self, moment: datetime) -> CentreStatus:
        """The status the centre had at ``moment``."""
        before = [change for change in self.changes if change.at < moment]
        if before:
            return before[-1].after
        if self.changes:
            first = self.changes[0]
            return first.after if first.before is None else first.before
        return self.status

    def joined_by(self, day: date) -> bool:
        return (self.joined_on or self.added_on) <= day

    def on_record_by(self, day: date) -> bool:
        """Known to the network by ``day``: added to this app, or joined, by then (a
        planned centre's join date may still lie ahead)."""
        return self.added_on <= day or (self.joined_on is not None and self.joined_on <= day)


@dataclass(frozen=True)
class Census:
    active: int = 0
    planned: int = 0


def census(records: Iterable[CentreRecord], moment: datetime, day: date) -> Census:
    """The TISCs active and planned at ``moment`` (the end of a year, or now), ``day`` being
    its date in the network's time zone (the year's last day, or today)."""
    active = planned = 0
    for record in records:
        if record.kind is not CentreKind.TISC:
            continue
        status = record.status_at(moment)
        if status is CentreStatus.ACTIVE and record.joined_by(day):
            active += 1
        elif status is CentreStatus.PLANNED and record.on_record_by(day):
            planned += 1
    return Census(active, planned)
