"""CSV that Excel opens: UTF-8 with BOM, CRLF, 和暦 and ISO dates side by side."""

import csv
import io

from django.http import HttpResponse
from django.utils import timezone

from renkei.core.dates import wareki

HEADER = ["番号", "日時（和暦）", "日時", "職員", "所属", "操作", "対象", "本人ID", "情報の範囲", "目的", "法的根拠",
          "接続元", "ハッシュ"]


def events_csv(events, filename: str) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for e in events:
        local = timezone.localtime(e.at)
        writer.writerow([e.id, f"{wareki(local)} {local:%H:%M:%S}", local.isoformat(timespec="seconds"),
                         e.actor_label, e.organisation.name if e.organisation else "", e.action,
                         e.object_repr, e.person_id, "・".join(e.field_groups), e.purpose, e.legal_basis,
                         e.ip or "", e.hash])
    response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
