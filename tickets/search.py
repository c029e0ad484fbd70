"""The staff's global search (the search box of the top bar): one keyword, three groups — tickets, demands,
enterprises — each within what the user may read.

- Tickets and demands go through the same scope as their lists (`tickets_visible_to`, `demands_visible_to`), so a
  handler finds only its department's tickets and an office only its region's (and the regions below).
- What is searched: a ticket's or demand's number (whole or any piece: "SQ2026"), title and enterprise names (the
  `search_text` of the lists, a ticket's including its demands' numbers and enterprises) and the content of a demand
  as written (demands only, see `tickets_found`); an enterprise's name or 统一社会信用代码. On
  PostgreSQL every condition is served by a bigram index (core.search), so two-character Chinese words are found.
- Not searched: what is encrypted at rest (phones, SECURITY.md §5), nor the requester's name.
- Enterprises: those of the user's region (and of the regions below for the region's office, government and leader).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet

from accounts.access import region_ids
from accounts.models import Enterprise
from accounts.roles import REGION_TREE_READERS, TICKET_READERS
from core.pagination import bounded_count, estimated_count
from core.search import bigrams_only, matches, matches_either, matches_raw, normalise
from tickets.models import Demand, Ticket
from tickets.selectors import demands_visible_to, tickets_visible_to

# Roles with the search box: department staff who read tickets. Administrators read no tickets (SECURITY.md §3);
# outside registrars (chambers, supervisors) follow their own submissions in their demand list.
SEARCHERS = TICKET_READERS
MIN_LENGTH = 2
MAX_LENGTH = 64
GROUPS = {"tickets": "工单", "demands": "诉求", "enterprises": "企业"}
NOT_A_SEARCHER = "您的角色不使用全局检索（只有部门工作人员检索工单和诉求）。"


def clean_keyword(raw: str | None) -> tuple[str, str]:
    """(keyword, error): the keyword without surrounding or repeated spaces, or an error in Chinese."""
    keyword = " ".join((raw or "").split())
    if not keyword:
        return "", ""
    if len(keyword) < MIN_LENGTH:
        return keyword, f"检索词至少需要 {MIN_LENGTH} 个字符：请输入两个字以上的词语，或编号的一部分（如 SQ2026）。"
    if len(keyword) > MAX_LENGTH:
        return keyword[:MAX_LENGTH], f"检索词最多 {MAX_LENGTH} 个字符，请缩短后再检索。"
    return keyword, ""


def content_matches(keyword: str) -> Q:
    return matches_raw("content", keyword)


def own_demand_matches(keyword: str) -> Q:
    """A demand whose number, title, enterprise or content holds the keyword (the enterprise's own search)."""
    return matches_either("search_text", "content", keyword)


def tickets_found(user, keyword: str) -> QuerySet[Ticket]:
    """The user's tickets whose number, title, demands' numbers or enterprises hold the keyword; newest first.

    A word of the content finds the demands that say it (each shown with its ticket's number), not the tickets
    directly: a ticket has no content of its own, and "tickets one of whose demands says it" is a semi-join that
    costs seconds for a common word at scale (measured: 3.5 s for 协调 at 100,000 tickets, the subquery computing the
    bigrams of every demand), while the demand group answers in milliseconds."""
    return (
        tickets_visible_to(user).filter(matches("search_text", keyword))
        .prefetch_related("lead_department")  # not joined: see _demand_rows
        .order_by("-created_at", "-id")
    )


def _demand_rows(queryset: QuerySet[Demand]) -> QuerySet[Demand]:
    """The rows found with their tickets read apart by the shown rows' ids: a keyword's row estimate is poor (1 for
    5,000), and joined, PostgreSQL would look up the ticket of every row found before keeping the newest few."""
    return (
        queryset.prefetch_related(
            # The state too: the ticket's FSM mixin reads it on load.
            Prefetch("ticket", queryset=Ticket.objects.only("id", "number", "state"))
        )
        .only("id", "number", "title", "state", "enterprise_name", "anonymous", "registered_at", "ticket_id")
        .order_by("-registered_at", "-id")
    )


# A two-character word in more demands than this is read along the registration order (core.search.bigrams_only);
# a rarer one through its bigram indexes, each row found checked by LIKE.
COMMON_WORD_ROWS = 10_000


def demands_found(user, keyword: str) -> QuerySet[Demand]:
    """The user's demands whose number, title, enterprise or content holds the keyword; newest first. How the
    condition is written depends on how common the word is, from one EXPLAIN of the indexes' estimate."""
    condition = own_demand_matches(keyword)
    if connection.vendor == "postgresql" and len(normalise(keyword)) == 2:
        common = bigrams_only("search_text", "content", keyword)
        estimate = estimated_count(Demand.objects.filter(common))
        if estimate is not None and estimate > COMMON_WORD_ROWS:
            condition = common
    return _demand_rows(demands_visible_to(user).filter(condition))


def enterprises_found(user, keyword: str) -> QuerySet[Enterprise]:
    code = normalise(keyword).replace(" ", "")
    regions = region_ids(user, with_children=user.role in REGION_TREE_READERS)
    return (
        Enterprise.objects.filter(region_id__in=regions)
        .filter(matches_raw("name", keyword) | (matches_raw("uscc", code) if len(code) >= MIN_LENGTH else Q(pk=None)))
        .select_related("region")
        .only("id", "name", "uscc", "region__name")
        .order_by("name", "id")
    )


FINDERS = {"tickets": tickets_found, "demands": demands_found, "enterprises": enterprises_found}


@dataclass
class Group:
    key: str
    label: str
    rows: list
    count: int  # bounded: `limit` + 1 means "more than `limit`"
    limit: int

    @property
    def more(self) -> bool:
        return self.count > len(self.rows)

    @property
    def capped(self) -> bool:
        return self.count > self.limit


def overview(user, keyword: str, *, per_group: int = 5, limit: int = 100) -> list[Group]:
    """Each group's first `per_group` rows and how many there are (counted up to `limit`): two queries a group.

    Rows are read with one more than shown; when fewer come back, that is the count and no counting is needed."""
    groups = []
    for key, label in GROUPS.items():
        queryset = FINDERS[key](user, keyword)
        rows = list(queryset[: per_group + 1])
        count = len(rows) if len(rows) <= per_group else bounded_count(queryset, limit)
        groups.append(Group(key, label, rows[:per_group], count, limit))
    return groups
