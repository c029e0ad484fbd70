"""Ending a user's sessions and API tokens at once (SECURITY.md §1: removing a staff member ends their sessions)."""

from __future__ import annotations

from accounts.sessions import end_user_sessions, revoke_user_tokens


def end_sessions(user) -> int:
    """Delete every live session of `user` and every API token of theirs. Returns the number of sessions ended."""
    ended = end_user_sessions(user)
    revoke_user_tokens(user)
    return ended
