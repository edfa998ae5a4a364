"""Figures of action 1 (clubs, jardiniers de la nature) for the indicators app.

Auto-discovered by `pacte.apps.PacteConfig.ready` and registered with `pacte.metrics`. Every
figure is computed for a `Period` (inclusive dates, Europe/Paris) and, when `period.commune` is
set, for one commune:

- members and new members by the person's home commune when they joined (kept on the membership
  history, so it survives account deletion; people from outside the Métropole count only overall);
- practices and adoptions by the commune of the club the practice was shared in;
- meetings, registrations and attendance by the commune of the meeting;
- gardens and signatures by the garden's commune.

Each metric runs a fixed number of queries (one or two), whatever the data.

This module also registers the gardens' part of a person's data (export and erasure), their demo
content, and the models whose changes invalidate the cached public pages of the network, since
the network's modules have no `apps.py` of their own.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from pacte.cache import watch
from pacte.demo import register_demo
from pacte.enums import Action, RegistrationStatus
from pacte.metrics import Metric, Period, register
from pacte.models import Event, Registration
from pacte.personal_data import register_eraser, register_exporter

from .enums import PracticeStatus
from .models import (
    Charter,
    CharterSignature,
    ClubMembershipRecord,
    Garden,
    GardenChecklistVersion,
    GardenPractice,
    Practice,
    PracticeAdoption,
)
from .services_gardens import gardens_erase, gardens_export, gardens_seed_demo

PARIS = ZoneInfo("Europe/Paris")


def bounds(period: Period) -> tuple[datetime, datetime]:
    """[start, end) as aware datetimes: from the first day's midnight to the midnight after the last
    day, in Paris time (so a meeting at 23:30 on the last day counts, one at 00:10 the next does not)."""
    start = datetime.combine(period.start, time.min, tzinfo=PARIS)
    end = datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=PARIS)
    return start, end


def _by_commune(queryset, period: Period, field: str):
    return queryset.filter(**{field: period.commune}) if period.commune is not None else queryset


# --- Clubs: members ---------------------------------------------------------------------------


def members(period: Period) -> int:
    """Club memberships open at the end of the period (one per person and club)."""
    _, end = bounds(period)
    stints = ClubMembershipRecord.objects.filter(joined_at__lt=end).filter(
        Q(left_at__isnull=True) | Q(left_at__gte=end)
    )
    return _by_commune(stints, period, "commune").count()


def new_members(period: Period) -> int:
    start, end = bounds(period)
    stints = ClubMembershipRecord.objects.filter(joined_at__gte=start, joined_at__lt=end)
    return _by_commune(stints, period, "commune").count()


# --- Clubs: meetings --------------------------------------------------------------------------


def _meetings(period: Period):
    """Published clubs events that started within the period (and have started: not the future)."""
    start, end = bounds(period)
    events = Event.objects.published().filter(
        action=Action.CLUBS, starts_at__gte=start, starts_at__lt=min(end, timezone.now())
    )
    return _by_commune(events, period, "commune")


def meetings(period: Period) -> int:
    return _meetings(period).count()


def registrations(period: Period) -> int:
    """Confirmed registrations to those meetings (the waiting list and cancellations do not count)."""
    return Registration.objects.filter(
        event__in=_meetings(period), status=RegistrationStatus.CONFIRMED
    ).count()


def attendance_registered(period: Period) -> int:
    """Registered people marked present at those meetings."""
    return Registration.objects.filter(event__in=_meetings(period), attended=True).count()


def attendance_walk_in(period: Period) -> int:
    """Headcount of people who came to those meetings without registering."""
    return _meetings(period).aggregate(total=Sum("walk_in_count"))["total"] or 0


def attendance_total(period: Period) -> int:
    return attendance_registered(period) + attendance_walk_in(period)


# --- Clubs: practices -------------------------------------------------------------------------


def practices_shared(period: Period) -> int:
    """Practices posted within the period; those moderators hid do not count."""
    start, end = bounds(period)
    practices = Practice.objects.filter(created_at__gte=start, created_at__lt=end).exclude(
        status=PracticeStatus.HIDDEN
    )
    return _by_commune(practices, period, "club__organisation__commune").count()


def practice_adoptions(period: Period) -> int:
    """ "Je l'ai adoptée" said within the period (withdrawn ones are gone and do not count)."""
    start, end = bounds(period)
    adoptions = PracticeAdoption.objects.filter(created_at__gte=start, created_at__lt=end)
    return _by_commune(adoptions, period, "practice__club__organisation__commune").count()


# --- Jardiniers de la nature ------------------------------------------------------------------


def gardens(period: Period) -> int:
    """Gardens in the network at the end of the period (registered, not withdrawn)."""
    _, end = bounds(period)
    return Garden.objects.registered_at(end).in_commune(period.commune).count()


def new_gardens(period: Period) -> int:
    start, end = bounds(period)
    return Garden.objects.filter(created_at__gte=start, created_at__lt=end).in_commune(period.commune).count()


def charter_signatures(period: Period) -> int:
    """Charter acceptances within the period (a garden that accepts a new version counts again)."""
    start, end = bounds(period)
    signatures = CharterSignature.objects.filter(signed_at__gte=start, signed_at__lt=end)
    return _by_commune(signatures, period, "garden__commune").count()


def garden_practices(period: Period) -> dict[str, int]:
    """For each checklist item, the gardens in the network at the end of the period that applied it
    then, read from each garden's last checklist version before that moment. Two queries."""
    _, end = bounds(period)
    in_network = Garden.objects.registered_at(end).in_commune(period.commune)
    latest = (
        GardenChecklistVersion.objects.filter(garden=OuterRef("garden"), created_at__lt=end)
        .order_by("-created_at", "-id")
        .values("pk")[:1]
    )
    versions = GardenChecklistVersion.objects.filter(garden__in=in_network, pk=Subquery(latest))
    through = GardenChecklistVersion.practices.through
    counts = dict(
        through.objects.filter(gardenchecklistversion__in=versions)
        .order_by()
        .values_list("gardenpractice")
        .annotate(n=Count("id"))
    )
    practices = GardenPractice.objects.filter(Q(is_active=True) | Q(pk__in=list(counts)))
    return {practice.name: counts.get(practice.pk, 0) for practice in practices}


