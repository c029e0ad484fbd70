"""Activities (/chambers/activities/…): the list, recording one (the federation for any chamber of its region, a
chamber user for its own), its page with photos and the demands registered there with their states, and the
permission-checked download of its files."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import role_required
from accounts.models import Role
from audit.services import record
from chambers import rules, selectors, services
from chambers.forms import ActivityForm, FileForm
from chambers.models import Activity
from core.pagination import paginate
from core.web import run_act


@require_GET
@role_required(rules.ACTIVITY_READERS, rules.NOT_READER)
def activity_list(request):
    user = request.user
    activities = selectors.activity_list(user)
    kind = request.GET.get("kind", "")
    if kind in Activity.Kind.values:
        activities = activities.filter(kind=kind)
    rotation = request.GET.get("rotation", "")
    if rotation.isdigit():
        activities = activities.filter(entry_id=int(rotation))
    chamber_missing = user.role == Role.CHAMBER and rules.chamber_id_of(user) is None
    return render(request, "chambers/activity_list.html", {
        "page": paginate(request, activities), "kind": kind, "kinds": Activity.Kind.choices,
        "may_record": rules.is_federation(user) or (user.role == Role.CHAMBER and not chamber_missing),
        "chamber_missing": chamber_missing,
    })


def _form(user, data=None, initial=None) -> ActivityForm:
    chambers = selectors.chambers_for(user).order_by("name")
    if user.role == Role.CHAMBER:
        chambers = chambers.filter(pk=rules.chamber_id_of(user))
    return ActivityForm(data, chambers=chambers, entries=selectors.entry_choices(user),
                        region=user.department.region, initial=initial)


@require_http_methods(["GET", "POST"])
@role_required(rules.ACTIVITY_WRITERS, rules.NOT_ACTIVITY_WRITER)
def activity_create(request):
    user = request.user
    selectors.require_activity_writer(user)
    if request.method == "POST":
        chamber = request.POST.get("chamber", "")
        if user.role == Role.CHAMBER and chamber.isdigit() and int(chamber) != rules.chamber_id_of(user):
            # Acting for another chamber is refused as such, not shown as a bad choice.
            raise PermissionDenied(rules.OTHER_CHAMBER)
        form = _form(user, request.POST)
        if form.is_valid():
            created = {}

            def act():
                created["activity"] = services.activity_record(actor=user, data=form.act_data())

            if run_act(request, form, act, success="活动已登记。现场收集的企业诉求可点“登记诉求”逐条登记。"):
                return redirect("chambers:activity_detail", pk=created["activity"].pk)
        messages.error(request, "登记未成功，请按提示修改标红的内容。")
        return render(request, "chambers/activity_form.html", {"form": form}, status=400)
    initial = {"held_on": timezone.localdate(), "kind": Activity.Kind.ROTATION}
    if user.role == Role.CHAMBER:
        initial["chamber"] = rules.chamber_id_of(user)
    rotation = request.GET.get("rotation", "")
    if rotation.isdigit():
        entry = selectors.entry_choices(user).filter(pk=int(rotation)).first()
        if entry is not None:
            initial.update({"rotation": entry.pk, "chamber": entry.chamber_id})
    return render(request, "chambers/activity_form.html", {"form": _form(user, initial=initial)})


@require_http_methods(["GET", "POST"])
@role_required(rules.ACTIVITY_WRITERS, rules.NOT_ACTIVITY_WRITER)
def activity_edit(request, pk: int):
    """Correct an activity's record; its chamber stays (the demands registered there stay linked)."""
    user = request.user
    activity = selectors.activity_for(user, pk)
    if not rules.may_record_for(user, activity.chamber):
        raise PermissionDenied(rules.OTHER_CHAMBER)
    if request.method == "POST":
        form = _form(user, _post_with_chamber(request, activity))
        if form.is_valid():
            def act():
                services.activity_update(actor=user, activity=activity, data=form.act_data())

            if run_act(request, form, act, success="活动记录已更正。"):
                return redirect("chambers:activity_detail", pk=activity.pk)
        messages.error(request, "保存未成功，请按提示修改标红的内容。")
        return render(request, "chambers/activity_form.html", {"form": form, "activity": activity}, status=400)
    initial = {"chamber": activity.chamber_id, "rotation": activity.entry_id, "kind": activity.kind,
               "held_on": activity.held_on, "place": activity.place, "enterprises_count": activity.enterprises_count,
               "summary": activity.summary, "departments": list(activity.departments.all())}
    return render(request, "chambers/activity_form.html",
                  {"form": _form(user, initial=initial), "activity": activity})


def _post_with_chamber(request, activity):
    """The posted fields with the activity's own chamber: an edit never moves an activity to another chamber."""
    data = request.POST.copy()
    data["chamber"] = str(activity.chamber_id)
    return data


@require_GET
@role_required(rules.ACTIVITY_READERS, rules.NOT_READER)
def activity_detail(request, pk: int):
    return _render_detail(request, selectors.activity_for(request.user, pk))


def _render_detail(request, activity, *, file_form=None, status=200):
    user = request.user
    return render(request, "chambers/activity_detail.html", {
        "activity": activity,
        "demands": list(selectors.demands_of(activity)),
        "files": activity.files.all(),
        "departments": activity.departments.all(),
        "may_upload": rules.may_record_for(user, activity.chamber),
        "may_edit": user.role in rules.ACTIVITY_WRITERS and rules.may_record_for(user, activity.chamber),
        "may_register": selectors.may_register_from(user, activity),
        "file_form": file_form or FileForm(),
    }, status=status)


@require_POST
@role_required(rules.ACTIVITY_WRITERS, rules.NOT_ACTIVITY_WRITER)
def file_upload(request, pk: int):
    activity = selectors.activity_for(request.user, pk)
    form = FileForm(request.POST, request.FILES)
    if form.is_valid() and run_act(
        request, form, lambda: services.file_add(actor=request.user, activity=activity, upload=form.cleaned_data["file"]),
        success="已上传。",
    ):
        return redirect("chambers:activity_detail", pk=activity.pk)
    messages.error(request, "上传未成功，请按提示修改。")
    return _render_detail(request, activity, file_form=form, status=400)


@require_GET
@role_required(rules.ACTIVITY_READERS, rules.NOT_READER)
def file_download(request, pk: int):
    attachment = selectors.file_for(request.user, pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("文件已丢失，请联系系统管理员。") from None
    record("attachment.download", request=request, obj=attachment, kind="chamber_activity")
    response = FileResponse(handle, filename=attachment.original_name, content_type=attachment.content_type,
                            as_attachment=not attachment.is_image)
    response["X-Content-Type-Options"] = "nosniff"
    return response
