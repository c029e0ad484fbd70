"""Closure and after-care (§4.5, §4.7, §4.8, SPEC §8): the lead closes to a standard, the office calls back (archive or
return for rework), the lead may ask for review, the office reviews; the enterprise rates; the city samples counties."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.dates import years_later
from core.errors import Conflict, PermissionDenied, field_error
from core.files import validate_uploads
from supervision import services as supervision
from tickets import figures, notices, rules
from tickets.models import Attachment, Callback, Rating, Review, SamplingBatch, Ticket
from tickets.models.handling import ClosureStandard, Satisfaction
from tickets.workflow._shared import (
    authorize,
    lock_ticket,
    optional_text,
    required_text,
    save_ticket,
    start_handle_clock,
    ticket_event,
)
from tickets.workflow.attachments import store_file
from workcalendar.workdays import end_of_working_day, start_clock


@transaction.atomic
def ticket_close(*, actor: User, ticket: Ticket, standard: str, result: str, explanation: str = "",
                 files: Sequence = ()) -> Ticket:
    ticket = lock_ticket(ticket)
    authorize(ticket, "close", actor, "办结该工单")
    errors: dict[str, list[str]] = {}
    if standard not in ClosureStandard.values:
        errors["standard"] = ["请选择办结标准。"]
    result = (result or "").strip()
    explanation = (explanation or "").strip()
    if not result:
        errors["result"] = ["请填写向企业反馈的办理结果。"]
    elif len(result) > 5000:
        errors["result"] = ["办理结果不能超过 5000 个字。"]
    if standard == ClosureStandard.PARTIAL and not explanation:
        errors["explanation"] = ["部分解决或难以解决的，须书面释明原因。"]
    if standard == ClosureStandard.LEGAL_ROUTE and not explanation:
        errors["explanation"] = ["应通过法定途径解决的，须书面给出解决路径。"]
    try:
        validate_uploads(files, "files")
    except ValidationError as exc:
        errors.setdefault("files", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    missing = [link.department.name for link in ticket.co_links.select_related("department") if not link.feedback_at]
    if missing:
        raise Conflict("以下协办部门尚未反馈，暂不能办结：" + "、".join(missing) + "。")
    now = timezone.now()
    before = ticket.state
    ticket.close()
    ticket.closure_standard, ticket.closure_result, ticket.closure_explanation = standard, result, explanation
    ticket.closed_at, ticket.closed_by = now, actor
    ticket.first_closed_at = ticket.first_closed_at or now
    callback = start_clock("callback", now)
    ticket.callback_due_at, ticket.callback_due_provisional = callback.due, callback.provisional
    save_ticket(ticket, [
        "state", "closure_standard", "closure_result", "closure_explanation", "closed_at", "closed_by",
        "first_closed_at", "callback_due_at", "callback_due_provisional",
    ])
    for upload in files:
        store_file(actor=actor, ticket=ticket, upload=upload, kind=Attachment.Kind.EVIDENCE)
    ticket_event(ticket, actor, "close", before, f"{ClosureStandard(standard).label}。{result}")
    notices.result_given(ticket)
    return ticket


def _bool_field(value, field: str, label: str, errors: dict) -> bool | None:
    if isinstance(value, bool):
        return value
    errors[field] = [f"请选择{label}（是或否）。"]
    return None


def _callback_answers(reached, satisfaction, consistent, meets_standard, note):
    """Validated answers of a callback: a reached one needs all three answers, an unreached one a note of the attempt."""
    errors: dict[str, list[str]] = {}
    reached = _bool_field(reached, "reached", "是否联系上诉求人", errors)
    note = (note or "").strip()
    if reached:
        if satisfaction not in Satisfaction.values:
            errors["satisfaction"] = ["请选择满意度。"]
        consistent = _bool_field(consistent, "consistent", "回访情况是否与办结信息一致", errors)
        meets_standard = _bool_field(meets_standard, "meets_standard", "是否符合办结标准", errors)
    else:
        satisfaction, consistent, meets_standard = "", None, None
        if not note:
            errors["note"] = ["未联系上时请记录联系情况（时间、号码、结果）。"]
    if errors:
        raise ValidationError(errors)
    return reached, satisfaction, consistent, meets_standard, note


@transaction.atomic
def ticket_callback(*, actor: User, ticket: Ticket, reached, satisfaction: str = "", consistent=None,
                    meets_standard=None, note: str = "") -> Callback:
    """全量回访 (§4.7): unreached attempts are recorded; a reached one archives the ticket or returns it for rework."""
    ticket = lock_ticket(ticket)
    if not rules.may_call_back(ticket, actor):
        raise PermissionDenied("只有本级联合服务办公室或企业服务专员可以回访。")
    if ticket.state != Ticket.State.CLOSED:
        raise Conflict(f"当前状态为“{ticket.get_state_display()}”，不能回访。")
    reached, satisfaction, consistent, meets_standard, note = _callback_answers(
        reached, satisfaction, consistent, meets_standard, note
    )
    now = timezone.now()
    returned = bool(reached) and not (consistent and meets_standard)
    record = Callback.objects.create(
        ticket=ticket, at=now, by=actor, reached=reached, satisfaction=satisfaction, consistent=consistent,
        meets_standard=meets_standard, note=note, returned=returned,
    )
    figures.record_callback(record)
    before = ticket.state
    if not reached:
        ticket_event(ticket, actor, "callback", before, f"未联系上：{note}")
    elif not returned:
        ticket.archive_after_callback()
        ticket.archived_at = now
        save_ticket(ticket, ["state", "archived_at"])
        ticket_event(ticket, actor, "callback", before, f"回访{Satisfaction(satisfaction).label}，办结信息一致且符合标准，归档。{note}")
    else:
        ticket.return_for_rework()
        ticket.rework_count += 1
        ticket.callback_due_at = None
        start_handle_clock(ticket, now)
        save_ticket(ticket, ["state", "rework_count", "callback_due_at", "handle_started_at", "handle_due_at", "handle_due_provisional"])
        why = "与办结信息不一致" if not consistent else "不符合办结标准"
        ticket_event(ticket, actor, "return_for_rework", before, f"回访{Satisfaction(satisfaction).label}，{why}，退回牵头部门重新办理。{note}")
    if returned:
        notices.returned_for_rework(ticket, record)
    notices.called_back(ticket, record)
    supervision.supervision_after_callback(ticket=ticket, callback=record, now=now)
    return record


@transaction.atomic
def ticket_request_review(*, actor: User, ticket: Ticket, reason: str) -> Review:
    ticket = lock_ticket(ticket)
    authorize(ticket, "request_review", actor, "申请复查复核（仅限被退回重办的工单）")
    reason = required_text(reason, "reason", "复查复核建议")
    before = ticket.state
    ticket.request_review()
    save_ticket(ticket, ["state"])
    review = Review.objects.create(ticket=ticket, reason=reason, requested_at=timezone.now(), requested_by=actor)
    ticket_event(ticket, actor, "request_review", before, reason)
    notices.review_requested(ticket, review)
    return review


@transaction.atomic
def ticket_review(*, actor: User, ticket: Ticket, outcome: str, opinion: str, due_date=None) -> Review:
    """复查复核 (§4.8): uphold (archive) or order rectification with an opinion and a due date (back to handling)."""
    ticket = lock_ticket(ticket)
    authorize(ticket, "uphold_review", actor, "作出复查复核结论")
    errors: dict[str, list[str]] = {}
    if outcome not in Review.Outcome.values:
        errors["outcome"] = ["请选择复查复核结论：维持或责令整改。"]
    opinion = (opinion or "").strip()
    if not opinion:
        errors["opinion"] = ["请填写处置意见。"]
    if outcome == Review.Outcome.RECTIFY:
        if due_date is None:
            errors["due_date"] = ["责令整改时请填写整改期限。"]
        elif due_date <= timezone.localdate():
            errors["due_date"] = ["整改期限必须晚于今天。"]
        elif due_date > years_later(timezone.localdate(), 1):
            errors["due_date"] = ["整改期限不能晚于一年以后。"]
    if errors:
        raise ValidationError(errors)
    review = ticket.reviews.select_for_update().filter(outcome="").order_by("-requested_at").first()
    now = timezone.now()
    before = ticket.state
    if outcome == Review.Outcome.UPHELD:
        ticket.uphold_review()
        ticket.archived_at = now
        save_ticket(ticket, ["state", "archived_at"])
        text = f"维持办结结果，归档。{opinion}"
    else:
        ticket.order_rectification()
        deadline = end_of_working_day(due_date)
        ticket.handle_started_at = now
        ticket.handle_due_at, ticket.handle_due_provisional = deadline.due, deadline.provisional
        save_ticket(ticket, ["state", "handle_started_at", "handle_due_at", "handle_due_provisional"])
        text = f"责令整改，{due_date:%Y-%m-%d} 前完成。{opinion}"
    if review is not None:
        review.outcome, review.opinion, review.rectify_due_date = outcome, opinion, due_date
        review.decided_at, review.decided_by = now, actor
        review.save(update_fields=["outcome", "opinion", "rectify_due_date", "decided_at", "decided_by"])
    ticket_event(ticket, actor, "review", before, text)
    notices.review_decided(ticket, review, outcome=outcome, opinion=opinion, due_date=due_date)
    return review


@transaction.atomic
def ticket_rate(*, actor: User, ticket: Ticket, satisfaction: str, comment: str = "") -> Rating:
    """The enterprise rates the result online, once, after closing (SPEC §8)."""
    ticket = lock_ticket(ticket)
    if not rules.is_rater(ticket, actor):
        raise PermissionDenied("只有提出诉求的企业可以评价办理结果。")
    if ticket.state != Ticket.State.CLOSED:
        # After closing and before the ticket is archived (archived tickets are read-only) or reworked.
        raise Conflict(f"当前状态为“{ticket.get_state_display()}”，只能在办结后、归档前评价。")
    if Rating.objects.filter(ticket=ticket).exists():
        raise Conflict("该工单已评价过。")
    if satisfaction not in Satisfaction.values:
        raise field_error("satisfaction", "请选择满意、基本满意或不满意。")
    comment = optional_text(comment, "comment", "评价", limit=1000)
    rating = Rating.objects.create(ticket=ticket, satisfaction=satisfaction, comment=comment, at=timezone.now(), by=actor)
    ticket_event(ticket, actor, "rate", ticket.state, f"企业评价：{Satisfaction(satisfaction).label}" + (f"。{comment}" if comment else ""))
    return rating


@transaction.atomic
def ticket_sampled_callback(*, actor: User, batch: SamplingBatch, ticket: Ticket, reached, satisfaction: str = "",
                            consistent=None, meets_standard=None, note: str = "") -> Callback:
    """抽访 (§3.2.4): the city office calls back a county ticket of a sampling batch. Recorded only: the county's own
    callback decides the ticket's state; a failed sampled callback counts against the county."""
    if not rules.is_parent_region_office(ticket, actor) or batch.sampling_region_id != actor.department.region_id:
        raise PermissionDenied("只有上级联合服务办公室可以抽访。")
    if not batch.tickets.filter(pk=ticket.pk).exists():
        raise field_error("ticket", "该工单不在本抽访批次中。")
    reached, satisfaction, consistent, meets_standard, note = _callback_answers(
        reached, satisfaction, consistent, meets_standard, note
    )
    record = Callback.objects.create(
        ticket=ticket, at=timezone.now(), by=actor, reached=reached, satisfaction=satisfaction, consistent=consistent,
        meets_standard=meets_standard, note=note, sampled=True, batch=batch,
    )
    figures.record_callback(record)
    verdict = "未联系上" if not reached else (f"{Satisfaction(satisfaction).label}，抽访不合格" if record.failed else f"{Satisfaction(satisfaction).label}")
    ticket_event(ticket, actor, "sampled_callback", ticket.state, f"{actor.department.region.name}抽访：{verdict}。{note}".rstrip("。"))
    supervision.supervision_after_sampled_callback(ticket=ticket, callback=record, batch=batch, now=record.at)
    return record

