"""What the portal reads from the outreach contexts: only published records, only their public fields."""

from __future__ import annotations

from policies import selectors as policies


def front_page() -> dict:
    return {
        "latest_policies": list(policies.public_policies(active=True)[:6]),
        "policy_count": policies.public_policies(active=True).count(),
    }


def search(keyword: str, *, limit: int) -> dict:
    found = policies.public_policies(active=True, q=keyword)
    return {
        "policies": list(found[:limit]),
        "policies_more": found.count() > limit,
    }
