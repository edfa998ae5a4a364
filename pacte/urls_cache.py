"""URLs reversed once per process: the URLconf does not change while a process runs, and
`reverse()` walks it on every call (15-20 µs a link on the bench machine, more than a page's
own template once its public part is cached).

- `reversed_once`: a URL without arguments (the layout's links, the menu);
- `{% url %}` itself (`pacte.templatetags.portal_builtins`, a builtin of the template engine,
  so every template and the third-party ones use it): Django's tag, its results kept by what
  decides them (view name, arguments, current namespace, URLconf, script prefix), bounded.
"""

from functools import lru_cache

from django.conf import settings
from django.core.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf, reverse


@lru_cache(maxsize=256)
def reversed_once(url_name: str, script_prefix: str) -> str:
    """`reverse(url_name)` under `script_prefix` (part of the key: the prefix is per request)."""
    return reverse(url_name)


def key_values(values) -> tuple | None:
    """`values` as a key that says everything reverse() reads of them: strings (a SafeString, as
    template literals are, as a plain one) and integers; None for anything else (a model
    instance, a lazy string, a boolean), which is then reversed afresh."""
    key = []
    for value in values:
        if isinstance(value, str):
            key.append(str(value))
        elif type(value) is int:
            key.append(value)
        else:
            return None
    return tuple(key)


def reversed_url(view_name: str, args: tuple, kwargs: tuple, current_app) -> str:
    """`reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)`, kept per
    process (NoReverseMatch is raised each time, never kept). `args` and the values of `kwargs`
    (name, value pairs) are `key_values`."""
    return _reversed(
        view_name, args, kwargs, current_app, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix()
    )


@lru_cache(maxsize=4096)
def _reversed(view_name, args, kwargs, current_app, urlconf, script_prefix) -> str:
    # urlconf and script_prefix are in the key only: reverse() reads both from the thread.
    return reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)


def _forget(setting, **kwargs):
    # A test that swaps the URLconf or the script name gets the URLs of its settings.
    if setting in {"ROOT_URLCONF", "FORCE_SCRIPT_NAME"}:
        reversed_once.cache_clear()
        _reversed.cache_clear()


setting_changed.connect(_forget)
