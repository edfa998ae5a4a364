"""Every write of the "jardiniers de la nature" network (docs/conventions.md), plus what it gives the kernel:
the person's data export and erasure, and demo content.

A garden's checklist is kept twice on purpose: `Garden.practices` is the state now, and each change
adds a `GardenChecklistVersion` with the whole new list, so the network can read how practices
spread over time without replaying an event log.
"""

import random
from collections.abc import Iterable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from pacte.cache import invalidate
from pacte.services.audit import audit_log
from pacte.services.errors import RefusedError

from .models import Charter, CharterSignature, Garden, GardenChecklistVersion, GardenPractice, GardenType

# --- Charter ----------------------------------------------------------------------------------


@transaction.atomic
def charter_publish(*, charter: Charter, by) -> Charter:
    """Publish a prepared charter version: from now on, new gardens sign it.

    Refused when the version is already published, or when a higher version is (versions are
    published in order, so "current" always means the highest published number).
    """
    charter = Charter.objects.select_for_update().get(pk=charter.pk)
    if charter.published_at:
        raise RefusedError("Cette version de la charte est déjà publiée.", code="already_published")
    if Charter.objects.published().filter(version__gt=charter.version).exists():
        raise RefusedError(
            "Une version plus récente de la charte est déjà publiée : créez une nouvelle version.",
            code="older_version",
        )
    charter.published_at = timezone.now()
    charter.full_clean()
    charter.save(update_fields=["published_at", "updated_at"])
    audit_log(target=charter, verb="charter.publish", by=by, to_state=f"v{charter.version}")
    return charter


CLUBS_AREA = "clubs"
PRACTICE_FIELDS = ("name", "slug", "description", "position", "is_active")
CHARTER_DRAFT_FIELDS = ("version", "title", "text")


def _published_refusal() -> RefusedError:
    return RefusedError(
        "Cette version de la charte est publiée : son texte ne change plus, créez une nouvelle version.",
        code="published",
    )


@transaction.atomic
def charter_draft_save(*, charter: Charter | None = None, version: int, title: str, text: str, by) -> Charter:
    """Create a charter version in preparation (`charter` None) or change one. What people signed
    never changes: a published version is refused."""
    if charter is None or charter.pk is None:
        charter, before = Charter(), None
    else:
        charter = Charter.objects.select_for_update().get(pk=charter.pk)
        if charter.published_at:
            raise _published_refusal()
        before = {name: getattr(charter, name) for name in CHARTER_DRAFT_FIELDS}
    charter.version, charter.title, charter.text = version, title.strip(), text.strip()
    charter.full_clean()
    charter.save()
    changed = [n for n in CHARTER_DRAFT_FIELDS if before is None or before[n] != getattr(charter, n)]
    audit_log(
        target=charter,
        verb="charter.draft.create" if before is None else "charter.draft.update",
        by=by,
        to_state=f"v{charter.version}",
        data={"fields": changed},
    )
    invalidate(CLUBS_AREA)
    return charter


@transaction.atomic
def charter_draft_delete(*, charter: Charter, by) -> None:
    """Delete a version still in preparation; a published one is refused (it was, or may be, signed)."""
    charter = Charter.objects.select_for_update().get(pk=charter.pk)
    if charter.published_at or charter.signatures.exists():
        raise RefusedError(
            "Cette version de la charte est publiée : elle ne peut plus être supprimée.", code="published"
        )
    audit_log(target=charter, verb="charter.draft.delete", by=by, from_state=f"v{charter.version}")
    charter.delete()
    invalidate(CLUBS_AREA)


# --- Checklist items --------------------------------------------------------------------------


def _practice_values(practice: GardenPractice) -> dict:
    return {name: getattr(practice, name) for name in PRACTICE_FIELDS}


@transaction.atomic
def garden_practice_create(
    *, name: str, slug: str, description: str = "", position: int = 0, is_active: bool = True, by
) -> GardenPractice:
    """Add an item to the gardeners' checklist."""
    item = GardenPractice(
        name=name.strip(), slug=slug, description=description.strip(), position=position, is_active=is_active
    )
    item.full_clean()
    item.save()
    audit_log(
        target=item,
        verb="garden_practice.create",
        by=by,
        to_state="active" if item.is_active else "retired",
    )
    invalidate(CLUBS_AREA)
    return item


