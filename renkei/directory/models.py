"""The agency directory, modelled on Open Referral HSDS 3.1 (one model per HSDS table, UUID keys).

Directory data describes agencies and services, never persons. Extra columns that HSDS has no field
for (kana-folded search columns, the link to the product's own organisations, 'closed on holidays')
are exported through HSDS `organization_identifiers` and `attributes` (see hsds.py).
"""

import uuid
from datetime import date, timedelta

from django.db import models
from django.utils import timezone

from renkei.core.text import fold_kana

STALE_AFTER = timedelta(days=365)
STATUS_CHOICES = [("active", "提供中"), ("inactive", "休止中"), ("defunct", "廃止"),
                  ("temporarily closed", "一時休止")]


def _folded(*parts) -> str:
    return "|".join(fold_kana(p) for p in parts if p)


class HsdsModel(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    class Meta:
        abstract = True


class Taxonomy(HsdsModel):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField("分類体系", max_length=120)
    description = models.TextField(blank=True)
    uri = models.URLField(blank=True)
    version = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.name


class TaxonomyTerm(HsdsModel):
    taxonomy = models.ForeignKey(Taxonomy, on_delete=models.PROTECT, related_name="terms")
    code = models.CharField(max_length=60)
    name = models.CharField("名称", max_length=120)
    description = models.TextField(blank=True)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    need_domain = models.CharField("生活領域", max_length=40, blank=True)
    language = models.CharField(max_length=10, default="ja")
    term_uri = models.URLField(blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["taxonomy__code", "sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["taxonomy", "code"], name="unique_term_code")]

    def __str__(self):
        return self.name


class Organization(HsdsModel):
    name = models.CharField("名称", max_length=200)
    alternate_name = models.CharField("フリガナ・別名", max_length=200, blank=True)
    description = models.TextField("概要", blank=True)
    email = models.EmailField("メールアドレス", blank=True)
    website = models.URLField("ウェブサイト", blank=True)
    legal_status = models.CharField("法人格", max_length=100, blank=True)
    agency_type = models.ForeignKey(TaxonomyTerm, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="機関種別")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="directory_entries", verbose_name="同一の組織（Renkei）")
    maintained_by = models.ForeignKey("accounts.Organisation", on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="maintained_directory_entries", verbose_name="情報を管理する組織")
    last_verified = models.DateField("最終確認日", null=True, blank=True)
    name_folded = models.CharField(max_length=500, editable=False, db_index=True, default="")
    last_modified = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["name_folded", "id"]
        verbose_name = "機関"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_folded = _folded(self.name, self.alternate_name)
        super().save(*args, **kwargs)

    @property
    def is_stale(self) -> bool:
        return is_stale(self.last_verified)


class Location(HsdsModel):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="locations")
    location_type = models.CharField(max_length=10, default="physical")
    name = models.CharField("名称", max_length=200, blank=True)
    description = models.TextField(blank=True)
    transportation = models.TextField("交通", blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class Address(HsdsModel):
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses")
    attention = models.CharField(max_length=200, blank=True)
    address_1 = models.CharField("住所", max_length=300)
    address_2 = models.CharField(max_length=300, blank=True)
    city = models.CharField("市区町村", max_length=100)
    region = models.CharField(max_length=100, blank=True)
    state_province = models.CharField("都道府県", max_length=100)
    postal_code = models.CharField("郵便番号", max_length=10)
    country = models.CharField(max_length=2, default="JP")
    address_type = models.CharField(max_length=10, default="physical")

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"〒{self.postal_code} {self.state_province}{self.city}{self.address_1}{self.address_2}"


class Accessibility(HsdsModel):
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="accessibility")
    description = models.TextField("バリアフリー")
    details = models.TextField(blank=True)
    url = models.URLField(blank=True)

    class Meta:
        ordering = ["id"]


class Service(HsdsModel):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="services")
    name = models.CharField("名称", max_length=200)
    alternate_name = models.CharField("フリガナ・別名", max_length=200, blank=True)
    description = models.TextField("内容", blank=True)
    url = models.URLField("ウェブサイト", blank=True)
    email = models.EmailField("メールアドレス", blank=True)
    status = models.CharField("状態", max_length=20, choices=STATUS_CHOICES, default="active")
    interpretation_services = models.TextField("通訳", blank=True)
    application_process = models.TextField("利用の流れ", blank=True)
    fees_description = models.TextField("費用", blank=True)
    wait_time = models.CharField("待ち期間", max_length=200, blank=True)
    eligibility_description = models.TextField("対象者", blank=True)
    minimum_age = models.PositiveSmallIntegerField("対象年齢（下限）", null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField("対象年齢（上限）", null=True, blank=True)
    alert = models.TextField("お知らせ", blank=True)
    last_verified = models.DateField("最終確認日", null=True, blank=True)
    accepting_referrals = models.BooleanField("連携依頼を受付中", default=True)
    terms = models.ManyToManyField(TaxonomyTerm, through="ServiceTerm", related_name="services", blank=True)
    name_folded = models.CharField(max_length=500, editable=False, db_index=True, default="")
    last_modified = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["name_folded", "id"]
        verbose_name = "サービス"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_folded = _folded(self.name, self.alternate_name)
        super().save(*args, **kwargs)

    @property
    def is_stale(self) -> bool:
        return is_stale(self.last_verified)


class ServiceTerm(HsdsModel):
    """HSDS `attribute` linking a service to a taxonomy term (its kind)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_terms")
    taxonomy_term = models.ForeignKey(TaxonomyTerm, on_delete=models.PROTECT, related_name="service_terms")
    value = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["taxonomy_term__sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["service", "taxonomy_term"], name="unique_service_term")]


class ServiceAtLocation(HsdsModel):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_at_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="service_at_locations")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]


class Contact(HsdsModel):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="contacts")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts")
    name = models.CharField("担当", max_length=100, blank=True)
    title = models.CharField("役職", max_length=100, blank=True)
    department = models.CharField("部署", max_length=100, blank=True)
    email = models.EmailField("メールアドレス", blank=True)

    class Meta:
        ordering = ["id"]


class Phone(HsdsModel):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="phones")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True, related_name="phones")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="phones")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, null=True, blank=True, related_name="phones")
    number = models.CharField("電話番号", max_length=40)
    extension = models.PositiveIntegerField("内線", null=True, blank=True)
    type = models.CharField("種別", max_length=20, blank=True)
    description = models.CharField("説明", max_length=200, blank=True)

    class Meta:
        ordering = ["id"]


class Schedule(HsdsModel):
    """Weekly opening hours (HSDS schedule: freq WEEKLY, byday MO,TU…, opens_at/closes_at local time)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="schedules")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    freq = models.CharField(max_length=10, default="WEEKLY")
    byday = models.CharField("曜日", max_length=40, blank=True)
    opens_at = models.TimeField("開始", null=True, blank=True)
    closes_at = models.TimeField("終了", null=True, blank=True)
    description = models.CharField("説明", max_length=300, blank=True)
    notes = models.CharField("備考", max_length=300, blank=True)
    closed_on_holidays = models.BooleanField("祝日は休み", default=True)

    class Meta:
        ordering = ["opens_at", "id"]


