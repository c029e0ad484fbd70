"""The panels of a person's workbench (the `workbench` app shows them; each domain app contributes its own through a
`workbench_panels(user, *, now)` selector in its `workbench.py`, as the apps contribute menu entries).

A panel is data only: its template (a partial of the contributing app) draws it. Each contribution reads in a fixed
number of queries whatever the rows, so the page's query count does not grow with the queues.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class QueueLink:
    """One count on the workbench with a link to the full list (待研判 12 → the triage queue)."""

    label: str
    url: str
    count: str  # as the menu shows it: "12", "99+"
    icon: str = "inbox"
    urgent: bool = False  # drawn in the warning style when non-zero


@dataclass
class Panel:
    """One block of the workbench.

    `order` places it among every app's panels (lower first); `key` names it (data-testid="panel-<key>"); `wide` panels
    take the full width, the others share a row; `context` is what its `template` reads besides the panel itself.
    """

    key: str
    title: str
    template: str
    order: int
    icon: str = "card-list"
    wide: bool = False
    count: str | None = None  # shown beside the title
    url: str = ""  # the full list
    url_label: str = "查看全部"
    context: dict = field(default_factory=dict)
