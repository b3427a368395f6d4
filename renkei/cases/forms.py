from django import forms
from django.db.models import Q
from django.utils import timezone

from renkei.accounts.models import Membership, Organisation, User
from renkei.accounts.roles import ROLES
from renkei.core.dates import FiscalYear
from renkei.core.forms import Form
from renkei.core.reference import assessment_domains

from . import reference

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
_EDIT_ROLES = [code for code, role in ROLES.items() if "person.edit" in role.permissions]


def own_staff(membership):
    """Active staff of the acting organisation who may write records (lead candidates)."""
    return User.objects.filter(is_active=True, memberships__organisation=membership.organisation,
                               memberships__is_active=True, memberships__role__in=_EDIT_ROLES).distinct()


def team_candidates(membership):
    """Who may join a case, as the memberships a co-worker's place is given to: working posts (a role with
    person.edit) of own staff, and of staff of the layers that accompany it (the health centre whose 管内
    it is, the 精神保健福祉センター; a health centre also its municipalities)."""
    org = membership.organisation
    orgs = Q(pk=org.pk) | Q(jurisdiction=org) | Q(type__code="mhw_centre")
    if org.type.code == "health_centre":
        orgs |= Q(health_centres=org)
    org_ids = Organisation.objects.filter(orgs, is_active=True).values("pk")
    return (Membership.objects.filter(organisation__in=org_ids, is_active=True, role__in=_EDIT_ROLES,
                                      user__is_active=True)
            .select_related("user", "organisation").order_by("user__kana_folded", "user_id", "pk"))


def pick_membership(candidates, case_organisation_id):
    """Of one user's candidate memberships, the one a place given by user goes to (the API's user ids, the
    migration of places stored before): the one in the case's organisation first, else the lowest id."""
    candidates = sorted(candidates, key=lambda m: m.pk)
    return next((m for m in candidates if m.organisation_id == case_organisation_id),
                candidates[0] if candidates else None)


def team_case_organisations(organisation):
    """The reverse of `team_candidates`: ids of the organisations whose cases may take a co-worker of
    `organisation` (None: every organisation — the 精神保健福祉センター joins any case)."""
    if organisation.type.code == "mhw_centre":
        return None
    ids = {organisation.pk}
    ids |= set(organisation.jurisdiction.values_list("pk", flat=True))  # a health centre's 管内
    ids |= set(organisation.health_centres.filter(type__code="health_centre").values_list("pk", flat=True))
    return frozenset(ids)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_FORMAT)


class VersionedForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class PersonForm(Form):
    name = forms.CharField(label="氏名", max_length=100, widget=forms.TextInput(attrs={"autofocus": True}))
    kana = forms.CharField(label="フリガナ", max_length=100, required=False,
                           help_text="ひらがな・カタカナ、全角・半角のどれでも検索できます。")
    birth_date = forms.DateField(label="生年月日", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    sex = forms.ChoiceField(label="性別", choices=reference.choices("sexes"), initial="unknown")
    municipality = forms.ModelChoiceField(label="居住市町村", required=False,
                                          queryset=Organisation.objects.filter(type__code="municipality"))
    address = forms.CharField(label="住所", max_length=300, required=False, help_text="暗号化して保存します。")
    phone = forms.CharField(label="電話番号", max_length=40, required=False,
                            widget=forms.TextInput(attrs={"type": "tel"}))
    contact_notes = forms.CharField(label="安全な連絡方法", required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}),
                                    help_text="例: 平日昼のみ携帯へ。家族に知られないよう配慮。")
    confirm_duplicate = forms.BooleanField(label="重複ではないことを確認して登録する", required=False)


class PersonEditForm(VersionedForm, PersonForm):
    confirm_duplicate = None


