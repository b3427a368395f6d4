from django import forms

from renkei.accounts.models import Organisation
from renkei.core.forms import Form, ModelForm

from . import hours, reference
from .matching import config as matching_config
from .models import Organization, Service, TaxonomyTerm


def _kind_choices():
    return reference.service_kinds()


def _areas():
    return Organisation.objects.filter(type__code__in=["municipality", "prefecture"], is_active=True) \
        .order_by("-type__sort_order", "kana_folded")


class KindChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, term):
        return f"　{term.name}" if term.parent_id else f"【{term.name}】"


class SearchForm(Form):
    q = forms.CharField(label="名称（ひらがな・カタカナ・半角でも可）", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}))
    kind = KindChoiceField(label="サービス種別", required=False, queryset=TaxonomyTerm.objects.none(),
                           empty_label="すべて")
    area = forms.ModelChoiceField(label="地域（市町村）", required=False, queryset=Organisation.objects.none(),
                                  empty_label="すべて")
    open_now = forms.BooleanField(label="いま受付中", required=False)
    accepting = forms.BooleanField(label="連携依頼を受付中（空きあり）", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = _kind_choices()
        self.fields["area"].queryset = Organisation.objects.filter(type__code="municipality", is_active=True)


class OrganizationForm(ModelForm):
    website = forms.URLField(label="ウェブサイト", required=False, assume_scheme="https")

    class Meta:
        model = Organization
        fields = ["name", "alternate_name", "description", "email", "website", "legal_status", "last_verified"]
        widgets = {"last_verified": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "description": forms.Textarea(attrs={"rows": 3})}


class ServiceForm(ModelForm):
    kinds = forms.ModelMultipleChoiceField(label="サービス種別", queryset=TaxonomyTerm.objects.none(),
                                           widget=forms.CheckboxSelectMultiple,
                                           error_messages={"required": "サービス種別を一つ以上選んでください。"})
    areas = forms.ModelMultipleChoiceField(label="対象地域", queryset=Organisation.objects.none(),
                                           widget=forms.CheckboxSelectMultiple,
                                           error_messages={"required": "対象地域を一つ以上選んでください。"})
    capacity_available = forms.IntegerField(label="空き（受入可能数）", required=False, min_value=0,
                                            help_text="受入枠を管理しない場合は空欄")
    capacity_maximum = forms.IntegerField(label="定員・枠の総数", required=False, min_value=0)
    capacity_unit = forms.CharField(label="枠の単位", required=False, max_length=60, help_text="例: 空床、今月の新規受付枠")

    class Meta:
        model = Service
        fields = ["name", "alternate_name", "status", "description", "eligibility_description", "minimum_age",
                  "maximum_age", "application_process", "fees_description", "wait_time", "alert",
                  "accepting_referrals", "last_verified"]
        widgets = {"last_verified": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   **{f: forms.Textarea(attrs={"rows": 2}) for f in
                      ["description", "eligibility_description", "application_process", "fees_description", "alert"]}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kinds"].queryset = _kind_choices().filter(parent__isnull=False)
        self.fields["areas"].queryset = _areas()
        if self.instance.pk:
            self.fields["kinds"].initial = [st.taxonomy_term_id for st in self.instance.service_terms.all()]
            self.fields["areas"].initial = [a.area_id for a in self.instance.service_areas.all() if a.area_id]
            cap = self.instance.capacities.select_related("unit").first()
            if cap:
                self.fields["capacity_available"].initial = cap.available
                self.fields["capacity_maximum"].initial = cap.maximum
                self.fields["capacity_unit"].initial = cap.unit.name

    def clean(self):
        data = super().clean()
        lo, hi = data.get("minimum_age"), data.get("maximum_age")
        if lo is not None and hi is not None and lo > hi:
            self.add_error("maximum_age", "対象年齢の上限が下限より小さくなっています。")
        avail, maximum = data.get("capacity_available"), data.get("capacity_maximum")
        if avail is not None and maximum is not None and avail > maximum:
            self.add_error("capacity_available", "空きが定員を超えています。")
        return data

    def capacity(self):
        d = self.cleaned_data
        return {"available": d.get("capacity_available"), "maximum": d.get("capacity_maximum"),
                "unit": d.get("capacity_unit")}


class ScheduleForm(Form):
    byday = forms.MultipleChoiceField(label="曜日", choices=list(hours.DAY_NAMES.items()),
                                      widget=forms.CheckboxSelectMultiple,
                                      error_messages={"required": "曜日を一つ以上選んでください。"})
    opens_at = forms.TimeField(label="開始", widget=forms.TimeInput(attrs={"type": "time"}))
    closes_at = forms.TimeField(label="終了", widget=forms.TimeInput(attrs={"type": "time"}),
                                help_text="終了が開始より前なら翌日までの受付（夜間）として扱います。")
    closed_on_holidays = forms.BooleanField(label="祝日は休み", required=False, initial=True)


class ImportForm(Form):
    file = forms.FileField(label="HSDS ファイル（JSON または ZIP）",
                           help_text="JSON（UTF-8）か、書き出した CSV データパッケージの ZIP（Excel で編集したものも可）")


class MatchForm(Form):
    need = KindChoiceField(label="必要な支援（サービス種別）", queryset=TaxonomyTerm.objects.none(),
                           empty_label="選んでください", to_field_name="code",
                           error_messages={"required": "必要な支援を選んでください。",
                                           "invalid_choice": "必要な支援を一覧から選んでください。"})
    municipality = forms.ModelChoiceField(label="本人の住む市町村", queryset=Organisation.objects.none(),
                                          empty_label="選んでください",
                                          error_messages={"required": "市町村を選んでください。",
                                                          "invalid_choice": "市町村を一覧から選んでください。"})
    accessibility = forms.MultipleChoiceField(label="配慮が必要なこと", required=False,
                                              widget=forms.CheckboxSelectMultiple, choices=[])
    language = forms.ChoiceField(label="使う言語", required=False, choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["need"].queryset = _kind_choices()
        self.fields["municipality"].queryset = Organisation.objects.filter(type__code="municipality", is_active=True)
        cfg = matching_config()
        self.fields["accessibility"].choices = [(k, v["label"]) for k, v in cfg["accessibility"].items()]
        self.fields["language"].choices = [("", "日本語")] + list(cfg["languages"].items())
