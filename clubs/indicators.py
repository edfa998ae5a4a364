"""Figures of action 1 (clubs, jardiniers de la nature) for the indicators app.

Declared through the app's portal declaration (`ClubsConfig.metrics`). Every
figure is computed for a `Period` (inclusive dates, Europe/Paris) and, when `period.commune` is
set, for one commune:

- members and new members by the person's home commune when they joined (kept on the membership
  history, so it survives account deletion; people from outside the Métropole count only overall);
- practices and adoptions by the commune of the club the practice was shared in;
- meetings, registrations and attendance by the commune of the meeting;

Each metric runs a fixed number of queries (one or two), whatever the data.

"""

from django.db.models import Q, Sum
from django.utils import timezone

from pacte.enums import Action, RegistrationStatus
from pacte.metrics import Metric, Period, bounds, by_category
from pacte.metrics import by_commune as _by_commune
from pacte.models import Event, Registration
from pacte.portal import Participation

from .enums import PracticeStatus
from .models import ClubMembershipRecord, Practice, PracticeAdoption

# --- Clubs: members ---------------------------------------------------------------------------


def members(period: Period) -> int:
    """Club memberships open at the end of the period (one per person and club)."""
    _, end = bounds(period)
    stints = ClubMembershipRecord.objects.filter(joined_at__lt=end).filter(
        Q(left_at__isnull=True) | Q(left_at__gte=end)
    )
    return by_category(_by_commune(stints, period, "commune"), period, "user__category").count()


def new_members(period: Period) -> int:
    start, end = bounds(period)
    stints = ClubMembershipRecord.objects.filter(joined_at__gte=start, joined_at__lt=end)
    return by_category(_by_commune(stints, period, "commune"), period, "user__category").count()


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
    found = Registration.objects.filter(event__in=_meetings(period), status=RegistrationStatus.CONFIRMED)
    return by_category(found, period, "user__category").count()


def attendance_registered(period: Period) -> int:
    """Registered people marked present at those meetings."""
    found = Registration.objects.filter(event__in=_meetings(period), attended=True)
    return by_category(found, period, "user__category").count()


def attendance_walk_in(period: Period) -> int:
    """Headcount of people who came to those meetings without registering (no known public)."""
    if period.category:
        return 0
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


def participations() -> list[Participation]:
    """Club members reach the action for as long as they stay; counted in their commune when they
    joined (kept after account deletion)."""
    return [
        Participation(
            ClubMembershipRecord.objects.all(),
            at="joined_at",
            until="left_at",
            action=Action.CLUBS,
            person="user",
            commune="commune",
            label="Membres des clubs",
        )
    ]


METRICS = [
    Metric(
        "clubs.members",
        "Membres des clubs (adhésions en cours en fin de période)",
        Action.CLUBS,
        members,
        over_months="last",
        counts_people=True,
    ),
    Metric(
        "clubs.new_members", "Nouvelles adhésions aux clubs", Action.CLUBS, new_members, counts_people=True
    ),
    Metric("clubs.meetings", "Rencontres des clubs tenues", Action.CLUBS, meetings),
    Metric(
        "clubs.registrations",
        "Inscriptions confirmées aux rencontres des clubs",
        Action.CLUBS,
        registrations,
        counts_people=True,
    ),
    Metric(
        "clubs.attendance_registered",
        "Présents parmi les inscrits aux rencontres des clubs",
        Action.CLUBS,
        attendance_registered,
        counts_people=True,
    ),
    Metric(
        "clubs.attendance_walk_in",
        "Personnes venues sans inscription aux rencontres des clubs",
        Action.CLUBS,
        attendance_walk_in,
        counts_people=True,
    ),
    Metric(
        "clubs.attendance_total",
        "Participation totale aux rencontres des clubs",
        Action.CLUBS,
        attendance_total,
        help_text="Inscrits présents et personnes venues sans inscription.",
        counts_people=True,
    ),
    Metric("clubs.practices_shared", "Pratiques partagées", Action.CLUBS, practices_shared),
    Metric(
        "clubs.practice_adoptions",
        "Adoptions de pratiques (« je l'ai adoptée »)",
        Action.CLUBS,
        practice_adoptions,
    ),
]
