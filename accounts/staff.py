"""Staff accounts, created and reset by the system administrator (SECURITY.md §1, §3): one at a time or from an .xlsx.

Least privilege: the system administrator creates department staff only (STAFF_ACCOUNT_ROLES). Enterprise users sign
up themselves; administrators and superusers come from the installation. Every new or reset account gets a generated
one-time password, shown once to the administrator, which its owner must replace at the first login.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404

from accounts.login_names import refuse_phone_username
from accounts.models import Department, Role, User
from accounts.passwords import password_set
from accounts.roles import STAFF_ACCOUNT_ROLES
from audit.services import record

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
NAME_LIMIT = 30
ACTOR_MESSAGE = "只有系统管理员可以管理工作人员账号。"

# Characters of generated passwords: no 0/O, 1/l/I that a person copying it could confuse.
_UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_LOWER = "abcdefghijkmnpqrstuvwxyz"
_DIGITS = "23456789"
_SYMBOLS = "@#%+=!?"


def generate_password(length: int = 12) -> str:
    """A random password that meets the policy (every class present), from the OS's secure random source."""
    pools = (_UPPER, _LOWER, _DIGITS, _SYMBOLS)
    chars = [secrets.choice(pool) for pool in pools]
    everything = "".join(pools)
    chars += [secrets.choice(everything) for _ in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def _require_sysadmin(actor) -> None:
    if not actor.is_authenticated or actor.role != Role.SYSADMIN:
        raise PermissionDenied(ACTOR_MESSAGE)


def staff_accounts():
    """The accounts this screen manages: department staff of the roles the system administrator may create."""
    return User.objects.filter(role__in=STAFF_ACCOUNT_ROLES, is_superuser=False)


def split_name(name: str) -> tuple[str, str]:
    """(family name, given name) of a Chinese full name: the first character is the family name (the pair reads back
    as the same full name either way, User.get_full_name)."""
    name = name.strip()
    return name[:1], name[1:]


@dataclass
class StaffRow:
    """One account to create, already checked (forms.StaffCreateForm or an import row)."""

    username: str
    name: str
    phone: str
    role: str
    department: Department
    line: int | None = None  # the spreadsheet row it came from


@dataclass
class Created:
    user: User
    password: str = field(repr=False)


def _create(row: StaffRow) -> Created:
    last_name, first_name = split_name(row.name)
    user = User.objects.create(
        username=row.username, last_name=last_name, first_name=first_name, phone=row.phone, role=row.role,
        department=row.department, is_staff=False, is_superuser=False,
    )
    password = generate_password()
    password_set(user=user, raw_password=password, must_change=True)
    record("account.create", obj=user, role=row.role, department=row.department.code)
    return Created(user, password)


@transaction.atomic
def staff_create(*, actor, row: StaffRow) -> Created:
    """Create one staff account with a one-time password (returned once, never stored in clear)."""
    _require_sysadmin(actor)
    if row.role not in STAFF_ACCOUNT_ROLES:
        raise ValidationError({"role": "系统管理员只能创建部门工作人员账号。"})
    try:
        check_affiliation(row.role, row.department)
    except ValidationError as exc:
        raise ValidationError({"department": exc.messages}) from None
    if User.objects.filter(username__iexact=row.username).exists():
        raise ValidationError({"username": f"用户名“{row.username}”已被使用。"})
    return _create(row)


@transaction.atomic
def staff_import(*, actor, rows: list[StaffRow]) -> list[Created]:
    """Create every account of an already checked import (accounts.staff_import), all or none."""
    _require_sysadmin(actor)
    taken = set(User.objects.filter(username__in=[r.username for r in rows]).values_list("username", flat=True))
    if taken or any(r.role not in STAFF_ACCOUNT_ROLES for r in rows):
        # Checked when the file was read; a concurrent creation can still take a name in between.
        raise ValidationError(f"用户名已被使用：{'、'.join(sorted(taken))}。" if taken else "角色无效。")
    for row in rows:
        check_affiliation(row.role, row.department)
    return [_create(row) for row in rows]


@transaction.atomic
def staff_password_reset(*, actor, user_id: int) -> Created:
    """A new one-time password for a staff account, which its owner must replace at the next login."""
    _require_sysadmin(actor)
    user = staff_accounts().select_for_update().filter(pk=user_id).first()
    if user is None:
        raise Http404("工作人员账号不存在。")
    password = generate_password()
    password_set(user=user, raw_password=password, must_change=True)
    record("account.password_reset", actor=actor, obj=user)
    return Created(user, password)


# --- checking one row (the form and the import share these) --------------------------------------------------------
_username_validator = UnicodeUsernameValidator()


def check_username(value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError("请填写用户名。")
    if len(value) > 150:
        raise ValidationError("用户名不能超过 150 个字符。")
    try:
        _username_validator(value)
    except ValidationError:
        raise ValidationError("用户名只能包含字母、数字和 @ . + - _。") from None
    refuse_phone_username(value)
    return value


def check_name(value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError("请填写姓名。")
    if len(value) > NAME_LIMIT:
        raise ValidationError(f"姓名不能超过 {NAME_LIMIT} 个字。")
    return value


def check_phone(value: str) -> str:
    value = re.sub(r"[\s-]", "", value or "")
    if not PHONE_RE.match(value):
        raise ValidationError("手机号应为 11 位中国大陆手机号码，如 13900001234。")
    return value


ROLE_BY_NAME = {str(Role(code).label): code for code in STAFF_ACCOUNT_ROLES} | {code: code for code in STAFF_ACCOUNT_ROLES}


def check_role(value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError("请填写角色。")
    if value in ROLE_BY_NAME:
        return ROLE_BY_NAME[value]
    labels = {str(label): code for code, label in Role.choices}
    if value in labels or value in Role.values:
        raise ValidationError(f"角色“{value}”不能在此创建：系统管理员只能创建部门工作人员账号。")
    raise ValidationError(f"角色“{value}”无效，应为：{'、'.join(staff_role_labels())}。")


# Roles that act for a whole region belong to its office or its government office, not to any department.
ROLE_DEPARTMENT_KIND = {Role.OFFICE: Department.Kind.OFFICE_HOST, Role.GOVERNMENT: Department.Kind.GOVERNMENT_OFFICE}


def check_affiliation(role: str, department: Department) -> None:
    """An office clerk works in the region's office host, a government user in its government office."""
    kind = ROLE_DEPARTMENT_KIND.get(role)
    if kind and department.kind != kind:
        raise ValidationError(
            f"“{Role(role).label}”账号只能属于{Department.Kind(kind).label}，“{department.name}”不是。"
        )


def staff_role_labels() -> list[str]:
    return [str(label) for code, label in Role.choices if code in STAFF_ACCOUNT_ROLES]


def staff_role_choices() -> list[tuple[str, str]]:
    return [(code, label) for code, label in Role.choices if code in STAFF_ACCOUNT_ROLES]
