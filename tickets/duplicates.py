"""Likely duplicates of a demand (SPEC §4: the triage screen shows them so the office can merge).

A demand is a likely duplicate of another when both belong to the same region, were registered within 30 days of
each other, and either name the same enterprise or read almost the same: the similarity of their title + content
(rapidfuzz's normalised Indel similarity, 2 × longest common subsequence / total length) is at least 0.6.
Text is compared over a bounded set of candidates (the `CANDIDATE_LIMIT` most recent in the window), so the cost is
bounded however busy the region is; same-enterprise matches need no text and are looked up directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q
from django.db.models.functions import Substr
from rapidfuzz import fuzz

from tickets.models import Demand

WINDOW = timedelta(days=30)
SIMILARITY = 0.6
CANDIDATE_LIMIT = 200
# Texts are compared by their beginning: the ratio costs the product of the lengths, and what a matter is about is
# said first (the title, then the opening of the content).
TEXT_PREFIX = 240

_FIELDS = ("id", "number", "state", "title", "region_id", "enterprise_id", "enterprise_name", "registered_at", "channel")


@dataclass(frozen=True)
class Duplicate:
    demand: Demand
    same_enterprise: bool
    ratio: float  # similarity of title + content, 0..1

    @property
    def similar_text(self) -> bool:
        return self.ratio >= SIMILARITY

    @property
    def reason(self) -> str:
        parts = []
        if self.same_enterprise:
            parts.append("同一企业")
        if self.similar_text:
            parts.append(f"内容相似 {round(self.ratio * 100)}%")
        return "，".join(parts)


def _text(demand: Demand) -> str:
    content = getattr(demand, "content_head", None)
    if content is None:
        content = demand.content
    return _compared(demand.title, content)


def _compared(title: str, content: str) -> str:
    return f"{title}\n{content}"[:TEXT_PREFIX]


def similarity(a: str, b: str) -> float:
    """2 × the longest common subsequence / the total length, 0..1 (rapidfuzz, character by character, so Chinese
    needs no word splitting); 0 below `SIMILARITY`, where the exact figure does not matter and is not computed."""
    return fuzz.ratio(a, b, score_cutoff=SIMILARITY * 100) / 100


def _in_window(a: Demand, b: Demand) -> bool:
    return a.pk != b.pk and a.region_id == b.region_id and abs(a.registered_at - b.registered_at) <= WINDOW


def likely_duplicates(demand: Demand, *, limit: int = CANDIDATE_LIMIT) -> list[Duplicate]:
    """The demand's likely duplicates, same enterprise first, then by similarity. Two queries at most."""
    window = Q(
        region_id=demand.region_id,
        registered_at__gte=demand.registered_at - WINDOW,
        registered_at__lte=demand.registered_at + WINDOW,
    )
    base = (
        Demand.objects.filter(window).exclude(pk=demand.pk).select_related("ticket")
        .only(*_FIELDS, "ticket__id", "ticket__number", "ticket__state")
        .annotate(content_head=Substr("content", 1, TEXT_PREFIX))
    )
    candidates: dict[int, Demand] = {}
    if demand.enterprise_id is not None:
        for other in base.filter(enterprise_id=demand.enterprise_id).order_by("-registered_at", "-id")[:limit]:
            candidates[other.pk] = other
    for other in base.order_by("-registered_at", "-id")[:limit]:
        candidates.setdefault(other.pk, other)
    text = _text(demand)
    found = []
    for other in candidates.values():
        if not _in_window(demand, other):
            continue
        same = demand.enterprise_id is not None and other.enterprise_id == demand.enterprise_id
        ratio = similarity(text, _text(other))
        if same or ratio >= SIMILARITY:
            found.append(Duplicate(other, same, ratio))
    found.sort(key=lambda d: (not d.same_enterprise, -d.ratio, -d.demand.registered_at.timestamp(), -d.demand.pk))
    return found


def duplicate_counts(demands: Sequence[Demand], *, limit: int = CANDIDATE_LIMIT) -> dict[int, int]:
    """How many likely duplicates each demand of a queue page has, in two queries for the whole page.

    Same-enterprise matches are counted exactly; text is compared against the `limit` most recent demands of the
    page's regions within the page's window. The other demands are read as plain values, not model instances.
    """
    demands = list(demands)
    if not demands:
        return {}
    window = Q(
        region_id__in={d.region_id for d in demands},
        registered_at__gte=min(d.registered_at for d in demands) - WINDOW,
        registered_at__lte=max(d.registered_at for d in demands) + WINDOW,
    )
    matches: dict[int, set[int]] = {d.pk: set() for d in demands}
    page = [(d.pk, d.region_id, d.registered_at) for d in demands]

    def near(row, pk: int, region_id: int, registered_at) -> bool:
        return row[0] != pk and row[1] == region_id and abs(row[2] - registered_at) <= WINDOW

    by_enterprise: dict[int, list[tuple]] = {}
    for demand, key in zip(demands, page, strict=True):
        if demand.enterprise_id is not None:
            by_enterprise.setdefault(demand.enterprise_id, []).append(key)
    if by_enterprise:
        same = Demand.objects.filter(window, enterprise_id__in=by_enterprise).values_list(
            "id", "region_id", "registered_at", "enterprise_id"
        )
        for row in same:
            for pk, region_id, registered_at in by_enterprise[row[3]]:
                if near(row, pk, region_id, registered_at):
                    matches[pk].add(row[0])
    texts = {d.pk: _text(d) for d in demands}
    candidates = (
        Demand.objects.filter(window).annotate(content_head=Substr("content", 1, TEXT_PREFIX))
        .order_by("-registered_at", "-id").values_list("id", "region_id", "registered_at", "title", "content_head")
    )
    for row in candidates[:limit]:
        text = _compared(row[3], row[4])
        for pk, region_id, registered_at in page:
            if row[0] not in matches[pk] and near(row, pk, region_id, registered_at) \
                    and similarity(texts[pk], text) >= SIMILARITY:
                matches[pk].add(row[0])
    return {pk: len(found) for pk, found in matches.items()}
