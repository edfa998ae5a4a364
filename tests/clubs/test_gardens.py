"""Jardiniers de la nature: services, checklist history, charter versions, personal data, demo."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clubs.gardens.services import (
    charter_publish,
    checklist_history,
    garden_needs_signature,
    garden_register,
    garden_update,
    garden_withdraw,
    gardens_seed_demo,
)
from clubs.models import (
    Charter,
    CharterSignature,
    Garden,
    GardenChecklistVersion,
    GardenPractice,
    GardenSize,
    GardenType,
)
from pacte.models import AuditEntry
from pacte.services.accounts import user_delete_account, user_export_data
from pacte.services.errors import RefusedError
from tests.factories import UserFactory, commune

pytestmark = pytest.mark.django_db


def practice(slug: str) -> GardenPractice:
    """The checklist is seeded by migration: tests pick items instead of inventing them."""
    return GardenPractice.objects.get(slug=slug)


def make_garden(owner=None, commune_slug="rouen", practices=(), **fields) -> Garden:
    owner = owner or UserFactory()
    values = {"garden_type": GardenType.PRIVATE, "size": GardenSize.FROM_50, "name": "", **fields}
    return garden_register(
        owner=owner,
        commune=commune(commune_slug),
        practices=[practice(slug) for slug in practices],
        charter=Charter.objects.current(),
        by=owner,
        **values,
    )


def new_charter_version(**fields) -> Charter:
    version = Charter.objects.order_by("-version").first().version + 1
    draft = Charter.objects.create(version=version, title="Charte des jardiniers de la nature", text="Texte.")
    return (
        charter_publish(charter=draft, by=UserFactory(staff=True)) if fields.get("publish", True) else draft
    )


def test_seeded_checklist_and_charter():
    slugs = set(GardenPractice.objects.active().values_list("slug", flat=True))
    assert {
        "sans-pesticides",
        "compostage",
        "eau-de-pluie",
        "haies",
        "abris-faune",
        "flore-spontanee",
        "paillage",
        "mare",
        "semences-locales",
    } <= slugs
    charter = Charter.objects.current()
    assert charter.version == 1 and charter.published_at
    assert "pesticide" in charter.text.lower() or "chimiques de synthèse" in charter.text


def test_register_keeps_checklist_version_signature_and_audit():
    owner = UserFactory()
    garden = make_garden(owner, "darnetal", ["compostage", "haies"], name="Le potager")
    assert garden.owner == owner and garden.commune.slug == "darnetal" and garden.is_active
    assert {p.slug for p in garden.practices.all()} == {"compostage", "haies"}
    version = garden.checklist_versions.get()
    assert {p.slug for p in version.practices.all()} == {"compostage", "haies"}
    assert version.created_at == garden.created_at
    signature = garden.signatures.get()
    assert signature.charter == Charter.objects.current() and signature.user == owner
    assert signature.signed_at == garden.created_at
    assert AuditEntry.objects.for_object(garden).filter(verb="garden.register", actor=owner).exists()


def test_register_refuses_an_outdated_charter_and_writes_nothing():
    old = Charter.objects.current()
    new_charter_version()
    owner = UserFactory()
    with pytest.raises(RefusedError, match="La charte a été mise à jour"):
        garden_register(
            owner=owner,
            garden_type=GardenType.SHARED,
            commune=commune("rouen"),
            size=GardenSize.UNDER_50,
            charter=old,
            by=owner,
        )
    assert not Garden.objects.exists() and not GardenChecklistVersion.objects.exists()


def test_register_validates_choices():
    owner = UserFactory()
    with pytest.raises(ValidationError) as error:
        garden_register(
            owner=owner,
            garden_type="chateau",
            commune=commune("rouen"),
            size=GardenSize.UNDER_50,
            charter=Charter.objects.current(),
            by=owner,
        )
    assert "garden_type" in str(error.value)


def test_update_keeps_a_version_only_when_the_checklist_changes():
    garden = make_garden(practices=["compostage"])
    owner = garden.owner
    garden_update(
        garden=garden,
        garden_type=GardenType.FAMILY,
        commune=commune("elbeuf"),
        size=GardenSize.FROM_200,
        name="Renommé",
        practices=[practice("compostage")],
        by=owner,
    )
    garden.refresh_from_db()
    assert (garden.garden_type, garden.commune.slug, garden.name) == (GardenType.FAMILY, "elbeuf", "Renommé")
    assert garden.checklist_versions.count() == 1
    garden_update(
        garden=garden,
        garden_type=GardenType.FAMILY,
        commune=commune("elbeuf"),
        size=GardenSize.FROM_200,
        practices=[practice("paillage"), practice("mare")],
        by=owner,
    )
    assert garden.checklist_versions.count() == 2
    assert {p.slug for p in garden.practices.all()} == {"paillage", "mare"}
    entry = AuditEntry.objects.for_object(garden).filter(verb="garden.update").first()
    assert sorted(entry.data["added"]) == sorted([practice("paillage").pk, practice("mare").pk])
    assert entry.data["removed"] == [practice("compostage").pk]


def test_history_lists_added_and_removed_newest_first(django_assert_num_queries):
    garden = make_garden(practices=["compostage", "haies"])
    for slugs in (["compostage", "haies", "mare"], ["mare"]):
        garden_update(
            garden=garden,
            garden_type=garden.garden_type,
            commune=garden.commune,
            size=garden.size,
            practices=[practice(s) for s in slugs],
            by=garden.owner,
        )
    with django_assert_num_queries(2):
        history = checklist_history(garden)
    assert [len(entry["practices"]) for entry in history] == [1, 3, 2]
    newest, middle, first = history
    assert first["is_first"] and not newest["is_first"]
    assert [p.slug for p in middle["added"]] == ["mare"] and middle["removed"] == []
    assert newest["added"] == [] and {p.slug for p in newest["removed"]} == {"compostage", "haies"}


def test_retired_practice_stays_on_a_garden_but_cannot_be_newly_ticked():
    garden = make_garden(practices=["mare"])
    GardenPractice.objects.filter(slug__in=["mare", "haies"]).update(is_active=False)
    garden_update(  # keeping it is fine
        garden=garden,
        garden_type=garden.garden_type,
        commune=garden.commune,
        size=garden.size,
        practices=[practice("mare"), practice("compostage")],
        by=garden.owner,
    )
    with pytest.raises(RefusedError, match="n'est plus proposée"):
        garden_update(
            garden=garden,
            garden_type=garden.garden_type,
            commune=garden.commune,
            size=garden.size,
            practices=[practice("haies")],
            by=garden.owner,
        )
    with pytest.raises(RefusedError, match="n'est plus proposée"):
        make_garden(practices=["haies"])


def test_withdraw_then_refuse_changes():
    garden = make_garden()
    garden_withdraw(garden=garden, by=garden.owner)
    garden.refresh_from_db()
    assert garden.withdrawn_at and not Garden.objects.active().exists()
    with pytest.raises(RefusedError, match="déjà retiré"):
        garden_withdraw(garden=garden, by=garden.owner)
    with pytest.raises(RefusedError, match="retiré du réseau"):
        garden_update(
            garden=garden,
            garden_type=garden.garden_type,
            commune=garden.commune,
            size=garden.size,
            by=garden.owner,
        )


def test_registered_at_follows_registration_and_withdrawal():
    garden = make_garden()
    before = garden.created_at - timedelta(seconds=1)
    after = timezone.now() + timedelta(seconds=1)
    assert not Garden.objects.registered_at(before).exists()
    assert Garden.objects.registered_at(after).count() == 1
    garden_withdraw(garden=garden, by=garden.owner)
    garden.refresh_from_db()
    assert Garden.objects.registered_at(garden.withdrawn_at - timedelta(microseconds=1)).count() == 1
    assert not Garden.objects.registered_at(garden.withdrawn_at + timedelta(seconds=1)).exists()


def test_charter_publish_transitions():
    staff = UserFactory(staff=True)
    draft = new_charter_version(publish=False)
    assert Charter.objects.current().version == 1
    charter_publish(charter=draft, by=staff)
    assert Charter.objects.current() == draft
    assert AuditEntry.objects.for_object(draft).filter(verb="charter.publish").exists()
    with pytest.raises(RefusedError, match="déjà publiée"):
        charter_publish(charter=draft, by=staff)
    # A draft numbered below the published version cannot be published after it.
    Charter.objects.filter(version=1).update(published_at=None)
    with pytest.raises(RefusedError, match="plus récente"):
        charter_publish(charter=Charter.objects.get(version=1), by=staff)


def test_new_charter_version_is_signed_on_the_next_update():
    garden = make_garden()
    new = new_charter_version()
    assert garden_needs_signature(garden, new)
    garden_update(
        garden=garden,
        garden_type=garden.garden_type,
        commune=garden.commune,
        size=garden.size,
        charter=new,
        by=garden.owner,
    )
    assert not garden_needs_signature(garden, new)
    assert [s.charter.version for s in garden.signatures.order_by("signed_at")] == [1, 2]
    # Signing twice the same version is not possible.
    garden_update(
        garden=garden,
        garden_type=garden.garden_type,
        commune=garden.commune,
        size=garden.size,
        charter=new,
        by=garden.owner,
    )
    assert garden.signatures.count() == 2


def test_export_has_the_gardens_and_their_history():
    owner = UserFactory()
    garden = make_garden(owner, "canteleu", ["compostage"], name="Jardin de la Mare")
    garden_update(
        garden=garden,
        garden_type=garden.garden_type,
        commune=garden.commune,
        size=garden.size,
        name=garden.name,
        practices=[practice("compostage"), practice("haies")],
        by=owner,
    )
    make_garden()  # someone else's
    data = user_export_data(user=owner)["jardins"]
    assert len(data) == 1
    exported = data[0]
    assert exported["commune"] == "Canteleu" and exported["nom"] == "Jardin de la Mare"
    assert exported["type"] == "Jardin privé" and exported["surface"] == "De 50 à 200 m²"
    assert set(exported["pratiques"]) == {"Compostage", "Haie champêtre"}
    assert [c["version"] for c in exported["charte"]] == [1]
    assert [len(h["pratiques"]) for h in exported["historique"]] == [2, 1]


def test_account_deletion_keeps_the_garden_counted_without_its_owner():
    owner = UserFactory()
    garden = make_garden(owner, "rouen", ["compostage"], name="Chez Jeanne Martin")
    user_delete_account(user=owner, by=owner)
    garden.refresh_from_db()
    assert garden.owner is None and garden.name == ""
    assert garden.is_active and Garden.objects.active().count() == 1
    assert CharterSignature.objects.get(garden=garden).user is None
    assert garden.checklist_versions.count() == 1
    assert {p.slug for p in garden.practices.all()} == {"compostage"}


def test_demo_seed_is_idempotent():
    created = gardens_seed_demo()
    assert 20 <= created <= 30
    assert Garden.objects.count() == created
    assert Garden.objects.values("commune").distinct().count() >= 15
    # Some gardeners changed their checklist, and history dates lie in the past.
    assert GardenChecklistVersion.objects.count() > created
    assert Garden.objects.filter(created_at__lt=timezone.now() - timedelta(days=30)).count() == created
    assert gardens_seed_demo() == 0
    assert Garden.objects.count() == created
