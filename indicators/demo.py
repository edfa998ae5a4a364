"""Demo content of the indicators (run by seed_demo through the app's declaration, after every
other app; idempotent):

- indicateurs@demo.pacte.fr (Nathalie Guérin, DACTE, mission évaluation) reads the indicators:
  staff, group « Lecture des indicateurs » (password of the demo accounts);
- a year of past programme life so the history has a shape: two public events a month over the
  last twelve months, across the actions and communes, with residents marked present and people
  who came without registering;
- the monthly snapshots of those twelve months, computed by the backfill (as the beat task and
  `manage.py backfill_indicators` would), so the dashboard opens on a year of history.
"""

import random
from datetime import datetime, time, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from pacte.demo import DEMO_PASSWORD
from pacte.enums import Action, PublicCategory, RegistrationStatus, StaffGroup
from pacte.models import Commune, Event, Registration, User

from .services import previous_month, snapshots_backfill

READER_EMAIL = "indicateurs@demo.pacte.fr"

# Past events, one pattern per month: (action, title, commune slug).
HISTORY = [
    (Action.CLUBS, "Rencontre du Club COP21 : bilan carbone des foyers", "rouen"),
    (Action.ATELIER, "Soirée réparation à l'Atelier des Transitions", "rouen"),
    (Action.CLUBS, "Troc de graines du Club des jardiniers", "sotteville-les-rouen"),
    (Action.ASSOCIATIONS, "Forum des associations Relais COP21", "le-petit-quevilly"),
    (Action.COMMUNES, "Rencontre du réseau des communes : éclairage public", "darnetal"),
    (Action.NEWSLETTER, "Matinée des travailleurs sociaux : précarité énergétique", "elbeuf"),
    (Action.RELAIS_NETWORK, "Atelier du réseau des assos relais : animer un atelier vélo", "canteleu"),
    (Action.CLUBS, "Balade nature des jardiniers de la nature", "bihorel"),
]
FIRST_NAMES = [
    "Louise", "Hugo", "Inès", "Nathan", "Chloé", "Yanis", "Manon", "Lucas", "Sarah", "Théo",
    "Amina", "Jules", "Léna", "Mathis", "Zoé", "Rayan", "Emma", "Noah", "Jade", "Gabriel",
]  # fmt: skip
LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Durand", "Lefèvre", "Moreau", "Laurent", "Simon", "Michel",
    "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André",
]  # fmt: skip
COMMUNES = ["rouen", "sotteville-les-rouen", "le-petit-quevilly", "darnetal", "elbeuf", "canteleu", "bihorel"]
CATEGORIES = [PublicCategory.HABITANT] * 6 + [
    PublicCategory.ASSOCIATION,
    PublicCategory.SOCIAL,
    PublicCategory.COMMUNE,
]


def _months_back(count: int):
    month = previous_month()
    months = [month]
    for _ in range(count - 1):
        month = (month - timedelta(days=1)).replace(day=1)
        months.append(month)
    return list(reversed(months))


def _reader(stdout):
    user, created = User.objects.get_or_create(
        email=READER_EMAIL,
        defaults={
            "first_name": "Nathalie",
            "last_name": "Guérin",
            "category": PublicCategory.METROPOLE,
            "home_commune": Commune.objects.filter(slug="rouen").first(),
            "password": make_password(DEMO_PASSWORD),
            "is_staff": True,
        },
    )
    EmailAddress.objects.get_or_create(
        user=user, email=READER_EMAIL, defaults={"verified": True, "primary": True}
    )
    user.groups.add(Group.objects.get(name=StaffGroup.INDICATORS.value))
    if created and stdout:
        stdout.write(f"  {READER_EMAIL} : lecture des indicateurs")
    return user


def _residents(communes):
    """Forty residents who took part in past events: accounts without a password (they never
    sign in to the demo), in real communes."""
    rng = random.Random(15)
    people = []
    for index in range(40):
        first, last = FIRST_NAMES[index % len(FIRST_NAMES)], LAST_NAMES[(index * 7) % len(LAST_NAMES)]
        email = f"{slugify(first)}.{slugify(last)}.{index}@participants.demo.pacte.fr"
        user, created = User.objects.get_or_create(
            email=email,
            defaults={
                "first_name": first,
                "last_name": last,
                "category": CATEGORIES[index % len(CATEGORIES)],
                "home_commune": communes[rng.choice(COMMUNES)],
            },
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        people.append(user)
    return people


def _history(communes, people):
    """Two past events a month, each with a dozen residents present and a few walk-ins. A
    resident comes back from month to month: the distinct count is lower than the attendance."""
    rng = random.Random(2026)
    for index, month in enumerate(_months_back(12)):
        for turn in range(2):
            action, title, commune_slug = HISTORY[(2 * index + turn) % len(HISTORY)]
            day = month + timedelta(days=8 + 11 * turn)
            starts_at = timezone.make_aware(datetime.combine(day, time(18, 0)))
            slug = slugify(f"{title}-{day:%Y-%m-%d}")[:200]
            event, created = Event.objects.get_or_create(
                slug=slug,
                defaults={
                    "title": title,
                    "action": action,
                    "commune": communes[commune_slug],
                    "place": "Salle municipale",
                    "summary": "Rencontre ouverte à toutes et à tous.",
                    "starts_at": starts_at,
                    "ends_at": starts_at + timedelta(hours=2),
                    "capacity": 40,
                    "is_published": True,
                    "walk_in_count": rng.randint(2, 9),
                    "attendance_recorded_at": starts_at + timedelta(days=1),
                },
            )
            if not created:
                continue
            present = rng.sample(people, rng.randint(8, 16))
            Registration.objects.bulk_create(
                Registration(event=event, user=person, status=RegistrationStatus.CONFIRMED, attended=True)
                for person in present
            )
            Event.objects.filter(pk=event.pk).update(seats_taken=len(present))


@transaction.atomic
def seed_indicators(stdout=None) -> None:
    _reader(stdout)
    communes = {c.slug: c for c in Commune.objects.filter(slug__in=COMMUNES)}
    _history(communes, _residents(communes))
    months = _months_back(12)
    written = snapshots_backfill(since=months[0], until=months[-1])
    if stdout:
        stdout.write(f"  indicateurs : {len(written)} mois d'historique ({sum(written.values())} valeurs)")


def seed_indicators_scale(scale: int, stdout=None) -> None:
    """The last twelve months' snapshots of the scale data (the bench's dashboard reads them)."""
    months = _months_back(12)
    snapshots_backfill(since=months[0], until=months[-1])
