"""Every change of enterprise self-service identity (SECURITY.md §1). Keyword-only acts: atomic, rows locked, the
permission checked here (views only translate errors), notifications after commit.

Permissions: the office of an enterprise's region verifies it; the enterprise's administrator (EnterpriseAdmin)
approves join requests, invites, removes staff and hands the role over; a join request to an enterprise without an
administrator is decided by the office of its region, and approving it makes the person the administrator.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.login_names import new_username
from accounts.models import Enterprise, Region, Role, User
from accounts.passwords import remember_password
from audit.services import record
from core.errors import Conflict, field_error
from core.hashing import keyed_digest
from enterprises.licences import store_licence
from enterprises.models import (
    Consent,
    EnterpriseAdmin,
    Invitation,
    JoinRequest,
    Verification,
)
from enterprises.sessions import end_sessions
from notifications.services import notify, notify_enterprise, notify_region_office

NOT_ADMIN = "只有本企业的管理员可以管理企业账号。"
NOT_OFFICE = "只有企业所在区域的联合服务办公室可以认证企业。"


def mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "****"


def is_enterprise_admin(user, enterprise_id: int | None = None) -> bool:
    """Whether `user` administers their enterprise (or the given one)."""
    if not user.is_authenticated or user.role != Role.ENTERPRISE or not user.enterprise_id:
        return False
    if enterprise_id is not None and enterprise_id != user.enterprise_id:
        return False
    return EnterpriseAdmin.objects.filter(enterprise_id=user.enterprise_id, user_id=user.pk).exists()


def is_region_office_of(enterprise, user) -> bool:
    """Office staff of the enterprise's own region (a county office its county, the city office the city's)."""
    return (
        user.is_authenticated and user.role == Role.OFFICE and bool(user.department_id)
        and enterprise.region_id is not None and user.department.region_id == enterprise.region_id
    )


def phone_taken(phone: str) -> bool:
    """A phone is taken while an enterprise account holds it (one logs in with it; found by the keyed hash), active,
    waiting for a decision or removed."""
    return User.objects.with_phone(phone).filter(role=Role.ENTERPRISE).exists()


def _set_password(user: User, password: str, field: str = "password1") -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None
    # The owner chose it: its age starts now and nothing forces a change; callers save, then remember_password().
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.must_change_password = False


# --- sign-up --------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SignupResult:
    user: User
    enterprise: Enterprise
    joined: bool  # True: a join request waits; False: a new enterprise with this user as its administrator


def enterprise_signup(*, enterprise_name: str, uscc: str, region: Region, person_name: str, phone: str,
                      password: str, licence, consent_version: str) -> SignupResult:
    """Sign up a person whose phone is verified (the caller checked the SMS code).

    1. Refuse a phone that already logs in (the form said so before the code was used; this covers a race).
    2. A new uscc: create the enterprise, its `unverified` verification, the licence and the person as its administrator;
       the office of the region hears of it.
    3. A known uscc: create the person's account inactive and a join request to the administrator (or the office when
       the enterprise has none); nothing of the enterprise changes.
    4. Record the consent to the privacy notice (version and time).
    """
    now = timezone.now()
    with transaction.atomic():
        if phone_taken(phone):
            raise field_error("phone", "该手机号已注册，请直接登录；忘记密码可通过短信验证码找回。")
        enterprise = Enterprise.objects.select_for_update().filter(uscc=uscc).first()
        joined = enterprise is not None
        if not joined and licence is None:
            raise field_error("licence", "首次注册本企业，请上传营业执照。")
        if enterprise is None:
            try:
                with transaction.atomic():
                    enterprise = Enterprise.objects.create(
                        name=enterprise_name, uscc=uscc, region=region, contact_name=person_name, contact_phone=phone
                    )
            except IntegrityError:  # registered by someone else a moment ago
                raise field_error("uscc", "该企业刚刚由他人完成注册，请重新获取验证码并提交，以申请加入该企业。") from None
        # A generated username (SECURITY.md §5: no username is a phone); the person logs in with the phone.
        user = User(username=new_username(), role=Role.ENTERPRISE, enterprise=enterprise, first_name=person_name,
                    phone=phone, is_active=not joined)
        _set_password(user, password)
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            raise field_error("phone", "该手机号已注册，请直接登录；忘记密码可通过短信验证码找回。") from None
        remember_password(user)
        Consent.objects.create(user=user, version=consent_version, consented_at=now)
        record("account.create", obj=user, role=Role.ENTERPRISE, enterprise=enterprise.pk, via="signup",
               joined=joined)
        if joined:
            request = JoinRequest.objects.create(
                enterprise=enterprise, user=user, name=person_name, phone_masked=mask_phone(phone), created_at=now
            )
            _tell_approver_of(request)
        else:
            Verification.objects.create(enterprise=enterprise, submitted_at=now)
            EnterpriseAdmin.objects.create(enterprise=enterprise, user=user, since=now)
            store_licence(enterprise=enterprise, upload=licence, uploaded_by=user)
            notify_region_office(
                region, event="enterprise_signup", key=f"enterprise-signup-{enterprise.pk}",
                title=f"新注册企业待认证：{enterprise.name}", url=f"/enterprises/verification/{enterprise.pk}/",
            )
    return SignupResult(user=user, enterprise=enterprise, joined=joined)


def _tell_approver_of(request: JoinRequest) -> None:
    admin = EnterpriseAdmin.objects.filter(enterprise_id=request.enterprise_id).select_related("user").first()
    title = f"{request.name} 申请加入{request.enterprise.name}"
    if admin is not None:
        notify(recipients=[admin.user], event="join_request", key=f"join-request-{request.pk}", title=title,
               url="/enterprise/")
    else:
        notify_region_office(request.enterprise.region, event="join_request", key=f"join-request-{request.pk}",
                             title=title, url="/enterprises/verification/")


# --- verification by the office --------------------------------------------------------------------------------------
def verification_decide(*, actor: User, enterprise: Enterprise, approve: bool, reason: str = "") -> Verification:
    """Approve or reject a self-registered enterprise. 1. lock its verification; 2. only the office of its region
    (403); 3. only while it waits (409); 4. a rejection needs a reason, sent by SMS to the administrator."""
    with transaction.atomic():
        verification = Verification.objects.select_for_update(of=("self",)).select_related("enterprise").get(pk=enterprise.pk)
        if not is_region_office_of(verification.enterprise, actor):
            raise PermissionDenied(NOT_OFFICE)
        if verification.status != Verification.Status.UNVERIFIED:
            raise Conflict(f"该企业当前为“{verification.get_status_display()}”，无需再次认证。")
        reason = (reason or "").strip()
        if not approve and not reason:
            raise field_error("reason", "请填写不通过的原因，该原因将以短信告知申请人。")
        verification.status = Verification.Status.VERIFIED if approve else Verification.Status.REJECTED
        verification.reason = "" if approve else reason
        verification.verified_by = actor
        verification.verified_at = timezone.now()
        verification.save(update_fields=["status", "reason", "verified_by", "verified_at"])
        name = verification.enterprise.name
        if approve:
            title, body = f"{name}已通过企业认证", "可以接收惠企政策推送与相关服务。"
        else:
            title, body = f"{name}未通过企业认证", f"原因：{reason}。可登录平台重新上传营业执照"
        notify_enterprise(
            enterprise.pk, event="enterprise_verification",
            key=f"verification-{enterprise.pk}-{verification.verified_at:%Y%m%d%H%M%S%f}", title=title, body=body,
            url="/enterprise/",
        )
    return verification


def licence_resubmit(*, actor: User, upload) -> Verification:
    """The administrator of a rejected enterprise uploads a new licence: it waits in the office's queue again."""
    with transaction.atomic():
        if not is_enterprise_admin(actor):
            raise PermissionDenied(NOT_ADMIN)
        verification = Verification.objects.select_for_update(of=("self",)).select_related("enterprise").get(pk=actor.enterprise_id)
        if verification.status != Verification.Status.REJECTED:
            raise Conflict("只有未通过认证的企业需要重新上传营业执照。")
        store_licence(enterprise=verification.enterprise, upload=upload, uploaded_by=actor)
        verification.status = Verification.Status.UNVERIFIED
        verification.submitted_at = timezone.now()
        verification.save(update_fields=["status", "submitted_at"])
    return verification


