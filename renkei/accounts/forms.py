from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from renkei.core.forms import Form

from .models import Department, User
from .roles import ROLE_CHOICES


class LoginForm(Form):
    username = forms.CharField(label="ユーザーID", max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}))
    password = forms.CharField(label="パスワード", strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class PasswordChangeForm(Form):
    old_password = forms.CharField(label="現在のパスワード", strip=False,
                                   widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    new_password1 = forms.CharField(label="新しいパスワード", strip=False,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                    help_text="12文字以上。推測されやすいもの、数字だけのものは使えません。")
    new_password2 = forms.CharField(label="新しいパスワード（確認）", strip=False,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_old_password(self):
        value = self.cleaned_data["old_password"]
        if not self.user.check_password(value):
            raise ValidationError("現在のパスワードが正しくありません。")
        return value

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("new_password1"), data.get("new_password2")
        if p1 and p2 and p1 != p2:
            self.add_error("new_password2", "確認用のパスワードが一致しません。")
        elif p1:
            try:
                password_validation.validate_password(p1, self.user)
            except ValidationError as error:
                self.add_error("new_password1", error)
        return data


class PasswordResetForm(Form):
    """A supervisor's reset: a generated temporary password (default) or one the supervisor types."""

    password = forms.CharField(label="仮パスワード（空欄なら自動で作成）", required=False, strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                               help_text="本人は次回ログイン時に新しいパスワードへの変更を求められます。")
    password_confirm = forms.CharField(label="仮パスワード（確認）", required=False, strip=False,
                                       widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        password, confirm = data.get("password") or "", data.get("password_confirm") or ""
        if password != confirm:
            self.add_error("password_confirm", "確認用のパスワードが一致しません。")
        elif password:
            try:
                password_validation.validate_password(password, self.user)
            except ValidationError as error:
                self.add_error("password", error)
        return data


class StaffCreateForm(Form):
    username = forms.RegexField(label="ユーザーID", max_length=150, regex=r"^[A-Za-z0-9._-]+$",
                                error_messages={"invalid": "ユーザーIDは半角英数字と . _ - で入力してください。"})
    display_name = forms.CharField(label="氏名", max_length=100)
    kana = forms.CharField(label="フリガナ", max_length=100, required=False)
    email = forms.EmailField(label="メールアドレス", required=False)
    role = forms.ChoiceField(label="役割", choices=ROLE_CHOICES)
    department = forms.ModelChoiceField(label="部署", queryset=Department.objects.none(), required=False)
    title = forms.CharField(label="職名", max_length=60, required=False)
    password = forms.CharField(label="初期パスワード", strip=False, widget=forms.PasswordInput,
                               help_text="初回ログイン時に本人が変更します。12文字以上。")

    def __init__(self, organisation, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(organisation=organisation)

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError("このユーザーIDはすでに使われています。既存の職員を追加する場合は「既存の職員を追加」を使ってください。")
        return username

    def clean(self):
        data = super().clean()
        if data.get("password"):
            probe = User(username=data.get("username", ""), display_name=data.get("display_name", ""))
            try:
                password_validation.validate_password(data["password"], probe)
            except ValidationError as error:
                self.add_error("password", error)
        return data


class StaffAddExistingForm(Form):
    username = forms.CharField(label="既存の職員のユーザーID", max_length=150)
    role = forms.ChoiceField(label="役割", choices=ROLE_CHOICES)
    department = forms.ModelChoiceField(label="部署", queryset=Department.objects.none(), required=False)
    title = forms.CharField(label="職名", max_length=60, required=False)

    def __init__(self, organisation, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(organisation=organisation)

    def clean_username(self):
        try:
            return User.objects.get(username__iexact=self.cleaned_data["username"])
        except User.DoesNotExist:
            raise ValidationError("そのユーザーIDの職員は見つかりません。") from None


class MembershipForm(Form):
    role = forms.ChoiceField(label="役割", choices=ROLE_CHOICES)
    department = forms.ModelChoiceField(label="部署", queryset=Department.objects.none(), required=False)
    title = forms.CharField(label="職名", max_length=60, required=False)

    def __init__(self, organisation, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(organisation=organisation)


class DeactivateForm(Form):
    reason = forms.CharField(label="理由", max_length=200, required=False)


class OTPForm(Form):
    code = forms.CharField(label="確認コード", max_length=20, widget=forms.TextInput(attrs={
        "autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        help_text="認証アプリに表示される6桁の数字、または回復コード")


class OrganisationSettingsForm(Form):
    require_two_factor = forms.BooleanField(label="この組織の職員に二要素認証を必須にする", required=False)
