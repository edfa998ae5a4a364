"""Demo content of the kernel: believable French data in real communes (used by seed_demo).

Action apps add their own demo content through their portal declaration (`PortalApp.seed_demo`).
"""

import random
from datetime import datetime, time, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from .enums import Action, MembershipRole, OrganisationKind, PublicCategory, RegistrationStatus, StaffGroup
from .models import Commune, Event, Membership, Organisation, Registration, Theme, User

DEMO_PASSWORD = "demo-pacte-2026"
DEMO_ACCOUNTS = [
    # email, first, last, category, commune slug
    ("habitante@demo.pacte.fr", "Camille", "Lefebvre", PublicCategory.HABITANT, "rouen"),
    ("asso@demo.pacte.fr", "Karim", "Benali", PublicCategory.ASSOCIATION, "le-petit-quevilly"),
    ("commune@demo.pacte.fr", "Sophie", "Marchand", PublicCategory.COMMUNE, "darnetal"),
    ("dacte@demo.pacte.fr", "Julien", "Morel", PublicCategory.METROPOLE, "rouen"),
]

ORGANISATIONS = [
    # kind, name, commune slug, themes, summary
    (
        OrganisationKind.ASSOCIATION,
        "Les Jardins Partagés du Petit-Quevilly",
        "le-petit-quevilly",
        ["biodiversite", "alimentation"],
        "Association d'habitants qui cultive trois jardins partagés en pied d'immeuble.",
    ),
    (
        OrganisationKind.ASSOCIATION,
        "Atelier Vélo Solidaire rouennais",
        "rouen",
        ["mobilite", "consommation-dechets"],
        "Atelier participatif de réparation de vélos et vélo-école pour adultes.",
    ),
    (
        OrganisationKind.ASSOCIATION,
        "Repair Café de Sotteville",
        "sotteville-les-rouen",
        ["consommation-dechets", "solidarite"],
        "Chaque mois, des bénévoles réparent avec vous petits appareils et vêtements.",
    ),
    (
        OrganisationKind.ASSOCIATION,
        "Seine Zéro Déchet",
        "elbeuf",
        ["consommation-dechets"],
        "Ateliers zéro déchet, compostage et lutte contre le gaspillage.",
    ),
    (
        OrganisationKind.COMMUNE,
        "Ville de Darnétal",
        "darnetal",
        ["energie-habitat", "biodiversite"],
        "Commune signataire d'une convention PACTE.",
    ),
    (
        OrganisationKind.COMMUNE,
        "Ville de Canteleu",
        "canteleu",
        ["mobilite", "alimentation"],
        "Commune signataire d'une convention PACTE.",
    ),
    (
        OrganisationKind.PARTNER,
        "ANBDD",
        "rouen",
        ["biodiversite"],
        "Agence normande de la biodiversité et du développement durable.",
    ),
    (
        OrganisationKind.SOCIAL,
        "Centre social Jean-Texcier",
        "rouen",
        ["solidarite", "alimentation"],
        "Centre social du quartier Grammont, partenaire de la lettre aux travailleurs sociaux.",
    ),
]

