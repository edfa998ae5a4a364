from celery.schedules import crontab

from pacte import portal
from pacte.enums import StaffGroup


class IndicatorsConfig(portal.PortalApp):
    """The programme's indicators: what every app declares (`PortalApp.metrics()`), the people
    mobilised counted once across the six actions (`PortalApp.participations()`), monthly
    snapshots, surveys after the actions, the dashboard `/indicateurs/tableau-de-bord/` and its
    exports, the public figures of `/indicateurs/` and their open data.

    It reads the action apps only through their declarations (pacte/portal.py), never by importing
    them: removing an action app removes its figures, nothing else.
    """

    name = "indicators"
    verbose_name = "Indicateurs"

    urls = "indicators.urls"
    url_prefix = "indicateurs/"
    stylesheets = ("css/indicators.css",)
    nav = (portal.NavEntry("Indicateurs", "indicators:public", "/indicateurs/", position=90),)
    watched_models = ("indicators.MonthlySnapshot",)

    # --- Surveys (indicators/surveys) ---
    staff_permissions = {
        StaffGroup.DACTE_ADMIN.value: "all",
        StaffGroup.INDICATORS.value: ["view_survey", "view_question", "view_monthlysnapshot"],
    }
    audit_verbs = {
        "survey.create": "questionnaire créé",
        "survey.update": "questionnaire modifié",
        "survey.delete": "questionnaire supprimé",
        "survey.question_create": "question ajoutée",
        "survey.question_update": "question modifiée",
        "survey.question_delete": "question supprimée",
        "survey.open": "questionnaire ouvert",
        "survey.close": "questionnaire clos",
        "survey.invite": "invitation au questionnaire envoyée",
        "survey.answer": "réponse au questionnaire reçue",
        "survey.opt_out": "refus des questionnaires",
        "snapshot.compute": "Indicateurs du mois calculés",
        "snapshot.recompute": "Indicateurs du mois recalculés",
    }
    beat_schedule = {
        "indicators-survey-invitations": {
            "task": "indicators.surveys.tasks.send_survey_invitations",
            # Hourly: invitations leave the morning after the delay, reminders once.
            "schedule": crontab(minute=17),
            "options": {"expires": 3000},
        },
        "indicators-monthly-snapshot": {
            "task": "indicators.tasks.snapshot_last_month",
            # On the 1st at 3:10, Paris time: the month just ended, once its last night is over.
            "schedule": crontab(day_of_month=1, hour=3, minute=10),
            "options": {"expires": 20 * 60 * 60},
        },
    }

    def key_figures(self):
        from .public import people_this_year

        figure = people_this_year()
        if figure is None:
            return []
        return [portal.KeyFigure(figure, "personne mobilisée", "personnes mobilisées", 5)]

    def metrics(self):
        from .surveys.indicators import METRICS as SURVEY_METRICS

        return [*SURVEY_METRICS]

    def participations(self):
        from .surveys.indicators import participations

        return participations()

    def my_space_sections(self, request):
        from .access import reads_indicators

        if not reads_indicators(request.user):
            return []
        return [
            portal.MySpaceSection(
                title="Questionnaires après les actions",
                template="indicators/surveys/includes/_my_space.html",
                position=90,
            )
        ]

    def export_personal_data(self, user):
        from .surveys.services import personal_data_export

        return {"questionnaires": personal_data_export(user)}

    def erase_personal_data(self, user):
        from .surveys.services import personal_data_erase

        personal_data_erase(user)

    def _survey_todo(self, request):
        from django.urls import reverse
        from django.utils import timezone

        from .surveys.models import Survey, SurveyStatus

        if not request.user.has_perm("indicators.change_survey"):
            return []
        # Drafts whose event is over: the invitations wait for someone to open them.
        count = Survey.objects.filter(status=SurveyStatus.DRAFT, event__ends_at__lt=timezone.now()).count()
        return [
            portal.TodoItem(
                count,
                "questionnaire à ouvrir (événement passé)",
                "questionnaires à ouvrir (événements passés)",
                reverse("admin:indicators_survey_changelist") + "?status__exact=draft",
                group="Indicateurs",
            )
        ]

    def _snapshot_todo(self, request):
        from django.urls import reverse

        from .models import MonthlySnapshot
        from .registry import PEOPLE_TOTAL
        from .services import previous_month

        if not request.user.has_perm("indicators.view_monthlysnapshot"):
            return []
        # Only once the history has started: the month's task did not run (a fresh site waits for
        # its first 1st of the month, or for the backfill).
        latest = (
            MonthlySnapshot.objects.overall()
            .filter(metric=PEOPLE_TOTAL)
            .order_by("-month")
            .values_list("month", flat=True)
            .first()
        )
        if latest is None or latest >= previous_month():
            return []
        return [
            portal.TodoItem(
                1,
                "mois clos dont les indicateurs ne sont pas calculés (manage.py backfill_indicators)",
                "mois clos dont les indicateurs ne sont pas calculés (manage.py backfill_indicators)",
                reverse("admin:indicators_monthlysnapshot_changelist"),
                group="Indicateurs",
            )
        ]

    def admin_todo(self, request):
        return [*self._survey_todo(request), *self._snapshot_todo(request)]

    def open_data(self):
        return [
            portal.OpenDataFile(
                title="Personnes mobilisées par le PACTE, par mois, action, commune et public",
                description="Chaque mois clos depuis le début du suivi : les personnes distinctes "
                "touchées par chaque action et par l'ensemble des actions (une personne comptée une "
                "fois), par commune et par public. Les effectifs inférieurs à 5 sont masqués pour "
                "qu'aucune personne ne puisse être reconnue, ainsi qu'un second effectif là où le "
                "total permettrait de retrouver un effectif masqué seul.",
                url_name="indicators:open_data_people",
                position=80,
            ),
            portal.OpenDataFile(
                title="Indicateurs mensuels des six actions du PACTE",
                description="Chaque indicateur déclaré par les actions (clé, libellé, action), "
                "mois par mois, pour l'ensemble de la Métropole, tel qu'il a été calculé à la "
                "clôture du mois.",
                url_name="indicators:open_data_metrics",
                position=81,
            ),
        ]

    def personal_data_sections(self):
        return [
            portal.PageSection(
                title="Questionnaires après les événements",
                template="indicators/surveys/includes/_personal_data.html",
                position=80,
            )
        ]

    def seed_demo(self, stdout=None):
        from .demo import seed_indicators
        from .surveys.demo import seed_demo

        seed_demo(stdout)
        seed_indicators(stdout)

    def seed_scale(self, scale, stdout=None):
        from .demo import seed_indicators_scale

        seed_indicators_scale(scale, stdout)
