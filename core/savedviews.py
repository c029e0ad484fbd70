"""Saved views: a person names the filters and order of a list and finds them again as a quick link.

The list owns its URL and knows its filter keys; this module keeps the rows, cleans the query string down to those
keys (nothing else is ever stored or replayed) and answers 404 for another person's view.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, QueryDict

from core.forms import StyledForm
from core.models import SavedView

MAX_PER_LIST = 20
VALUE_LIMIT = 100


def clean_query(params: QueryDict, allowed: Iterable[str]) -> str:
    """The query string of `params` reduced to the `allowed` keys with non-empty values of at most VALUE_LIMIT
    characters (the page number never counts: a view opens on its first page)."""
    allowed = set(allowed) - {"page"}
    kept = QueryDict(mutable=True)
    for key in sorted(allowed):
        values = [v.strip() for v in params.getlist(key) if v.strip() and len(v) <= VALUE_LIMIT]
        if values:
            kept.setlist(key, values[:1])
    return kept.urlencode()


class SavedViewForm(StyledForm):
    name = forms.CharField(
        label="视图名称", max_length=SavedView.NAME_LIMIT,
        widget=forms.TextInput(attrs={"placeholder": "如：本周到期的投诉", "autocomplete": "off"}),
        error_messages={"required": "请填写视图名称。",
                        "max_length": f"视图名称不能超过 {SavedView.NAME_LIMIT} 个字。"},
    )


def views_for(user, list_key: str) -> list[SavedView]:
    return list(SavedView.objects.filter(user=user, list_key=list_key).only("id", "name", "query"))


@transaction.atomic
def save_view(*, user, list_key: str, name: str, params: QueryDict, allowed: Iterable[str]) -> SavedView:
    """Save the list's current filters under `name`. Errors (Chinese, by field): the name is taken, too many views."""
    name = name.strip()
    query = clean_query(params, allowed)
    existing = SavedView.objects.select_for_update().filter(user=user, list_key=list_key)
    if existing.filter(name=name).exists():
        raise ValidationError({"name": [f"您已有名为“{name}”的视图，请换一个名称。"]})
    if existing.count() >= MAX_PER_LIST:
        raise ValidationError({"name": [f"每个列表最多保存 {MAX_PER_LIST} 个视图，请先删除不用的视图。"]})
    try:
        with transaction.atomic():
            return SavedView.objects.create(user=user, list_key=list_key, name=name, query=query)
    except IntegrityError:  # the same name saved at the same moment by another tab
        raise ValidationError({"name": [f"您已有名为“{name}”的视图，请换一个名称。"]}) from None


def own_view(user, pk, list_key: str) -> SavedView:
    """The user's own saved view of the list; 404 for anyone else's (or none)."""
    try:
        return SavedView.objects.get(pk=pk, user=user, list_key=list_key)
    except (SavedView.DoesNotExist, ValueError, TypeError):
        raise Http404("视图不存在。") from None


def delete_view(*, user, pk, list_key: str) -> SavedView:
    view = own_view(user, pk, list_key)
    view.delete()
    return view
