"""The views' shared helpers (pacte/views/helpers.py)."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.http import Http404
from django.test import RequestFactory

from pacte.services.errors import RefusedError
from pacte.views.helpers import action_service, form_service, int_or_404, paginate


class NameForm(forms.Form):
    name = forms.CharField()


def _refuse(**kwargs):
    raise RefusedError("Cette séance est déjà complète.")


def test_form_service_keeps_the_form_and_shows_the_refusal_next_to_it():
    form = NameForm({"name": "Atelier vélo"})
    assert form.is_valid()
    done, result = form_service(form, _refuse, name="x")
    assert (done, result) == (False, None)
    assert form.non_field_errors() == ["Cette séance est déjà complète."]
    assert form["name"].value() == "Atelier vélo"
    assert form_service(form, lambda **kw: kw["name"].upper(), name="ok") == (True, "OK")


def _request():
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def test_action_service_turns_refusal_and_success_into_messages():
    request = _request()
    assert action_service(request, _refuse) == (False, None)
    assert action_service(request, lambda: 42, success="C'est fait.") == (True, 42)
    assert [str(m) for m in get_messages(request)] == ["Cette séance est déjà complète.", "C'est fait."]


@pytest.mark.parametrize("value", [None, "", "abc", "-1", "1e3", "9" * 30])
def test_int_or_404_refuses_anything_but_a_plain_id(value):
    with pytest.raises(Http404):
        int_or_404(value)


def test_paginate_keeps_the_other_parameters_and_survives_bad_page_numbers(settings):
    settings.PACTE_PAGE_SIZE = 2
    request = RequestFactory().get("/", {"page": "aaa1", "commune": "rouen"})
    page, query = paginate(request, list(range(5)))
    assert page.number == 1 and list(page) == [0, 1]
    assert query == "commune=rouen"
    page, _ = paginate(RequestFactory().get("/", {"page": "99999"}), list(range(5)))
    assert page.number == 3
