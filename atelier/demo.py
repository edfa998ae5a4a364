"""Demo content of the Atelier des Transitions (run by seed_demo through AtelierConfig; idempotent).

Roles of the demo accounts, for the README:
- asso@demo.pacte.fr (Karim Benali) is référent of « Les Jardins Partagés du Petit-Quevilly »,
  resident of the Atelier (retained by the closed call 2026): weekly series of bookings on Tuesday
  evenings, a workshop booking waiting for the team's approval, an event published in the agenda;
- dacte@demo.pacte.fr (Julien Morel, DACTE administration) reviewed the applications and decides;
  the application of « Seine Zéro Déchet » to the current call waits for review;
- habitante@demo.pacte.fr is registered to the event held at the Atelier.
"""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from pacte.enums import OrganisationKind
from pacte.models import Organisation, Registration, Theme, User
from pacte.permissions import staff_for_operator_command
from pacte.services.registrations import registration_create

from .enums import ApplicationStatus, BookingStatus, Frequency, SpaceKind
from .models import Application, Booking, Call, Closure, OpeningHours, Residency, Space, Venue
from .services.bookings import booking_create, booking_publish_event, booking_series_create
from .services.calls import application_decide, call_open, review_save
from .services.residencies import residency_accept_rules

VENUE_SLUG = "atelier-des-transitions"
SPACES = [
    # slug, name, kind, capacity, approval, min, max, equipment, description
    (
        "salle-de-la-seine",
        "Salle de la Seine",
        SpaceKind.MEETING_ROOM,
        24,
        False,
        30,
        240,
        "Vidéoprojecteur et écran\nPaperboard\nSystème de visioconférence\nBouilloire et vaisselle lavable",
        "La grande salle de réunion, lumineuse, qui donne sur la cour plantée.",
    ),
    (
        "bureaux-partages",
        "Bureaux partagés",
        SpaceKind.SHARED_DESKS,
        8,
        False,
        60,
        480,
        "8 postes de travail\nWi-Fi\nImprimante partagée\nCasiers fermant à clé",
        "Un plateau de huit postes pour les permanences et le travail au calme.",
    ),
    (
        "atelier-des-makers",
        "Atelier des makers",
        SpaceKind.WORKSHOP,
        12,
        True,
        60,
        240,
        "Établis\nOutillage à main et électroportatif\nMachine à coudre\nPoint d'eau",
        "Pour réparer, bricoler et animer des ateliers pratiques ; la réservation est validée par l'équipe "
        "(outillage à préparer).",
    ),
    (
        "galerie",
        "Galerie",
        SpaceKind.EXHIBITION,
        60,
        True,
        120,
        480,
        "Cimaises et câbles d'accrochage\nÉclairage sur rail\nGrilles d'exposition",
        "Un espace d'exposition ouvert sur la rue, pour montrer les projets des associations.",
    ),
]
HOUSE_RULES = (
    "1. L'association réserve dans la limite de son quota hebdomadaire et annule les créneaux dont elle "
    "n'a plus besoin.\n"
    "2. Elle signale son arrivée sur place : sans arrivée signalée 30 minutes après le début, le créneau "
    "est libéré et compté comme une absence.\n"
    "3. Les espaces sont rendus rangés, le tri des déchets respecté, le matériel de l'atelier nettoyé.\n"
    "4. Les événements ouverts au public sont annoncés dans l'agenda du PACTE."
)
CRITERIA = [
    ("Contribution aux objectifs du PACTE", 3),
    ("Ancrage local et public touché", 2),
    ("Partenariats", 1),
    ("Besoin réel des espaces", 1),
]
DOCUMENTS = ["Statuts de l'association", "Dernier rapport d'activité"]


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _next_weekday(weekday: int, weeks: int = 1) -> date:
    today = timezone.localdate()
    return today + timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks)


