"""Data migrations that encrypt personal numbers already stored in the clear (SECURITY.md §5, core.crypto).

`encrypt_existing(app_label, model_name, field, digest_field=None)` gives the forward and backward functions of a
`RunPython` for one model (call it for the model and for its simple-history model: history rows must not keep plain
phones either). Forward: every non-empty value is written as a fresh token, and its keyed hash, when the model has a
hash column. Backward: every token is written back in the clear, so the schema migration before it can be reversed.
Every row is kept; rows are read and written in batches.
"""

from __future__ import annotations

from django.db import models

from core import crypto

BATCH = 1000


def _rows(model, using, field):
    manager = model._base_manager.using(using)
    return manager.exclude(**{f"{field}__isnull": True}).exclude(**{field: ""}).order_by(model._meta.pk.attname)


def encrypt_existing(app_label: str, model_name: str, field: str, digest_field: str | None = None):
    def forward(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        using = schema_editor.connection.alias
        batch = []
        # The field decrypts tokens and passes plain values through, so `row.<field>` is plain either way; saving it
        # (bulk_update binds it through the field) writes a token.
        for row in _rows(model, using, field).only(model._meta.pk.attname, field).iterator(chunk_size=BATCH):
            if digest_field:
                setattr(row, digest_field, crypto.pii_hash(getattr(row, field)))
            batch.append(row)
            if len(batch) >= BATCH:
                model._base_manager.using(using).bulk_update(batch, [field, *([digest_field] if digest_field else [])])
                batch = []
        if batch:
            model._base_manager.using(using).bulk_update(batch, [field, *([digest_field] if digest_field else [])])

    def backward(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        using = schema_editor.connection.alias
        pk = model._meta.pk.attname
        for key, plain in _rows(model, using, field).values_list(pk, field).iterator(chunk_size=BATCH):
            # A Value expression is written as it is, not through the encrypting field.
            model._base_manager.using(using).filter(**{pk: key}).update(
                **{field: models.Value(plain, output_field=models.TextField())}
            )

    return forward, backward
