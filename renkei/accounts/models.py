from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone

from renkei.core.fields import EncryptedCharField
from renkei.core.text import fold_kana

from .roles import ROLE_CHOICES, ROLES, TYPE_PERMISSIONS, role_has_perm, type_allows


class OrganisationType(models.Model):
    """Kinds of organisation (保健所, 市町村, 訪問看護 …): loaded from data/organisation_types.json."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField("種別", max_length=60)
    is_public = models.BooleanField("公的機関", default=False)
    layer = models.PositiveSmallIntegerField("重層的支援の層", null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = "組織種別"

    def __str__(self):
        return self.name


class DepartmentKind(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField("部局の分野", max_length=60)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.name


class Organisation(models.Model):
    code = models.SlugField("組織コード", max_length=60, unique=True)
    name = models.CharField("名称", max_length=200)
    kana = models.CharField("フリガナ", max_length=200, blank=True)
    kana_folded = models.CharField(max_length=200, blank=True, editable=False, db_index=True)
    type = models.ForeignKey(OrganisationType, on_delete=models.PROTECT, verbose_name="種別")
    is_public = models.BooleanField("公的機関", default=False)
    municipality = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="located_here",
        verbose_name="所在市町村", limit_choices_to={"type__code": "municipality"},
    )
    jurisdiction = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="health_centres", verbose_name="管内の市町村",
    )
    postal_code = models.CharField("郵便番号", max_length=8, blank=True)
    address = models.CharField("所在地", max_length=300, blank=True)
    phone = models.CharField("電話番号", max_length=30, blank=True)
    require_two_factor = models.BooleanField("二要素認証を必須にする", default=False)
    is_active = models.BooleanField("有効", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["type__sort_order", "kana_folded", "name"]
        verbose_name = "組織"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.kana_folded = fold_kana(self.kana)
        super().save(*args, **kwargs)

    @property
    def is_municipality(self):
        return self.type.code == "municipality"

    @property
    def is_health_centre(self):
        return self.type.code == "health_centre"


class Department(models.Model):
    """A department inside an organisation (市町村の保健衛生課, 住宅課 …) for 庁内連携."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="departments")
    name = models.CharField("部署名", max_length=120)
    kind = models.ForeignKey(DepartmentKind, on_delete=models.PROTECT, verbose_name="分野")
    phone = models.CharField("電話番号", max_length=30, blank=True)

    class Meta:
        ordering = ["organisation", "kind__sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="unique_department_name")]

    def __str__(self):
        return f"{self.organisation.name} {self.name}"


class RenkeiUserManager(UserManager):
    pass


class User(AbstractUser):
    """A member of staff. Never deleted: records keep their author; deactivate instead."""

    display_name = models.CharField("氏名", max_length=100)
    kana = models.CharField("フリガナ", max_length=100, blank=True)
    kana_folded = models.CharField(max_length=100, blank=True, editable=False, db_index=True)
    must_change_password = models.BooleanField("次回ログイン時にパスワード変更", default=False)

    objects = RenkeiUserManager()
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = "職員"
        ordering = ["kana_folded", "username"]

    def __str__(self):
        return self.display_name or self.username

    def save(self, *args, **kwargs):
        self.kana_folded = fold_kana(self.kana)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("職員は削除できません。無効化してください。")

    def active_memberships(self):
        return (
            self.memberships.filter(is_active=True, organisation__is_active=True)
            .select_related("organisation", "organisation__type", "department")
            .order_by("organisation__type__sort_order", "organisation__name")
        )


class Membership(models.Model):
    """A user's place in one organisation, with exactly one role there."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField("役割", max_length=20, choices=ROLE_CHOICES)
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, verbose_name="部署"
    )
    title = models.CharField("職名", max_length=60, blank=True, help_text="例: 精神保健福祉相談員、保健師")
    is_active = models.BooleanField("有効", default=True)
    created_at = models.DateTimeField(default=timezone.now)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")]
        ordering = ["organisation", "user"]
        verbose_name = "所属"

    def __str__(self):
        return f"{self.user} @ {self.organisation} ({self.role_name})"

    @property
    def role_name(self):
        return ROLES[self.role].name

    def has_perm(self, perm: str) -> bool:
        return self.is_active and role_has_perm(self.role, perm) and (
            perm not in TYPE_PERMISSIONS or type_allows(self.organisation.type.code, perm))

    @property
    def permissions(self):
        """What the role may do in this organisation (accounts/roles.py: the role's permissions, less those
        its organisation's type may not have), whether or not the membership is active."""
        own = ROLES[self.role].permissions
        limited = own & TYPE_PERMISSIONS.keys()
        if not limited:
            return own
        code = self.organisation.type.code
        return own - {perm for perm in limited if not type_allows(code, perm)}


class LoginAttempt(models.Model):
    """Every login attempt, for throttling per account and per client address."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    succeeded = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["succeeded", "at"])]


class TOTPDevice(models.Model):
    """Two-factor login with a time-based one-time password (RFC 6238), per
    医療情報システムの安全管理に関するガイドライン 第6.0版. The secret is encrypted at rest."""

    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="totp_device")
    secret = EncryptedCharField(max_length=64)
    confirmed_at = models.DateTimeField(default=timezone.now)
    last_used_step = models.BigIntegerField(default=0)

    def __str__(self):
        return f"TOTP({self.user})"


class RecoveryCode(models.Model):
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"recovery code of {self.user}"
