from django import forms

from renkei.core.forms import Form


class AuditFilterForm(Form):
    since = forms.DateField(label="開始日", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="終了日", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    actor = forms.CharField(label="職員のユーザーID", required=False, max_length=150)
    action = forms.CharField(label="操作（前方一致。例: auth. / person.）", required=False, max_length=80)
    person = forms.IntegerField(label="本人ID", required=False, min_value=1, max_value=2**63 - 1)
    breakglass = forms.BooleanField(label="緊急アクセスのみ", required=False)

    def clean(self):
        data = super().clean()
        for name in ("since", "until"):
            if data.get(name) and not 1900 <= data[name].year <= 2199:
                self.add_error(name, "1900年〜2199年の日付で指定してください。")  # (drops it from the data)
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError("開始日は終了日より前の日付にしてください。")
        return data

    def apply(self, queryset):
        import datetime as dt

        from django.utils import timezone

        data = self.cleaned_data
        tz = timezone.get_current_timezone()
        if data.get("since"):
            queryset = queryset.filter(at__gte=dt.datetime.combine(data["since"], dt.time.min, tzinfo=tz))
        if data.get("until"):
            queryset = queryset.filter(at__lt=dt.datetime.combine(data["until"] + dt.timedelta(days=1),
                                                                  dt.time.min, tzinfo=tz))
        if data.get("actor"):
            queryset = queryset.filter(actor_label__iexact=data["actor"])
        if data.get("action"):
            queryset = queryset.filter(action__startswith=data["action"])
        if data.get("person"):
            from .access import naming_persons

            queryset = queryset.filter(id__in=naming_persons([str(data["person"])]))
        if data.get("breakglass"):
            queryset = queryset.filter(action__startswith="breakglass.")
        return queryset
