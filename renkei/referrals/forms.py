"""Forms of the referral pages. Choices come from the data files and the consent layer."""

from django import forms
from django.core.exceptions import ValidationError

from renkei.accounts.models import Organisation
from renkei.core.dates import wareki
from renkei.core.forms import Form
from renkei.directory import reference as directory_reference
from renkei.directory.models import Service, TaxonomyTerm

from . import reference, sharing


def receiver_choices(membership):
    return Organisation.objects.filter(is_active=True).exclude(pk=membership.organisation_id).select_related(
        "type").order_by("type__sort_order", "kana_folded", "name")


class ReferralForm(Form):
    to_organisation = forms.ModelChoiceField(label="依頼先の機関", queryset=Organisation.objects.none(),
                                             required=False, help_text="サービスを選んだときは空欄でかまいません。")
    service = forms.ModelChoiceField(label="依頼先のサービス（機関ディレクトリ）", queryset=Service.objects.none(),
                                     required=False)
    need = forms.ModelChoiceField(label="ニーズ（サービスの種類）", queryset=TaxonomyTerm.objects.none(), required=False)
    purpose = forms.CharField(label="本人にとっての目的", widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="できるだけ本人の言葉で。例: 「アパートで一人暮らしを続けたい」")
    asks = forms.MultipleChoiceField(label="依頼する内容", choices=reference.choices("asks"),
                                     widget=forms.CheckboxSelectMultiple)
    urgency = forms.ChoiceField(label="緊急度", choices=reference.choices("urgencies"), initial="routine")
    scopes = forms.MultipleChoiceField(label="共有する情報の範囲", choices=(), widget=forms.CheckboxSelectMultiple,
                                       required=False, help_text="基本情報は必ず共有されます。必要最小限にしてください。")
    basis = forms.ChoiceField(label="共有の根拠", choices=[("consent", "本人同意"), ("legal", "法令等の根拠（同意によらない提供）")],
                              widget=forms.RadioSelect, initial="consent")
    consent_ids = forms.MultipleChoiceField(label="根拠とする同意", choices=(), required=False,
                                            widget=forms.CheckboxSelectMultiple)
    legal_basis = forms.ChoiceField(label="法的根拠", choices=(), required=False)
    justification = forms.CharField(label="法的根拠による提供の理由", required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))
    send = forms.BooleanField(label="すぐに依頼を送る（外すと下書きとして保存）", required=False, initial=True)

    def __init__(self, membership, case, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_organisation"].queryset = receiver_choices(membership)
        self.fields["service"].queryset = Service.objects.filter(
            status="active", organization__organisation__isnull=False).select_related("organization").order_by(
            "organization__name_folded", "name_folded")
        self.fields["service"].label_from_instance = lambda s: f"{s.organization.name} — {s.name}"
        self.fields["need"].queryset = TaxonomyTerm.objects.filter(taxonomy__code=directory_reference.SERVICE_KIND)
        self.fields["scopes"].choices = sharing.scope_choices()
        self.fields["legal_basis"].choices = [("", "（選んでください）")] + [
            (b["code"], f"{b['name']}（{b['article']}）") for b in sharing.disclosure_bases()]
        to = self._receiver()
        # Before a receiver is chosen, every consent in force is listed (the check on sending narrows it).
        consents = sharing.consent_choices(case.person, to) if to is not None else sharing.consents_in_force(
            case.person)
        self.fields["consent_ids"].choices = [
            (str(c.pk), f"同意#{c.pk} {c.recipient_name}・{'・'.join(c.scopes)}（{wareki(c.valid_until)}まで）")
            for c in consents]
        self.consents_for = to

    def _receiver(self):
        value = self.data.get("to_organisation") or self.initial.get("to_organisation")
        service = self.data.get("service") or self.initial.get("service")
        try:
            if service:
                s = Service.objects.select_related("organization").filter(pk=service).first()
                if s is not None and s.organization.organisation_id:
                    return s.organization.organisation
            if value:
                return Organisation.objects.filter(pk=int(getattr(value, "pk", value))).first()
        except (ValueError, TypeError, ValidationError):
            return None
        return None


class RebaseForm(Form):
    """A new basis for a referral held because its basis ended: consents in force now that cover the
    receiver, or a legal basis usable between the two organisations."""

    prefix = "rebase"
    basis = forms.ChoiceField(label="新しい共有の根拠", widget=forms.RadioSelect, initial="consent",
                              choices=[("consent", "本人同意"), ("legal", "法令等の根拠（同意によらない提供）")])
    consent_ids = forms.MultipleChoiceField(label="根拠とする同意", choices=(), required=False,
                                            widget=forms.CheckboxSelectMultiple)
    legal_basis = forms.ChoiceField(label="法的根拠", choices=(), required=False)
    justification = forms.CharField(label="法的根拠による提供の理由", required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))
    note = forms.CharField(label="メモ", required=False, widget=forms.Textarea(attrs={"rows": 1}))

    def __init__(self, referral, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent_ids"].choices = [
            (str(c.pk), f"同意#{c.pk} {c.recipient_name}・{'・'.join(c.scopes)}（{wareki(c.valid_until)}まで）")
            for c in sharing.consent_choices(referral.person, referral.to_organisation)]
        self.fields["legal_basis"].choices = [("", "（選んでください）")] + [
            (b["code"], f"{b['name']}（{b['article']}）")
            for b in sharing.legal_basis_choices(referral.from_organisation, referral.to_organisation)]


class TransitionForm(Form):
    to_status = forms.ChoiceField(choices=reference.choices("statuses"), widget=forms.HiddenInput)
    expected_status = forms.ChoiceField(choices=reference.choices("statuses"), widget=forms.HiddenInput)
    reason = forms.ChoiceField(label="理由", choices=[("", "（お断り・不成立のとき選ぶ）")] + reference.selectable_reasons(),
                               required=False)
    reason_text = forms.CharField(label="理由の詳細", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.CharField(label="結果（完了のとき）", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    note = forms.CharField(label="メモ", required=False, widget=forms.Textarea(attrs={"rows": 2}))