class ConsultationForm(Form):
    """Quick entry for a call in progress: only 相談の種類 and 内容 need typing; the rest has defaults."""

    person_query = forms.CharField(label="本人を探す（氏名・フリガナ・ケース番号）", required=False,
                                   widget=forms.TextInput(attrs={"type": "search", "autofocus": True,
                                                                 "autocomplete": "off", "data-no-enter": ""}))
    person = forms.IntegerField(required=False, widget=forms.HiddenInput)
    subject_label = forms.CharField(label="対象者（未登録のとき）", max_length=100, required=False,
                                    help_text="本人を登録していないときの呼び名。例: 「○○さんの長男（34）」")
    is_anonymous = forms.BooleanField(
        label="匿名の相談", required=False,
        help_text="相談者が名乗らないときに選びます。あとで本人が分かったら、理由を記録して本人に結びつけられます。"
                  "名前や続柄が分かっている未登録の方は、匿名にせず「対象者（未登録のとき）」に呼び名を入れてください。")
    consulter = forms.ChoiceField(label="相談者", choices=reference.choices("consulters"))
    category = forms.ChoiceField(label="相談の種類")
    content = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 6, "data-limit": "consultation_content"}),
                              help_text="Ctrl+Enter で保存できます。")
    duration_minutes = forms.IntegerField(label="所要時間（分）", required=False, min_value=0, max_value=1440)
    factors = forms.MultipleChoiceField(label="要因（再掲）", required=False, widget=forms.CheckboxSelectMultiple)
    occurred_at = forms.DateTimeField(label="日時", widget=DateTimeLocalInput(), input_formats=[DATETIME_FORMAT])
    channel = forms.ChoiceField(label="方法", choices=reference.choices("channels"), initial="phone")
    staff = forms.ModelChoiceField(label="対応職員", queryset=User.objects.none())

    def __init__(self, membership, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fy = FiscalYear.of(timezone.now())
        self.fields["category"].choices = [("", "選んでください")] + [(c["code"], c["name"])
                                                                   for c in reference.categories(fy)]
        self.fields["factors"].choices = [(f["code"], f["name"]) for f in reference.factors(fy)]
        self.fields["staff"].queryset = own_staff(membership).order_by("kana_folded")
        self.initial.setdefault("occurred_at", timezone.localtime().replace(second=0, microsecond=0))
        self.initial.setdefault("staff", membership.user.pk)
        self.initial.setdefault("channel", "phone")


class LinkPersonForm(VersionedForm):
    person = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="結びつける理由（匿名の相談のときは必須）", required=False, max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))


class CaseForm(Form):
    lead = forms.ModelChoiceField(label="主担当", queryset=User.objects.none())
    co_workers = forms.ModelMultipleChoiceField(label="副担当・協働者", queryset=Membership.objects.none(),
                                                required=False, widget=forms.CheckboxSelectMultiple,
                                                help_text="協働者は選んだ所属（組織）で操作するときだけケースを開けます。")
    complexity = forms.ChoiceField(label="複雑さ", choices=reference.choices("complexities"),
                                   widget=forms.RadioSelect, initial="normal")
    summary = forms.CharField(label="主訴・概要", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, membership, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = own_staff(membership).order_by("kana_folded")
        self.fields["co_workers"].queryset = team_candidates(membership)
        self.fields["co_workers"].label_from_instance = lambda m: f"{m.user}（{m.organisation.name}）"
        self.initial.setdefault("lead", membership.user.pk)
        levels = reference.choices("need_levels")
        for domain in assessment_domains():
            self.fields[f"need_{domain['code']}"] = forms.ChoiceField(label=domain["name"], choices=levels,
                                                                      initial="none")

    def need_fields(self):
        return [self[f"need_{d['code']}"] for d in assessment_domains()]

    def main_fields(self):
        return [self[name] for name in ("lead", "co_workers", "complexity", "summary")]

    def needs(self) -> dict:
        return {d["code"]: self.cleaned_data[f"need_{d['code']}"] for d in assessment_domains()}


class CaseEditForm(VersionedForm, CaseForm):
    pass


class StatusForm(VersionedForm):
    to_status = forms.ChoiceField(label="新しい状態", choices=reference.choices("statuses"))
    closure_reason = forms.ChoiceField(label="終結理由（終結のとき）", required=False,
                                       choices=[("", "—")] + reference.choices("closure_reasons"))
    note = forms.CharField(label="メモ", required=False, max_length=500)


class EntryForm(Form):
    kind = forms.ChoiceField(label="種別", choices=reference.choices("entry_kinds"))
    occurred_at = forms.DateTimeField(label="日時", widget=DateTimeLocalInput(), input_formats=[DATETIME_FORMAT])
    body = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 4, "data-limit": "record_body"}))
    follow_up_on = forms.DateField(label="次回確認日（任意）", required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                   help_text="この日が近づくとマイページの「対応が必要」に表示されます。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("occurred_at", timezone.localtime().replace(second=0, microsecond=0))


class AmendForm(VersionedForm):
    kind = forms.ChoiceField(label="種別", choices=reference.choices("entry_kinds"))
    occurred_at = forms.DateTimeField(label="日時", widget=DateTimeLocalInput(), input_formats=[DATETIME_FORMAT])
    body = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 6, "data-limit": "record_body"}))
    reason = forms.CharField(label="修正の理由", max_length=300,
                             help_text="修正前の記載は履歴として残り、誰がいつ修正したかが表示されます。")


class EnteredInErrorForm(VersionedForm):
    reason = forms.CharField(label="誤記入の理由", max_length=300)


class SearchForm(Form):
    q = forms.CharField(label="検索語", max_length=100, required=False,
                        widget=forms.TextInput(attrs={"type": "search", "autofocus": True}))