@transaction.atomic
def garden_practice_update(*, practice: GardenPractice, by, **changes) -> GardenPractice:
    """Change a checklist item (any of PRACTICE_FIELDS); unticking `is_active` retires it from the
    checklist while past checklist versions keep pointing at it."""
    unknown = set(changes) - set(PRACTICE_FIELDS)
    if unknown:
        raise TypeError(f"garden_practice_update() got unexpected fields {sorted(unknown)}")
    item = GardenPractice.objects.select_for_update().get(pk=practice.pk)
    before = _practice_values(item)
    for name, value in changes.items():
        setattr(item, name, value.strip() if isinstance(value, str) and name != "slug" else value)
    item.full_clean()
    changed = [name for name in PRACTICE_FIELDS if before[name] != getattr(item, name)]
    if not changed:
        return item
    item.save()
    states = {True: "active", False: "retired"}
    audit_log(
        target=item,
        verb="garden_practice.update",
        by=by,
        from_state=states[before["is_active"]] if "is_active" in changed else "",
        to_state=states[item.is_active] if "is_active" in changed else "",
        data={"fields": changed},
    )
    invalidate(CLUBS_AREA)
    return item


def _sign(*, garden: Garden, charter: Charter, user, at) -> CharterSignature:
    current = Charter.objects.current()
    if current is None or charter.pk != current.pk:
        raise RefusedError(
            "La charte a été mise à jour entre-temps : relisez la nouvelle version avant de l'accepter.",
            code="charter_outdated",
        )
    signature = CharterSignature(charter=charter, garden=garden, user=user, signed_at=at)
    signature.full_clean()
    signature.save()
    audit_log(target=garden, verb="garden.charter_sign", by=user, to_state=f"v{charter.version}")
    return signature


def garden_needs_signature(garden: Garden, charter: Charter | None) -> bool:
    """True when `charter` (the current version) has not been accepted for this garden yet."""
    if charter is None:
        return False
    return not CharterSignature.objects.filter(garden=garden, charter=charter).exists()


# --- Gardens ----------------------------------------------------------------------------------


def _check_practices(practices: Iterable[GardenPractice], *, keep: set[int] = frozenset()) -> set[int]:
    chosen = {p.pk for p in practices}
    # A practice staff retired stays on a garden that already had it, but cannot be newly ticked.
    retired = set(
        GardenPractice.objects.filter(pk__in=chosen - keep, is_active=False).values_list("pk", flat=True)
    )
    if retired:
        raise RefusedError(
            "Une des pratiques cochées n'est plus proposée : rechargez la page.", code="practice_retired"
        )
    return chosen


def _snapshot(garden: Garden, practice_ids: set[int], at) -> GardenChecklistVersion:
    version = GardenChecklistVersion.objects.create(garden=garden, created_at=at)
    version.practices.set(practice_ids)
    return version


@transaction.atomic
def garden_register(
    *,
    owner,
    garden_type: str,
    commune,
    size: str,
    name: str = "",
    practices: Iterable[GardenPractice] = (),
    charter: Charter,
    by,
) -> Garden:
    """Register `owner`'s garden in the network, with its checklist and the accepted charter.

    Guarantees, in one transaction: the garden, its first checklist version and the signature of
    `charter`, which must be the current published version (refused otherwise, with a reason).
    """
    practice_ids = _check_practices(practices)
    garden = Garden(owner=owner, garden_type=garden_type, commune=commune, size=size, name=name.strip())
    garden.full_clean()
    garden.save()
    now = garden.created_at  # the first checklist and the signature date from the same moment
    garden.practices.set(practice_ids)
    _snapshot(garden, practice_ids, now)
    _sign(garden=garden, charter=charter, user=owner, at=now)
    audit_log(
        target=garden,
        verb="garden.register",
        by=by,
        to_state="active",
        data={"practices": sorted(practice_ids)},
    )
    return garden


@transaction.atomic
def garden_update(
    *,
    garden: Garden,
    garden_type: str,
    commune,
    size: str,
    name: str = "",
    practices: Iterable[GardenPractice] = (),
    charter: Charter | None = None,
    by,
) -> Garden:
    """Change a garden's description and checklist; a new checklist version is kept only when
    the set of practices changed. `charter`, when given, is signed if not signed yet.

    Refused for a withdrawn garden.
    """
    garden = Garden.objects.select_for_update().get(pk=garden.pk)
    if garden.withdrawn_at:
        raise RefusedError(
            "Ce jardin a été retiré du réseau : il ne peut plus être modifié.", code="withdrawn"
        )
    now = timezone.now()
    before = set(garden.practices.values_list("pk", flat=True))
    practice_ids = _check_practices(practices, keep=before)
    garden.garden_type, garden.commune, garden.size, garden.name = garden_type, commune, size, name.strip()
    garden.full_clean()
    garden.save()
    changed = practice_ids != before
    if changed:
        garden.practices.set(practice_ids)
        _snapshot(garden, practice_ids, now)
    if charter is not None and garden_needs_signature(garden, charter):
        _sign(garden=garden, charter=charter, user=garden.owner or by, at=now)
    audit_log(
        target=garden,
        verb="garden.update",
        by=by,
        data={"added": sorted(practice_ids - before), "removed": sorted(before - practice_ids)}
        if changed
        else {},
    )
    return garden


