"""JSON API of 本人開示 (`/api/subject-access/`): the same record, access and audit entry as the JSON
download; 404 alike for a missing person, another organisation's and a member without `audit.view`."""

from typing import Any

from ninja import Router

from renkei.core.api_errors import Error
from renkei.core.api_types import Id

from .access import get_person_for_disclosure
from .actions import log_production
from .collect import collect

router = Router(tags=["本人開示"])


@router.get("/persons/{person_id}", response={200: dict[str, Any], 404: Error},
            summary="本人開示: 自組織が保有する本人の記録のすべて（保有機関の管理者のみ）")
def get_record(request, person_id: Id):
    person = get_person_for_disclosure(request, person_id)
    record = collect(person, request.membership.organisation)
    log_production(request, person, record, "api")
    return record["data"]
