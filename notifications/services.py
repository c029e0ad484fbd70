"""Notify people of events (SPEC §7): the in-app centre, email and SMS.

Every function only queues work with `transaction.on_commit`: nothing is recorded or sent when the caller's transaction
rolls back. The same `key` reaches the same person at most once (a unique constraint on (recipient, key)), and each
email address / phone number gets at most one message per key, so a retried action or a re-run sweep never notifies twice.
Email and SMS are never sent here: after commit they are written to the outbox (Delivery rows) and a Celery task
sends them, retrying with backoff (notifications/outbox.py, SECURITY.md §7), so a slow gateway never slows the action and
a failure never breaks it. `notify_many` does the same for many messages at once (the deadline sweep, the policy push):
one callback after commit, a few statements whatever the number of messages, one task message per chunk of deliveries.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.models import Department, Role, User
from notifications import outbox
from notifications.models import (  # noqa: F401 — the event names are part of this module's interface
    PHONE_CODE_EVENT,
    QUERY_CODE_EVENT,
    Delivery,
    Notification,
    address_digest,
)

logger = logging.getLogger("notifications")

TITLE_LIMIT = Notification._meta.get_field("title").max_length
KEY_LIMIT = Notification._meta.get_field("key").max_length
URL_LIMIT = Notification._meta.get_field("url").max_length
SUBJECT_LIMIT = Delivery._meta.get_field("subject").max_length


def notify(*, recipients, event: str, key: str, title: str, body: str = "", url: str = "") -> None:
    """Queue one notification per recipient (accounts.User), plus email/SMS where the user has an address."""
    _queue(recipients=recipients, event=event, key=key, title=title, body=body, url=url)


@dataclass(frozen=True)
class Message:
    """One notification for `notify_many`: what `notify` takes, as a value."""

    recipients: Sequence[User]
    event: str
    key: str
    title: str
    body: str = ""
    url: str = ""


def notify_many(messages: Iterable[Message]) -> None:
    """Queue many notifications at once, with the rules of `notify`: after commit, at most once per (recipient, key),
    email/SMS only to the people newly notified, each address once per key. The recipients are read now; after commit
    the notifications, the deliveries and their outcomes are written in a few statements for the whole batch."""
    queued = []
    for message in messages:
        if not message.key:
            raise ValueError("notify_many() needs a non-empty key for every message")
        recipient_ids = sorted({user.pk for user in message.recipients if user.is_active})
        if recipient_ids:
            queued.append((recipient_ids, _message(message.event, message.key, message.title, message.body, message.url)))
    if queued:
        transaction.on_commit(lambda: _deliver_many(queued), robust=True)


# --- who is told for a department or a region's office --------------------------------------------------------------
def _department_people(department_ids: Iterable[int]):
    """A department is told through its active handlers (涉企服务工作人员)."""
    return User.objects.filter(department_id__in=list(department_ids), role=Role.HANDLER, is_active=True)


def _office_people(region_ids: Iterable[int]):
    """A region's office is told through the active office staff of the department hosting it."""
    return User.objects.filter(
        department__region_id__in=list(region_ids),
        department__kind=Department.Kind.OFFICE_HOST,
        department__active=True,
        role=Role.OFFICE,
        is_active=True,
    ).select_related("department")


class Recipients:
    """The people of many departments and regions' offices, read in two queries (`recipients_for`), for callers that
    notify about many things at once (the deadline sweep). The same rules as `notify_department` and
    `notify_region_office`."""

    def __init__(self, *, department_ids: Iterable[int], region_ids: Iterable[int]):
        self.departments: dict[int, list[User]] = {}
        for user in _department_people(department_ids):
            self.departments.setdefault(user.department_id, []).append(user)
        self.offices: dict[int, list[User]] = {}
        for user in _office_people(region_ids):
            self.offices.setdefault(user.department.region_id, []).append(user)

    def of_department(self, department_id: int) -> list[User]:
        return self.departments.get(department_id, [])

    def of_region_office(self, region_id: int) -> list[User]:
        return self.offices.get(region_id, [])


def recipients_for(*, department_ids: Iterable[int] = (), region_ids: Iterable[int] = ()) -> Recipients:
    return Recipients(department_ids=set(department_ids), region_ids=set(region_ids))


