"""Public training screens, no login (OUTREACH §3, §6): upcoming sessions with a topic filter, each session's page
with its public fields and an .ics file; an enterprise user signs up, cancels and gives feedback from the page.
Works without JavaScript and on a phone."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from audit.services import record
from core.errors import Conflict, ValidationError
from core.pagination import paginate
from trainings import ics, rules, selectors, services
from trainings.forms import FeedbackForm, PublicFilterForm


@require_GET
def session_list(request):
    form = PublicFilterForm(request.GET)
    topic = form.values.get("topic", "")
    past = request.GET.get("past") == "1"
    sessions = selectors.public_sessions(upcoming=not past, topic=topic)
    if past:
        sessions = sessions.filter(starts_at__lte=timezone.now())
    page = paginate(request, sessions)
    mine = selectors.signed_up_ids(request.user, page.object_list)
    return render(request, "trainings/public_list.html", {"form": form, "page": page, "past": past, "mine": mine})


def _detail_context(request, session, *, feedback_form=None) -> dict:
    user = request.user
    registration = selectors.registration_of(user, session)
    now = timezone.now()
    return {
        "session": session,
        "policies": session.policies.filter(state="published").select_related("department"),
        "attachments": session.attachments.all(),
        "registration": registration,
        "is_enterprise": rules.is_enterprise_user(user),
        "signup_open": session.signup_open(now),
        "feedback": _feedback_of(registration),
        "may_give_feedback": bool(registration and registration.attended and now >= session.ends_at
                                  and session.is_public and _feedback_of(registration) is None),
        "feedback_form": feedback_form or FeedbackForm(),
        "may_manage": user.is_authenticated and rules.may_manage(session, user),
    }


def _feedback_of(registration):
    if registration is None:
        return None
    return getattr(registration, "feedback", None) if hasattr(registration, "feedback") else None


@require_GET
def session_detail(request, pk: int):
    session = selectors.public_session_or_404(pk)
    return render(request, "trainings/public_detail.html", _detail_context(request, session))


@require_GET
def session_ics(request, pk: int):
    session = selectors.public_session_or_404(pk)
    body = ics.session_ics(session, url=request.build_absolute_uri(services.session_url(session)))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="training-{session.pk}.ics"'
    return response


@require_POST
@login_required
def signup(request, pk: int):
    session = selectors.signup_target_or_404(pk)
    try:
        services.signup(actor=request.user, session=session)
    except Conflict as exc:
        messages.error(request, exc.message)
        if session.state == session.State.CANCELLED:
            return redirect("trainings:public_list")
    else:
        messages.success(request, "报名成功。培训前一天会提醒您；可在“我的培训”中查看。")
    return redirect("trainings:public_detail", pk=session.pk)


@require_POST
@login_required
def signup_cancel(request, pk: int):
    session = selectors.signup_target_or_404(pk)
    try:
        services.signup_cancel(actor=request.user, session=session)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已取消报名，名额已释放。")
    return redirect("trainings:public_detail", pk=session.pk)


@require_POST
@login_required
def feedback(request, pk: int):
    session = selectors.public_session_or_404(pk)
    if not rules.is_enterprise_user(request.user):
        raise PermissionDenied("只有出席了这场培训的企业用户可以评价。")
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            services.feedback_give(actor=request.user, session=session, score=form.cleaned_data["score"],
                                   comment=form.cleaned_data["comment"])
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("trainings:public_detail", pk=session.pk)
        except ValidationError as exc:
            for messages_ in exc.message_dict.values():
                for message in messages_:
                    form.add_error(None, message)
        else:
            messages.success(request, "感谢您的评价。")
            return redirect("trainings:public_detail", pk=session.pk)
    messages.error(request, "评价未提交，请按提示修改。")
    return render(request, "trainings/public_detail.html",
                  _detail_context(request, session, feedback_form=form), status=400)


@require_GET
def attachment_file(request, pk: int):
    """A session's file: anyone once it is published or held; its managers before (404 to everyone else)."""
    attachment = selectors.attachment_for_user(request.user, pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("文件已丢失，请联系系统管理员。") from None
    record("attachment.download", request=request, obj=attachment, kind="training")
    response = FileResponse(handle, filename=attachment.original_name, content_type=attachment.content_type,
                            as_attachment=True)
    response["X-Content-Type-Options"] = "nosniff"
    return response
