"""What the platform adds to django-fsm-2's models.

`ConcurrentTransitionMixin.__init__` records each state field's initial value, and finds the state fields by testing
every field of the model, for every instance loaded (a list of 50 tickets: 2,000 tests). `STATE_FIELDS` finds them once
per model class; a model using the mixin sets `state_fields = STATE_FIELDS`.
"""

from __future__ import annotations

from functools import cache

from django_fsm import FSMFieldMixin


@cache
def _state_fields(model) -> tuple:
    return tuple(field for field in model._meta.fields if isinstance(field, FSMFieldMixin))


STATE_FIELDS = property(lambda self: _state_fields(type(self)), doc="The model's FSM fields, found once per class.")