# --- join requests --------------------------------------------------------------------------------------------------
def may_decide_join(request: JoinRequest, user) -> bool:
    admin = EnterpriseAdmin.objects.filter(enterprise_id=request.enterprise_id).values_list("user_id", flat=True).first()
    if admin is not None:
        return user.is_authenticated and admin == user.pk
    return is_region_office_of(request.enterprise, user)


def join_decide(*, actor: User, join_request: JoinRequest, approve: bool) -> JoinRequest:
    """1. lock the request; 2. the administrator, or the region's office when there is none (403); 3. only pending
    ones (409); 4. approve: the account becomes active (the first person of an enterprise without an administrator
    becomes it); refuse: the never-used account is deleted, the request kept; 5. the person hears by SMS."""
    with transaction.atomic():
        request = JoinRequest.objects.select_for_update(of=("self",)).select_related("enterprise", "user").get(pk=join_request.pk)
        if not may_decide_join(request, actor):
            raise PermissionDenied("只有本企业的管理员可以处理加入申请。")
        if request.status != JoinRequest.Status.PENDING:
            raise Conflict(f"该申请已{request.get_status_display()}。")
        person = request.user
        phone = person.phone if person else ""
        request.status = JoinRequest.Status.APPROVED if approve else JoinRequest.Status.REFUSED
        request.decided_by = actor
        request.decided_at = timezone.now()
        if approve:
            person.is_active = True
            person.save(update_fields=["is_active"])
            record("account.enable", actor=actor, obj=person, via="join_request")
            if not EnterpriseAdmin.objects.filter(enterprise_id=request.enterprise_id).exists():
                EnterpriseAdmin.objects.create(enterprise_id=request.enterprise_id, user=person)
            text = f"您加入{request.enterprise.name}的申请已通过，请用手机号登录安顺市企业之家平台。"
        else:
            request.user = None
            text = f"您加入{request.enterprise.name}的申请未获同意，如有疑问请联系该企业。"
        request.save(update_fields=["status", "decided_by", "decided_at", "user"])
        if not approve and person is not None:
            record("account.join_refused", actor=actor, obj=person, enterprise=request.enterprise_id)
            person.delete()
        if phone:
            _sms_after_commit(phone, text)
    return request


