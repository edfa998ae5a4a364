"""The showcase's services and transitions (pre-moderation by staff, withdrawal by the
association, reports), and the network's exchanges."""

import pytest
from django.core import mail

from associations.reseau.models import ShowcaseAction, ShowcaseReport, ShowcaseStatus
from associations.reseau.services import (
    relais_reply_create,
    relais_topic_create,
    showcase_publish,
    showcase_refuse,
    showcase_report,
    showcase_update,
    showcase_withdraw,
)
from pacte.models import AuditEntry, ExchangeNetwork
from pacte.services.errors import RefusedError
from pacte.services.exchanges import topic_create
from tests.associations.reseau.conftest import post
from tests.factories import UserFactory, commune

pytestmark = pytest.mark.django_db


def _refused(match, call, **kwargs):
    with pytest.raises(RefusedError, match=match):
        call(**kwargs)


def test_a_referent_posts_an_action_that_waits_for_review(net):
    lead = net.people["referent"]
    action = post(net.association, lead, title="Troc de graines", photos=2)

    assert action.status == ShowcaseStatus.PENDING
    assert action.photos.count() == 2 and all(p.thumbnail for p in action.photos.all())
    assert not ShowcaseAction.objects.published().filter(pk=action.pk).exists()
    entry = AuditEntry.objects.filter(verb="showcase.create").latest("pk")
    assert entry.to_state == "pending"


@pytest.mark.parametrize("role", ["member", "outsider_referent", "citizen", "staff"])
def test_only_a_referent_of_a_labelled_association_posts(net, role):
    organisation = net.outsider if role == "outsider_referent" else net.association
    with pytest.raises(RefusedError, match="Seuls les référents d'une association labellisée"):
        post(organisation, net.people[role])


def test_an_event_of_another_organisation_is_refused(net):
    from django.core.exceptions import ValidationError

    from tests.factories import EventFactory

    with pytest.raises(ValidationError):
        post(net.association, net.people["referent"], event=EventFactory(organiser=net.other))


