"""CSV and XLSX files of a table, alone: closing rows (a total) after the rows they add up."""

import io
import os
import re
import zipfile

from tisc.services import exports
from tisc.services.exports import Table


def sheets(path: str) -> list[str]:
    with open(path, "rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as workbook:
        names = sorted(n for n in workbook.namelist() if n.startswith("xl/worksheets/sheet"))
        return [workbook.read(name).decode() for name in names]


def test_a_total_closes_the_csv():
    table = Table("T", ["Service", "Received"], [["b", 2], ["a", 1]], closing=[["Total", 3]])
    assert "".join(exports.csv_lines(table)).splitlines() == [
        "\ufeffService,Received", "b,2", "a,1", "Total,3",
    ]  # fmt: skip


def test_the_autofilter_stops_above_the_total_on_the_sheet_it_ends(monkeypatch):
    """A table longer than a sheet goes on to the next; its total closes the last one."""
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 5)  # the header and four rows a sheet
    rows = [[f"row {n}", n] for n in range(6)]
    path = exports.xlsx_file([Table("T", ["Name", "Count"], rows, closing=[["Total", 15]])])
    try:
        first, second = sheets(path)
    finally:
        os.remove(path)
    assert re.search(r'<autoFilter ref="A1:B5"/>', first)  # four rows under the header
    assert re.search(r'<autoFilter ref="A1:B3"/>', second)  # two more; not the total
    assert re.search(r'<row r="4"[^>]*><c r="A4"[^>]*><is><t>Total</t>', second)
