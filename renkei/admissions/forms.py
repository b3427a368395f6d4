"""Forms of the 入院等関係事務 pages. They only parse input; every rule is checked in the actions."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from renkei.cases.forms import DateTimeLocalInput, own_staff
from renkei.core.forms import Form

from . import reference

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
DATE = forms.DateInput(attrs={"type": "date"})
User = get_user_model()


def _when(label, required=True, help_text=""):
    return forms.DateTimeField(label=label, required=required, widget=DateTimeLocalInput(),
                               input_formats=[DATETIME_FORMAT], help_text=help_text)


def _staff_field(label, required=True):
    return forms.ModelChoiceField(label=label, required=required, queryset=User.objects.none())


def _now():
    return timezone.localtime().replace(second=0, microsecond=0)


class _StaffForm(Form):
    staff_fields: tuple[str, ...] = ()

    def __init__(self, membership, *args, **kwargs):
        super().__init__(*args, **kwargs)
        staff = own_staff(membership).order_by("kana_folded")
        for name in self.staff_fields:
            self.fields[name].queryset = staff
            self.initial.setdefault(name, membership.user.pk)


class PersonChoice(Form):
    person_query = forms.CharField(label="本人を探す（氏名・フリガナ）", required=False, max_length=100)
    person = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    subject_label = forms.CharField(label="本人（未登録のとき）", max_length=100, required=False,
                                    help_text="登録済みの本人でないとき、または分からないときの呼び名。例: 「男性（40歳代）」")


class ReportForm(_StaffForm, PersonChoice):
    staff_fields = ("received_by",)
    kind = forms.ChoiceField(label="種別", choices=[("", "選んでください")] + reference.choices("kinds"))
    received_at = _when("受理日時")
    received_by = _staff_field("受理した職員")
    reporter = forms.CharField(label="申請者・通報者", max_length=200,
                               help_text="氏名・所属（例: みどり中央警察署 生活安全課 巡査部長 山本）")
    place = forms.CharField(label="本人の現在場所", max_length=300)
    symptoms = forms.CharField(label="症状の概要", widget=forms.Textarea(attrs={"rows": 4}))
    guardian = forms.CharField(label="保護の任に当たる者", max_length=200, required=False,
                               help_text="氏名・続柄（分かれば）")

    field_order = ["kind", "received_at", "received_by", "reporter", "person_query", "person", "subject_label",
                   "place", "symptoms", "guardian"]

    def __init__(self, membership, *args, **kwargs):
        super().__init__(membership, *args, **kwargs)
        self.initial.setdefault("received_at", _now())


class LinkPersonForm(PersonChoice):
    pass


class InvestigationForm(_StaffForm):
    staff_fields = ("investigated_by",)
    investigated_at = _when("事前調査の日時")
    investigated_by = _staff_field("事前調査の職員")
    findings = forms.CharField(label="所見", widget=forms.Textarea(attrs={"rows": 4}))
    exam_needed = forms.TypedChoiceField(label="措置診察", coerce=lambda v: v == "yes", widget=forms.RadioSelect,
                                         choices=[("yes", "必要"), ("no", "不要")])
    grounds = forms.MultipleChoiceField(label="判断の理由", widget=forms.CheckboxSelectMultiple,
                                        choices=reference.ground_choices())

    def __init__(self, membership, *args, **kwargs):
        super().__init__(membership, *args, **kwargs)
        self.initial.setdefault("investigated_at", _now())


class ExaminationForm(_StaffForm):
    staff_fields = ("exam_witness",)
    exam_at = _when("措置診察の日時")
    exam_place = forms.CharField(label="場所", max_length=300)
    exam_witness = _staff_field("立会い職員")
    doctor1_name = forms.CharField(label="指定医1の氏名", max_length=100)
    doctor1_number = forms.CharField(label="指定医1の指定医番号", max_length=20)
    doctor2_name = forms.CharField(label="指定医2の氏名", max_length=100, required=False,
                                   help_text="緊急措置入院（指定医1名の診察）のときは空欄にします。")
    doctor2_number = forms.CharField(label="指定医2の指定医番号", max_length=20, required=False)

    def __init__(self, membership, *args, **kwargs):
        super().__init__(membership, *args, **kwargs)
        self.initial.setdefault("exam_at", _now())

    def doctors(self) -> list[dict]:
        d = self.cleaned_data
        return [{"name": d["doctor1_name"], "number": d["doctor1_number"]},
                {"name": d["doctor2_name"], "number": d["doctor2_number"]}]


class DoctorResultForm(Form):
    position = forms.TypedChoiceField(label="指定医", coerce=int, choices=[("1", "指定医1"), ("2", "指定医2")])
    result = forms.ChoiceField(label="診察の結果", choices=reference.choices("doctor_results"), widget=forms.RadioSelect)
    note = forms.CharField(label="所見", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(Form):
    decision = forms.ChoiceField(label="決定", choices=reference.choices("decisions"), widget=forms.RadioSelect)
    alternative = forms.ChoiceField(label="措置に代えた対応（措置不要のとき）", required=False,
                                    choices=[("", "—")] + reference.choices("alternatives"))
    decided_at = _when("決定の日時")
    hospital = forms.CharField(label="入院先", max_length=200, required=False,
                               help_text="措置入院・緊急措置入院（代わりに医療保護入院のときも）の入院先の病院")
    admitted_at = _when("入院日時", required=False, help_text="入院届・定期病状報告などの期限はこの日時から数えます。")
    decision_note = forms.CharField(label="補足", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("decided_at", _now())


class NoticeForm(Form):
    notified_at = _when("書面告知の日時")
    notified_to = forms.CharField(label="告知した相手", max_length=200, help_text="本人・家族等（氏名・続柄）")


class TransferForm(Form):
    transferred_at = _when("移送の日時")
    transfer_note = forms.CharField(label="移送の方法・同行者", max_length=300, required=False)


class AdmissionForm(PersonChoice):
    kind = forms.ChoiceField(label="入院形態", choices=[("", "選んでください")] + reference.choices("admission_kinds"))
    hospital = forms.CharField(label="入院先", max_length=200)
    admitted_at = _when("入院日時")
    field_order = ["kind", "hospital", "admitted_at", "person_query", "person", "subject_label"]


class DocumentForm(Form):
    rule = forms.CharField(widget=forms.HiddenInput, max_length=40)
    nth = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=1000)
    received_on = forms.DateField(label="受理日", widget=DATE)
    note = forms.CharField(label="確認の結果・補足", max_length=500, required=False)


class EndForm(Form):
    ended_on = forms.DateField(label="退院・措置解除の日", widget=DATE)
