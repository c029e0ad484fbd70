"""Query codes: how a visitor without an account follows the demand it submitted at /track/ (SECURITY.md §1).

A code is 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L), shown once when the demand is submitted
(and sent by SMS to a verified phone). Only a keyed digest of number and code is stored (core.hashing), so the
table shows nobody a code, and a code is good only for its own demand.
"""

from __future__ import annotations

import re
import secrets

from core.hashing import digests_match, keyed_digest
from tickets.models import Demand

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 8
NAMESPACE = "demand-query-code"
# Compared against when no demand carries the number, so a wrong number costs the same work as a wrong code.
_NO_DEMAND_DIGEST = "0" * 64


def new_query_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize_code(raw: str) -> str:
    """What a person typed, upper-cased, without spaces or dashes ("abcd-efgh" → "ABCDEFGH")."""
    return re.sub(r"[\s\-]", "", raw or "").upper()


def normalize_number(raw: str) -> str:
    return re.sub(r"\s", "", raw or "").upper()


def query_code_digest(number: str, code: str) -> str:
    return keyed_digest(NAMESPACE, f"{number}:{code}")


def demand_for_tracking(number: str, code: str) -> Demand | None:
    """The demand a visitor submitted under this number, when the code is its own; None for a wrong number or a wrong
    code alike (the screen must not tell which)."""
    number, code = normalize_number(number), normalize_code(code)
    demand = (
        Demand.objects.filter(number=number)
        .exclude(query_code_digest="")
        .select_related("region__parent", "ticket__lead_department")
        .first()
    )
    digest = demand.query_code_digest if demand is not None else _NO_DEMAND_DIGEST
    matches = digests_match(NAMESPACE, f"{number}:{code}", digest)
    return demand if demand is not None and matches else None
