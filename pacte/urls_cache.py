"""URLs without arguments, reversed once per process: the URLconf does not change while a process
runs, and the layout's links and the menu (about twenty `reverse()` a page) were a fifth of the
rendering time of a simple page."""

from functools import lru_cache

from django.urls import reverse


@lru_cache(maxsize=256)
def reversed_once(url_name: str, script_prefix: str) -> str:
    """`reverse(url_name)` under `script_prefix` (part of the key: the prefix is per request)."""
    return reverse(url_name)
