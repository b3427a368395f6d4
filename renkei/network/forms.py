"""Forms of the 地域づくり pages. They parse input; the rules live in actions.py. A refused form is rendered again
with everything that was typed."""

from django import forms

from renkei.accounts.models import Organisation
from renkei.core.forms import Form

from . import reference

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
COUNT = {"min_value": 0, "max_value": 1_000_000, "required": False}


def _organisations():
    return Organisation.objects.filter(is_active=True).select_related("type").order_by("type__sort_order", "name")


class _Owned(Form):
    co_organisers = forms.ModelMultipleChoiceField(
        label="共催・協働の機関", queryset=Organisation.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="選んだ機関の職員もこの記録を見られます（保健所と市町村、センターなど）。")

    def __init__(self, *args, membership=None, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = _organisations()
        if membership is not None:
            queryset = queryset.exclude(pk=membership.organisation_id)
        self.fields["co_organisers"].queryset = queryset

    def values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "co_organisers"}


class GroupForm(_Owned):
    kind = forms.ChoiceField(label="種別", choices=reference.choices("group_kinds"))
    name = forms.CharField(label="団体名", max_length=200)
    directory_organisation = forms.ModelChoiceField(label="機関ディレクトリの登録", queryset=Organisation.objects.none(),
                                                    required=False, empty_label="— 登録なし —")
    area = forms.CharField(label="活動地域", max_length=200, required=False)
    member_count = forms.IntegerField(label="会員数", **COUNT)
    contact = forms.CharField(label="連絡窓口（職員のみ閲覧）", max_length=200, required=False,
                              help_text="団体の窓口（例: 事務局）。会員の個人情報は記録しません。")
    note = forms.CharField(label="備考", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    field_order = ["kind", "name", "directory_organisation", "area", "member_count", "contact", "note", "co_organisers"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["directory_organisation"].queryset = _organisations().filter(type__code="peer_family_group")


class SupportForm(_Owned):
    date = forms.DateField(label="実施日", widget=DATE_INPUT)
    kind = forms.ChoiceField(label="支援の種類", choices=reference.choices("support_kinds"))
    summary = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 3}))
    member_count = forms.IntegerField(label="参加した会員数", **COUNT)
    participant_count = forms.IntegerField(label="参加者数（会員以外を含む）", **COUNT)
    field_order = ["date", "kind", "summary", "member_count", "participant_count", "co_organisers"]


class OutreachForm(_Owned):
    kind = forms.ChoiceField(label="種類", choices=reference.choices("outreach_kinds"))
    title = forms.CharField(label="名称", max_length=200)
    status = forms.ChoiceField(label="状態", choices=reference.choices("outreach_statuses"))
    date = forms.DateField(label="実施日（予定日）", widget=DATE_INPUT)
    place = forms.CharField(label="会場", max_length=200, required=False)
    school = forms.CharField(label="学校名", max_length=200, required=False, help_text="学校での授業・講話のとき")
    grade = forms.CharField(label="学年", max_length=60, required=False, help_text="例: 2年")
    themes = forms.MultipleChoiceField(label="テーマ", choices=reference.choices("themes"),
                                       widget=forms.CheckboxSelectMultiple)
    audiences = forms.MultipleChoiceField(label="対象", choices=reference.choices("audiences"), required=False,
                                          widget=forms.CheckboxSelectMultiple)
    partners = forms.CharField(label="協力機関・講師", max_length=300, required=False)
    sessions = forms.IntegerField(label="回数", min_value=1, max_value=1000, initial=1)
    participants = forms.IntegerField(label="参加者数", **COUNT, help_text="実施済みのとき")
    note = forms.CharField(label="備考", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    field_order = ["kind", "title", "status", "date", "place", "school", "grade", "themes", "audiences", "partners",
                   "sessions", "participants", "note", "co_organisers"]


class MeetingForm(_Owned):
    kind = forms.ChoiceField(label="種類", choices=reference.choices("meeting_kinds"))
    title = forms.CharField(label="会議名", max_length=200)
    date = forms.DateField(label="開催日", widget=DATE_INPUT)
    place = forms.CharField(label="会場", max_length=200, required=False)
    agenda = forms.CharField(label="議題", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    decisions = forms.CharField(label="決定事項", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    field_order = ["kind", "title", "date", "place", "agenda", "decisions", "co_organisers"]


class AttendanceForm(Form):
    organisation = forms.ModelChoiceField(label="機関", queryset=Organisation.objects.none(), required=False,
                                          empty_label="— 登録外の機関 —")
    organisation_label = forms.CharField(label="機関名（登録外）", max_length=200, required=False)
    department = forms.CharField(label="部署", max_length=120, required=False)
    headcount = forms.IntegerField(label="人数", min_value=1, max_value=1000, initial=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _organisations()


class MembershipChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, m):
        return f"{m.user}（{m.organisation.name}）"


class ItemForm(Form):
    description = forms.CharField(label="内容", max_length=300)
    owner = MembershipChoiceField(label="担当", queryset=None)
    due_date = forms.DateField(label="期限", widget=DATE_INPUT)

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners


class ItemStatusForm(Form):
    status = forms.ChoiceField(label="状態", choices=reference.choices("item_statuses"))

