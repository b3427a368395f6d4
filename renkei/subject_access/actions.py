"""The audit entry of a 本人開示 production (a read of every field group of one person)."""

from renkei.audit.reads import log_read

from .collect import field_groups

PURPOSE = "本人開示（個人情報保護法第76条等による保有個人データの開示）"


def log_production(request, person, record, fmt: str):
    counts = {name: len(items) for name, items in record["sections"].items()}
    return log_read(request, "subject_access.produced", obj=person, person=person, field_groups=field_groups(),
                    purpose=PURPOSE, data={"format": fmt, "counts": counts})
