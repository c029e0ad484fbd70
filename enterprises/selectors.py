"""What the office and the enterprises may read of self-service identity: 404 outside it, and the menu's queues."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import Role
from enterprises.models import JoinRequest, Licence, Verification
from enterprises.services import is_enterprise_admin, is_region_office_of


def verification_queue(region_id: int) -> QuerySet[Verification]:
    """Self-registered enterprises of a region waiting for its office, oldest first."""
    return Verification.objects.filter(status=Verification.Status.UNVERIFIED, enterprise__region_id=region_id)


def orphan_join_requests(region_id: int) -> QuerySet[JoinRequest]:
    """Pending join requests to enterprises of a region that have no administrator: the office decides them."""
    return JoinRequest.objects.filter(
        status=JoinRequest.Status.PENDING, enterprise__region_id=region_id, enterprise__administrator__isnull=True
    )


def verification_for_user(user, pk) -> Verification:
    """An enterprise's verification, for the office of its region only (404 for anyone else)."""
    try:
        verification = Verification.objects.select_related("enterprise__region", "verified_by").get(pk=pk)
    except (Verification.DoesNotExist, ValueError, TypeError):
        raise Http404("企业不存在。") from None
    if not is_region_office_of(verification.enterprise, user):
        raise Http404("企业不存在或不属于本区域。")
    return verification


def licence_for_user(user, pk) -> Licence:
    """A licence scan, for the office of the enterprise's region and the enterprise's administrator (404 otherwise)."""
    licence = Licence.objects.select_related("enterprise").filter(pk=pk).first()
    if licence is None or not (
        is_region_office_of(licence.enterprise, user) or is_enterprise_admin(user, licence.enterprise_id)
    ):
        raise Http404("文件不存在或无权查看。")
    return licence


def menu_queues(user) -> dict[str, QuerySet]:
    if user.role == Role.OFFICE and user.department_id:
        return {"verification": verification_queue(user.department.region_id)}
    return {}
