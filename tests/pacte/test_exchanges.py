"""Kernel exchanges: topics, replies, moderation, notifications and the per-person opt-out."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import transaction

from pacte.models import AuditEntry, ExchangeNetwork, ExchangeOptOut, Reply, Topic
from pacte.services.accounts import user_delete_account
from pacte.services.errors import RefusedError
from pacte.services.exchanges import (
    exchange_opt_out_toggle,
    exchanges_erase,
    exchanges_export,
    is_opted_out,
    reply_create,
    reply_hide,
    reply_restore,
    topic_create,
    topic_hide,
    topic_restore,
)
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

NETWORK = ExchangeNetwork.RELAIS


@pytest.fixture
def organisation():
    return OrganisationFactory()


def _member(organisation, **kwargs):
    return MembershipFactory(organisation=organisation, **kwargs).user


def _topic(organisation, author=None):
    author = author or _member(organisation)
    return topic_create(
        network=NETWORK,
        organisation=organisation,
        title="Broyeur partagé",
        body="Qui en a un ?",
        author=author,
        by=author,
    )


def test_member_opens_topic_and_it_is_audited(organisation):
    author = _member(organisation)
    topic = _topic(organisation, author)
    assert topic.author == author and topic.last_activity_at is not None
    assert AuditEntry.objects.for_object(topic).get().verb == "topic.create"


def test_non_member_cannot_open_or_reply_but_staff_can(organisation):
    outsider = UserFactory()
    with pytest.raises(RefusedError):
        topic_create(
            network=NETWORK, organisation=organisation, title="T", body="B", author=outsider, by=outsider
        )
    topic = _topic(organisation)
    with pytest.raises(RefusedError):
        reply_create(topic=topic, body="Moi !", author=outsider, by=outsider)
    staff = UserFactory(staff=True)
    assert reply_create(topic=topic, body="L'équipe passe.", author=staff, by=staff).pk


def test_network_wide_topic_open_to_any_signed_in_person():
    person = UserFactory()
    topic = topic_create(network=NETWORK, title="Ouvert à tous", body="Bonjour", author=person, by=person)
    assert topic.organisation is None
    assert list(Topic.objects.in_scope(NETWORK)) == [topic]


def test_empty_title_refused_with_validation_error(organisation):
    author = _member(organisation)
    with pytest.raises(Exception) as error:
        topic_create(
            network=NETWORK, organisation=organisation, title=" ", body="B", author=author, by=author
        )
    assert "title" in error.value.message_dict


def test_reply_notifies_participants_except_author_opted_out_and_leavers(
    organisation, django_capture_on_commit_callbacks, mailoutbox, monkeypatch
):
    # No installed app declares the relais network yet: stand in for its declaration.
    monkeypatch.setattr("pacte.portal.topic_url", lambda topic: f"/reseau/sujets/{topic.pk}/")
    opener = _member(organisation)
    topic = _topic(organisation, opener)
    early, muted, globally_muted, leaver = (_member(organisation) for _ in range(4))
    for person in (early, muted, globally_muted, leaver):
        reply_create(topic=topic, body="Je participe.", author=person, by=person)
    exchange_opt_out_toggle(user=muted, topic=topic, by=muted)
    exchange_opt_out_toggle(user=globally_muted, by=globally_muted)
    leaver.memberships.all().delete()
    replier = _member(organisation)
    cache.clear()  # a quarter of an hour later: the earlier replies' notices no longer hold this one
    with django_capture_on_commit_callbacks(execute=True):
        reply = reply_create(topic=topic, body="Je l'apporte samedi.", author=replier, by=replier)
    assert sorted(m.to[0] for m in mailoutbox) == sorted([opener.email, early.email])
    message = mailoutbox[0]
    assert "Nouvelle réponse : Broyeur partagé" in message.subject
    assert "Je l'apporte samedi." in message.body
    assert f"/reseau/sujets/{topic.pk}/" in message.body
    assert "Ne plus suivre ce sujet" in message.body
    topic.refresh_from_db()
    assert topic.last_activity_at == reply.created_at


def test_no_email_when_the_transaction_rolls_back(
    organisation, django_capture_on_commit_callbacks, mailoutbox
):
    topic = _topic(organisation)
    replier = _member(organisation)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RefusedError),
        transaction.atomic(),
    ):
        reply_create(topic=topic, body="Bientôt annulé", author=replier, by=replier)
        raise RefusedError("annulé")
    assert mailoutbox == []
    assert not Reply.objects.exists()


def test_moderation_allowed_to_referent_and_staff_refused_to_others(organisation):
    topic = _topic(organisation)
    referent = _member(organisation, referent=True)
    other_referent = MembershipFactory(referent=True).user
    member = _member(organisation)
    for person in (member, other_referent, UserFactory()):
        with pytest.raises(RefusedError):
            topic_hide(topic=topic, by=person)
    topic_hide(topic=topic, by=referent, reason="Hors sujet")
    assert Topic.objects.get().is_hidden
    with pytest.raises(RefusedError, match="déjà masqué"):
        topic_hide(topic=topic, by=referent)
    with pytest.raises(RefusedError, match="masqué"):
        reply_create(topic=topic, body="Encore ?", author=member, by=member)
    topic_restore(topic=topic, by=UserFactory(staff=True))
    topic.refresh_from_db()
    assert not topic.is_hidden
    verbs = list(AuditEntry.objects.for_object(topic).values_list("verb", flat=True))
    assert verbs == ["topic.restore", "topic.hide", "topic.create"]


def test_reply_hide_and_restore(organisation):
    topic = _topic(organisation)
    member = _member(organisation)
    reply = reply_create(topic=topic, body="Publicité", author=member, by=member)
    referent = _member(organisation, referent=True)
    with pytest.raises(RefusedError):
        reply_hide(reply=reply, by=member)
    reply_hide(reply=reply, by=referent, reason="Publicité")
    assert list(Reply.objects.for_topic_page(topic, member)) == []
    assert list(Reply.objects.for_topic_page(topic, referent)) == [reply]
    with pytest.raises(RefusedError):
        reply_hide(reply=reply, by=referent)
    reply_restore(reply=reply, by=referent)
    assert list(Reply.objects.for_topic_page(topic, member)) == [reply]


def test_visibility_of_hidden_topics(organisation):
    topic = _topic(organisation)
    referent = _member(organisation, referent=True)
    topic_hide(topic=topic, by=referent)
    assert not Topic.objects.visible_to(AnonymousUser()).exists()
    assert not Topic.objects.visible_to(_member(organisation)).exists()
    assert Topic.objects.visible_to(referent).get() == topic
    assert Topic.objects.visible_to(UserFactory(staff=True)).get() == topic


def test_opt_out_toggle_both_ways(organisation):
    topic = _topic(organisation)
    person = _member(organisation)
    assert exchange_opt_out_toggle(user=person, topic=topic, by=person) is True
    assert is_opted_out(user=person, topic=topic)
    assert not is_opted_out(user=person)
    assert exchange_opt_out_toggle(user=person, topic=topic, by=person) is False
    assert not ExchangeOptOut.objects.exists()
    exchange_opt_out_toggle(user=person, by=person)
    assert is_opted_out(user=person) and is_opted_out(user=person, topic=topic)


def test_export_and_erase(organisation):
    author = _member(organisation)
    topic = _topic(organisation, author)
    reply_create(topic=topic, body="Ma réponse", author=author, by=author)
    exchange_opt_out_toggle(user=author, by=author)
    data = exchanges_export(author)
    assert data["sujets"][0]["sujet"] == "Broyeur partagé"
    assert data["reponses"][0]["reponse"] == "Ma réponse"
    assert data["notifications_refusees"] == ["tous les sujets"]
    exchanges_erase(author)
    assert Topic.objects.get().author is None and Reply.objects.get().author is None
    assert not ExchangeOptOut.objects.exists()


def test_account_deletion_keeps_the_messages(organisation):
    author = _member(organisation)
    topic = _topic(organisation, author)
    user_delete_account(user=author, by=author)
    topic.refresh_from_db()
    assert Topic.objects.count() == 1
    assert topic.author is None or topic.author.display_name == "Compte supprimé"


def test_admin_actions_go_through_the_services(organisation, rf):
    topic = _topic(organisation)
    staff = UserFactory(staff=True, is_superuser=True)
    request = rf.post("/")
    request.user = staff
    request._messages = type("M", (), {"add": lambda *a, **k: None})()
    model_admin = admin.site._registry[Topic]
    model_admin.hide(request, Topic.objects.all())
    assert Topic.objects.get().is_hidden
    assert AuditEntry.objects.filter(verb="topic.hide", actor=staff).exists()
    model_admin.restore(request, Topic.objects.all())
    assert not Topic.objects.get().is_hidden
    member = _member(organisation)
    reply = reply_create(topic=topic, body="x", author=member, by=member)
    admin.site._registry[Reply].hide(request, Reply.objects.all())
    reply.refresh_from_db()
    assert reply.is_hidden
