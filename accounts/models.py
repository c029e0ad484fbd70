"""Regions, departments, business domains, enterprises and users (SPEC §1, §2)."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken
from simple_history.models import HistoricalRecords

from accounts import uscc
from core.crypto import pii_hash
from core.fields import EncryptedTextField


class Region(models.Model):
    class Level(models.TextChoices):
        CITY = "city", _("市级")
        COUNTY = "county", _("县级")

    code = models.SlugField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级区域"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = _("区域")
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level="city", parent__isnull=True) | Q(level="county", parent__isnull=False),
                name="region_level_matches_parent",
                violation_error_message=_("市级区域不能有上级区域；县级区域必须有上级区域。"),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def office_name(self) -> str:
        """The region's joint service office as printed documents name it (§3.2: each region runs its own)."""
        return f"{self.name}“企业之家”联合服务工作机制办公室"

    def office_host(self) -> "Department | None":
        """The active department hosting this region's joint service office (its 政务服务中心), or None."""
        return (
            Department.objects.filter(region=self, kind=Department.Kind.OFFICE_HOST, active=True).order_by("code").first()
        )


class Domain(models.Model):
    """A business domain (业务领域, SPEC §2) that departments own and demands are filed under."""

    code = models.SlugField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=32)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("业务领域")
        verbose_name_plural = _("业务领域")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class DepartmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def of_region(self, region):
        """Active departments of a region, in the organisation's order (choices for lead, co and consulted)."""
        # With the region: the pickers group by it (accounts.widgets) without a query of their own.
        return self.active().filter(region=region).select_related("region").order_by("sort_order", "code")

    def suggested_lead(self, *, region: Region, domain: Domain | None):
        """The department of `region` that owns `domain` (SPEC §2: a suggestion only), or None."""
        if domain is None:
            return None
        return self.active().filter(region=region, domains=domain).order_by("code").first()


