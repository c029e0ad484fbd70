"""Model fields for personal information (SECURITY.md §5; core.crypto).

`EncryptedTextField` keeps its value encrypted in the database and plain in Python. The ciphertext differs at every
save, so the database cannot compare it: look a value up by its keyed hash column (`core.crypto.pii_hash`), never by
`field=value`. The empty string stays empty (a blank phone is not secret and `field=""` keeps working).
"""

from __future__ import annotations

from django.db import models
from django.db.models.lookups import Exact, IsNull

from core import crypto


class EncryptedTextField(models.TextField):
    description = "Text encrypted at rest (AES-GCM)"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def to_python(self, value):
        if isinstance(value, str) and crypto.is_token(value):
            return crypto.decrypt(value)
        return super().to_python(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "" or crypto.is_token(value):
            return value
        return crypto.encrypt(str(value))

    def get_lookup(self, lookup_name):
        # Only what can be answered on ciphertext: emptiness. Anything else would silently find nothing.
        return {"exact": EmptyExact, "isnull": IsNull}.get(lookup_name)


class EmptyExact(Exact):
    """`field=""` (or None) only: comparing a plain value with a fresh ciphertext would never match, so it is refused."""

    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            raise TypeError("加密字段不能按明文比较；请按其摘要列查询（core.crypto.pii_hash）。")
        return super().get_prep_lookup()