METRICS = [
    Metric(
        "clubs.members", "Membres des clubs (adhésions en cours en fin de période)", Action.CLUBS, members
    ),
    Metric("clubs.new_members", "Nouvelles adhésions aux clubs", Action.CLUBS, new_members),
    Metric("clubs.meetings", "Rencontres des clubs tenues", Action.CLUBS, meetings),
    Metric(
        "clubs.registrations", "Inscriptions confirmées aux rencontres des clubs", Action.CLUBS, registrations
    ),
    Metric(
        "clubs.attendance_registered",
        "Présents parmi les inscrits aux rencontres des clubs",
        Action.CLUBS,
        attendance_registered,
    ),
    Metric(
        "clubs.attendance_walk_in",
        "Personnes venues sans inscription aux rencontres des clubs",
        Action.CLUBS,
        attendance_walk_in,
    ),
    Metric(
        "clubs.attendance_total",
        "Participation totale aux rencontres des clubs",
        Action.CLUBS,
        attendance_total,
        help_text="Inscrits présents et personnes venues sans inscription.",
    ),
    Metric("clubs.practices_shared", "Pratiques partagées", Action.CLUBS, practices_shared),
    Metric(
        "clubs.practice_adoptions",
        "Adoptions de pratiques (« je l'ai adoptée »)",
        Action.CLUBS,
        practice_adoptions,
    ),
    Metric(
        "clubs.gardens",
        "Jardins du réseau des jardiniers de la nature (en fin de période)",
        Action.CLUBS,
        gardens,
    ),
    Metric("clubs.new_gardens", "Nouveaux jardins inscrits au réseau", Action.CLUBS, new_gardens),
    Metric(
        "clubs.charter_signatures", "Signatures de la charte des jardiniers", Action.CLUBS, charter_signatures
    ),
    Metric(
        "clubs.garden_practices",
        "Jardins appliquant chaque pratique de la liste (en fin de période)",
        Action.CLUBS,
        garden_practices,
        kind="breakdown",
    ),
]

for _metric in METRICS:
    register(_metric)

register_exporter("jardins", gardens_export)
register_eraser(gardens_erase)
register_demo(gardens_seed_demo)
# The network's public pages are cached for anonymous visitors (pacte.cache); these writes renew them.
watch(Garden, GardenChecklistVersion, CharterSignature, Charter, GardenPractice)
