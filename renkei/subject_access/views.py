"""本人開示: the person's own record as the holding organisation has it, as a JSON download and an A4 PDF.
Each production is one audit entry naming the person with every field group and its purpose."""

import json

from django.http import HttpResponse
from django.utils import timezone

from renkei.core import query
from renkei.core.pdf import pdf_response, render_pdf

from .access import get_person_for_disclosure
from .actions import log_production
from .collect import SECTION_TITLES, collect


def _produce(request, person_id, fmt):
    person = get_person_for_disclosure(request, person_id)
    record = collect(person, request.membership.organisation)  # as it was before this production is logged
    log_production(request, person, record, fmt)
    return person, record, f"{timezone.localdate():%Y%m%d}"


@query.reads()
def record_json(request, person_id):
    person, record, stamp = _produce(request, person_id, "json")
    body = json.dumps(record["data"], ensure_ascii=False, indent=2)
    response = HttpResponse(body.encode("utf-8"), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="subject-access-{person.pk}-{stamp}.json"'
    return response


@query.reads()
def record_pdf(request, person_id):
    person, record, stamp = _produce(request, person_id, "pdf")
    sections = [(SECTION_TITLES[name], items) for name, items in record["sections"].items()]
    context = {"person": person, "record": record, "sections": sections,
               "organisation": record["organisation"], "made_at": record["made_at"]}
    return pdf_response(render_pdf("subject_access/record_pdf.html", context, request=request),
                        f"subject-access-{person.pk}-{stamp}.pdf", inline=False)
