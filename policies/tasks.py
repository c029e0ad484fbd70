"""Celery discovers the tasks of each app in its `tasks` module: the push and the nightly recount live in push.py."""

from policies.push import push_policy, recount_matches

__all__ = ["push_policy", "recount_matches"]