def _sms_after_commit(phone: str, text: str) -> None:
    """One SMS to a person who is not (or not yet) a recipient of the notification centre."""
    notify_enterprise(None, event="enterprise_account", key=f"sms-{secrets.token_hex(8)}", title=text, phones=[phone])


# --- staff of the enterprise ----------------------------------------------------------------------------------------
def staff_invite(*, actor: User, name: str, phone: str, link_base: str) -> Invitation:
    """The administrator invites a staff member: an inactive account and a one-time link by SMS (72 hours) to set a
    password. `link_base` is the absolute address of the invitation page without the token."""
    with transaction.atomic():
        if not is_enterprise_admin(actor):
            raise PermissionDenied(NOT_ADMIN)
        if phone_taken(phone):
            raise field_error("phone", "该手机号已注册平台账号，不能再次邀请。")
        user = User(username=new_username(), role=Role.ENTERPRISE, enterprise_id=actor.enterprise_id, first_name=name,
                    phone=phone, is_active=False)
        user.set_unusable_password()
        user.save()
        record("account.create", actor=actor, obj=user, role=Role.ENTERPRISE, via="invitation")
        token = secrets.token_urlsafe(24)
        invitation = Invitation.objects.create(user=user, token_digest=keyed_digest("invitation", token),
                                               created_by=actor)
        enterprise = actor.enterprise.name
        _sms_after_commit(phone, f"{actor.get_full_name()}邀请您使用{enterprise}的企业之家账号，请在 "
                                 f"{Invitation.VALID_FOR_HOURS} 小时内打开 {link_base}{token}/ 设置密码")
    return invitation


def invitation_for(token: str) -> Invitation | None:
    """The unused, unexpired invitation of `token`, or None."""
    invitation = (
        Invitation.objects.select_related("user__enterprise")
        .filter(token_digest=keyed_digest("invitation", token or ""), used_at__isnull=True)
        .first()
    )
    if invitation is None or invitation.created_at + timedelta(hours=Invitation.VALID_FOR_HOURS) < timezone.now():
        return None
    return invitation


