"""Forms of the discharge pages. They only parse input; every rule is checked in the actions."""

from django import forms
from django.db.models import Q
from django.utils import timezone

from renkei.accounts.models import Organisation, User
from renkei.cases import reference as case_reference
from renkei.cases.forms import DateTimeLocalInput
from renkei.core.dates import wareki
from renkei.core.forms import Form

from . import reference

ITEM_ROWS = 6
DATE = forms.DateInput(attrs={"type": "date"})


def _orgs(types=None):
    qs = Organisation.objects.filter(is_active=True).select_related("type")
    return qs.filter(type__code__in=types) if types else qs


def _text(label, rows=3, required=True, help_text=""):
    return forms.CharField(label=label, required=required, help_text=help_text,
                           widget=forms.Textarea(attrs={"rows": rows}))


class PlanForm(Form):
    hospital = forms.ModelChoiceField(label="入院先の病院", queryset=Organisation.objects.none())
    ward = forms.CharField(label="病棟", max_length=60, required=False)
    discharge_officer = forms.ModelChoiceField(label="退院後生活環境相談員（職員）", required=False,
                                               queryset=User.objects.none(),
                                               help_text="病院の職員が登録されていれば選びます。")
    discharge_officer_name = forms.CharField(label="退院後生活環境相談員（氏名）", max_length=100, required=False,
                                             help_text="職員として登録されていないときに入力します。")
    expected_discharge_on = forms.DateField(label="退院予定日", required=False, widget=DATE)
    wishes = _text("本人の希望（本人の言葉で）")
    family_views = _text("家族の意見", required=False)
    needs = _text("支援の必要性・課題")
    crisis_plan = _text("症状が悪化したときの対応（クライシスプラン）", rows=4,
                        help_text="悪化のサイン、本人が望む対応、連絡する順番など。")
    contacts = _text("連絡先（緊急時を含む）", required=False)
    period_start = forms.DateField(label="計画期間（開始）", required=False, widget=DATE,
                                   help_text="空欄なら今日。")
    period_end = forms.DateField(label="計画期間（終了）", required=False, widget=DATE)
    review_dates = forms.CharField(label="見直しの予定日", required=False,
                                   help_text="YYYY-MM-DD を改行またはカンマで区切って入力。空欄なら既定の間隔で設定します。",
                                   widget=forms.Textarea(attrs={"rows": 2}))
    change_reason = _text("変更の理由", rows=2, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rules = reference.plan_rules()
        self.fields["hospital"].queryset = _orgs(rules["hospital_types"])
        self.fields["discharge_officer"].queryset = User.objects.filter(
            is_active=True, memberships__is_active=True,
            memberships__organisation__type__code__in=rules["hospital_types"]).distinct()
        period = rules["period"]
        self.fields["period_end"].help_text = (f"空欄なら開始から{period['default_months']}か月。"
                                               f"原則{period['max_months']}か月以内。")
        for i in range(ITEM_ROWS):
            self.fields[f"item_content_{i}"] = forms.CharField(label=f"支援の内容 {i + 1}", required=False)
            self.fields[f"item_org_{i}"] = forms.ModelChoiceField(label=f"担当機関 {i + 1}", required=False,
                                                                  queryset=_orgs())
            self.fields[f"item_contact_{i}"] = forms.CharField(label=f"担当者・連絡先 {i + 1}", required=False)

    def data_for_action(self) -> dict:
        d = self.cleaned_data
        data = {k: d.get(k) for k in ["hospital", "ward", "discharge_officer", "discharge_officer_name",
                                      "expected_discharge_on", "wishes", "family_views", "needs", "crisis_plan",
                                      "contacts", "period_start", "period_end"]}
        data["review_dates"] = [t.strip() for t in (d.get("review_dates") or "").replace(",", "\n").splitlines()
                                if t.strip()]
        data["support_items"] = [{"content": d.get(f"item_content_{i}"), "organisation_id":
                                  d[f"item_org_{i}"].pk if d.get(f"item_org_{i}") else None,
                                  "contact": d.get(f"item_contact_{i}")} for i in range(ITEM_ROWS)]
        return data

    @staticmethod
    def initial_from(version) -> dict:
        initial = {f: getattr(version, f) for f in ["ward", "discharge_officer_name", "expected_discharge_on",
                                                    "wishes", "family_views", "needs", "crisis_plan", "contacts",
                                                    "period_start", "period_end"]}
        initial |= {"hospital": version.hospital_id, "discharge_officer": version.discharge_officer_id,
                    "review_dates": "\n".join(version.review_dates)}
        for i, item in enumerate(version.support_items[:ITEM_ROWS]):
            initial |= {f"item_content_{i}": item["content"], f"item_org_{i}": item["organisation_id"],
                        f"item_contact_{i}": item.get("contact", "")}
        return initial


class RefusalForm(Form):
    refused_on = forms.DateField(label="意思を確認した日", widget=DATE)
    note = _text("本人の意向・理由", rows=2, required=False)


class AgreementForm(Form):
    conference = forms.ModelChoiceField(label="合意した会議（記録済みの会議から選ぶ）", required=False, queryset=None,
                                        help_text="選ぶと日付・種類は会議の記録から取ります。")
    agreed_on = forms.DateField(label="合意した日", widget=DATE, required=False)
    meeting_kind = forms.ChoiceField(label="会議の種類", choices=reference.choices("plan_rules", "meeting_kinds"))
    meeting_form = forms.ChoiceField(label="開催の形", choices=reference.choices("plan_rules", "meeting_forms"))
    attendees = _text("出席者", rows=2, required=False)

    def __init__(self, conferences, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conference"].queryset = conferences
        self.fields["conference"].label_from_instance = lambda c: f"{c.kind_name} {wareki(timezone.localtime(c.starts_at))} {c.title}"


class ReviewForm(Form):
    scheduled_for = forms.DateField(label="見直しの予定日（計画にある日）", required=False, widget=DATE)
    held_on = forms.DateField(label="実施日", widget=DATE)
    outcome = _text("見直しの結果")
    extension_consented = forms.BooleanField(label="本人が期間の延長に同意した", required=False)


class ExtensionForm(Form):
    period_end = forms.DateField(label="延長後の終了日", widget=DATE)
    reason = _text("延長の理由", rows=2)


class HandoverForm(Form):
    to_organisation = forms.ModelChoiceField(label="引継ぎ先（転居先の機関）", queryset=_orgs(
        ["municipality", "health_centre"]))
    note = _text("引継ぎのメモ", rows=2, required=False)


class StepForm(Form):
    status = forms.ChoiceField(label="状況", choices=reference.choices("pathway", "statuses"))
    owner_organisation = forms.ModelChoiceField(label="担当機関", required=False, queryset=_orgs())
    owner_user = forms.ModelChoiceField(label="担当者", required=False, queryset=User.objects.filter(is_active=True))
    note = forms.CharField(label="メモ", required=False)


class VisitRequestForm(Form):
    patient_name = forms.CharField(label="本人の氏名", max_length=100)
    patient_age = forms.IntegerField(label="年齢", required=False, min_value=0, max_value=130)
    hospital = forms.ModelChoiceField(label="入院先の病院", queryset=Organisation.objects.none())
    ward = forms.CharField(label="病棟", max_length=60, required=False)
    admission_type = forms.ChoiceField(label="入院形態", choices=reference.choices("visit_support", "admission_types"))
    source = forms.ChoiceField(label="申込みの経路", choices=reference.choices("visit_support", "sources"))
    requester_name = forms.CharField(label="申込者（氏名・所属）", max_length=100, required=False)
    received_on = forms.DateField(label="受付日", widget=DATE)
    request_note = _text("申込みの内容", rows=2, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hospital"].queryset = _orgs(reference.plan_rules()["hospital_types"])


class WishForm(Form):
    confirmed_on = forms.DateField(label="本人の意向を確認した日", widget=DATE)
    method = forms.ChoiceField(label="確認の方法", choices=reference.choices("visit_support", "wish_methods"))
    note = _text("本人の意向（確認した内容）", rows=2, required=False)


class AssignForm(Form):
    supporters = forms.ModelMultipleChoiceField(label="訪問支援員（2名）", queryset=None,
                                                widget=forms.CheckboxSelectMultiple)

    def __init__(self, supporters, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supporters"].queryset = supporters
        self.fields["supporters"].label_from_instance = lambda s: (
            f"{s.name}（研修修了 {wareki(s.trained_on) if s.trained_on else '未修了'}"
            f"{'・守秘誓約あり' if s.secrecy_pledged else '・守秘誓約なし'}）")


class ScheduleForm(Form):
    visit_at = forms.DateTimeField(label="訪問日時", widget=DateTimeLocalInput)
    hospital_contact = forms.CharField(label="病院の窓口（部署・担当者）", max_length=120, required=False)
    note = _text("日程調整のメモ", rows=2, required=False)


class ReportForm(Form):
    visited_on = forms.DateField(label="訪問した日", widget=DATE)
    report = _text("訪問の報告", rows=4)


class SupporterForm(Form):
    name = forms.CharField(label="氏名", max_length=100)
    kana = forms.CharField(label="フリガナ", max_length=100, required=False)
    affiliation = forms.CharField(label="所属・活動", max_length=120, required=False)
    trained_on = forms.DateField(label="養成研修の修了日", required=False, widget=DATE)
    secrecy_pledged = forms.BooleanField(label="守秘義務の誓約を受けた", required=False)
    user = forms.ModelChoiceField(label="職員アカウント（ピアサポーター等）", required=False,
                                  queryset=User.objects.filter(is_active=True))


class OutreachForm(Form):
    kind = forms.ChoiceField(label="種類", choices=reference.choices("outreach", "kinds"))
    planned_at = forms.DateTimeField(label="予定日時", widget=DateTimeLocalInput)
    place = forms.CharField(label="訪問先", max_length=200, required=False)
    purpose = _text("目的", rows=2)
    category = forms.ChoiceField(label="相談の種類（統計の区分）", choices=())
    staff = forms.ModelMultipleChoiceField(label="訪問する職員（自組織・多職種）", queryset=None,
                                           widget=forms.CheckboxSelectMultiple)
    companions = forms.ModelMultipleChoiceField(label="同行する他機関の職員", queryset=None, required=False,
                                                widget=forms.CheckboxSelectMultiple)

    def __init__(self, membership, *args, **kwargs):
        super().__init__(*args, **kwargs)
        org = membership.organisation
        self.fields["category"].choices = [(c["code"], c["name"]) for c in case_reference.categories()]
        self.fields["staff"].queryset = User.objects.filter(
            is_active=True, memberships__organisation=org, memberships__is_active=True).distinct()
        others = Q(memberships__is_active=True) & ~Q(memberships__organisation=org)
        self.fields["companions"].queryset = User.objects.filter(others, is_active=True).distinct().order_by(
            "kana_folded")
        self.fields["companions"].label_from_instance = lambda u: f"{u}（{_org_of(u, org)}）"


def _org_of(user, own):
    m = user.memberships.filter(is_active=True).exclude(organisation=own).select_related("organisation").first()
    return m.organisation.name if m else ""


class VisitRecordForm(Form):
    visited_at = forms.DateTimeField(label="実施日時", widget=DateTimeLocalInput)
    record = _text("訪問の記録", rows=4)


class CancelForm(Form):
    reason = forms.CharField(label="中止の理由")
