import time

import pytest
from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from django.core.cache import cache
from django.test import Client

from pacte.permissions import SECOND_FACTOR_MARK

_force_login = Client.force_login


def _force_login_with_second_factor(self, user, backend=None):
    """force_login() of staff made with `UserFactory(staff=True)` opens a session that passed the
    second factor, as allauth records it after a TOTP code; other accounts log in as before."""
    _force_login(self, user, backend)
    if getattr(user, SECOND_FACTOR_MARK, False):
        session = self.session
        session[AUTHENTICATION_METHODS_SESSION_KEY] = [{"method": "mfa", "type": "totp", "at": time.time()}]
        session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
        session.save()


Client.force_login = _force_login_with_second_factor


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate limits and cached figures must not leak from one test to the next.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def no_page_cache(settings):
    """Query-count tests measure the views, never a page served from the anonymous page cache."""
    settings.PACTE_PAGE_CACHE = False