class ServiceArea(HsdsModel):
    """Where a service is offered. `area` is a municipality or the prefecture (accounts.Organisation)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_areas")
    name = models.CharField("地域", max_length=200)
    description = models.TextField(blank=True)
    area = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="directory_service_areas")

    class Meta:
        ordering = ["name", "id"]


class Unit(HsdsModel):
    name = models.CharField("単位", max_length=60)
    scheme = models.CharField(max_length=60, blank=True)
    identifier = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class ServiceCapacity(HsdsModel):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="capacities")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="capacities")
    available = models.PositiveIntegerField("空き")
    maximum = models.PositiveIntegerField("定員", null=True, blank=True)
    description = models.CharField("説明", max_length=300, blank=True)
    updated = models.DateTimeField("更新日時")

    class Meta:
        ordering = ["id"]


class Language(HsdsModel):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True, related_name="languages")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="languages")
    name = models.CharField("言語", max_length=60)
    code = models.CharField("言語コード", max_length=10, blank=True)
    note = models.CharField("備考", max_length=200, blank=True)

    class Meta:
        ordering = ["id"]


class RequiredDocument(HsdsModel):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="required_documents")
    document = models.CharField("必要書類", max_length=300)
    uri = models.URLField(blank=True)

    class Meta:
        ordering = ["id"]


class CostOption(HsdsModel):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="cost_options")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    option = models.CharField("区分", max_length=200, blank=True)
    currency = models.CharField(max_length=3, default="JPY")
    amount = models.DecimalField("金額", max_digits=10, decimal_places=0, null=True, blank=True)
    amount_description = models.CharField("説明", max_length=300, blank=True)

    class Meta:
        ordering = ["id"]


def is_stale(last_verified: date | None, today: date | None = None) -> bool:
    """True when the entry was never verified or was last verified more than a year ago."""
    if last_verified is None:
        return True
    return (today or timezone.localdate()) - last_verified > STALE_AFTER