def _venue() -> Venue:
    from pacte.models import Commune

    venue, _ = Venue.objects.get_or_create(
        slug=VENUE_SLUG,
        defaults={
            "name": "Atelier des Transitions",
            "summary": "Un lieu prêté par la Métropole aux associations environnementales qui contribuent au "
            "PACTE, choisies sur appel à candidatures, pour faire grandir leurs projets et leurs partenariats.",
            "description": "Installé dans d'anciens ateliers réhabilités du quartier Martainville, l'Atelier des "
            "Transitions accueille les associations résidentes pour leurs réunions, leurs permanences, leurs "
            "ateliers pratiques et leurs expositions. L'équipe de la DACTE y accompagne leurs projets.",
            "address": "27 rue Martainville, 76000 Rouen",
            "commune": Commune.objects.get(slug="rouen"),
            "access": "Bus F2 et ligne 13, arrêt Martainville ; métro : station Théâtre des Arts puis 12 minutes "
            "à pied.\nStation Cy'clic à 100 m, stationnement vélos couvert dans la cour.",
            "accessibility": "Tout le rez-de-chaussée est de plain-pied ; toilettes adaptées ; boucle "
            "magnétique dans la Salle de la Seine ; chiens guides bienvenus.",
            "house_rules": HOUSE_RULES,
            "email": "atelier.transitions@demo.pacte.fr",
        },
    )
    if not venue.opening_hours.exists():
        for weekday in range(5):
            OpeningHours.objects.create(venue=venue, weekday=weekday, opens_at=time(9), closes_at=time(20))
        OpeningHours.objects.create(venue=venue, weekday=5, opens_at=time(10), closes_at=time(17))
    for position, (slug, name, kind, capacity, approval, low, high, equipment, description) in enumerate(
        SPACES
    ):
        Space.objects.get_or_create(
            slug=slug,
            defaults={
                "venue": venue,
                "name": name,
                "kind": kind,
                "capacity": capacity,
                "requires_approval": approval,
                "min_duration_minutes": low,
                "max_duration_minutes": high,
                "equipment": equipment,
                "description": description,
                "accessibility": "De plain-pied."
                if kind != SpaceKind.SHARED_DESKS
                else "À l'étage, avec ascenseur.",
                "position": position,
            },
        )
    if not venue.closures.exists():
        year = timezone.localdate().year
        Closure.objects.create(
            venue=venue,
            starts_on=date(year, 12, 24),
            ends_on=date(year + 1, 1, 1),
            reason="Fêtes de fin d'année",
        )
        Closure.objects.create(
            venue=venue, starts_on=date(year, 8, 1), ends_on=date(year, 8, 21), reason="Fermeture estivale"
        )
    return venue


def _call(slug, title, *, opens_at, closes_at, starts_on, ends_on, summary, by) -> Call:
    call = Call.objects.filter(slug=slug).first()
    if call is None:
        call = call_open(
            title=title,
            slug=slug,
            summary=summary,
            text="La Métropole Rouen Normandie prête l'Atelier des Transitions à des associations "
            "environnementales qui contribuent au PACTE. Les associations retenues y disposent, pendant un an, "
            "d'espaces de réunion, de travail, d'atelier et d'exposition, dans la limite d'un quota d'heures par "
            "semaine, et de l'accompagnement de l'équipe de la DACTE.\n\n"
            "La candidature présente le projet, les besoins en espaces, les partenaires et le public visé.",
            opens_at=opens_at,
            closes_at=closes_at,
            residency_starts_on=starts_on,
            residency_ends_on=ends_on,
            criteria=CRITERIA,
            documents=DOCUMENTS,
            weekly_quota_hours=8,
            by=by,
        )
    return call


def _application(
    call, organisation, *, title, project, spaces, themes, public, partners, hours, by
) -> Application:
    application, _ = Application.objects.get_or_create(
        call=call,
        organisation=organisation,
        defaults={
            "project_title": title,
            "project": project,
            "frequency": Frequency.WEEKLY,
            "hours_per_week": hours,
            "partners": partners,
            "expected_public": public,
            "expected_attendance": 40 * hours,
            "status": ApplicationStatus.SUBMITTED,
            "submitted_at": call.opens_at + timedelta(days=12),
            "created_by": User.objects.filter(memberships__organisation=organisation).first(),
        },
    )
    application.needed_spaces.set(Space.objects.filter(slug__in=spaces))
    application.themes.set(Theme.objects.filter(slug__in=themes))
    return application


def _review(application, scores, note, by):
    criteria = list(application.call.criteria.all())
    review_save(
        application=application,
        scores=dict(zip([c.pk for c in criteria], scores, strict=True)),
        note=note,
        by=by,
    )


