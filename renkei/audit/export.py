"""The audit log as CSV that Excel opens: 和暦 and ISO dates side by side."""

from django.http import HttpResponse
from django.utils import timezone

from renkei.core.dates import wareki
from renkei.core.export import csv_response

from .labels import action_label

HEADER = ["番号", "日時（和暦）", "日時", "職員", "所属", "操作", "操作コード", "対象", "本人ID", "情報の範囲", "目的", "法的根拠",
          "接続元", "ハッシュ"]


def events_csv(events, filename: str) -> HttpResponse:
    def rows():
        for e in events:
            local = timezone.localtime(e.at)
            yield [e.id, f"{wareki(local)} {local:%H:%M:%S}", local.isoformat(timespec="seconds"),
                   e.actor_label, e.organisation.name if e.organisation else "", action_label(e.action), e.action,
                   e.object_repr, e.person_id, "・".join(e.field_groups), e.purpose, e.legal_basis,
                   e.ip or "", e.hash]

    return csv_response(HEADER, rows(), filename)
