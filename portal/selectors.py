"""What the portal reads from the outreach contexts: only published records, only their public fields."""

from __future__ import annotations

from catalogue import selectors as catalogue
from chambers import selectors as chambers
from policies import selectors as policies
from trainings import selectors as trainings


def front_page() -> dict:
    return {
        "latest_policies": list(policies.public_policies(active=True)[:6]),
        "policy_count": policies.public_policies(active=True).count(),
        "latest_items": list(catalogue.published_items().select_related("department").order_by("-published_at")[:6]),
        "item_count": catalogue.published_items().count(),
        "upcoming_trainings": trainings.upcoming_sessions(limit=5),
        "rotation_entries": list(chambers.current_entries()[:6]),
    }


def search(keyword: str, *, limit: int) -> dict:
    found_policies = list(policies.public_policies(active=True, q=keyword)[: limit + 1])
    found_items = list(catalogue.search_published(q=keyword).select_related("department")[: limit + 1])
    return {
        "policies": found_policies[:limit],
        "policies_more": len(found_policies) > limit,
        "items": found_items[:limit],
        "items_more": len(found_items) > limit,
    }