def notify_department(department, *, event: str, key: str, title: str, body: str = "", url: str = "") -> None:
    """Every active handler (涉企服务工作人员) of `department`."""
    if department is None:
        return
    _queue(recipients=_department_people([department.pk]), event=event, key=key, title=title, body=body, url=url)


def notify_region_office(region, *, event: str, key: str, title: str, body: str = "", url: str = "") -> None:
    """Every active office-role user of the department hosting `region`'s joint service office."""
    if region is None:
        return
    _queue(recipients=_office_people([region.pk]), event=event, key=key, title=title, body=body, url=url)


def notify_enterprise(enterprise_id: int | None, *, event: str, key: str, title: str, body: str = "", url: str = "",
                      phones: Iterable[str] = ()) -> None:
    """The active users of an enterprise, and an SMS to each of `phones` (a contact who may have no account)."""
    recipients = (
        User.objects.filter(enterprise_id=enterprise_id, role=Role.ENTERPRISE, is_active=True) if enterprise_id else []
    )
    _queue(recipients=recipients, event=event, key=key, title=title, body=body, url=url, extra_phones=phones)


# --- delivery ------------------------------------------------------------------------------------------------------
def _queue(*, recipients, event: str, key: str, title: str, body: str, url: str, extra_phones: Iterable[str] = ()) -> None:
    if not key:
        raise ValueError("notify() needs a non-empty key")
    # Evaluate the recipients now: a lazy queryset read after commit could see other people.
    recipient_ids = sorted({user.pk for user in recipients if user.is_active})
    phones = [phone.strip() for phone in extra_phones if phone and phone.strip()]
    if not recipient_ids and not phones:
        return
    message = _message(event, key, title, body, url)
    transaction.on_commit(lambda: _deliver(recipient_ids, message, phones), robust=True)


def _message(event: str, key: str, title: str, body: str, url: str) -> dict:
    return {
        "event": event[:32],
        "key": key[:KEY_LIMIT],
        "title": title[:TITLE_LIMIT],
        "body": body,
        "url": url if len(url) <= URL_LIMIT else "",
    }


def _deliver(recipient_ids: list[int], message: dict, extra_phones: list[str]) -> None:
    """After commit: 1. record the in-app notifications that do not exist yet; 2. put an email/SMS for the people newly
    notified in the outbox (each address once per key); 3. queue their sending (a Celery task: nothing is sent here)."""
    emails: list[str] = []
    phones: list[str] = []
    for user in User.objects.filter(pk__in=recipient_ids).only("pk", "email", "phone"):
        _, created = Notification.objects.get_or_create(
            recipient=user,
            key=message["key"],
            defaults={k: message[k] for k in ("event", "title", "body", "url")},
        )
        if not created:
            continue
        if user.email:
            emails.append(user.email)
        if user.phone:
            phones.append(user.phone)
    phones.extend(extra_phones)
    now = timezone.now()
    claimed = [
        _claim(Delivery.Channel.EMAIL, address, message, now) for address in dict.fromkeys(emails)
    ] + [
        _claim(Delivery.Channel.SMS, phone, message, now) for phone in dict.fromkeys(phones)
    ]
    outbox.enqueue(pk for pk in claimed if pk is not None)


def _text(message: dict) -> str:
    return f"{message['title']}。{message['body']}".rstrip("。") if message["body"] else message["title"]


def _content(channel: str, message: dict) -> tuple[str, str]:
    """The subject and the text of the email or SMS, kept on the Delivery row (the outbox)."""
    text = _text(message)
    if channel == Delivery.Channel.SMS:
        return "", f"【企业之家】{text}"
    if message["url"]:
        text += f"\n\n详情：{settings.SITE_URL.rstrip('/')}{message['url']}" if settings.SITE_URL else f"\n\n详情页面：{message['url']}"
    return f"【企业之家】{message['title']}"[:SUBJECT_LIMIT], text


def _claim(channel: str, address: str, message: dict, now) -> int | None:
    """Claim (channel, address, key) in the outbox; None when an earlier run did (never sent twice)."""
    subject, body = _content(channel, message)
    try:
        with transaction.atomic():
            return Delivery.objects.create(
                channel=channel, address=address, key=message["key"], event=message["event"], subject=subject,
                body=body, next_attempt_at=now,
            ).pk
    except IntegrityError:
        return None