@transaction.atomic
def garden_withdraw(*, garden: Garden, by, reason: str = "") -> Garden:
    """Take a garden out of the network from now on; its past stays in the figures."""
    garden = Garden.objects.select_for_update().get(pk=garden.pk)
    if garden.withdrawn_at:
        raise RefusedError("Ce jardin est déjà retiré du réseau.", code="already_withdrawn")
    garden.withdrawn_at = timezone.now()
    garden.save(update_fields=["withdrawn_at", "updated_at"])
    audit_log(
        target=garden, verb="garden.withdraw", by=by, from_state="active", to_state="withdrawn", reason=reason
    )
    return garden


def checklist_history(garden: Garden) -> list[dict]:
    """The garden's checklist versions, newest first, each with what it added and removed.

    Two queries whatever the length of the history (versions, then their practices).
    """
    versions = list(garden.checklist_versions.order_by("created_at", "id").prefetch_related("practices"))
    history, previous = [], set()
    for index, version in enumerate(versions):
        current = list(version.practices.all())  # in checklist order
        history.append(
            {
                "version": version,
                "at": version.created_at,
                "practices": list(current),
                "added": [p for p in current if p not in previous],
                "removed": sorted(previous - set(current), key=lambda p: (p.position, p.name)),
                "is_first": index == 0,
            }
        )
        previous = set(current)
    history.reverse()
    return history


# --- Personal data (registered with the kernel from clubs/indicators.py) ---------------------


def gardens_export(user) -> list[dict]:
    """The person's gardens for their data export (RGPD art. 15 and 20)."""
    gardens = (
        Garden.objects.filter(owner=user)
        .select_related("commune")
        .prefetch_related("practices", "signatures__charter")
        .order_by("created_at")
    )
    return [
        {
            "type": garden.get_garden_type_display(),
            "commune": garden.commune.name,
            "surface": garden.get_size_display(),
            "nom": garden.name,
            "pratiques": [p.name for p in garden.practices.all()],
            "inscrit_le": garden.created_at.isoformat(),
            "retire_le": garden.withdrawn_at.isoformat() if garden.withdrawn_at else None,
            "charte": [
                {"version": s.charter.version, "acceptee_le": s.signed_at.isoformat()}
                for s in garden.signatures.all()
            ],
            "historique": [
                {"le": entry["at"].isoformat(), "pratiques": [p.name for p in entry["practices"]]}
                for entry in checklist_history(garden)
            ],
        }
        for garden in gardens
    ]


def gardens_erase(user) -> None:
    """On account deletion: the gardens stay counted, without their owner or their free-text name
    (which could identify the person); the signatures stay, without the signer."""
    Garden.objects.filter(owner=user).update(owner=None, name="", updated_at=timezone.now())
    CharterSignature.objects.filter(user=user).update(user=None)


# --- Demo content (registered with pacte.demo from clubs/indicators.py) ----------------------

