"""Per-account rate limits on posting actions: the one helper every app uses for them.

Usage, in the service that performs the action (so views, admin and any other caller are bound
alike), after the permission checks:

    from pacte.ratelimit import rate_limit

    rate_limit(by=author, action="clubs.practice_report")          # one report
    rate_limit(by=author, action="clubs.upload", cost=len(photos))  # several photos at once

An action's limit is "count/period" with the period in seconds (`s`), minutes (`m`), hours (`h`)
or days (`d`): for example "10/h". Defaults live in DEFAULT_LIMITS below; an app adds its own
actions there or passes `limit=` explicitly, and operators override any of them with the
PACTE_RATE_LIMITS setting (a dict, action → "count/period"; "" switches a limit off).

When the account is over its limit, `rate_limit` raises RateLimited (a RefusedError) whose French
message says when to retry; views show it like any refusal (next to the form) and may answer 429.
Anonymous callers are not limited here: posting needs an account, and login is limited by allauth.

The counters live in the default cache (Redis in production, shared by every worker; check
--deploy refuses a process-local cache outside DEBUG). Each action and account has a fixed
window that starts at the first action; `cache.add` then `cache.incr` keep the count atomic on
Redis. A cache outage lets the action through rather than blocking everyone.
"""

import logging
import math
import re
import time

from django.conf import settings
from django.core.cache import cache

from .services.errors import RefusedError

logger = logging.getLogger(__name__)

# action -> "count/period"; generous for people, tight for scripts.
DEFAULT_LIMITS = {
    "exchanges.topic": "5/10m",
    "exchanges.reply": "10/5m",
    "clubs.practice": "5/h",
    "clubs.practice_reply": "10/5m",
    "clubs.practice_report": "5/h",
    "clubs.upload": "30/h",
}

_LIMIT_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class RateLimited(RefusedError):
    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message, code="rate_limited")
        self.retry_after = retry_after


def parse_limit(value: str) -> tuple[int, int]:
    """ "10/5m" -> (10, 300)."""
    match = _LIMIT_RE.match(value)
    if not match:
        raise ValueError(f"Invalid rate limit: {value!r}")
    count, multiplier, unit = match.groups()
    return int(count), int(multiplier or 1) * _UNIT[unit]


def limit_for(action: str, default: str | None = None) -> str | None:
    overrides = getattr(settings, "PACTE_RATE_LIMITS", {}) or {}
    if action in overrides:
        return overrides[action] or None
    return default if default is not None else DEFAULT_LIMITS.get(action)


def _wait_text(seconds: int) -> str:
    if seconds < 60:
        return "moins d'une minute"
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes > 1 else ''}"
    hours = math.ceil(minutes / 60)
    return f"{hours} heure{'s' if hours > 1 else ''}"


def rate_limit(*, by, action: str, cost: int = 1, limit: str | None = None) -> None:
    """Count `cost` uses of `action` by the account `by`; raise RateLimited past its limit."""
    if not getattr(by, "is_authenticated", False) or cost <= 0:
        return
    spec = limit_for(action, limit)
    if not spec:
        return
    allowed, period = parse_limit(spec)
    key = f"pacte:ratelimit:{action}:{by.pk}"
    try:
        now = time.time()
        # The window's start is stored with its counter so the message can say when it ends.
        cache.add(f"{key}:start", now, period)
        cache.add(key, 0, period)
        used = cache.incr(key, cost)
        started = cache.get(f"{key}:start") or now
    except Exception:  # noqa: BLE001 — a cache outage must not block posting
        logger.exception("Rate limit: the cache is unavailable.")
        return
    if used > allowed:
        retry_after = max(1, int(started + period - now))
        raise RateLimited(
            "Vous en avez fait beaucoup en peu de temps : pour protéger le portail, attendez "
            f"{_wait_text(retry_after)} avant de recommencer.",
            retry_after=retry_after,
        )
