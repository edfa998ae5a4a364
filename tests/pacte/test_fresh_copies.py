"""The values a process hands out again from the entries it holds (pacte.fresh_copies, used by
pacte.cache's local entries): a copy equal to decoding the entry again, sharing nothing mutable
with it or with the other copies; what cannot be copied so is decoded again. And `bare`, which
stores an instance without the related objects its page already rendered."""

import pickle

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pacte.cache import bare
from pacte.fresh_copies import MAX_NODES, copier
from pacte.models import Event, Organisation, User
from tests.factories import EventFactory, OrganisationFactory, ThemeFactory, UserFactory

pytestmark = pytest.mark.django_db


def decoded(value):
    """What the cache gives back for `value`: a pickle round trip."""
    return pickle.loads(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))


def fields(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def test_a_user_entry_is_copied_equal_to_a_new_decoding_and_independent():
    user = UserFactory(first_name="Awa")
    prototype = decoded(((3,), User.objects.get(pk=user.pk), 1e10))  # as an entry: versions, data, expiry
    make = copier(prototype)
    first, second = make(), make()
    again = decoded(prototype)
    assert first[0] == again[0] and first[2] == again[2]
    assert fields(first[1]) == fields(again[1]) == fields(prototype[1])
    assert first[1]._state.db == "default" and first[1]._state.adding is False
    assert first[1] is not second[1] and first[1]._state is not second[1]._state
    first[1].first_name = "changé par une page"
    first[1]._state.fields_cache["home_commune"] = None
    assert second[1].first_name == make()[1].first_name == prototype[1].first_name == "Awa"
    assert "home_commune" not in make()[1]._state.fields_cache
    first[1].save(update_fields=["first_name"])  # a copy is a full instance
    assert User.objects.get(pk=user.pk).first_name == "changé par une page"


def test_dicts_lists_and_kept_related_objects_are_copied_anew():
    organiser = OrganisationFactory(name="Jardins partagés")
    event = EventFactory(organiser=organiser)
    stored = bare(Event.objects.select_related("organiser", "commune").get(pk=event.pk), keep=("organiser",))
    prototype = decoded({"event": stored, "urls": {"register": "/x/"}, "ids": [1, 2], "html": "<p>"})
    make = copier(prototype)
    copy = make()
    assert copy == {**copy, "urls": {"register": "/x/"}, "ids": [1, 2], "html": "<p>"}
    assert copy["event"].organiser.name == "Jardins partagés"
    assert copy["event"].organiser is not prototype["event"].organiser
    copy["event"].organiser.name = "changé"
    copy["urls"]["register"] = "changé"
    copy["ids"].append(3)
    fresh = make()
    assert fresh["event"].organiser.name == "Jardins partagés"
    assert fresh["urls"] == {"register": "/x/"} and fresh["ids"] == [1, 2]


def test_what_a_copy_would_share_or_too_much_is_decoded_again(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with_logo = OrganisationFactory(logo=SimpleUploadedFile("logo.png", b"png", content_type="image/png"))
    loaded = Organisation.objects.get(pk=with_logo.pk)
    copy = copier(decoded(loaded))()  # the file's name is all the instance holds until it is read
    assert copy.logo.instance is copy and copy.logo.name == loaded.logo.name
    assert loaded.logo.url  # read: the instance now holds a FieldFile, which points back to it
    assert copier(decoded(loaded)) is None
    with_themes = Organisation.objects.prefetch_related("themes").get(pk=OrganisationFactory().pk)
    assert copier(decoded(with_themes)) is None  # prefetched lists
    assert copier({"ids": {1, 2}}) is None  # a set: not among what is copied
    assert copier(list(range(MAX_NODES + 1))) is None  # pickle's C loop is faster
    assert copier(list(range(MAX_NODES - 1))) is not None


def test_bare_keeps_the_fields_and_the_named_related_objects_only():
    theme = ThemeFactory()
    organiser = OrganisationFactory()
    event = EventFactory(organiser=organiser)
    event.themes.add(theme)
    loaded = Event.objects.select_related("organiser", "commune").prefetch_related("themes").get(pk=event.pk)
    stored = bare(loaded, keep=("organiser",))
    assert fields(stored) == fields(loaded)
    assert set(stored._state.fields_cache) == {"organiser"}
    assert "_prefetched_objects_cache" not in stored.__dict__
    assert copier(decoded(stored)) is not None
    # The instance the page rendered keeps what it had.
    assert set(loaded._state.fields_cache) == {"organiser", "commune"}
    assert list(loaded.themes.all()) == [theme]
