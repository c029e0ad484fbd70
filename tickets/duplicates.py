"""Likely duplicates of a demand (SPEC §4: the triage screen shows them so the office can merge), ranked by how alike
their texts read.

Candidates are bounded before any text is compared: the same region, registered within 30 days of each other, and at
most `CANDIDATE_LIMIT` demands of the same enterprise plus the `CANDIDATE_LIMIT` most recent of the window — so the
cost does not grow with the region's history, however busy it is (two queries, read as plain values; a third reads the
demands found).

Each candidate is scored by the similarity of its title + the opening of its content with the demand's: both texts
are cut into words by jieba (Chinese has no spaces; single characters and punctuation are dropped), and rapidfuzz
compares the two bags of words — the mean of `token_set_ratio` (what the shorter text says is said by the longer one:
a paraphrase with extra words scores high) and `token_sort_ratio` (the same words overall: a short text that happens to
share two words with a long one does not). A candidate is kept above a threshold: `SAME_ENTERPRISE_SIMILARITY` for the
same enterprise (it raising the same matter again is likely), `SIMILARITY` for others. The same enterprise merely
having written is no longer enough: an active enterprise's unrelated demands are not duplicates.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

import jieba
from django.db.models import Q
from django.db.models.functions import Substr
from rapidfuzz import fuzz, process

from tickets.models import Demand

jieba.setLogLevel(logging.WARNING)

WINDOW = timedelta(days=30)
SIMILARITY = 0.6
SAME_ENTERPRISE_SIMILARITY = 0.5
CANDIDATE_LIMIT = 200
# Texts are compared by their beginning: what a matter is about is said first (the title, then the opening of the
# content), and segmenting costs by the character.
TEXT_PREFIX = 240
_WORD = re.compile(r"\w")

_FIELDS = ("id", "number", "state", "title", "region_id", "enterprise_id", "enterprise_name", "registered_at", "channel")


@dataclass(frozen=True)
class Duplicate:
    demand: Demand
    same_enterprise: bool
    ratio: float  # similarity of title + content, 0..1

    @property
    def percent(self) -> int:
        return round(self.ratio * 100)

    @property
    def reason(self) -> str:
        return ("同一企业，" if self.same_enterprise else "") + f"相似度 {self.percent}%"


def threshold(same_enterprise: bool) -> float:
    return SAME_ENTERPRISE_SIMILARITY if same_enterprise else SIMILARITY


def _text(demand: Demand) -> str:
    content = getattr(demand, "content_head", None)
    if content is None:
        content = demand.content
    return _compared(demand.title, content)


def _compared(title: str, content: str) -> str:
    return f"{title}\n{content}"[:TEXT_PREFIX]


@lru_cache(maxsize=4096)
def words(text: str) -> str:
    """The words of a text, space-separated, as rapidfuzz's token ratios read them (cached: the same recent demands
    are candidates of every demand of a queue page, page after page)."""
    return " ".join(w for w in jieba.lcut(text.lower()) if len(w) >= 2 and _WORD.match(w))


def similarity(a: str, b: str) -> float:
    """How alike two texts read, 0..1: the mean of rapidfuzz's token-set and token-sort ratios over their jieba
    words (see the module's docstring)."""
    wa, wb = words(a), words(b)
    if not wa or not wb:
        return 0.0
    return _ratios(wa, [wb])[0]


def _in_window(demand: Demand, row: tuple) -> bool:
    """A candidate row (id, region_id, registered_at, …) is the demand's region's, within the window, not itself."""
    pk, region_id, registered_at, *_rest = row
    return pk != demand.pk and region_id == demand.region_id and abs(registered_at - demand.registered_at) <= WINDOW


_ROW = ("id", "region_id", "registered_at", "enterprise_id", "title", "content_head")  # a candidate, as plain values


def _candidates(window: Q, enterprises: set, *, enterprise_limit: int, limit: int, exclude: int | None = None) -> list:
    """The candidate rows (`_ROW`) of a window, newest first, in two queries: up to `enterprise_limit` of the given
    enterprises' demands, then the `limit` most recent of all; each once."""
    rows = Demand.objects.filter(window).annotate(content_head=Substr("content", 1, TEXT_PREFIX)).order_by(
        "-registered_at", "-id"
    )
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    candidates: dict[int, tuple] = {}
    if enterprises:
        for row in rows.filter(enterprise_id__in=enterprises).values_list(*_ROW)[:enterprise_limit]:
            candidates[row[0]] = row
    for row in rows.values_list(*_ROW)[:limit]:
        candidates.setdefault(row[0], row)
    return list(candidates.values())


def likely_duplicates(demand: Demand, *, limit: int = CANDIDATE_LIMIT) -> list[Duplicate]:
    """The demand's likely duplicates, most similar first (the same enterprise's listed apart by `split`). Three
    queries at most: the candidates are read as plain values (a few hundred model instances cost more than scoring
    them), then the ones found as demands with their tickets."""
    window = Q(
        region_id=demand.region_id,
        registered_at__gte=demand.registered_at - WINDOW,
        registered_at__lte=demand.registered_at + WINDOW,
    )
    enterprises = {demand.enterprise_id} if demand.enterprise_id is not None else set()
    rows = _candidates(window, enterprises, enterprise_limit=limit, limit=limit, exclude=demand.pk)
    text = words(_text(demand))
    others = [row for row in rows if _in_window(demand, row)]
    other_words = [words(_compared(title, content)) for *_head, title, content in others]
    scored = [k for k, found_words in enumerate(other_words) if found_words]
    ratios = _ratios(text, [other_words[k] for k in scored]) if text and scored else []
    kept: dict[int, tuple[bool, float]] = {}  # pk → (same enterprise, ratio)
    for k, ratio in zip(scored, ratios, strict=True):
        pk, _region, _at, enterprise_id, *_text_fields = others[k]
        same = demand.enterprise_id is not None and enterprise_id == demand.enterprise_id
        if ratio >= threshold(same):
            kept[pk] = (same, ratio)
    if not kept:
        return []
    found = [
        Duplicate(other, *kept[other.pk])
        for other in Demand.objects.filter(pk__in=kept).select_related("ticket")
        .only(*_FIELDS, "ticket__id", "ticket__number", "ticket__state")
    ]
    found.sort(key=lambda d: (-d.ratio, -d.demand.registered_at.timestamp(), -d.demand.pk))
    return found


def split(found: Sequence[Duplicate]) -> tuple[list[Duplicate], list[Duplicate]]:
    """(the same enterprise's, the others'), each most similar first: the triage screen lists them apart."""
    return [d for d in found if d.same_enterprise], [d for d in found if not d.same_enterprise]


def duplicate_counts(demands: Sequence[Demand], *, limit: int = CANDIDATE_LIMIT) -> dict[int, int]:
    """How many likely duplicates each demand of a queue page has, in two queries for the whole page, by the same
    rules as `likely_duplicates`: the demands of the page's enterprises in the page's window (`limit` per enterprise
    on average) and the `limit` most recent demands of the page's regions are scored against each demand of the
    page. The other demands are read as plain values, not model instances."""
    demands = list(demands)
    if not demands:
        return {}
    window = Q(
        region_id__in={d.region_id for d in demands},
        registered_at__gte=min(d.registered_at for d in demands) - WINDOW,
        registered_at__lte=max(d.registered_at for d in demands) + WINDOW,
    )
    enterprises = {d.enterprise_id for d in demands if d.enterprise_id is not None}
    rows = _candidates(window, enterprises, enterprise_limit=limit * len(enterprises), limit=limit)
    row_words = [words(_compared(title, content)) for *_head, title, content in rows]
    counts = {}
    for demand in demands:
        text = words(_text(demand))
        own_pk, own_region, own_at = demand.pk, demand.region_id, demand.registered_at  # read once, not per row
        eligible = [
            i for i, (pk, region_id, registered_at, *_rest) in enumerate(rows)
            if pk != own_pk and region_id == own_region and abs(registered_at - own_at) <= WINDOW and row_words[i]
        ]
        count = 0
        if text and eligible:
            ratios = _ratios(text, [row_words[i] for i in eligible])
            for k, i in enumerate(eligible):
                same = demand.enterprise_id is not None and rows[i][3] == demand.enterprise_id
                if ratios[k] >= threshold(same):
                    count += 1
        counts[demand.pk] = count
    return counts


# Scores of pairs of word strings already compared (a pure function of the two texts): a queue page compares its
# demands with the same few hundred recent demands as the page before. Kept per process, up to this many pairs.
_PAIR_RATIOS: dict[tuple[str, str], float] = {}
PAIR_RATIOS_KEPT = 200_000


def _ratios(text: str, choices: list[str]) -> list[float]:
    """`similarity` of `text` (its words) with each of `choices` (theirs): the pairs not scored before are scored at
    once, rapidfuzz working through the whole list in C (one Python call per scorer instead of two per pair)."""
    known = [_PAIR_RATIOS.get((text, choice)) for choice in choices]
    missing = [k for k, ratio in enumerate(known) if ratio is None]
    if missing:
        subset = [choices[k] for k in missing]
        set_scores, sort_scores = ({index: score for _choice, score, index in process.extract(
            text, subset, scorer=scorer, processor=None, limit=None)} for scorer in (fuzz.token_set_ratio,
                                                                                     fuzz.token_sort_ratio))
        if len(_PAIR_RATIOS) + len(missing) > PAIR_RATIOS_KEPT:
            _PAIR_RATIOS.clear()
        for j, k in enumerate(missing):
            known[k] = _PAIR_RATIOS[(text, choices[k])] = round((set_scores[j] + sort_scores[j]) / 200, 4)
    return known
