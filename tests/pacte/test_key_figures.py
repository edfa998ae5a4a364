"""The home page's key figures: each app's kept under its own page-cache area."""

import pytest

from pacte.cache import invalidate
from pacte.services.registrations import registration_create
from pacte.views.pages import key_figures
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db


def _figures() -> dict:
    return {figure.plural: figure.value for figure in key_figures()}


def test_a_registration_recounts_the_agendas_figures_only(django_assert_num_queries):
    event = EventFactory(capacity=10)
    before = _figures()
    with django_assert_num_queries(0):  # every app's figures read from the cache
        assert _figures() == before

    registration_create(event=event, user=UserFactory())

    # The agenda's area was renewed by the registration: its one aggregate runs again, the other
    # apps' figures (clubs, Atelier, communes…) are still read from the cache.
    with django_assert_num_queries(1):
        after = _figures()
    assert after["inscriptions confirmées"] == before["inscriptions confirmées"] + 1
    assert after["événements publiés"] == before["événements publiés"]


def test_an_apps_figure_follows_its_own_area(django_assert_num_queries):
    _figures()
    invalidate("clubs")
    with django_assert_num_queries(1):  # the clubs' count only
        _figures()


def test_waiting_list_registrations_are_not_counted():
    event = EventFactory(capacity=1)
    registration_create(event=event, user=UserFactory())
    registration_create(event=event, user=UserFactory())  # on the waiting list
    assert _figures()["inscriptions confirmées"] == 1
