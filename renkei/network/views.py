"""Pages of 地域づくり: groups and their fostering, 普及啓発, 協議の場. Thin: access.py to fetch, actions.py to
change. Lists take a search text and a fiscal year (年度 from April) and give CSV with `?format=csv`."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from renkei.core import query
from renkei.core.dates import FiscalYear
from renkei.core.export import csv_response

from . import access, actions, counts, reference
from .forms import AttendanceForm, GroupForm, ItemForm, ItemStatusForm, MeetingForm, OutreachForm, SupportForm

LIST_QUERY = {"q": query.Text("検索語", max_length=100), "fy": query.FiscalYear(),
              "format": query.Choice("形式", [("csv", "CSV")])}


def _viewer(request):
    m = getattr(request, "membership", None)
    if not access.may_view(m):
        raise Http404
    return m


def _editor(request):
    m = _viewer(request)
    if not access.may_edit(m):
        raise Http404
    return m


def _refuse(form, error: ValidationError):
    for message in error.messages:
        form.add_error(None, message)


def _orgs(obj) -> str:
    return "・".join([obj.organisation.name, *[o.name for o in obj.co_organisers.all()]])


def _filtered(queryset, q: str, fy, text_fields: list[str], date_field: str = "date"):
    if fy is not None:
        queryset = queryset.filter(**{f"{date_field}__gte": fy.start, f"{date_field}__lte": fy.end})
    for word in q.split():
        cond = Q()
        for name in text_fields:
            cond |= Q(**{f"{name}__icontains": word})
        queryset = queryset.filter(cond)
    return queryset


def index(request):
    m = _viewer(request)
    today = timezone.localdate()
    return render(request, "network/index.html", {
        "groups": access.groups_visible_to(m).count(), "outreach": access.outreach_visible_to(m).count(),
        "meetings": access.meetings_visible_to(m).count(), "items": access.open_items_owned_by(m),
        "can_edit": access.may_edit(m), "fy": FiscalYear.of(today)})


# --- groups ----------------------------------------------------------------------------------------------
@query.reads(**LIST_QUERY)
def group_list(request):
    m = _viewer(request)
    rows = access.groups_visible_to(m).select_related("organisation").prefetch_related("co_organisers")
    rows = _filtered(rows, request.query.q, None, ["name", "area", "note"])
    if request.query.fy is not None:
        fy = request.query.fy
        rows = rows.filter(supports__date__gte=fy.start, supports__date__lte=fy.end).distinct()
    rows = list(rows[:500])
    kinds = reference.names("group_kinds")
    if request.query.format == "csv":
        return csv_response(["団体名", "種別", "活動地域", "会員数", "記録した機関・共催"],
                            [[g.name, kinds.get(g.kind, g.kind), g.area, g.member_count or "", _orgs(g)] for g in rows],
                            "network_groups.csv")
    return render(request, "network/group_list.html", {"rows": rows, "kinds": kinds, "q": request.query.q,
                                                       "fy": request.query.fy, "can_edit": access.may_edit(m)})


def _group_form_page(request, form, group=None):
    return render(request, "network/form.html", {"form": form, "obj": group, "title": "団体" if group is None else
                                                 f"団体の編集: {group.name}", "back": "network:groups"})


def group_create(request):
    m = _editor(request)
    form = GroupForm(request.POST or None, membership=m)
    if request.method == "POST" and form.is_valid():
        try:
            group = actions.do_save_group(m, form.values(), co_organisers=form.cleaned_data["co_organisers"],
                                          request=request)
        except ValidationError as error:
            _refuse(form, error)
        else:
            messages.success(request, "団体を登録しました。")
            return redirect("network:group", group.pk)
    return _group_form_page(request, form)


def group_edit(request, group_id):
    m = _editor(request)
    group = access.get_group_for_user(m, group_id, edit=True)
    initial = {name: getattr(group, name) for name in actions.GROUP_FIELDS}
    initial["co_organisers"] = list(group.co_organisers.all())
    form = GroupForm(request.POST or None, initial=initial, membership=m)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_save_group(m, form.values(), group=group, co_organisers=form.cleaned_data["co_organisers"],
                                  request=request)
        except ValidationError as error:
            _refuse(form, error)
        else:
            messages.success(request, "団体の記録を更新しました。")
            return redirect("network:group", group.pk)
    return _group_form_page(request, form, group)


def group_detail(request, group_id):
    m = _viewer(request)
    group = access.get_group_for_user(m, group_id)
    supports = list(access.supports_visible_to(m).filter(group=group).select_related("organisation")
                    .prefetch_related("co_organisers", "items__owner__user"))
    return render(request, "network/group_detail.html", {
        "group": group, "supports": supports, "kinds": reference.names("group_kinds"),
        "support_kinds": reference.names("support_kinds"), "can_edit": access.may_edit(m),
        "co_organisers": group.co_organisers.all(), "form": SupportForm(membership=m, initial={
            "date": timezone.localdate(), "co_organisers": list(group.co_organisers.all())}),
        "statuses": reference.names("item_statuses")})


@require_POST
def support_add(request, group_id):
    m = _editor(request)
    group = access.get_group_for_user(m, group_id, edit=True)
    form = SupportForm(request.POST, membership=m)
    if form.is_valid():
        try:
            support = actions.do_record_support(m, group, form.values(), co_organisers=form.cleaned_data["co_organisers"],
                                                request=request)
        except ValidationError as error:
            _refuse(form, error)
        else:
            messages.success(request, "育成支援の記録を追加しました。")
            return redirect("network:support", support.pk)
    return render(request, "network/form.html", {"form": form, "title": f"育成支援の記録: {group.name}",
                                                 "action_url": request.path, "back": "network:groups"}, status=400)


def support_detail(request, support_id):
    m = _viewer(request)
    support = access.get_support_for_user(m, support_id)
    return _with_items(request, m, support, "network/support_detail.html", {
        "support": support, "support_kinds": reference.names("support_kinds")})


# --- 普及啓発 ----------------------------------------------------------------------------------------------
def _outreach_row(o, names):
    return [o.date.isoformat(), names["kinds"].get(o.kind, o.kind), o.title, names["statuses"].get(o.status, o.status),
            o.school, o.grade, "・".join(names["themes"].get(t, t) for t in o.themes),
            "・".join(names["audiences"].get(a, a) for a in o.audiences), o.place, o.partners, o.sessions,
            "" if o.participants is None else o.participants, _orgs(o)]


def _outreach_names():
    return {"kinds": reference.names("outreach_kinds"), "statuses": reference.names("outreach_statuses"),
            "themes": reference.names("themes"), "audiences": reference.names("audiences")}


@query.reads(**LIST_QUERY)
def outreach_list(request):
    m = _viewer(request)
    rows = access.outreach_visible_to(m).select_related("organisation").prefetch_related("co_organisers")
    rows = list(_filtered(rows, request.query.q, request.query.fy,
                          ["title", "school", "place", "partners", "note"])[:1000])
    names = _outreach_names()
    if request.query.format == "csv":
        return csv_response(["実施日", "種類", "名称", "状態", "学校名", "学年", "テーマ", "対象", "会場", "協力機関・講師",
                             "回数", "参加者数", "記録した機関・共催"], [_outreach_row(o, names) for o in rows],
                            "network_outreach.csv")
    return render(request, "network/outreach_list.html", {"rows": rows, "names": names, "q": request.query.q,
                                                          "fy": request.query.fy, "can_edit": access.may_edit(m)})


def _outreach_form(request, m, outreach=None):
    initial = {"status": "planned", "sessions": 1, "date": timezone.localdate()}
    if outreach is not None:
        initial = {name: getattr(outreach, name) for name in actions.OUTREACH_FIELDS}
        initial["co_organisers"] = list(outreach.co_organisers.all())
    form = OutreachForm(request.POST or None, initial=initial, membership=m)
    if request.method == "POST" and form.is_valid():
        try:
            outreach = actions.do_save_outreach(m, form.values(), outreach=outreach,
                                                co_organisers=form.cleaned_data["co_organisers"], request=request)
        except ValidationError as error:
            _refuse(form, error)
        else:
            messages.success(request, "普及啓発の記録を保存しました。")
            return redirect("network:outreach", outreach.pk)
    return render(request, "network/form.html", {"form": form, "obj": outreach, "back": "network:outreach_list",
                                                 "title": "普及啓発・教育の活動" if outreach is None else
                                                 f"普及啓発の編集: {outreach.title}"})


def outreach_create(request):
    return _outreach_form(request, _editor(request))


def outreach_edit(request, outreach_id):
    m = _editor(request)
    return _outreach_form(request, m, access.get_outreach_for_user(m, outreach_id, edit=True))


def outreach_detail(request, outreach_id):
    m = _viewer(request)
    outreach = access.get_outreach_for_user(m, outreach_id)
    return render(request, "network/outreach_detail.html", {"o": outreach, "names": _outreach_names(),
                                                            "co_organisers": outreach.co_organisers.all(),
                                                            "can_edit": access.may_edit(m)})


@query.reads(fy=query.FiscalYear(), format=query.Choice("形式", [("csv", "CSV")]))
def outreach_counts(request):
    m = _viewer(request)
    fy = request.query.fy or FiscalYear.of(timezone.localdate())
    table = counts.outreach_counts(m.organisation, fy)
    if request.query.format == "csv":
        rows = [[section, r["name"], r["activities"], r["sessions"], r["participants"]]
                for section, key in (("種類", "by_kind"), ("テーマ", "by_theme"), ("対象", "by_audience"))
                for r in table[key]]
        rows.append(["計", "", table["total"]["activities"], table["total"]["sessions"], table["total"]["participants"]])
        return csv_response(["区分", "項目", "活動数", "回数", "参加者数"], rows, f"network_outreach_{fy.year}.csv")
    return render(request, "network/outreach_counts.html", {"t": table, "fy": fy,
                                                            "prev": fy.year - 1, "next": fy.year + 1})


# --- meetings --------------------------------------------------------------------------------------------
@query.reads(**LIST_QUERY)
def meeting_list(request):
    m = _viewer(request)
    rows = access.meetings_visible_to(m).select_related("organisation").prefetch_related("co_organisers")
    rows = list(_filtered(rows, request.query.q, request.query.fy, ["title", "place", "agenda", "decisions"])[:500])
    kinds = reference.names("meeting_kinds")
    if request.query.format == "csv":
        return csv_response(["開催日", "種類", "会議名", "会場", "議題", "決定事項", "記録した機関・共催"],
                            [[x.date.isoformat(), kinds.get(x.kind, x.kind), x.title, x.place, x.agenda, x.decisions,
                              _orgs(x)] for x in rows], "network_meetings.csv")
    return render(request, "network/meeting_list.html", {"rows": rows, "kinds": kinds, "q": request.query.q,
                                                         "fy": request.query.fy, "can_edit": access.may_edit(m)})


def _meeting_form(request, m, meeting=None):
    initial = {"date": timezone.localdate()}
    if meeting is not None:
        initial = {name: getattr(meeting, name) for name in actions.MEETING_FIELDS}
        initial["co_organisers"] = list(meeting.co_organisers.all())
    form = MeetingForm(request.POST or None, initial=initial, membership=m)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = actions.do_save_meeting(m, form.values(), meeting=meeting,
                                              co_organisers=form.cleaned_data["co_organisers"], request=request)
        except ValidationError as error:
            _refuse(form, error)
        else:
            messages.success(request, "会議の記録を保存しました。")
            return redirect("network:meeting", meeting.pk)
    return render(request, "network/form.html", {"form": form, "obj": meeting, "back": "network:meetings",
                                                 "title": "協議の場・ネットワーク会議" if meeting is None else
                                                 f"会議の編集: {meeting.title}"})


def meeting_create(request):
    return _meeting_form(request, _editor(request))


def meeting_edit(request, meeting_id):
    m = _editor(request)
    return _meeting_form(request, m, access.get_meeting_for_user(m, meeting_id, edit=True))


def _with_items(request, m, parent, template, context, item_form=None, attendance_form=None, status=200):
    can_edit = access.may_edit(m)
    owners = actions.owner_choices(m, parent)
    return render(request, template, {
        **context, "can_edit": can_edit, "co_organisers": parent.co_organisers.all(),
        "items": parent.items.select_related("owner__user", "owner__organisation"),
        "item_form": item_form or ItemForm(owners=owners), "statuses": reference.names("item_statuses"),
        "status_choices": reference.choices("item_statuses"), "member_id": m.pk,
        "attendance_form": attendance_form or AttendanceForm()}, status=status)


def meeting_detail(request, meeting_id, *, item_form=None, attendance_form=None, status=200):
    m = _viewer(request)
    meeting = access.get_meeting_for_user(m, meeting_id)
    return _with_items(request, m, meeting, "network/meeting_detail.html", {
        "meeting": meeting, "kinds": reference.names("meeting_kinds"),
        "attendances": meeting.attendances.select_related("organisation")},
        item_form=item_form, attendance_form=attendance_form, status=status)


@require_POST
def attendance_add(request, meeting_id):
    m = _editor(request)
    meeting = access.get_meeting_for_user(m, meeting_id, edit=True)
    form = AttendanceForm(request.POST)
    if form.is_valid():
        try:
            actions.do_add_attendance(m, meeting, **form.cleaned_data, request=request)
        except ValidationError as error:
            _refuse(form, error)
        else:
            messages.success(request, "出席を記録しました。")
            return redirect("network:meeting", meeting.pk)
    return meeting_detail(request, meeting.pk, attendance_form=form, status=400)


def _item_add(request, parent, m, back):
    form = ItemForm(request.POST, owners=actions.owner_choices(m, parent))
    if form.is_valid():
        try:
            actions.do_add_item(m, parent, **form.cleaned_data, request=request)
        except ValidationError as error:
            _refuse(form, error)
        else:
            messages.success(request, "宿題を追加しました。担当者のマイページに表示されます。")
            return redirect(back, parent.pk)
    return form


@require_POST
def meeting_item_add(request, meeting_id):
    m = _editor(request)
    meeting = access.get_meeting_for_user(m, meeting_id, edit=True)
    result = _item_add(request, meeting, m, "network:meeting")
    if not isinstance(result, ItemForm):
        return result
    return meeting_detail(request, meeting.pk, item_form=result, status=400)


@require_POST
def support_item_add(request, support_id):
    m = _editor(request)
    support = access.get_support_for_user(m, support_id, edit=True)
    result = _item_add(request, support, m, "network:support")
    if not isinstance(result, ItemForm):
        return result
    return _with_items(request, m, support, "network/support_detail.html", {
        "support": support, "support_kinds": reference.names("support_kinds")}, item_form=result, status=400)


@require_POST
def item_status(request, item_id):
    m = _viewer(request)
    item = access.get_item_for_user(m, item_id)
    form = ItemStatusForm(request.POST)
    if form.is_valid():
        actions.do_set_item_status(m, item, form.cleaned_data["status"], request=request)
        messages.success(request, "宿題の状態を更新しました。")
    else:
        messages.error(request, "宿題の状態に指定できない値です。")
    if request.POST.get("next") == "dashboard":
        return redirect("core:dashboard")
    return redirect("network:meeting", item.meeting_id) if item.meeting_id else redirect("network:support",
                                                                                          item.support_id)
