"""Fresh copies of decoded cache entries, cheaper than decoding them again.

pacte.cache keeps in each process the bytes of the entries it read, and gives each use a value of
its own: no two requests may share a mutable object (a view that changes `request.user` must not
change the next request's). Decoding again is what pickle does slowly for model instances: each one
goes through Django's `model_unpickle` (an app-registry lookup) and `__setstate__`. On the bench
machine that was 12-20 µs for the session's user on every signed-in page and 36 µs for an event
page's public part, where a copy made from one decoded value (the prototype) takes 2-5 µs.

Only values made of what a shallow copy reproduces exactly are copied:
- scalars (strings, numbers, dates, decimals, UUIDs, None) and tuples of them, shared as they are
  (immutable);
- dicts, lists and tuples of those, copied (a cache entry is a tuple: versions, data, expiry);
- model instances whose fields hold scalars only, without prefetched lists, and whose cached
  related objects are such instances too (`pacte.cache.bare` stores them so), copied with a
  fresh `_state`.
Anything else (a FieldFile, which points back to its instance; a form; a set) is decoded for each
use, as before. So are large values, for which pickle's C loop is faster than a Python copy.
"""

import datetime
import decimal
import uuid
from functools import partial

from django.db.models import Model
from django.db.models.base import ModelState
from django.utils.safestring import SafeString

_SCALARS = frozenset(
    {
        str,
        SafeString,
        bytes,
        int,
        float,
        bool,
        type(None),
        datetime.datetime,
        datetime.date,
        datetime.time,
        datetime.timedelta,
        decimal.Decimal,
        uuid.UUID,
    }
)
# Beyond this many dicts, lists, instances and fields, decoding is as fast as copying.
MAX_NODES = 120


def scalar(value) -> bool:
    if type(value) is tuple:
        return all(scalar(item) for item in value)
    return type(value) in _SCALARS


def copier(value):
    """A function that returns a copy of `value` equal to decoding it again and sharing nothing
    mutable with it; None when `value` holds something else, or too much."""
    if _nodes(value, MAX_NODES) is None:
        return None
    return partial(_copy, value)


def _nodes(value, budget: int) -> int | None:
    """How many nodes `value` is made of, or None when it is not copyable within `budget`."""
    kind = type(value)
    if kind in _SCALARS or (kind is tuple and scalar(value)):
        return 1
    total = 1
    if kind is dict:
        items = value.values()
    elif kind is list or kind is tuple:
        items = value
    elif isinstance(value, Model) and _plain(value):
        # Its fields, then the related objects kept with it (`bare(…, keep=…)`): plain instances
        # too, or None.
        items = _related(value).values()
        total += len(value.__dict__)
    else:
        return None
    for item in items:
        counted = _nodes(item, budget - total)
        if counted is None:
            return None
        total += counted
    return total if total <= budget else None


def _related(instance) -> dict:
    return instance._state.__dict__.get("fields_cache") or {}


def _plain(instance) -> bool:
    """A model instance whose fields hold scalars only (its related objects are checked apart)."""
    if type(instance._state) is not ModelState:
        return False
    return all(scalar(item) for name, item in instance.__dict__.items() if name != "_state")


def _copy(value):
    kind = type(value)
    if kind is dict:
        return {key: _copy(item) for key, item in value.items()}
    if kind is list:
        return [_copy(item) for item in value]
    if kind is tuple:  # scalars only: the same tuple; else a new one around copies
        return value if scalar(value) else tuple(_copy(item) for item in value)
    if isinstance(value, Model):
        copied = kind.__new__(kind)
        copied.__dict__.update(value.__dict__)
        state = copied._state = ModelState()
        state.db, state.adding = value._state.db, value._state.adding
        related = _related(value)
        if related:
            state.fields_cache = {name: _copy(item) for name, item in related.items()}
        return copied
    return value  # a scalar, immutable
