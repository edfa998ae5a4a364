from celery.schedules import crontab

from . import portal


class PacteConfig(portal.PortalApp):
    """The kernel, declared through the same extension point as the action apps."""

    name = "pacte"
    # What the admin shows for the kernel's models (sections, breadcrumbs, the journal's filter).
    verbose_name = "Agenda, structures et personnes"

    nav = (
        portal.NavEntry("Accueil", "home", "/", position=0),
        portal.NavEntry("Agenda", "agenda:list", "/agenda/", position=10),
        portal.NavEntry("Mon espace", "my_space", "/mon-espace/", position=100, signed_in_only=True),
    )
    cache_area = "agenda"
    beat_schedule = {
        "event-reminders": {
            "task": "pacte.tasks.send_event_reminders",
            # Every day at 9:00, Paris time: reminders for tomorrow's events.
            "schedule": crontab(hour=9, minute=0),
            "options": {"expires": 60 * 60},
        },
    }
    watched_models = (
        "pacte.Event",
        "pacte.Registration",
        "pacte.Organisation",
        "pacte.Theme",
        "pacte.Commune",
        "pacte.Membership",
        "pacte.Topic",
        "pacte.Reply",
    )

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import checks  # noqa: F401 — registers the system checks
        from .cache import connect_declared_models
        from .staff_groups import grant_declared_staff_permissions

        # In every process (web, Celery worker, shell): writes made outside the services still
        # renew the cached pages of their area.
        connect_declared_models()
        # The versions a request reads are read once per request (pacte.cache, "Within a request").
        from django.core.signals import request_finished, request_started

        from . import cache

        request_started.connect(cache.request_started, dispatch_uid="pacte-cache-request-started")
        request_finished.connect(cache.request_finished, dispatch_uid="pacte-cache-request-finished")
        # After every migrate, once Django has created the permissions of new models.
        post_migrate.connect(grant_declared_staff_permissions, dispatch_uid="pacte-staff-permissions")

        # A TOTP just set up counts as this session's second factor (pacte.permissions).
        from allauth.mfa.models import Authenticator
        from django.db.models.signals import post_save

        from .permissions import record_second_factor_on_activation

        post_save.connect(
            record_second_factor_on_activation, sender=Authenticator, dispatch_uid="pacte-2fa-activation"
        )

        # The session's user is cached (pacte.auth_backends): any save or deletion drops it.
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete

        from .auth_backends import forget_user

        post_save.connect(forget_user, sender=get_user_model(), dispatch_uid="pacte-user-cache-save")
        post_delete.connect(forget_user, sender=get_user_model(), dispatch_uid="pacte-user-cache-delete")

        # A change of address is told to the current address first, with a way to cancel it.
        from allauth.account.signals import email_added

        from .services.accounts import on_email_added

        email_added.connect(on_email_added, dispatch_uid="pacte-email-change-notice")

    def key_figures(self):
        from django.db.models import Count, Q, Sum

        from .models import Event

        # The confirmed registrations are the events' taken seats (kept by the registration
        # services under the event's row lock): a sum over the events instead of a count over
        # every registration, which took 60 ms with 200,000 of them (recounted at each
        # registration, since a registration renews the agenda's figures).
        counts = Event.objects.aggregate(
            published=Count("id", filter=Q(is_published=True)), seats=Sum("seats_taken")
        )
        return [
            portal.KeyFigure(counts["published"], "événement publié", "événements publiés", 10),
            portal.KeyFigure(counts["seats"] or 0, "inscription confirmée", "inscriptions confirmées", 20),
        ]

    def participations(self):
        from .enums import RegistrationStatus
        from .models import Event, Registration

        # Every action's events are in the one agenda: the event says which action it belongs to.
        return [
            portal.Participation(
                Registration.objects.filter(status=RegistrationStatus.CONFIRMED, attended=True),
                at="event__starts_at",
                action_field="event__action",
                person="user",
                label="Présents aux événements (inscrits)",
            ),
            portal.Participation(
                Event.objects.published().filter(walk_in_count__gt=0),
                at="starts_at",
                action_field="action",
                commune="commune",
                headcount="walk_in_count",
                label="Personnes venues sans inscription",
            ),
        ]

    def admin_todo(self, request):
        from django.urls import reverse
        from django.utils import timezone

        from .models import Event

        if not request.user.has_perm("pacte.change_event"):
            return []
        now = timezone.now()
        events = reverse("admin:pacte_event_changelist")
        to_publish = Event.objects.filter(is_published=False, starts_at__gte=now).count()
        to_record = Event.objects.awaiting_attendance(now).count()
        return [
            portal.TodoItem(
                to_publish,
                "événement à venir à publier",
                "événements à venir à publier",
                f"{events}?is_published__exact=0&quand=a-venir",
                group="Agenda",
            ),
            portal.TodoItem(
                to_record,
                "événement passé dont les présences sont à saisir",
                "événements passés dont les présences sont à saisir",
                f"{events}?presences=a-saisir",
                group="Agenda",
            ),
        ]

    def export_personal_data(self, user):
        from .services.exchanges import exchanges_export

        return {"echanges": exchanges_export(user)}

    def erase_personal_data(self, user):
        from .services.exchanges import exchanges_erase

        exchanges_erase(user)

    def seed_demo(self, stdout=None):
        from .demo import seed_base

        seed_base(stdout)

    def seed_scale(self, scale, stdout=None):
        from .demo import seed_scale

        seed_scale(scale, stdout)
