"""Helpers of bench/probe.sh (run with the probe's settings): a signed-in session for a demo
référent, and the paths the probe posts to. Prints `KEY<TAB>VALUE` lines."""

import os
import sys
from importlib import import_module

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model  # noqa: E402

from pacte.models import Event, Organisation  # noqa: E402

user = get_user_model().objects.get(email="asso@demo.pacte.fr")
session = import_module(settings.SESSION_ENGINE).SessionStore()
session[SESSION_KEY] = user._meta.pk.value_to_string(user)
session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.set_expiry(900)
session.save()
print(f"session\t{session.session_key}")
organisation = Organisation.objects.editable_by(user).first()
print(f"organisation\t{organisation.slug}")
event = Event.objects.editable_by(user).first()
print(f"event\t{event.slug if event else ''}")