EVENTS = [
    # action, title, organiser index or None, commune slug, place, days ahead, hour, hours long, capacity, themes
    (
        Action.CLUBS,
        "Atelier compost au jardin partagé",
        0,
        "le-petit-quevilly",
        "Jardin des Cèdres",
        3,
        14,
        2,
        15,
        ["biodiversite", "consommation-dechets"],
    ),
    (
        Action.CLUBS,
        "Rencontre du Club COP21 : se déplacer autrement",
        None,
        "rouen",
        "Le 108, salle du Conseil",
        6,
        18,
        2,
        40,
        ["mobilite"],
    ),
    (
        Action.ATELIER,
        "Portes ouvertes de l'Atelier des Transitions",
        None,
        "rouen",
        "Atelier des Transitions",
        9,
        10,
        6,
        None,
        ["solidarite"],
    ),
    (
        Action.ASSOCIATIONS,
        "Réunion d'information : label Relais COP21 et subventions",
        None,
        "rouen",
        "Le 108, salle 3",
        12,
        18,
        2,
        30,
        ["solidarite"],
    ),
    (
        Action.RELAIS_NETWORK,
        "Troc d'outils d'animation entre associations relais",
        1,
        "rouen",
        "Atelier Vélo Solidaire",
        15,
        18,
        2,
        25,
        ["consommation-dechets"],
    ),
    (
        Action.NEWSLETTER,
        "Matinale des travailleurs sociaux : précarité énergétique",
        7,
        "rouen",
        "Centre social Jean-Texcier",
        18,
        9,
        3,
        35,
        ["energie-habitat", "solidarite"],
    ),
    (
        Action.COMMUNES,
        "Réseau des communes : sobriété de l'éclairage public",
        4,
        "darnetal",
        "Mairie de Darnétal",
        20,
        14,
        3,
        20,
        ["energie-habitat"],
    ),
    (
        Action.CLUBS,
        "Repair Café du samedi",
        2,
        "sotteville-les-rouen",
        "Salle Marcel-Paul",
        4,
        10,
        4,
        8,
        ["consommation-dechets"],
    ),
    (
        Action.CLUBS,
        "Balade nature au bord de Seine",
        6,
        "canteleu",
        "Parking de la base de loisirs",
        11,
        9,
        3,
        20,
        ["biodiversite", "eau"],
    ),
    (
        Action.COMMUNES,
        "Visite d'une cantine scolaire bio et locale",
        5,
        "canteleu",
        "Groupe scolaire Jean-Jaurès",
        25,
        11,
        2,
        12,
        ["alimentation"],
    ),
    (
        Action.CLUBS,
        "Atelier zéro déchet : produits ménagers maison",
        3,
        "elbeuf",
        "Maison des associations",
        2,
        18,
        2,
        3,
        ["consommation-dechets", "sante-environnement"],
    ),
    (
        Action.RELAIS_NETWORK,
        "Café des relais : bilan de l'année",
        None,
        "rouen",
        "Atelier des Transitions",
        -10,
        18,
        2,
        30,
        ["solidarite"],
    ),
]


def _at(days: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _verified_user(email, first, last, category, commune, password_hash, **extra):
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "first_name": first,
            "last_name": last,
            "category": category,
            "home_commune": commune,
            "password": password_hash,
            **extra,
        },
    )
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


@transaction.atomic
def seed_base(stdout=None) -> dict:
    communes = {c.slug: c for c in Commune.objects.all()}
    themes = {t.slug: t for t in Theme.objects.all()}
    password_hash = make_password(DEMO_PASSWORD)
    users = {}
    for email, first, last, category, commune_slug in DEMO_ACCOUNTS:
        extra = {"is_staff": True} if email.startswith("dacte") else {}
        users[email] = _verified_user(
            email, first, last, category, communes[commune_slug], password_hash, **extra
        )
    staff = users["dacte@demo.pacte.fr"]
    staff.groups.add(Group.objects.get(name=StaffGroup.DACTE_ADMIN))

    organisations = []
    for kind, name, commune_slug, theme_slugs, summary in ORGANISATIONS:
        org, created = Organisation.objects.get_or_create(
            slug=slugify(name),
            defaults={
                "kind": kind,
                "name": name,
                "commune": communes[commune_slug],
                "summary": summary,
                "description": summary,
            },
        )
        if created:
            org.themes.set([themes[s] for s in theme_slugs])
        organisations.append(org)
    Membership.objects.get_or_create(
        user=users["asso@demo.pacte.fr"],
        organisation=organisations[0],
        defaults={"role": MembershipRole.REFERENT},
    )
    Membership.objects.get_or_create(
        user=users["commune@demo.pacte.fr"],
        organisation=organisations[4],
        defaults={"role": MembershipRole.REFERENT},
    )

    neighbours = [
        _verified_user(
            f"{slugify(first)}.{slugify(last)}@demo.pacte.fr",
            first,
            last,
            PublicCategory.HABITANT,
            communes[slug],
            password_hash,
        )
        for first, last, slug in [
            ("Léa", "Dubois", "rouen"),
            ("Thomas", "Martin", "sotteville-les-rouen"),
            ("Inès", "Haddad", "le-grand-quevilly"),
            ("Lucas", "Petit", "mont-saint-aignan"),
            ("Chloé", "Lambert", "elbeuf"),
            ("Hugo", "Girard", "bois-guillaume"),
            ("Manon", "Roux", "canteleu"),
            ("Nathan", "Fontaine", "maromme"),
            ("Emma", "Chevalier", "saint-etienne-du-rouvray"),
            ("Yanis", "Mercier", "oissel-sur-seine"),
        ]
    ]

    for action, title, org_index, commune_slug, place, days, hour, hours, capacity, theme_slugs in EVENTS:
        event, created = Event.objects.get_or_create(
            slug=slugify(title),
            defaults={
                "title": title,
                "action": action,
                "organiser": organisations[org_index] if org_index is not None else None,
                "commune": communes[commune_slug],
                "place": place,
                "starts_at": _at(days, hour),
                "ends_at": _at(days, hour) + timedelta(hours=hours),
                "capacity": capacity,
                "summary": f"{title} — un rendez-vous du PACTE ouvert à toutes et tous.",
                "description": "Inscription gratuite. Le lieu est accessible aux personnes à mobilité réduite.",
                "is_published": True,
                "registration_required": capacity is not None,
            },
        )
        if not created:
            continue
        event.themes.set([themes[s] for s in theme_slugs])
        if capacity:
            # Fill some events, and fill the smallest one past capacity to show a waiting list.
            take = min(len(neighbours), capacity + 2 if capacity <= 3 else capacity // 2)
            _bulk_register(event, neighbours[:take])
    return {"users": users, "organisations": organisations}


def _bulk_register(event: Event, people) -> None:
    """Fast registrations for demo data, keeping seats_taken and the waiting list consistent."""
    rows = []
    # Counted rather than read from `event`, which may predate another seeder's registrations.
    taken = Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED).count()
    for person in people:
        if event.capacity is None or taken < event.capacity:
            status = RegistrationStatus.CONFIRMED
            taken += 1
        else:
            status = RegistrationStatus.WAITLISTED
        rows.append(Registration(event=event, user=person, status=status))
    Registration.objects.bulk_create(rows, ignore_conflicts=True)
    # Counted again: `ignore_conflicts` skipped the people already registered.
    confirmed = Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED).count()
    Event.objects.filter(pk=event.pk).update(seats_taken=confirmed)