DEMO_GARDENERS = [
    # first name, last name, commune slug, garden type, size, name
    ("Martine", "Lecoq", "rouen", GardenType.SHARED, "200_1000", "Jardin partagé des Sapins"),
    ("Bernard", "Duval", "bois-guillaume", GardenType.PRIVATE, "200_1000", ""),
    ("Aïcha", "Benmoussa", "le-petit-quevilly", GardenType.SHARED, "50_200", "Potager du pied d'immeuble"),
    ("Gérard", "Leroux", "sotteville-les-rouen", GardenType.FAMILY, "200_1000", "Parcelle 12"),
    ("Sandrine", "Colin", "mont-saint-aignan", GardenType.PRIVATE, "50_200", ""),
    ("Pascal", "Hébert", "darnetal", GardenType.PRIVATE, "plus_1000", "Le verger"),
    ("Élodie", "Vasseur", "canteleu", GardenType.SCHOOL, "50_200", "Jardin de l'école"),
    ("Christophe", "Lemaire", "maromme", GardenType.FAMILY, "200_1000", ""),
    ("Nadia", "Saïdi", "saint-etienne-du-rouvray", GardenType.SHARED, "plus_1000", "Jardin du Madrillet"),
    ("Jean-Pierre", "Delamare", "elbeuf", GardenType.PRIVATE, "moins_50", "Mon balcon-jardin"),
    ("Claire", "Poulain", "oissel-sur-seine", GardenType.PRIVATE, "50_200", ""),
    ("Mathieu", "Quesnel", "le-grand-quevilly", GardenType.FAMILY, "200_1000", ""),
    ("Sylvie", "Grenier", "bonsecours", GardenType.PRIVATE, "200_1000", ""),
    ("Antoine", "Levasseur", "deville-les-rouen", GardenType.SCHOOL, "50_200", "Potager du collège"),
    ("Isabelle", "Marie", "isneauville", GardenType.PRIVATE, "plus_1000", ""),
    ("François", "Lebrun", "duclair", GardenType.PRIVATE, "plus_1000", "Jardin des bords de Seine"),
    ("Valérie", "Thomas", "jumieges", GardenType.PRIVATE, "200_1000", ""),
    ("Olivier", "Lefrançois", "caudebec-les-elbeuf", GardenType.FAMILY, "50_200", ""),
    ("Brigitte", "Roussel", "saint-pierre-les-elbeuf", GardenType.PRIVATE, "200_1000", ""),
    ("Karim", "Mansouri", "grand-couronne", GardenType.SHARED, "200_1000", "Jardin solidaire"),
    ("Lucie", "Feret", "franqueville-saint-pierre", GardenType.PRIVATE, "50_200", ""),
    ("Hervé", "Cauchois", "le-mesnil-sous-jumieges", GardenType.PRIVATE, "plus_1000", ""),
    ("Anne", "Lemonnier", "petit-couronne", GardenType.SCHOOL, "moins_50", "Carré potager de la maternelle"),
    ("Denis", "Bréant", "saint-martin-de-boscherville", GardenType.PRIVATE, "200_1000", ""),
    ("Camille", "Lefebvre", "rouen", GardenType.PRIVATE, "moins_50", "Jardinières de la terrasse"),
]
DEMO_EMAIL_DOMAIN = "demo.pacte.fr"


def gardens_seed_demo(stdout=None) -> int:
    """About 25 gardens across real communes, with varied checklists and a few past changes.

    Idempotent: gardens are only created for demo gardeners who have none yet.
    """
    from django.contrib.auth.hashers import make_password
    from django.utils.text import slugify

    from pacte.demo import DEMO_PASSWORD
    from pacte.models import Commune

    charter = Charter.objects.current()
    practices = list(GardenPractice.objects.active())
    if charter is None or not practices:
        return 0
    communes = {c.slug: c for c in Commune.objects.all()}
    rng = random.Random(2026)
    password_hash = None
    created = 0
    for index, (first, last, slug, garden_type, size, name) in enumerate(DEMO_GARDENERS):
        email = f"{slugify(first)}.{slugify(last)}@{DEMO_EMAIL_DOMAIN}"
        if first == "Camille" and last == "Lefebvre":
            email = f"habitante@{DEMO_EMAIL_DOMAIN}"  # the README's demo citizen has a garden too
        password_hash = password_hash or make_password(DEMO_PASSWORD)
        commune = communes.get(slug)
        if commune is None:
            continue
        owner = _demo_user(email, first, last, commune, password_hash)
        if Garden.objects.filter(owner=owner).exists():
            continue
        # Everyone starts with a few practices; some added more later (the history shows it).
        chosen = rng.sample(practices, rng.randint(2, 6))
        garden = garden_register(
            owner=owner,
            garden_type=garden_type,
            commune=commune,
            size=size,
            name=name,
            practices=chosen,
            charter=charter,
            by=owner,
        )
        registered_at = timezone.now() - timedelta(days=40 + 17 * index)
        if index % 3 == 0:
            more = chosen + rng.sample([p for p in practices if p not in chosen], 2)
            garden_update(
                garden=garden,
                garden_type=garden_type,
                commune=commune,
                size=size,
                name=name,
                practices=more,
                by=owner,
            )
            _backdate(garden, [registered_at, registered_at + timedelta(days=30 + index)])
        else:
            _backdate(garden, [registered_at])
        created += 1
    if stdout and created:
        stdout.write(f"  {created} jardins du réseau des jardiniers de la nature")
    return created


def _demo_user(email, first, last, commune, password_hash):
    from allauth.account.models import EmailAddress

    from pacte.models import User

    user, _ = User.objects.get_or_create(
        email=email,
        defaults={"first_name": first, "last_name": last, "home_commune": commune, "password": password_hash},
    )
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def _backdate(garden: Garden, moments) -> None:
    """Spread a demo garden's registration and checklist versions over past dates."""
    Garden.objects.filter(pk=garden.pk).update(created_at=moments[0])
    CharterSignature.objects.filter(garden=garden).update(signed_at=moments[0])
    versions = list(garden.checklist_versions.order_by("created_at", "id"))
    for version, moment in zip(versions, moments, strict=False):
        GardenChecklistVersion.objects.filter(pk=version.pk).update(created_at=moment)
