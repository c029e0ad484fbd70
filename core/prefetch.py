"""Prefetching the related rows of one record (a detail page) without paying for the kinds it has none of."""

from __future__ import annotations

from django.db.models import Exists, Model, OneToOneRel, OuterRef, Prefetch, prefetch_related_objects


def prefetch_present(instance: Model, *lookups: Prefetch) -> None:
    """`prefetch_related_objects([instance], *lookups)`, but the kinds of record `instance` has none of cost nothing.

    1. One query asks, per lookup, whether any related row exists (an EXISTS each, on the foreign key's index).
    2. The lookups with rows are prefetched as given.
    3. A lookup without rows is recorded as empty the way Django records a prefetch that found nothing, so
       `instance.<relation>.all()` (or the reverse one-to-one) answers from the cache: no query, and no queryset
       compiled either — building one costs about a millisecond even when Django knows it is empty.
    Only reverse relations (one-to-many and reverse one-to-one) of `instance` are supported.
    """
    if not lookups:
        return
    model = type(instance)
    relations = [model._meta.get_field(lookup.prefetch_through) for lookup in lookups]
    exists = {
        f"has_{n}": Exists(relation.related_model._base_manager.filter(**{relation.field.name: OuterRef("pk")}))
        for n, relation in enumerate(relations)
    }
    present = model._base_manager.filter(pk=instance.pk).annotate(**exists).values_list(*exists).first()
    found = []
    for n, (lookup, relation) in enumerate(zip(lookups, relations, strict=True)):
        if present and present[n]:
            found.append(lookup)
        else:
            _record_empty(instance, lookup, relation)
    prefetch_related_objects([instance], *found)


def _record_empty(instance: Model, lookup: Prefetch, relation) -> None:
    """What `prefetch_related_objects` leaves behind for a relation without rows (django.db.models.query's
    prefetch_one_level): an empty list under `to_attr`, no object for a reverse one-to-one, else an evaluated empty
    queryset in the instance's prefetch cache."""
    if lookup.to_attr:
        setattr(instance, lookup.to_attr, [])
    elif isinstance(relation, OneToOneRel):
        relation.set_cached_value(instance, None)
    else:
        queryset = getattr(instance, relation.get_accessor_name()).get_queryset()
        queryset._result_cache = []
        queryset._prefetch_done = True
        if not hasattr(instance, "_prefetched_objects_cache"):
            instance._prefetched_objects_cache = {}
        instance._prefetched_objects_cache[relation.cache_name] = queryset