def seed_scale(scale: int, stdout=None) -> None:
    """Add scale × (500 users, 20 events, 2,000 registrations): for benchmarks and load tests."""
    rng = random.Random(42)
    communes = list(Commune.objects.all())
    themes = list(Theme.objects.all())
    password_hash = make_password(DEMO_PASSWORD)
    n_users, n_events = 500 * scale, 20 * scale
    existing = User.objects.filter(email__startswith="charge-").count()
    batch = []
    for i in range(existing, n_users):
        batch.append(
            User(
                email=f"charge-{i}@demo.pacte.fr",
                first_name=f"Personne{i}",
                last_name="Charge",
                home_commune=rng.choice(communes),
                password=password_hash,
            )
        )
        if len(batch) >= 5000:
            User.objects.bulk_create(batch)
            batch = []
    User.objects.bulk_create(batch)
    user_ids = list(User.objects.filter(email__startswith="charge-").values_list("id", flat=True))

    existing_events = Event.objects.filter(slug__startswith="charge-").count()
    actions = list(Action.values)
    new_events = []
    for i in range(existing_events, n_events):
        start = _at(rng.randint(1, 365), rng.choice([9, 10, 14, 18]))
        new_events.append(
            Event(
                slug=f"charge-{i}",
                title=f"Rendez-vous du PACTE n° {i}",
                action=rng.choice(actions),
                commune=rng.choice(communes),
                place="Salle municipale",
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                capacity=rng.choice([None, 50, 100, 150]),
                summary="Un rendez-vous du programme, pour mesurer le portail sous charge.",
                is_published=True,
            )
        )
    Event.objects.bulk_create(new_events, batch_size=2000)
    ThroughModel = Event.themes.through
    ThroughModel.objects.bulk_create(
        [
            ThroughModel(event_id=e.pk, theme_id=rng.choice(themes).pk)
            for e in Event.objects.filter(slug__in=[e.slug for e in new_events])
        ],
        batch_size=5000,
        ignore_conflicts=True,
    )

    # Registrations: each new event gets ~100 distinct people, capacity and waiting list honoured.
    per_event = max(1, (2000 * scale) // max(n_events, 1))
    for event in Event.objects.filter(slug__startswith="charge-", seats_taken=0).iterator():
        people = rng.sample(user_ids, min(per_event, len(user_ids)))
        rows, taken = [], 0
        for user_id in people:
            if event.capacity is None or taken < event.capacity:
                rows.append(
                    Registration(event_id=event.pk, user_id=user_id, status=RegistrationStatus.CONFIRMED)
                )
                taken += 1
            else:
                rows.append(
                    Registration(event_id=event.pk, user_id=user_id, status=RegistrationStatus.WAITLISTED)
                )
        Registration.objects.bulk_create(rows, batch_size=5000)
        Event.objects.filter(pk=event.pk).update(seats_taken=taken)
