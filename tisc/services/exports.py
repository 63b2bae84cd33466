"""Tables out of the application: CSV streamed row by row, XLSX written in constant memory.

Both take rows from an iterator (the lists read them in keyset batches), so
a million rows never sit in memory at once. In CSV every text cell that a
spreadsheet would take for a formula (it begins with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) is neutralised with a leading
apostrophe. XLSX text is written as a text cell, which is never a formula,
so it keeps the exact text.
"""

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from itertools import chain

from tisc.domain.catalogue import Role
from tisc.models import User
from tisc.services import audit
from tisc.services.unit_of_work import use_case

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_ROWS = 1_048_576  # a worksheet's limit, its header row included
SHEET_NAME_MAX = 31  # Excel's limit
CHUNK = 64 * 1024
# A column's width in a worksheet, in characters: its longest value's (or header's) and
# two more, never narrower than Excel's own default, nor so wide that a long title pushes
# the other columns off the screen (the outcomes of WIPO's report, 64 characters, fit).
NARROWEST, WIDEST = 10, 70
DATE_LENGTH = len("yyyy-mm-dd")
NUMBER_LENGTH = 11  # Excel's "General" shows at most about this many characters
_CLOSING = object()  # between a table's rows and its closing rows, as xlsx_file reads them


def neutralise(value):
    """A CSV cell's value as safe to open in a spreadsheet: text that could start a
    formula gets a leading apostrophe; numbers and dates are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass
class Table:
    """A titled table: its title, column headers and rows (any iterable), the name of its
    worksheet when the title may not fit one, and the rows that close it (a total)."""

    title: str
    headers: list[str]
    rows: Iterable[list]
    sheet: str = ""  # at most SHEET_NAME_MAX characters, in every language
    # Rows that sum up the ones above (a total): after them, and outside a sheet's
    # autofilter, so that sorting never moves a total in among the rows it adds up.
    closing: list[list] = field(default_factory=list)


def csv_lines(table: Table) -> Iterator[str]:
    """The table as CSV, a chunk of lines at a time (UTF-8 with a BOM for Excel)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([neutralise(h) for h in table.headers])
    for count, row in enumerate(chain(table.rows, table.closing), start=1):
        writer.writerow([_csv_value(neutralise(value)) for value in row])
        if count % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def xlsx_file(tables: list[Table], title: str = "") -> str:
    """Write the tables, one sheet each, to a temporary file; its path (the caller removes
    it). ``constant_memory`` flushes every row to disk as it is written; a table longer than
    a sheet continues on the next. A ``title`` (a report's: what, whose and when) heads
    every sheet in a row above the headers and is the document's title, so that a renamed
    copy still says what it holds. Each column is as wide as its longest value or header
    (:data:`NARROWEST` to :data:`WIDEST` characters), measured as the rows are written."""
    import xlsxwriter  # some 13 MB that only an XLSX download needs, not every web worker

    handle, path = tempfile.mkstemp(suffix=".xlsx", prefix="tisc-")
    os.close(handle)
    workbook = xlsxwriter.Workbook(
        path,
        {"constant_memory": True, "tmpdir": tempfile.gettempdir(), "strings_to_formulas": False},
    )
    if title:
        workbook.set_properties({"title": title})
    bold = workbook.add_format({"bold": True})
    dated = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for table in tables:
        sheet, first = _sheet(workbook, table, bold, 1, title)
        number, row_index = 1, first
        longest = [len(str(header)) for header in table.headers]
        filtered = None  # where the closing rows begin: the autofilter stops above them
        for row in chain(table.rows, [_CLOSING], table.closing):
            if row is _CLOSING:
                filtered = row_index
                continue
            if row_index >= XLSX_MAX_ROWS:
                _finish(sheet, table, first, filtered or row_index, longest)
                number += 1
                sheet, row_index = _sheet(workbook, table, bold, number, title)
                filtered = filtered and row_index
            for column, value in enumerate(row):
                length = _write(sheet, row_index, column, value, dated)
                if column >= len(longest):
                    longest.append(0)
                if length > longest[column]:
                    longest[column] = length
            row_index += 1
        _finish(sheet, table, first, filtered, longest)
    workbook.close()
    return path


def _sheet(workbook, table: Table, bold, number: int, title: str = "") -> tuple[object, int]:
    """A new sheet with the ``title`` row (if any) and the headers; the row its data starts on."""
    # A title cut at the limit would end mid-word: a table whose title may be longer
    # (in some language) names its sheet itself; the cut only keeps a long one openable.
    name = table.sheet or table.title
    name = name[:SHEET_NAME_MAX] if number == 1 else f"{name[: SHEET_NAME_MAX - 7]} ({number})"
    for forbidden in "[]:*?/\\":
        name = name.replace(forbidden, " ")
    sheet = workbook.add_worksheet(name)
    top = 0
    if title:
        sheet.write_string(0, 0, title, bold)  # spills over the empty cells beside it
        top = 1
    for column, header in enumerate(table.headers):
        sheet.write_string(top, column, str(header), bold)
    sheet.freeze_panes(top + 1, 0)  # the headers stay in view
    return sheet, top + 1


def _finish(sheet, table: Table, first: int, rows: int, longest: list[int]) -> None:
    """Columns as wide as their ``longest`` values (a sheet's widths are written when the
    workbook is closed, so they may be set after its rows), and an autofilter over the
    headers (the row above ``first``, the data's first row) and the rows written before
    ``rows``."""
    for column, length in enumerate(longest):
        sheet.set_column(column, column, min(WIDEST, max(NARROWEST, length + 2)))
    if table.headers:
        sheet.autofilter(first - 1, 0, max(rows - 1, first - 1), len(table.headers) - 1)


def _write(sheet, row: int, column: int, value, dated) -> int:
    """Write a cell; about how many characters it shows (a text's longest line)."""
    if value is None:
        sheet.write_blank(row, column, None)
        return 0
    if isinstance(value, bool):
        sheet.write_boolean(row, column, value)
        return len("FALSE")
    if isinstance(value, int | float | Decimal):
        sheet.write_number(row, column, float(value))
        return min(len(str(value)), NUMBER_LENGTH)
    if isinstance(value, datetime):
        sheet.write_datetime(row, column, value.replace(tzinfo=None), dated)
        return DATE_LENGTH
    if isinstance(value, date):
        sheet.write_datetime(row, column, datetime(value.year, value.month, value.day), dated)
        return DATE_LENGTH
    text = str(value)
    sheet.write_string(row, column, text)  # a text cell: never a formula
    return max(map(len, text.splitlines())) if "\n" in text else len(text)


def stream_file(path: str) -> Iterator[bytes]:
    """A file's bytes in chunks; the file is removed once read (or abandoned)."""
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(CHUNK):
                yield chunk
    finally:
        os.unlink(path)


@use_case
def note_download(user: User, what: str, details: dict) -> None:
    """Record in the audit trail who downloaded which export or report (``what``: e.g.
    ``office.csv``, ``wipo.xlsx``), with its filters."""
    if user.role is Role.INVENTOR:
        return
    action = "report.downloaded" if what.startswith("wipo") else "export.downloaded"
    audit.record(action, user.id, what, after=details)