def invitation_accept(*, token: str, password: str, consent_version: str) -> User:
    with transaction.atomic():
        invitation = invitation_for(token)
        if invitation is None:
            raise Conflict("邀请链接无效或已过期，请联系企业管理员重新邀请。")
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk, used_at__isnull=True)
        user = invitation.user
        _set_password(user, password)
        user.is_active = True
        user.save(update_fields=["password", "password_changed_at", "must_change_password", "is_active"])
        remember_password(user)
        record("account.enable", actor=user, obj=user, via="invitation")
        invitation.used_at = timezone.now()
        invitation.save(update_fields=["used_at"])
        Consent.objects.create(user=user, version=consent_version)
    return user


def _own_staff(actor: User, member: User) -> User:
    """The member locked, when the actor administers the member's enterprise: 403 otherwise (the view has already
    answered 404 for people of other enterprises)."""
    if not is_enterprise_admin(actor):
        raise PermissionDenied(NOT_ADMIN)
    member = User.objects.select_for_update().get(pk=member.pk)
    if member.role != Role.ENTERPRISE or member.enterprise_id != actor.enterprise_id:
        raise PermissionDenied(NOT_ADMIN)
    return member


def staff_remove(*, actor: User, member: User) -> User:
    """Deactivate a staff member of the administrator's enterprise and end their sessions and tokens at once."""
    with transaction.atomic():
        member = _own_staff(actor, member)
        if member.pk == actor.pk:
            raise Conflict("不能移除自己；如需离任，请先将管理员移交给其他员工。")
        if not member.is_active and not member.invitations.filter(used_at__isnull=True).exists():
            raise Conflict("该员工已被移除。")
        member.is_active = False
        member.save(update_fields=["is_active"])
        record("account.disable", actor=actor, obj=member, via="enterprise_staff_remove")
        member.invitations.filter(used_at__isnull=True).delete()
        end_sessions(member)
    return member


def admin_hand_over(*, actor: User, member: User) -> EnterpriseAdmin:
    """The administrator hands the role to another active staff member of the same enterprise."""
    with transaction.atomic():
        member = _own_staff(actor, member)
        if member.pk == actor.pk:
            raise Conflict("您已是本企业的管理员。")
        if not member.is_active:
            raise field_error("member", "只能移交给已启用账号的本企业员工。")
        admin = EnterpriseAdmin.objects.select_for_update().get(pk=actor.enterprise_id)
        admin.user = member
        admin.since = timezone.now()
        admin.save(update_fields=["user", "since"])
        record("account.role_change", actor=actor, obj=member, role="enterprise_admin", before=actor.pk)
    return admin


# --- the person's own account -----------------------------------------------------------------------------------------
def reset_account(phone: str) -> User | None:
    """The one active enterprise account with `phone`, if any (password reset by SMS is for enterprises; a phone that
    two accounts share resets neither: the account admin sorts that out)."""
    accounts = list(User.objects.with_phone(phone).filter(role=Role.ENTERPRISE, is_active=True)[:2])
    return accounts[0] if len(accounts) == 1 else None


def password_reset(*, phone: str, password: str) -> User:
    """Set a new password for the enterprise account of a verified phone, and end its other sessions."""
    with transaction.atomic():
        user = reset_account(phone)
        if user is None:
            raise field_error("code", "验证码不正确或已过期，请重新获取。")
        user = User.objects.select_for_update().get(pk=user.pk)
        _set_password(user, password)
        user.save(update_fields=["password", "password_changed_at", "must_change_password"])
        remember_password(user)
        record("account.password_reset", obj=user, via="sms")
        end_sessions(user)
    return user


def phone_change(*, actor: User, phone: str) -> User:
    """Record a new, verified phone for the actor; an enterprise account logs in with the new one from now on (the
    username stays: it is not the phone)."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        if phone == user.phone:
            raise field_error("phone", "新手机号与当前手机号相同。")
        if User.objects.with_phone(phone).exclude(pk=user.pk).exists() or phone_taken(phone):
            raise field_error("phone", "该手机号已被其他账号使用。")
        user.phone = phone
        user.save(update_fields=["phone"])
    return user
