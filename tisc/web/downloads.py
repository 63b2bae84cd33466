"""Files made on the fly for download: CSV that spreadsheets open in any language."""

import csv
import io
from collections.abc import Iterable

from flask import Response


def csv_download(filename: str, header: list[str], rows: Iterable[list]) -> Response:
    """A CSV attachment (UTF-8 with a byte-order mark, so Excel reads Cyrillic right)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    response = Response("\ufeff" + buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