@transaction.atomic
def seed_atelier(stdout=None) -> None:
    staff = staff_for_operator_command(User.objects.filter(email="dacte@demo.pacte.fr").first())
    asso_user = User.objects.filter(email="asso@demo.pacte.fr").first()
    if staff is None or asso_user is None:
        return
    _venue()
    if Call.objects.filter(slug="appel-a-residence-2026").exists():
        return  # already seeded
    today = timezone.localdate()
    organisations = {o.name: o for o in Organisation.objects.filter(kind=OrganisationKind.ASSOCIATION)}
    jardins = organisations["Les Jardins Partagés du Petit-Quevilly"]
    velo = organisations["Atelier Vélo Solidaire rouennais"]
    repair = organisations["Repair Café de Sotteville"]
    zero = organisations["Seine Zéro Déchet"]

    closed = _call(
        "appel-a-residence-2026",
        "Appel à résidence 2026",
        opens_at=timezone.now() - timedelta(days=240),
        closes_at=timezone.now() - timedelta(days=190),
        starts_on=today - timedelta(days=150),
        ends_on=today + timedelta(days=215),
        summary="Premier appel : quatre associations candidates, deux résidentes.",
        by=staff,
    )
    current = _call(
        "appel-a-residence-2027",
        "Appel à résidence 2027",
        opens_at=timezone.now() - timedelta(days=10),
        closes_at=timezone.now() + timedelta(days=25),
        starts_on=today + timedelta(days=216),
        ends_on=today + timedelta(days=580),
        summary="Deux à trois nouvelles associations résidentes pour l'année qui vient.",
        by=staff,
    )
    applications = {
        jardins: _application(
            closed,
            jardins,
            title="Maison des jardins partagés",
            project="Réunir les jardiniers des trois jardins du Petit-Quevilly, former les nouveaux venus au "
            "jardinage au naturel et préparer les semis collectifs de printemps.",
            spaces=["salle-de-la-seine", "atelier-des-makers"],
            themes=["biodiversite", "alimentation"],
            public="Habitants des quartiers prioritaires, familles, écoles voisines",
            partners="Centre social Jean-Texcier, bailleur Rouen Habitat",
            hours=6,
            by=staff,
        ),
        velo: _application(
            closed,
            velo,
            title="Vélo-école et ateliers d'autoréparation",
            project="Des séances de vélo-école pour adultes et des ateliers d'autoréparation ouverts à tous.",
            spaces=["atelier-des-makers", "salle-de-la-seine"],
            themes=["mobilite"],
            public="Adultes qui (ré)apprennent le vélo, étudiants",
            partners="Maison de l'Université, associations de quartier",
            hours=8,
            by=staff,
        ),
        repair: _application(
            closed,
            repair,
            title="Repair café itinérant",
            project="Monter une antenne rouennaise du Repair Café de Sotteville.",
            spaces=["atelier-des-makers"],
            themes=["consommation-dechets"],
            public="Tout public",
            partners="Ressourcerie de Sotteville",
            hours=4,
            by=staff,
        ),
        zero: _application(
            closed,
            zero,
            title="Ateliers zéro déchet",
            project="Ateliers de fabrication de produits ménagers.",
            spaces=["salle-de-la-seine"],
            themes=["consommation-dechets"],
            public="Familles",
            partners="",
            hours=3,
            by=staff,
        ),
    }
    for organisation, scores, note in [
        (jardins, [5, 4, 4, 4], "Projet solide, très ancré dans le quartier."),
        (velo, [4, 5, 3, 5], "Besoin d'atelier bien réel ; voir l'assurance du matériel."),
        (repair, [3, 3, 4, 3], "Bon projet, mais déjà accueilli à Sotteville."),
        (zero, [2, 2, 1, 2], "Projet encore peu défini."),
    ]:
        _review(applications[organisation], scores, note, staff)
    application_decide(
        application=applications[jardins],
        decision=ApplicationStatus.RETAINED,
        message="Bienvenue à l'Atelier des Transitions !",
        by=staff,
    )
    application_decide(application=applications[velo], decision=ApplicationStatus.RETAINED, by=staff)
    application_decide(
        application=applications[repair],
        decision=ApplicationStatus.WAITLISTED,
        message="Nous vous recontacterons si une place se libère en cours d'année.",
        by=staff,
    )
    application_decide(
        application=applications[zero],
        decision=ApplicationStatus.REJECTED,
        message="Nous vous encourageons à candidater de nouveau avec un projet plus précis.",
        by=staff,
    )
    # Seine Zéro Déchet applied again to the current call: it waits for review.
    _application(
        current,
        zero,
        title="Laboratoire zéro déchet",
        project="Un laboratoire mensuel de fabrication (cosmétiques, produits ménagers) et une exposition "
        "itinérante sur le gaspillage alimentaire, avec les épiceries solidaires d'Elbeuf et de Rouen.",
        spaces=["salle-de-la-seine", "galerie"],
        themes=["consommation-dechets", "alimentation"],
        public="Familles, étudiants, bénéficiaires des épiceries solidaires",
        partners="Épiceries solidaires d'Elbeuf et de Rouen",
        hours=4,
        by=staff,
    )

    residencies = {r.organisation_id: r for r in Residency.objects.all()}
    jardins_residency = residency_accept_rules(residency=residencies[jardins.pk], by=asso_user)
    velo_referent = User.objects.filter(memberships__organisation=velo, memberships__role="referent").first()
    velo_residency = residencies[velo.pk]
    if velo_referent:
        velo_residency = residency_accept_rules(residency=velo_residency, by=velo_referent)
    seine = Space.objects.get(slug="salle-de-la-seine")
    makers = Space.objects.get(slug="atelier-des-makers")
    tuesday = _next_weekday(1, weeks=0) if _next_weekday(1, weeks=0) > today else _next_weekday(1)
    booking_series_create(
        space=seine,
        residency=jardins_residency,
        title="Permanence des jardiniers",
        first_starts_at=_local(tuesday, 18),
        duration_minutes=120,
        until=tuesday + timedelta(weeks=7),
        expected_people=12,
        by=asso_user,
    )
    booking_create(
        space=makers,
        residency=jardins_residency,
        starts_at=_local(tuesday + timedelta(days=4), 10),
        ends_at=_local(tuesday + timedelta(days=4), 12),
        title="Fabrication de bacs à semis",
        expected_people=8,
        by=asso_user,
    )
    thursday = tuesday + timedelta(days=2)
    event_booking = booking_create(
        space=seine,
        residency=jardins_residency,
        starts_at=_local(thursday, 18),
        ends_at=_local(thursday, 20),
        title="Soirée « Jardiner sans pesticides »",
        expected_people=20,
        by=asso_user,
    )
    event = booking_publish_event(
        booking=event_booking,
        title="Jardiner sans pesticides : soirée d'échanges",
        summary="Les Jardins Partagés du Petit-Quevilly partagent leurs astuces à l'Atelier des Transitions.",
        capacity=20,
        themes=list(Theme.objects.filter(slug__in=["biodiversite", "alimentation"])),
        by=asso_user,
    )
    habitante = User.objects.filter(email="habitante@demo.pacte.fr").first()
    if habitante and not Registration.objects.filter(event=event, user=habitante).exists():
        registration_create(event=event, user=habitante)
    if velo_referent:
        booking_series_create(
            space=makers,
            residency=velo_residency,
            title="Atelier d'autoréparation",
            first_starts_at=_local(thursday - timedelta(days=1), 14),
            duration_minutes=180,
            until=thursday + timedelta(weeks=5),
            expected_people=10,
            by=velo_referent,
        )
    # History for the occupancy report: past bookings are written as they ended (the services refuse
    # a slot in the past), some used, one released as a no-show.
    for weeks_ago in range(1, 9):
        day = tuesday - timedelta(weeks=weeks_ago)
        start = _local(day, 18)
        Booking.objects.create(
            space=seine,
            residency=jardins_residency,
            organisation=jardins,
            title="Permanence des jardiniers",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            status=BookingStatus.RELEASED if weeks_ago == 3 else BookingStatus.CONFIRMED,
            checked_in_at=None if weeks_ago == 3 else start + timedelta(minutes=5),
            expected_people=12,
            created_by=asso_user,
        )
    if stdout:
        stdout.write("Atelier des Transitions : lieu, 4 espaces, 2 appels, 5 candidatures, 2 résidentes.")


