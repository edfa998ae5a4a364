from celery.schedules import crontab

from pacte import portal


class AtelierConfig(portal.PortalApp):
    """Action 2: the Atelier des Transitions — calls for applications, resident associations and
    the booking of its spaces. Everything it brings to the portal is declared here."""

    name = "atelier"
    verbose_name = "Atelier des Transitions"

    urls = "atelier.urls"
    url_prefix = "atelier/"
    nav = (portal.NavEntry("Atelier des Transitions", "atelier:home", "/atelier/", position=30),)
    stylesheets = ("css/atelier.css",)

    watched_models = (
        "atelier.Venue",
        "atelier.Space",
        "atelier.OpeningHours",
        "atelier.Closure",
        "atelier.Call",
        "atelier.Criterion",
        "atelier.RequiredDocument",
        "atelier.Residency",
        # Not shown publicly, but a person's state on a call's page (their applications) is
        # cached under this area's version (pacte.prepared): an application's write renews it.
        "atelier.Application",
    )
    staff_permissions = {
        "DACTE administration": "all",
        "Gestion de l'Atelier": "all",
        "Lecture des indicateurs": [
            "view_call",
            "view_application",
            "view_residency",
            "view_booking",
            "view_space",
        ],
    }
    beat_schedule = {
        # A booking not checked in 30 minutes after its start is released: every 5 minutes, so a
        # slot is freed at most 35 minutes after the start.
        "atelier-release-no-shows": {
            "task": "atelier.tasks.release_no_shows",
            "schedule": crontab(minute="*/5"),
        },
        # The day before, at 17:00: time enough to cancel a slot the association no longer needs.
        "atelier-booking-reminders": {
            "task": "atelier.tasks.send_booking_reminders",
            "schedule": crontab(hour=17, minute=0),
        },
    }
    audit_verbs = {
        "atelier.call.open": "appel ouvert",
        "atelier.call.save": "appel modifié",
        "atelier.call.delete": "appel supprimé",
        "atelier.residency.update": "résidence modifiée",
        "atelier.application.create": "candidature commencée",
        "atelier.application.save": "candidature enregistrée",
        "atelier.application.submit": "candidature déposée",
        "atelier.application.decide": "décision sur la candidature",
        "atelier.application.document": "pièce jointe déposée",
        "atelier.review.save": "évaluation enregistrée",
        "atelier.residency.create": "résidence créée",
        "atelier.residency.accept_rules": "règlement accepté",
        "atelier.booking.create": "réservation",
        "atelier.booking.approve": "réservation validée",
        "atelier.booking.refuse": "réservation refusée",
        "atelier.booking.cancel": "réservation annulée",
        "atelier.booking.check_in": "arrivée signalée",
        "atelier.booking.release": "réservation libérée (absence)",
        "atelier.booking.publish_event": "événement publié",
        "atelier.venue.create": "lieu créé",
        "atelier.venue.update": "lieu modifié",
        "atelier.venue.delete": "lieu supprimé",
        "atelier.space.create": "espace créé",
        "atelier.space.update": "espace modifié",
        "atelier.space.delete": "espace supprimé",
        "atelier.opening_hours.create": "horaire d'ouverture ajouté",
        "atelier.opening_hours.update": "horaire d'ouverture modifié",
        "atelier.opening_hours.delete": "horaire d'ouverture supprimé",
        "atelier.closure.create": "fermeture ajoutée",
        "atelier.closure.update": "fermeture modifiée",
        "atelier.closure.delete": "fermeture supprimée",
        "atelier.criterion.create": "critère ajouté",
        "atelier.criterion.update": "critère modifié",
        "atelier.criterion.delete": "critère supprimé",
        "atelier.required_document.create": "document demandé ajouté",
        "atelier.required_document.update": "document demandé modifié",
        "atelier.required_document.delete": "document demandé supprimé",
    }

    def metrics(self):
        from .indicators import METRICS

        return METRICS

    def participations(self):
        from .indicators import participations

        return participations()

    def seed_demo(self, stdout=None):
        from .demo import seed_atelier

        seed_atelier(stdout)

    def seed_scale(self, scale, stdout=None):
        from .demo import seed_atelier_scale

        seed_atelier_scale(scale, stdout)

    def export_personal_data(self, user):
        from .services.personal_data import atelier_export

        return {"atelier": atelier_export(user)}

    def erase_personal_data(self, user):
        from .services.personal_data import atelier_erase

        atelier_erase(user)

    def home_card(self):
        return portal.HomeCard(
            action="atelier",
            number=2,
            title="Atelier des Transitions",
            text="Un lieu prêté aux associations environnementales du PACTE, choisies sur appel à "
            "candidatures : salle de réunion, bureaux partagés, atelier et espace d'exposition.",
            url_name="atelier:home",
        )

    def key_figures(self):
        from .models import Residency

        residents = Residency.objects.current().values("organisation").distinct().count()
        return [portal.KeyFigure(residents, "association résidente", "associations résidentes", 35)]

    def my_space_sections(self, request):
        from django.urls import reverse

        from .enums import ApplicationStatus
        from .models import Application, Residency

        user = request.user
        residencies = list(
            Residency.objects.active()
            .filter(organisation__in=_referent_organisations(user))
            .select_related("organisation")
        )
        applications = list(
            Application.objects.filter(organisation__in=_referent_organisations(user))
            .select_related("call", "organisation")
            .order_by("-created_at")[:10]
        )
        if not residencies and not applications:
            return []
        todo = [
            portal.TodoItem(
                1,
                f"règlement de l'Atelier à accepter ({r.organisation.name})",
                f"règlement de l'Atelier à accepter ({r.organisation.name})",
                reverse("atelier:residency", args=[r.organisation.slug]),
            )
            for r in residencies
            if not r.rules_accepted_at
        ]
        drafts = [a for a in applications if a.status == ApplicationStatus.DRAFT and a.call.is_open()]
        if drafts:
            todo.append(
                portal.TodoItem(
                    len(drafts),
                    "candidature à l'Atelier à terminer",
                    "candidatures à l'Atelier à terminer",
                    drafts[0].get_absolute_url(),
                )
            )
        return [
            portal.MySpaceSection(
                title="Atelier des Transitions",
                template="atelier/includes/_my_space.html",
                context={"residencies": residencies, "applications": applications},
                todo=todo,
                position=25,
            )
        ]

    def admin_todo(self, request):
        from django.urls import reverse

        from .enums import ApplicationStatus, BookingStatus
        from .models import Application, Booking

        items = []
        if request.user.has_perm("atelier.change_application"):
            waiting = Application.objects.filter(status=ApplicationStatus.SUBMITTED).count()
            items.append(
                portal.TodoItem(
                    waiting,
                    "candidature à l'Atelier à examiner",
                    "candidatures à l'Atelier à examiner",
                    reverse("admin:atelier_application_changelist")
                    + f"?status__exact={ApplicationStatus.SUBMITTED}",
                    group="Atelier des Transitions",
                )
            )
        if request.user.has_perm("atelier.change_booking"):
            pending = Booking.objects.filter(status=BookingStatus.PENDING).count()
            items.append(
                portal.TodoItem(
                    pending,
                    "réservation à valider",
                    "réservations à valider",
                    reverse("admin:atelier_booking_changelist") + f"?status__exact={BookingStatus.PENDING}",
                    group="Atelier des Transitions",
                )
            )
        return [item for item in items if item.count]

    def organisation_sections(self, request, organisation):
        from .models import Residency

        residency = (
            Residency.objects.current()
            .filter(organisation=organisation)
            .select_related("organisation")
            .first()
        )
        if residency is None:
            return []
        return [
            portal.PageSection(
                title="Résidente de l'Atelier des Transitions",
                template="atelier/includes/_organisation_section.html",
                context={"residency": residency},
                position=40,
            )
        ]


def _referent_organisations(user):
    from pacte.models import Organisation

    return Organisation.objects.filter(memberships__user=user, memberships__role="referent")
