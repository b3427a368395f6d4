"""Forms of the conferences pages. They parse input; the rules live in actions.py."""

from django import forms

from renkei.accounts.models import Membership
from renkei.cases.forms import DateTimeLocalInput
from renkei.core.forms import Form

from . import reference

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MembershipChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, m):
        title = f"・{m.title}" if m.title else ""
        return f"{m.user}（{m.organisation.name}・{m.role_name}{title}）"


def staff_of_any_organisation():
    return (Membership.objects.filter(is_active=True, user__is_active=True, organisation__is_active=True)
            .select_related("user", "organisation").order_by("organisation__type__sort_order", "organisation__name",
                                                             "user__kana_folded"))


class TeamMemberForm(Form):
    membership = MembershipChoiceField(label="職員（どの機関でも）", queryset=Membership.objects.none(), required=False,
                                       empty_label="— 職員でない人を記録するときは空欄 —")
    name = forms.CharField(label="氏名（職員でない人）", max_length=100, required=False,
                           help_text="例: 民生委員、家族会の会員など、Renkeiを使わない人")
    organisation_label = forms.CharField(label="所属（職員でない人）", max_length=200, required=False)
    role = forms.ChoiceField(label="チームでの役割", choices=reference.team_role_choices())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = staff_of_any_organisation()


class RoleForm(Form):
    role = forms.ChoiceField(label="チームでの役割", choices=reference.team_role_choices())


class PurposeForm(Form):
    purpose = forms.CharField(label="目的（チームで共有する目的）", max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              help_text="本人の言葉で書きます。例:「本人が望むアパートでの一人暮らしを続けられる」")
    goals = forms.CharField(label="目標", max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4}))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class ConferenceForm(Form):
    kind = forms.ChoiceField(label="会議の種類", choices=reference.kind_choices())
    title = forms.CharField(label="会議名", max_length=200, required=False, help_text="空欄なら種類と日付で表示します")
    starts_at = forms.DateTimeField(label="日時", widget=DateTimeLocalInput(), input_formats=["%Y-%m-%dT%H:%M"])
    ends_at = forms.DateTimeField(label="終了", required=False, widget=DateTimeLocalInput(),
                                  input_formats=["%Y-%m-%dT%H:%M"])
    place = forms.CharField(label="場所", max_length=200, required=False)
    is_remote = forms.BooleanField(label="オンライン（遠隔）で開く", required=False)
    agenda = forms.CharField(label="議題", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ConferenceEditForm(ConferenceForm):
    minutes = forms.CharField(label="議事録", required=False, widget=forms.Textarea(attrs={"rows": 8}))
    decisions = forms.CharField(label="決定事項", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class AttendeeForm(Form):
    membership = MembershipChoiceField(label="職員（どの機関でも）", queryset=Membership.objects.none(), required=False,
                                       empty_label="— チームの構成員・職員でない人のときは空欄 —")
    team_member = forms.TypedChoiceField(label="チームの構成員から", required=False, coerce=int, empty_value=None)
    name = forms.CharField(label="氏名（職員でない人）", max_length=100, required=False)
    organisation_label = forms.CharField(label="所属（職員でない人）", max_length=200, required=False)
    role_label = forms.CharField(label="立場", max_length=100, required=False, help_text="例: ピアサポーター、本人")

    def __init__(self, *args, team_members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = staff_of_any_organisation()
        self.fields["team_member"].choices = [("", "—")] + [
            (tm.pk, f"{tm.display_name}（{tm.organisation_name}・{tm.role_name}）") for tm in team_members]


class ActionItemForm(Form):
    description = forms.CharField(label="宿題の内容", widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.TypedChoiceField(label="担当者", coerce=int)
    due_date = forms.DateField(label="期限", widget=DATE_INPUT)

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.owners = {u.pk: u for u in owners}
        self.fields["owner"].choices = [(u.pk, str(u)) for u in owners]


class StatusForm(Form):
    status = forms.ChoiceField(label="状態", choices=reference.status_choices())