def seed_atelier_scale(scale: int, stdout=None) -> None:
    """Load data for the bench: 2 × scale resident associations with 10 bookings each."""
    venue = _venue()
    if Organisation.objects.filter(slug__startswith="atelier-bench-").exists():
        return
    count = 2 * scale
    organisations = Organisation.objects.bulk_create(
        Organisation(
            kind=OrganisationKind.ASSOCIATION, name=f"Association résidente n° {n}", slug=f"atelier-bench-{n}"
        )
        for n in range(count)
    )
    today = timezone.localdate()
    residencies = Residency.objects.bulk_create(
        Residency(
            organisation=organisation,
            starts_on=today - timedelta(days=100),
            ends_on=today + timedelta(days=265),
            weekly_quota_hours=10,
            rules_accepted_at=timezone.now(),
        )
        for organisation in organisations
    )
    boxes = max(1, count // 50)
    spaces = [
        Space.objects.get_or_create(
            slug=f"box-{n}",
            defaults={
                "venue": venue,
                "name": f"Box n° {n + 1}",
                "kind": SpaceKind.SHARED_DESKS,
                "capacity": 4,
                "position": 10 + n,
            },
        )[0]
        for n in range(boxes)
    ]
    monday = today - timedelta(days=today.weekday()) - timedelta(weeks=4)
    bookings = []
    for index, residency in enumerate(residencies):
        residency.spaces.add(spaces[index % boxes])
        k = index // boxes  # unique per box: its slots never overlap
        for week in range(10):
            start = _local(monday + timedelta(weeks=week, days=k // 10), 9 + k % 10)
            bookings.append(
                Booking(
                    space=spaces[index % boxes],
                    residency=residency,
                    organisation=residency.organisation,
                    title="Réunion",
                    starts_at=start,
                    ends_at=start + timedelta(hours=1),
                    status=BookingStatus.CONFIRMED,
                    checked_in_at=start if start < timezone.now() else None,
                )
            )
    Booking.objects.bulk_create(bookings, batch_size=1000)
    if stdout:
        stdout.write(f"Atelier : {count} associations résidentes, {len(bookings)} réservations.")