class Department(models.Model):
    class Kind(models.TextChoices):
        OFFICE_HOST = "office_host", _("联合服务办公室承载单位")
        GOVERNMENT_OFFICE = "government_office", _("政府办公室")
        MEMBER = "member", _("成员单位")
        SERVICE = "service", _("涉企服务部门")

    code = models.SlugField(_("编码"), max_length=48, unique=True, help_text=_("格式：区域编码-简称，如 anshun-fgw"))
    name = models.CharField(_("名称"), max_length=64)
    region = models.ForeignKey(Region, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="departments")
    kind = models.CharField(_("类型"), max_length=24, choices=Kind.choices)
    domains = models.ManyToManyField(Domain, verbose_name=_("负责业务领域"), blank=True, related_name="departments")
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords(m2m_fields=[domains])

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["region__sort_order", "sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.region_id and self.code and not self.code.startswith(f"{self.region.code}-"):
            raise ValidationError({"code": _("部门编码必须以所属区域编码加“-”开头，例如 %(prefix)s-fgw。") % {"prefix": self.region.code}})


class IndustrySection(models.Model):
    """A section (门类) of the national industry classification GB/T 4754-2017, A–T. The codes are fixed by the standard
    (and by the API: `industry` is the section letter); the names are reference data loaded by migration."""

    code = models.CharField(_("门类代码"), max_length=1, primary_key=True)
    name = models.CharField(_("门类名称"), max_length=64)

    class Meta:
        verbose_name = _("国民经济行业门类")
        verbose_name_plural = _("国民经济行业门类（GB/T 4754-2017）")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class Scale(models.TextChoices):
    """Enterprise size class (大中小微企业划型标准)."""

    LARGE = "large", _("大型")
    MEDIUM = "medium", _("中型")
    SMALL = "small", _("小型")
    MICRO = "micro", _("微型")


class Enterprise(models.Model):
    name = models.CharField(_("企业名称"), max_length=128)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True, validators=[uscc.validate_uscc])
    region = models.ForeignKey(
        Region, verbose_name=_("所在区域"), null=True, blank=True, on_delete=models.PROTECT, related_name="enterprises"
    )
    # The profile that policy matching reads (OUTREACH §2): the section letter, the size class, the founding date.
    industry = models.ForeignKey(
        IndustrySection, verbose_name=_("行业门类"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="enterprises",
    )
    # What the enterprise or the registering staff wrote before the classification existed ("装备制造"); kept as said.
    industry_description = models.CharField(_("行业描述"), max_length=64, blank=True)
    scale = models.CharField(_("企业规模"), max_length=8, choices=Scale.choices, blank=True)
    established_on = models.DateField(_("成立日期"), null=True, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=32, blank=True)
    # Encrypted at rest (SECURITY.md §5, core.fields); shown masked (core.masking) outside the enterprise itself.
    contact_phone = EncryptedTextField(_("联系电话"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(established_on__isnull=True) | Q(established_on__gte="1949-10-01"),
                name="enterprise_established_on_plausible",
                violation_error_message=_("成立日期不能早于 1949 年 10 月 1 日。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.uscc = uscc.normalize(self.uscc)
        super().save(*args, **kwargs)


class Role(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业用户")
    SPECIALIST = "specialist", _("企业服务专员")
    HANDLER = "handler", _("涉企服务工作人员")
    OFFICE = "office", _("联合服务办公室")
    GOVERNMENT = "government", _("政府办公室")
    LEADER = "leader", _("领导")
    SUPERVISOR = "supervisor", _("特约监督员")
    CHAMBER = "chamber", _("商会工作人员")
    # 三权分立 (SECURITY.md §3): three administrators, none of whom acts on tickets.
    SYSADMIN = "sysadmin", _("系统管理员")
    AUDITOR = "auditor", _("审计管理员")
    SECADMIN = "secadmin", _("安全管理员")


ADMINISTRATOR_ROLES = ("sysadmin", "auditor", "secadmin")


class PlatformUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.SYSADMIN)
        return super().create_superuser(username, email, password, **extra_fields)

    def with_phone(self, phone: str | None):
        """Users holding `phone` (as typed: spaces, dashes and +86 do not matter), found by the keyed hash."""
        digest = pii_hash(phone)
        return self.filter(phone_digest=digest) if digest else self.none()


class User(AbstractUser):
    """One user holds one role, in one department (or, for enterprise staff, one enterprise)."""

    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)
    department = models.ForeignKey(
        Department, verbose_name=_("所属部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("所属企业"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    # Encrypted at rest (SECURITY.md §5, core.fields); found again only by its keyed hash (`with_phone`).
    phone = EncryptedTextField(_("手机号"), blank=True)
    phone_digest = models.CharField(_("手机号摘要"), max_length=64, blank=True, default="", editable=False, db_index=True)
    # Password policy (SECURITY.md §2): changed every 90 days; a new or administrator-reset account changes it first.
    password_changed_at = models.DateTimeField(_("密码修改时间"), default=timezone.now)
    must_change_password = models.BooleanField(_("须修改密码"), default=False)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = PlatformUserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role="enterprise", enterprise__isnull=False, department__isnull=True)
                    | Q(role__in=ADMINISTRATOR_ROLES, enterprise__isnull=True)
                    | (
                        ~Q(role__in=["enterprise", *ADMINISTRATOR_ROLES])
                        & Q(department__isnull=False, enterprise__isnull=True)
                    )
                ),
                name="user_role_matches_affiliation",
                violation_error_message=_("企业用户必须属于一个企业且不属于部门；管理员不属于企业；其他角色必须属于一个部门且不属于企业。"),
            )
        ]

    def save(self, *args, **kwargs) -> None:
        self.phone_digest = pii_hash(self.phone)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "phone" in update_fields and "phone_digest" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "phone_digest"]
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        full = self.get_full_name()
        return full or self.username

    def get_full_name(self) -> str:
        # Chinese names read family name first, without a space.
        return f"{self.last_name}{self.first_name}".strip()

    @property
    def region(self) -> Region | None:
        if self.department_id:
            return self.department.region
        if self.enterprise_id:
            return self.enterprise.region
        return None

    @property
    def affiliation(self) -> str:
        if self.enterprise_id:
            return self.enterprise.name
        if self.department_id:
            return self.department.name
        return ""

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.role == Role.ENTERPRISE:
            if not self.enterprise_id:
                errors["enterprise"] = _("企业用户必须选择所属企业。")
            if self.department_id:
                errors["department"] = _("企业用户不属于任何部门，请清空所属部门。")
        elif self.role in ADMINISTRATOR_ROLES:
            if self.enterprise_id:
                errors["enterprise"] = _("管理员不属于企业，请清空所属企业。")
        elif self.role:
            if not self.department_id:
                errors["department"] = _("该角色必须选择所属部门。")
            if self.enterprise_id:
                errors["enterprise"] = _("该角色不属于企业，请清空所属企业。")
        if errors:
            raise ValidationError(errors)


class PasswordHistory(models.Model):
    """The hashes of a user's recent passwords, so that none of the last five is chosen again (SECURITY.md §2)."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(_("密码哈希"), max_length=128)
    created_at = models.DateTimeField(_("设置时间"), default=timezone.now)

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="password_history_recent")]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d}"
class ApiToken(AbstractAuthToken):
    """An API token (django-rest-knox, KNOX_TOKEN_MODEL): only its digest is stored; it carries a name and expires."""

    # knox keys its tokens by the digest; here a plain id is the key, so no URL or form of the admin carries a digest.
    id = models.BigAutoField(primary_key=True)
    digest = models.CharField(max_length=128, unique=True)
    name = models.CharField(_("名称"), max_length=64, help_text=_("用途，例如“12345 热线对接”"))

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name}（{self.user}）"