# --- one text of its own to one phone (a verification code) ------------------------------------------------------------
def sms_to_outbox(*, phone: str, text: str, event: str, key: str) -> int | None:
    """Put one SMS with a text of its own (a verification code) in the outbox, in the caller's transaction, and queue its
    sending once that commits: the caller never waits on the gateway, and a rolled-back act leaves no message. The
    row's text is encrypted at rest like every outbox row. Returns the row's id, or None when (sms, phone, key) was
    already claimed."""
    try:
        with transaction.atomic():
            pk = Delivery.objects.create(
                channel=Delivery.Channel.SMS, address=phone, key=key[:KEY_LIMIT], event=event[:32], body=text,
                next_attempt_at=timezone.now(),
            ).pk
    except IntegrityError:
        return None
    transaction.on_commit(lambda: outbox.enqueue([pk]), robust=True)
    return pk


# --- delivery of many messages at once (notify_many) -----------------------------------------------------------------
INSERT_CHUNK = 1000  # rows per INSERT statement (parameters stay far below PostgreSQL's limit)


def _insert_new(model, rows: list[dict], *, unique: tuple[str, ...], returning: tuple[str, ...]) -> set[tuple]:
    """INSERT … ON CONFLICT (unique) DO NOTHING RETURNING …: the rows this call inserted, not those that existed or
    that a concurrent transaction inserted first (PostgreSQL; SQLite ≥ 3.35)."""
    if not rows:
        return set()
    meta, quote = model._meta, connection.ops.quote_name
    fields = [meta.get_field(name) for name in rows[0]]
    columns = ", ".join(quote(field.column) for field in fields)
    conflict = ", ".join(quote(meta.get_field(name).column) for name in unique)
    back = ", ".join(quote(meta.get_field(name).column) for name in returning)
    size = max(1, min(INSERT_CHUNK, connection.ops.bulk_batch_size(fields, rows)))
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    inserted: set[tuple] = set()
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start:start + size]
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {', '.join([row_sql] * len(chunk))} "
                f"ON CONFLICT ({conflict}) DO NOTHING RETURNING {back}",
                [field.get_db_prep_save(row[field.name], connection) for row in chunk for field in fields],
            )
            inserted.update(tuple(row) for row in cursor.fetchall())
    return inserted


def _deliver_many(queued: list[tuple[list[int], dict]]) -> None:
    """1. record the in-app notifications that do not exist yet, in one statement per thousand; 2. claim the email and
    SMS deliveries of the people newly notified the same way, into the outbox; 3. queue their sending, one task message
    per chunk of deliveries (notifications.outbox)."""
    users = {
        user.pk: user
        for user in User.objects.filter(pk__in={pk for ids, _ in queued for pk in ids}).only("pk", "email", "phone")
    }
    now = timezone.now()
    rows, seen = [], set()
    for recipient_ids, message in queued:
        for pk in recipient_ids:
            if pk in users and (pk, message["key"]) not in seen:
                seen.add((pk, message["key"]))
                rows.append({"recipient": pk, "key": message["key"], "event": message["event"], "title": message["title"],
                             "body": message["body"], "url": message["url"], "created_at": now})
    created = _insert_new(Notification, rows, unique=("recipient", "key"), returning=("recipient", "key"))

    # (channel, address's keyed hash, key) → the address and the message; emails before SMS, in the order of the
    # messages, as `_deliver` sends. The hash is what the outbox's unique constraint compares (the address is encrypted).
    outgoing: dict[tuple[str, str, str], tuple[str, dict]] = {}
    for channel, attribute in ((Delivery.Channel.EMAIL, "email"), (Delivery.Channel.SMS, "phone")):
        for recipient_ids, message in queued:
            for pk in recipient_ids:
                address = getattr(users[pk], attribute) if (pk, message["key"]) in created else ""
                if address:
                    outgoing.setdefault((channel, address_digest(channel, address), message["key"]), (address, message))
    if not outgoing:
        return
    claimed = _insert_new(
        Delivery,
        [{"channel": channel, "address": address, "address_digest": digest, "key": key, "event": message["event"],
          "status": Delivery.Status.PENDING, "created_at": now,
          **dict(zip(("subject", "body"), _content(channel, message), strict=True)),
          "next_attempt_at": now}  # `error` and `attempts` take their database defaults
         for (channel, digest, key), (address, message) in outgoing.items()],
        unique=("channel", "address_digest", "key"), returning=("id",),
    )
    # Claimed by an earlier or concurrent run: not in `claimed`, never sent twice.
    outbox.enqueue(pk for (pk,) in claimed)
