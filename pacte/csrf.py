"""The CSRF token of the forms, masked as Django masks it, at a fraction of the cost.

Every signed-in page has a form (the header's "Se déconnecter" posts), so every signed-in page
pays for a token. Django's `get_token` masks the secret with 32 characters drawn one by one by
`secrets.choice` (32 reads of the system's random source): 0.2 ms of CPU, more than the rest of
the layout. Here the mask comes from one read of `os.urandom`, unbiased (bytes above the largest
multiple of 62 are dropped), and the token is the same: 32 mask characters then the secret
ciphered with them, which Django's CsrfViewMiddleware checks as its own. The mask still changes
on every response (BREACH), and the cookie is renewed as `get_token` renews it.
"""

import os

from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token

_CHARS = CSRF_ALLOWED_CHARS
_INDEX = {char: index for index, char in enumerate(_CHARS)}
_LIMIT = 256 - 256 % len(_CHARS)  # 248: bytes below it map evenly onto the 62 characters


def _mask() -> list[int]:
    indexes: list[int] = []
    while len(indexes) < CSRF_SECRET_LENGTH:
        indexes.extend(byte % len(_CHARS) for byte in os.urandom(CSRF_SECRET_LENGTH + 8) if byte < _LIMIT)
    return indexes[:CSRF_SECRET_LENGTH]


def masked_token(request) -> str:
    """What `django.middleware.csrf.get_token(request)` returns, with the same side effects."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None or len(secret) != CSRF_SECRET_LENGTH:
        return get_token(request)  # no secret yet: Django makes it and its cookie
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    mask = _mask()
    cipher = "".join(
        _CHARS[(_INDEX[char] + shift) % len(_CHARS)] for char, shift in zip(secret, mask, strict=True)
    )
    return "".join(_CHARS[shift] for shift in mask) + cipher


class LazyCsrfToken:
    """The `csrf_token` of a template's context: made the first time a template shows it (a page
    without a form makes none and sets no cookie), then the same for the rest of the page."""

    __slots__ = ("_request", "_value")

    def __init__(self, request):
        self._request = request
        self._value = None

    def __str__(self) -> str:
        if self._value is None:
            self._value = masked_token(self._request)
        return self._value

    __html__ = __str__  # letters and digits only: nothing to escape

    def __bool__(self) -> bool:
        return True

    def __eq__(self, other) -> bool:
        return str(self) == other

    __hash__ = None
