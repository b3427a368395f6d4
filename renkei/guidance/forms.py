"""The situation form of the guidance page (GET, so the address can be shared)."""

from django import forms

from renkei.core.forms import Form

from .engine import CaseFacts, load_rules

TRISTATE = [("", "不明"), ("yes", "はい"), ("no", "いいえ")]
CHOICE_ERROR = "選択肢の中から選んでください。"


def _tristate(value):
    return {"yes": True, "no": False}.get(value)


class SituationForm(Form):
    acting_org_type = forms.ChoiceField(label="対応している機関", required=False,
                                        error_messages={"invalid_choice": CHOICE_ERROR})
    need_domains = forms.MultipleChoiceField(label="ニーズの領域", required=False,
                                             widget=forms.CheckboxSelectMultiple,
                                             error_messages={"invalid_choice": "ニーズの領域に使えない値があります。"})
    complexity = forms.ChoiceField(label="複雑さ", required=False, widget=forms.RadioSelect,
                                   error_messages={"invalid_choice": CHOICE_ERROR})
    phase = forms.ChoiceField(label="時期", required=False, error_messages={"invalid_choice": CHOICE_ERROR})
    wishes = forms.MultipleChoiceField(label="本人の希望", required=False, widget=forms.CheckboxSelectMultiple,
                                       error_messages={"invalid_choice": "本人の希望に使えない値があります。"})
    age = forms.IntegerField(label="年齢", required=False, min_value=0, max_value=130,
                             widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                             error_messages={"invalid": "年齢は0〜130の整数で入力してください。",
                                             "min_value": "年齢は0〜130の整数で入力してください。",
                                             "max_value": "年齢は0〜130の整数で入力してください。"})
    attending_school = forms.TypedChoiceField(label="学校に通っている", choices=TRISTATE, required=False,
                                              coerce=_tristate, empty_value=None,
                                              error_messages={"invalid_choice": CHOICE_ERROR})
    family_involved = forms.TypedChoiceField(label="家族が関わっている", choices=TRISTATE, required=False,
                                             coerce=_tristate, empty_value=None,
                                             error_messages={"invalid_choice": CHOICE_ERROR})
    in_psychiatric_care = forms.TypedChoiceField(label="精神科医療につながっている", choices=TRISTATE,
                                                 required=False, coerce=_tristate, empty_value=None,
                                                 error_messages={"invalid_choice": CHOICE_ERROR})
    admission_type = forms.ChoiceField(label="入院形態", required=False,
                                       error_messages={"invalid_choice": CHOICE_ERROR})
    hard_to_reach = forms.BooleanField(label="来所・受診が難しい（訪問が必要）", required=False)
    wide_area = forms.BooleanField(label="複数の市町村にまたがる（広域の対応が必要）", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        ruleset = load_rules()
        unknown = [("", "（指定なし）")]
        self.fields["acting_org_type"].choices = unknown + ruleset.choices("organisation_types")
        self.fields["need_domains"].choices = ruleset.choices("need_domains")
        self.fields["complexity"].choices = ruleset.choices("complexity")
        self.fields["phase"].choices = unknown + ruleset.choices("phases")
        self.fields["wishes"].choices = ruleset.choices("wishes")
        self.fields["admission_type"].choices = [("", "（入院していない・不明）")] + ruleset.choices("admission_types")

    def facts(self) -> CaseFacts:
        data = self.cleaned_data
        return CaseFacts(
            need_domains=set(data["need_domains"]), complexity=data["complexity"] or "normal",
            acting_org_type=data["acting_org_type"] or None, phase=data["phase"] or None,
            wishes=set(data["wishes"]), age=data["age"], attending_school=data["attending_school"],
            family_involved=data["family_involved"], wide_area=data["wide_area"],
            hard_to_reach=data["hard_to_reach"], in_psychiatric_care=data["in_psychiatric_care"],
            admission_type=data["admission_type"] or None,
        )
