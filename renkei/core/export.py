"""CSV that Excel opens as it is: UTF-8 with a BOM, CRLF line ends."""

import csv
import io
from collections.abc import Iterable

from django.http import HttpResponse


def csv_response(header: list[str], rows: Iterable[list], filename: str) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
