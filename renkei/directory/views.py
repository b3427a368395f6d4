import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from renkei.accounts.access import require_perm
from renkei.core import query

from . import actions, hours, hsds, matching, tabular
from .access import (
    can_edit,
    get_organization_for_editor,
    get_organization_for_user,
    get_service_for_editor,
    organizations_editable_by,
)
from .forms import ImportForm, MatchForm, OrganizationForm, ScheduleForm, SearchForm, ServiceForm
from .guidance_link import guideline_recommendations
from .importer import DirectoryImportError
from .search import accepting_referrals, listing_row, search_page, with_details


def _rows(services, moment):
    return [{"service": s, "open_now": hours.service_open_at(s, moment), "accepting": accepting_referrals(s),
             "capacity": next(iter(s.capacities.all()), None),
             "kinds": [st.taxonomy_term for st in s.service_terms.all()]} for s in services]


@query.reads(SearchForm, page=query.Int("ページ", maximum=100_000, default=1))
def search(request):
    require_perm(request, "directory.view")
    filters = request.GET.copy()
    filters.pop("page", None)
    form = SearchForm(filters or None)
    rows, page, moment = [], None, timezone.now()
    if form.is_valid() or not filters:
        data = form.cleaned_data if filters else {}
        page = search_page(request.membership, request.query.page, q=data.get("q", ""),
                           kind=getattr(data.get("kind"), "pk", None), area=data.get("area"),
                           open_now=data.get("open_now", False), accepting=data.get("accepting", False), at=moment)
        rows = [listing_row(service, moment) for service in page.object_list]
    context = {"form": form, "rows": rows, "page": page, "query": filters.urlencode(), "now": moment,
               "can_import": request.membership.has_perm("directory.edit"),
               "editable": organizations_editable_by(request.membership)}
    template = "directory/_results.html" if request.htmx else "directory/search.html"
    return render(request, template, context)


def organization_detail(request, organization_id):
    require_perm(request, "directory.view")
    org = get_organization_for_user(request.membership, organization_id)
    moment = timezone.now()
    services = list(with_details(org.services.all().prefetch_related(
        "contacts__phones", "phones", "required_documents", "cost_options")))
    return render(request, "directory/organization.html", {
        "org": org, "rows": _rows(services, moment), "can_edit": can_edit(request.membership, org),
        "locations": org.locations.prefetch_related("addresses", "accessibility"),
        "contacts": org.contacts.prefetch_related("phones"), "describe": hours.describe,
    })


def organization_edit(request, organization_id):
    require_perm(request, "directory.edit")
    org = get_organization_for_editor(request.membership, organization_id)
    form = OrganizationForm(request.POST or None, instance=org)
    if request.method == "POST" and form.is_valid():
        actions.do_update_organization(request=request, organization=org, data=form.cleaned_data)
        messages.success(request, f"{org.name}の情報を更新しました。")
        return redirect("directory:organization", org.pk)
    return render(request, "directory/organization_edit.html", {"form": form, "org": org})


@require_POST
def organization_verify(request, organization_id):
    require_perm(request, "directory.edit")
    org = get_organization_for_editor(request.membership, organization_id)
    actions.do_mark_verified(request=request, organization=org)
    messages.success(request, f"{org.name}とそのサービスを本日確認済みにしました。")
    return redirect("directory:organization", org.pk)


def service_edit(request, organization_id, service_id=None):
    require_perm(request, "directory.edit")
    org = get_organization_for_editor(request.membership, organization_id)
    service = get_service_for_editor(request.membership, service_id) if service_id else None
    if service is not None and service.organization_id != org.pk:
        from django.http import Http404

        raise Http404
    form = ServiceForm(request.POST or None, instance=service)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in actions.SERVICE_FIELDS}
        try:
            saved = actions.do_save_service(request=request, organization=org, service=service, data=data,
                                            kinds=form.cleaned_data["kinds"], areas=form.cleaned_data["areas"],
                                            capacity=form.capacity())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"サービス「{saved.name}」を保存しました。")
            return redirect("directory:organization", org.pk)
    return render(request, "directory/service_edit.html", {
        "form": form, "org": org, "service": service, "schedule_form": ScheduleForm(),
        "describe": hours.describe})


@require_POST
def schedule_add(request, organization_id, service_id):
    require_perm(request, "directory.edit")
    service = get_service_for_editor(request.membership, service_id)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            actions.do_add_schedule(request=request, service=service, **{
                k: form.cleaned_data[k] for k in ("byday", "opens_at", "closes_at", "closed_on_holidays")})
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "受付時間を追加しました。")
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("directory:service_edit", service.organization_id, service.pk)


@require_POST
def schedule_delete(request, organization_id, service_id, schedule_id):
    require_perm(request, "directory.edit")
    service = get_service_for_editor(request.membership, service_id)
    try:
        actions.do_delete_schedule(request=request, service=service, schedule_id=schedule_id)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "受付時間を削除しました。")
    return redirect("directory:service_edit", service.organization_id, service.pk)


def _import_upload(request, upload):
    """A .zip (or ZIP content) is the CSV data package; anything else must be HSDS JSON."""
    content = upload.read()
    maintainer = request.membership.organisation
    if upload.name.lower().endswith(".zip") or content[:4] == b"PK\x03\x04":
        return actions.do_import_hsds_tabular(source=content, request=request, maintainer=maintainer)
    if upload.name.lower().endswith(".csv"):
        raise DirectoryImportError(["CSV は一つずつではなく、書き出した ZIP（CSV データパッケージ）にまとめて取り込んでください。"])
    try:
        payload = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise DirectoryImportError(["HSDS の JSON（UTF-8）または CSV データパッケージの ZIP として読めません。"
                                    "ファイルを確認してください。"]) from None
    return actions.do_import_hsds(payload=payload, request=request, maintainer=maintainer)


def import_view(request):
    require_perm(request, "directory.edit")
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            result = _import_upload(request, form.cleaned_data["file"])
        except DirectoryImportError as error:
            errors = error.errors
        else:
            messages.success(request, f"取り込みました: 機関 {result.organizations} 件、サービス {result.services} 件"
                                      f"（変更 {result.changes} 行）。")
            return redirect("directory:search")
    return render(request, "directory/import.html", {"form": form, "errors": errors},
                  status=400 if errors else 200)


@query.reads(format=query.Choice("形式", [("json", "json"), ("tabular", "tabular")], default="json"))
def export_view(request):
    """The whole directory as HSDS JSON; `?format=tabular` gives supervisors the CSV data package as a ZIP."""
    require_perm(request, "directory.view")
    if request.query.format == "tabular":
        require_perm(request, "directory.edit")
        body, content_type, suffix = tabular.zip_bytes(), "application/zip", "csv.zip"
    else:
        body = json.dumps(hsds.export_services(), ensure_ascii=False, indent=1)
        content_type, suffix = "application/json; charset=utf-8", "json"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="directory-hsds-{timezone.localdate():%Y%m%d}.{suffix}"'
    return response


@query.reads(MatchForm)
def match(request):
    require_perm(request, "directory.view")
    form = MatchForm(request.GET or None)
    results, guidance = None, None
    if request.GET and form.is_valid():
        data = form.cleaned_data
        query = matching.MatchQuery(need=data["need"], municipality=data["municipality"],
                                    accessibility=tuple(data["accessibility"]), language=data["language"] or None)
        results = matching.rank(query, membership=request.membership)
        guidance = guideline_recommendations(query, results, request.membership)
    return render(request, "directory/match.html", {"form": form, "results": results, "guidance": guidance})
