"""Writes of the communes app: permissions, moderation, "nous aussi", audit and e-mails."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from communes.enums import ActionStage, ModerationStatus
from communes.models import ActionDocument, CommuneAction, Replication
from communes.services import (
    action_create,
    action_publish,
    action_refuse,
    action_update,
    commitment_create,
    commitment_update,
    communes_erase,
    communes_export,
    convention_create,
    network_meeting_create,
    network_reply_create,
    network_topic_create,
    replication_create,
)
from pacte.enums import Action, MembershipRole
from pacte.images import process_image
from pacte.models import AuditEntry, ExchangeNetwork, Topic
from pacte.services.errors import RefusedError
from tests.communes.factories import (
    ActionFactory,
    commune_organisation,
    image_upload,
    pdf_upload,
    referent,
    theme,
)
from tests.factories import UserFactory, commune

pytestmark = pytest.mark.django_db


def _post(author, slug="darnetal", **extra):
    values = {
        "title": "Extinction de l'éclairage public la nuit",
        "theme": theme(),
        "description": "De 23 h à 5 h dans les quartiers résidentiels.",
        "stage": ActionStage.ONGOING,
    }
    values.update(extra)
    return action_create(commune=commune(slug), author=author, by=author, **values)


def test_referent_posts_an_action_that_waits_for_review_with_photos_and_documents():
    author = referent("darnetal")
    action = _post(
        author,
        photos=[process_image(image_upload())],
        documents=[("Bilan 2025", pdf_upload())],
        budget=12000,
        is_experiment=True,
    )
    assert action.status == ModerationStatus.PENDING
    assert action.organisation == commune_organisation("darnetal")
    assert action.photos.count() == 1 and action.documents.get().content_type == "application/pdf"
    assert not CommuneAction.objects.published().exists()
    assert AuditEntry.objects.filter(verb="commune_action.create", object_id=str(action.pk)).exists()


def test_a_plain_member_of_the_commune_organisation_acts_for_it_too():
    author = referent("darnetal", role=MembershipRole.MEMBER)
    assert _post(author).commune.slug == "darnetal"


@pytest.mark.parametrize("who", ["citizen", "other_referent", "staff"])
def test_only_the_communes_people_post_for_it(who):
    person = {
        "citizen": UserFactory(),
        "other_referent": referent("oissel-sur-seine"),
        "staff": UserFactory(staff=True),
    }[who]
    with pytest.raises(RefusedError):
        _post(person)
    assert not CommuneAction.objects.exists()


def test_bad_values_are_refused_by_validation():
    author = referent()
    with pytest.raises(ValidationError):
        _post(author, budget=10**9)
    with pytest.raises(ValidationError):
        _post(author, starts_on=date(2026, 5, 1), ends_on=date(2026, 4, 1))
    with pytest.raises(ValidationError):
        _post(author, documents=[("Faux", SimpleUploadedFile_("x.pdf", b"MZ not a pdf"))])
    assert not CommuneAction.objects.exists()


def SimpleUploadedFile_(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_staff_publish_and_refuse_with_reason_and_the_author_is_told(
    django_capture_on_commit_callbacks, mailoutbox
):
    author = referent()
    staff = UserFactory(staff=True)
    action = _post(author)
    with django_capture_on_commit_callbacks(execute=True):
        action_refuse(action=action, reason="Précisez le public touché.", by=staff)
    action.refresh_from_db()
    assert action.status == ModerationStatus.REFUSED and action.refusal_reason == "Précisez le public touché."
    assert mailoutbox[-1].to == [author.email] and "Précisez le public touché." in mailoutbox[-1].body

    action = action_update(action=action, public_reached="Habitants des quartiers", by=author)
    assert action.status == ModerationStatus.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        action_publish(action=action, by=staff)
    action.refresh_from_db()
    assert action.status == ModerationStatus.PUBLISHED and action.published_at and action.refusal_reason == ""
    assert mailoutbox[-1].to == [author.email] and "publiée" in mailoutbox[-1].subject
    verbs = list(AuditEntry.objects.filter(object_id=str(action.pk)).values_list("verb", flat=True))
    assert {"commune_action.refuse", "commune_action.update", "commune_action.publish"} <= set(verbs)


def test_moderation_is_for_staff_only_and_refusal_needs_a_reason():
    action = ActionFactory(pending=True)
    for person in (referent("darnetal"), referent("oissel-sur-seine"), UserFactory()):
        with pytest.raises(RefusedError):
            action_publish(action=action, by=person)
    # A staff account whose session did not pass the second factor is not staff.
    with pytest.raises(RefusedError):
        action_publish(action=action, by=UserFactory(staff=True, second_factor=False))
    with pytest.raises(RefusedError, match="motif"):
        action_refuse(action=action, reason="  ", by=UserFactory(staff=True))
    action.refresh_from_db()
    assert action.status == ModerationStatus.PENDING


def test_editing_a_published_action_sends_it_back_to_review_and_manages_files():
    author = referent()
    action = _post(author, photos=[process_image(image_upload()), process_image(image_upload())])
    action_publish(action=action, by=UserFactory(staff=True))
    first = action.photos.first()
    action = action_update(
        action=action,
        by=author,
        results="-35 % de consommation électrique",
        remove_photos=[first],
        documents=[("Délibération", pdf_upload())],
    )
    assert action.status == ModerationStatus.PENDING and action.results.startswith("-35")
    assert action.photos.count() == 1 and ActionDocument.objects.filter(action=action).count() == 1
    with pytest.raises(RefusedError):
        action_update(action=action, by=referent("oissel-sur-seine"), title="Piraté")


def test_too_many_photos_refused():
    author = referent()
    with pytest.raises(RefusedError, match="6 photos"):
        _post(author, photos=[process_image(image_upload()) for _ in range(7)])


def test_nous_aussi_links_both_actions_opens_a_topic_and_tells_the_source_commune(
    django_capture_on_commit_callbacks, mailoutbox
):
    source = ActionFactory(title="Cantine 100 % bio", is_experiment=True)
    darnetal_contact = referent("darnetal")
    oissel = referent("oissel-sur-seine")
    with django_capture_on_commit_callbacks(execute=True):
        replication = replication_create(
            source=source, commune=commune("oissel-sur-seine"), message="Comment avez-vous fait ?", by=oissel
        )
    assert replication.action.commune.slug == "oissel-sur-seine"
    assert (
        replication.action.status == ModerationStatus.PENDING
        and replication.action.stage == ActionStage.PROJECT
    )
    assert replication.action.is_experiment
    topic = replication.topic
    assert topic.network == ExchangeNetwork.COMMUNES and topic.organisation is None and topic.author == oissel
    assert topic.body == "Comment avez-vous fait ?"
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert darnetal_contact.email in recipients and source.author.email in recipients
    assert oissel.email not in recipients
    assert AuditEntry.objects.filter(verb="replication.create").count() == 1


def test_nous_aussi_with_an_existing_action_of_ones_commune():
    source = ActionFactory()
    own = ActionFactory(commune=commune("oissel-sur-seine"))
    oissel = referent("oissel-sur-seine")
    replication = replication_create(
        source=source, commune=own.commune, message="Nous aussi !", action=own, by=oissel
    )
    assert replication.action == own and CommuneAction.objects.count() == 2
    with pytest.raises(RefusedError, match="déjà"):
        replication_create(source=source, commune=own.commune, message="Encore", by=oissel)


def test_nous_aussi_refusals():
    source = ActionFactory()
    oissel = referent("oissel-sur-seine")
    with pytest.raises(RefusedError):  # not a commune of theirs
        replication_create(source=source, commune=commune("rouen"), message="x", by=oissel)
    with pytest.raises(RefusedError):  # own commune's action
        replication_create(source=source, commune=commune("darnetal"), message="x", by=referent("darnetal"))
    with pytest.raises(RefusedError):  # not published
        replication_create(
            source=ActionFactory(pending=True), commune=commune("oissel-sur-seine"), message="x", by=oissel
        )
    with pytest.raises(RefusedError):  # someone else's action as their own
        replication_create(
            source=source,
            commune=commune("oissel-sur-seine"),
            message="x",
            action=ActionFactory(commune=commune("rouen")),
            by=oissel,
        )
    with pytest.raises(RefusedError):  # an empty first message
        replication_create(source=source, commune=commune("oissel-sur-seine"), message=" ", by=oissel)
    assert not Replication.objects.exists() and not Topic.objects.exists()


def test_commitments_progress_by_the_commune_and_the_rest_by_staff():
    staff = UserFactory(staff=True)
    convention = convention_create(
        commune=commune("darnetal"),
        signed_on=date(2025, 3, 14),
        starts_on=date(2025, 1, 1),
        ends_on=date(2027, 12, 31),
        by=staff,
    )
    commitment = commitment_create(
        convention=convention, title="Rénover deux écoles", theme=theme(), by=staff
    )
    commitment = commitment_update(
        commitment=commitment, progress=60, progress_note="Une école faite", by=referent()
    )
    assert commitment.progress == 60
    with pytest.raises(RefusedError):
        commitment_update(commitment=commitment, title="Autre", by=referent())
    with pytest.raises(RefusedError):
        commitment_update(commitment=commitment, progress=80, by=referent("oissel-sur-seine"))
    with pytest.raises(ValidationError):
        commitment_update(commitment=commitment, progress=120, by=staff)
    with pytest.raises(RefusedError):
        convention_create(
            commune=commune("darnetal"),
            signed_on=date(2025, 3, 14),
            starts_on=date(2028, 1, 1),
            ends_on=date(2029, 1, 1),
            by=referent(),
        )
    with pytest.raises(ValidationError):
        convention_create(
            commune=commune("rouen"),
            signed_on=date(2025, 3, 14),
            starts_on=date(2025, 1, 1),
            ends_on=date(2024, 1, 1),
            by=staff,
        )
    assert AuditEntry.objects.filter(verb="commitment.update", from_state="0", to_state="60").exists()


def test_network_exchanges_are_for_the_communes_people_and_staff():
    contact = referent("oissel-sur-seine")
    topic = network_topic_create(
        title="Éclairage et biodiversité", body="Vos retours ?", author=contact, by=contact
    )
    assert topic.network == ExchangeNetwork.COMMUNES
    network_reply_create(topic=topic, body="Chez nous, extinction à 23 h.", author=referent(), by=None)
    network_reply_create(topic=topic, body="Merci", author=UserFactory(staff=True), by=None)
    with pytest.raises(RefusedError):
        network_topic_create(title="x", body="y", author=UserFactory(), by=None)
    with pytest.raises(RefusedError):
        network_reply_create(topic=topic, body="y", author=UserFactory(), by=None)
    assert topic.replies.count() == 2


def test_network_meeting_is_a_kernel_event_of_the_communes_action():
    contact = referent()
    starts = timezone.now() + timedelta(days=10)
    event = network_meeting_create(
        commune=commune("darnetal"),
        title="Rencontre du réseau : cantines",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        place="Mairie de Darnétal",
        by=contact,
    )
    assert event.action == Action.COMMUNES and event.organiser == commune_organisation("darnetal")
    assert event.is_published and event.commune.slug == "darnetal"
    with pytest.raises(RefusedError):
        network_meeting_create(
            commune=commune("darnetal"), title="x", starts_at=starts, ends_at=starts, by=contact
        )
    with pytest.raises(RefusedError):
        network_meeting_create(
            commune=commune("darnetal"),
            title="x",
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            by=referent("oissel-sur-seine"),
        )


def test_personal_data_export_and_erasure():
    author = referent()
    action = _post(author, photos=[process_image(image_upload())])
    action_publish(action=action, by=UserFactory(staff=True))
    oissel = referent("oissel-sur-seine")
    replication_create(source=action, commune=commune("oissel-sur-seine"), message="Nous aussi", by=oissel)
    data = communes_export(author)
    assert data["actions_deposees"][0]["titre"] == action.title and data["actions_deposees"][0]["photos"]
    assert communes_export(oissel)["nous_aussi"][0]["action_reprise"] == action.title
    communes_erase(author)
    communes_erase(oissel)
    action.refresh_from_db()
    assert action.author is None and action.status == ModerationStatus.PUBLISHED
    assert Replication.objects.get().created_by is None