def test_staff_publish_and_the_author_is_told_after_commit(net, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        action = showcase_publish(action=net.pending, by=net.people["staff"])

    assert action.status == ShowcaseStatus.PUBLISHED and action.published_at
    assert mail.outbox[-1].to == [net.people["referent"].email]
    assert "Chantier paillage" in mail.outbox[-1].subject
    _refused("déjà publiée", showcase_publish, action=action, by=net.people["staff"])


def test_only_staff_moderate(net):
    for role in ("referent", "member", "other_referent"):
        _refused("Seule l'équipe de la DACTE", showcase_publish, action=net.pending, by=net.people[role])
        _refused(
            "Seule l'équipe de la DACTE", showcase_refuse, action=net.pending, reason="x", by=net.people[role]
        )


def test_a_refusal_needs_a_reason_that_the_association_reads(net, django_capture_on_commit_callbacks):
    staff = net.people["staff"]
    _refused("Donnez le motif du refus", showcase_refuse, action=net.pending, reason="  ", by=staff)
    with django_capture_on_commit_callbacks(execute=True):
        action = showcase_refuse(action=net.pending, reason="Précisez le nombre de participants.", by=staff)

    assert action.status == ShowcaseStatus.REFUSED
    assert "Précisez le nombre de participants." in mail.outbox[-1].body
    _refused("déjà refusée", showcase_refuse, action=action, reason="encore", by=staff)
    # A refused action can still be published after all.
    assert showcase_publish(action=action, by=staff).status == ShowcaseStatus.PUBLISHED


def test_a_correction_goes_back_to_review(net):
    action = showcase_update(action=net.published, title="Fête des récoltes 2026", by=net.people["referent"])

    assert action.status == ShowcaseStatus.PENDING and action.title == "Fête des récoltes 2026"
    _refused(
        "Seuls les référents de l'association",
        showcase_update,
        action=action,
        title="Piraté",
        by=net.people["other_referent"],
    )
    _refused(
        "Seuls les référents de l'association",
        showcase_update,
        action=action,
        title="x",
        by=net.people["member"],
    )


def test_withdrawal_is_final(net):
    staff, lead = net.people["staff"], net.people["referent"]
    _refused("Seuls les référents", showcase_withdraw, action=net.published, by=net.people["other_referent"])
    action = showcase_withdraw(action=net.published, by=lead)

    assert action.status == ShowcaseStatus.WITHDRAWN
    assert not ShowcaseAction.objects.published().filter(pk=action.pk).exists()
    _refused("déjà retirée", showcase_withdraw, action=action, by=lead)
    _refused("L'association a retiré cette action", showcase_publish, action=action, by=staff)
    _refused("L'association a retiré cette action", showcase_refuse, action=action, reason="x", by=staff)
    _refused("ne se modifie plus", showcase_update, action=action, title="x", by=lead)


def test_reports_from_enough_people_take_the_action_off(net, settings, django_capture_on_commit_callbacks):
    settings.PACTE_REPORTS_TO_HIDE = 2
    action = net.published
    first, second = UserFactory(), UserFactory()
    showcase_report(action=action, reporter=first, reason="Publicité", by=first)
    action.refresh_from_db()
    assert action.status == ShowcaseStatus.PUBLISHED

    _refused(
        "déjà signalé cette action", showcase_report, action=action, reporter=first, reason="x", by=first
    )
    member = net.people["member"]
    _refused(
        "une action de votre association",
        showcase_report,
        action=action,
        reporter=member,
        reason="x",
        by=member,
    )
    with django_capture_on_commit_callbacks(execute=True):
        showcase_report(action=action, reporter=second, reason="Hors sujet", by=second)
    action.refresh_from_db()
    assert action.status == ShowcaseStatus.REPORTED
    assert mail.outbox[-1].to == [net.people["referent"].email]
    assert AuditEntry.objects.filter(verb="showcase.reported").exists()
    _refused("n'est pas publiée", showcase_report, action=action, reporter=UserFactory(), reason="x", by=None)

    # Staff put it back: the reports are resolved and never count again.
    showcase_publish(action=action, by=net.people["staff"])
    assert not ShowcaseReport.objects.open().filter(action=action).exists()
    assert ShowcaseReport.objects.filter(action=action, resolution=ShowcaseStatus.PUBLISHED).count() == 2


def test_keeping_a_published_action_dismisses_its_reports(net):
    reporter = UserFactory()
    showcase_report(action=net.published, reporter=reporter, reason="Doublon", by=reporter)
    action = showcase_publish(action=net.published, by=net.people["staff"])
    assert action.status == ShowcaseStatus.PUBLISHED
    assert not action.reports.open().exists()


def test_reports_only_from_signed_in_people_on_published_actions(net):
    from django.contrib.auth.models import AnonymousUser

    _refused(
        "Connectez-vous", showcase_report, action=net.published, reporter=AnonymousUser(), reason="x", by=None
    )
    citizen = net.people["citizen"]
    _refused(
        "n'est pas publiée", showcase_report, action=net.pending, reporter=citizen, reason="x", by=citizen
    )


def test_network_topics_are_for_members_and_staff(net):
    for role in ("member", "referent", "staff"):
        person = net.people[role]
        topic = relais_topic_create(title="Assurance", body="Comment faites-vous ?", author=person, by=person)
        assert topic.network == ExchangeNetwork.RELAIS and topic.organisation is None
    for role in ("citizen", "outsider_referent"):
        person = net.people[role]
        _refused(
            "réservés aux associations labellisées",
            relais_topic_create,
            title="x",
            body="y",
            author=person,
            by=person,
        )
        _refused(
            "réservés aux associations labellisées",
            relais_reply_create,
            topic=topic,
            body="y",
            author=person,
            by=person,
        )
    reply = relais_reply_create(
        topic=topic, body="Avec une adhésion d'un jour.", author=net.people["member"], by=net.people["member"]
    )
    assert reply.topic == topic


def test_a_reply_stays_in_the_relais_network(net):
    person = net.people["staff"]
    club_topic = topic_create(network=ExchangeNetwork.CLUBS, title="Club", body="b", author=person, by=person)
    _refused(
        "n'appartient pas au réseau des relais",
        relais_reply_create,
        topic=club_topic,
        body="x",
        author=person,
        by=person,
    )


def test_indicators_count_published_actions_topics_and_replies(net):
    from datetime import timedelta

    from django.utils import timezone

    from associations.reseau.indicators import relais_replies, relais_topics, showcase_published
    from pacte.metrics import Period

    member = net.people["member"]
    topic = relais_topic_create(title="Sujet", body="Message", author=member, by=member)
    relais_reply_create(topic=topic, body="Réponse", author=net.people["referent"], by=net.people["referent"])
    today = timezone.localdate()
    period = Period(today - timedelta(days=1), today)

    assert (showcase_published(period), relais_topics(period), relais_replies(period)) == (1, 1, 1)
    elsewhere = Period(today - timedelta(days=1), today, commune=commune("elbeuf"))
    assert (showcase_published(elsewhere), relais_topics(elsewhere), relais_replies(elsewhere)) == (0, 0, 0)
    at_home = Period(today - timedelta(days=1), today, commune=commune("rouen"))
    assert (showcase_published(at_home), relais_topics(at_home), relais_replies(at_home)) == (1, 1, 1)
