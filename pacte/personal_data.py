"""Registry through which action apps add their data to a person's export and erasure.

The kernel cannot import the action apps (DESIGN.md §3), so they register here from their
`apps.py`/`indicators.py` instead.
"""

from collections.abc import Callable

_exporters: dict[str, Callable] = {}
_erasers: list[Callable] = []


def register_exporter(section: str, func: Callable) -> None:
    _exporters[section] = func


def register_eraser(func: Callable) -> None:
    if func not in _erasers:
        _erasers.append(func)


def collect_exports(user) -> dict:
    return {section: func(user) for section, func in sorted(_exporters.items())}


def run_erasers(user) -> None:
    for func in _erasers:
        func(user)
