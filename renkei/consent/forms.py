from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from renkei.accounts.models import Organisation, OrganisationType
from renkei.cases.forms import VersionedForm
from renkei.core import attachments
from renkei.core.forms import Form

from . import access, reference

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _scope_field(label="共有する情報の範囲"):
    return forms.MultipleChoiceField(
        label=label, widget=forms.CheckboxSelectMultiple,
        choices=[(s["code"], f"{s['name']}（{s['description']}）") for s in reference.scopes()],
        error_messages={"required": "共有する情報の範囲を1つ以上選んでください。"},
        help_text="基本情報以外を選ぶと、基本情報も共有されます。")


def _other_orgs(membership):
    return Organisation.objects.filter(is_active=True).exclude(pk=membership.organisation_id).select_related("type")


class ConsentForm(Form):
    recipient_kind = forms.ChoiceField(label="提供先の種類", choices=reference.recipient_kind_choices,
                                       widget=forms.RadioSelect, initial="organisation")
    recipient_organisation = forms.ModelChoiceField(label="提供先の機関", queryset=Organisation.objects.none(),
                                                    required=False)
    recipient_type = forms.ModelChoiceField(label="提供先の機関の種別", queryset=OrganisationType.objects.all(),
                                            required=False, help_text="種別を選ぶと、その種別のすべての機関が対象になります。")
    recipient_team = forms.ModelChoiceField(
        label="提供先の支援チーム", queryset=None, required=False,
        help_text="チームの構成員である職員だけが、チームにいる間、同意の範囲で見られます（チームから外れると見られなくなります）。")
    purpose = forms.CharField(label="利用目的", widget=forms.Textarea(attrs={"rows": 3}),
                              error_messages={"required": "利用目的を入力してください。"})
    scopes = _scope_field()
    valid_from = forms.DateField(label="有効期間（開始）", widget=DATE, initial=timezone.localdate,
                                 error_messages={"required": "有効期間の開始日を入力してください。",
                                                 "invalid": "日付の形式が正しくありません。"})
    valid_until = forms.DateField(label="有効期間（終了）", widget=DATE,
                                  error_messages={"required": "有効期間の終了日を入力してください。",
                                                  "invalid": "日付の形式が正しくありません。"})
    method = forms.ChoiceField(label="同意の方法", choices=reference.method_choices, widget=forms.RadioSelect,
                               error_messages={"required": "同意の方法を選んでください。"})
    obtained_at = forms.DateTimeField(label="同意を得た日時", widget=DATETIME,
                                      input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                      error_messages={"required": "同意を得た日時を入力してください。",
                                                      "invalid": "日時の形式が正しくありません。"})
    attachment = forms.FileField(label="同意書の写し（PDF・画像）", required=False,
                                 widget=forms.ClearableFileInput(
                                     attrs={"accept": "application/pdf,image/png,image/jpeg,image/tiff"}))
    note = forms.CharField(label="メモ", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="口頭で得たときは、説明した内容と本人の言葉を記録します。")

    def __init__(self, membership, *args, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachment"].help_text = (
            f"PDF・PNG・JPEG・TIFF（{attachments.limit_label()}まで）。閲覧はダウンロードで行います。")
        self.fields["recipient_organisation"].queryset = _other_orgs(membership)
        self.fields["recipient_team"].queryset = access.support_teams("of_person")(person)
        self.fields["recipient_team"].label_from_instance = access.support_teams("label")

    def clean_attachment(self):
        """By content and size (renkei.core.attachments), before anything is written."""
        upload = self.cleaned_data.get("attachment")
        if upload:
            try:
                attachments.check_upload(upload)
            except ValidationError as error:
                raise forms.ValidationError(error.messages) from None
        return upload


class WithdrawForm(VersionedForm):
    """The withdrawal, based on the consent's version the page was opened on (renkei.cases.versioning)."""

    method = forms.ChoiceField(label="撤回の方法", choices=reference.withdrawal_method_choices,
                               widget=forms.RadioSelect, error_messages={"required": "撤回の方法を選んでください。"})
    note = forms.CharField(label="メモ", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DisclosureForm(Form):
    recipient = forms.ModelChoiceField(label="提供先の機関", queryset=Organisation.objects.none(),
                                       error_messages={"required": "提供先の機関を選んでください。"})
    legal_basis = forms.ChoiceField(label="法的根拠", error_messages={"required": "法的根拠を選んでください。", "invalid_choice": "法的根拠を一覧から選んでください。"},
                                    choices=lambda: [(b["code"], f"{b['name']}（{b['article']}）")
                                                     for b in reference.disclosure_bases()])
    justification = forms.CharField(label="提供の理由", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                    help_text="相当の理由・該当する法令の条項・会議の名称と開催日などを記載します。")
    scopes = _scope_field("提供する情報の範囲")
    valid_until = forms.DateField(label="提供先が閲覧できる期限", widget=DATE,
                                  error_messages={"required": "閲覧できる期限を入力してください。",
                                                  "invalid": "日付の形式が正しくありません。"})

    def __init__(self, membership, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = _other_orgs(membership)


class EndDisclosureForm(Form):
    reason = forms.CharField(label="終了の理由", widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="例: 会議での検討が終わったため。提供先は次の操作から見られなくなります。",
                             error_messages={"required": "提供を終了する理由を入力してください。"})


class EndBreakGlassForm(Form):
    reason = forms.CharField(label="終了の理由", widget=forms.Textarea(attrs={"rows": 2}), max_length=1000,
                             help_text="例: 本人の安全が確認できたため。終了すると、相手はすぐに本人の記録を見られなくなります。",
                             error_messages={"required": "緊急アクセスを終了する理由を入力してください。"})


class BreakGlassSearchForm(Form):
    name = forms.CharField(label="氏名またはフリガナ（完全一致）", max_length=100,
                           error_messages={"required": "氏名またはフリガナを入力してください。"})
    birth_date = forms.DateField(label="生年月日", widget=DATE,
                                 error_messages={"required": "生年月日を入力してください。",
                                                 "invalid": "日付の形式が正しくありません。"})


class BreakGlassForm(Form):
    legal_basis = forms.ChoiceField(label="法的根拠", error_messages={"required": "法的根拠を選んでください。", "invalid_choice": "法的根拠を一覧から選んでください。"},
                                    choices=lambda: [(b["code"], f"{b['name']}（{b['article']}）")
                                                     for b in reference.breakglass_bases()])
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="例: 警察から保護の連絡。本人の服薬状況と緊急連絡先の確認が必要。",
                             error_messages={"required": "緊急アクセスの理由を入力してください。"})
